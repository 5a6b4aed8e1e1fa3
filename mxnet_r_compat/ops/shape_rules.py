"""Shape rules of the NDArray and symbol algebra operators, as pure functions of shapes.

The NDArray functions (``mxnet_r_compat/ndarray/``) and the graph's shape inference use the
same rules, so an operator infers one shape whichever way it runs: MXNet's Reshape special
values, broadcasting, reduction axes, transpose axes, slicing boxes and dot.

Shapes here are backend shapes (row-major, batch first). Every error is an
:class:`~mxnet_r_compat.errors.MXShapeError` or :class:`~mxnet_r_compat.errors.MXValueError`
that names the operator and the shapes it received.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import MXShapeError, MXValueError

Shape = tuple[int, ...]

#: The most axes a kernel walks (native/ndwalk.h, MXC_WALK_NDIM).
MAX_NDIM = 8


def size_of(shape: Sequence[int]) -> int:
    """Number of elements (1 for the empty shape).

    Example:
        >>> size_of((2, 3))
        6
    """
    n = 1
    for s in shape:
        n *= int(s)
    return n


def _text(shape: Sequence[int]) -> str:
    return "(" + ", ".join(str(int(s)) for s in shape) + ("," if len(shape) == 1 else "") + ")"


# -------------------------------------------------------------------------------------------
# Reshape


def reshape(op: str, in_shape: Shape, spec: Sequence[int], reverse: bool = False) -> Shape:
    """The target shape of MXNet's Reshape, with its special values.

    ``0`` copies the input's extent at that position, ``-1`` is inferred from the size,
    ``-2`` copies all remaining input extents, ``-3`` merges two consecutive input extents
    and ``-4`` splits one input extent into the next two values (one may be ``-1``).
    ``reverse`` applies the rules from the right.

    Example:
        >>> reshape("reshape", (2, 3, 4), (0, -1)), reshape("reshape", (2, 3, 4), (-3, -2))
        ((2, 12), (6, 4))
    """
    spec = tuple(int(s) for s in spec)
    if reverse:
        return tuple(reversed(reshape(op, tuple(reversed(in_shape)),
                                      _reverse_spec(spec), False)))
    out: list[int] = []
    src, infer_at, i = 0, -1, 0
    try:
        while i < len(spec):
            p = spec[i]
            if p > 0 or p == 0:
                out.append(p if p > 0 else in_shape[src])
                src += 1
            elif p == -1:
                if infer_at >= 0:
                    raise MXValueError(f"{op}: at most one -1 may appear in shape "
                                       f"{_text(spec)}.")
                infer_at = len(out)
                out.append(1)
                src += 1
            elif p == -2:
                out.extend(in_shape[src:])
                src = len(in_shape)
            elif p == -3:
                out.append(in_shape[src] * in_shape[src + 1])
                src += 2
            elif p == -4:
                out.extend(_split(op, in_shape[src], spec[i + 1:i + 3], spec))
                src += 1
                i += 2
            else:
                raise MXValueError(f"{op}: {p} in shape {_text(spec)} is not a valid extent "
                                   f"(expected a positive number, 0, -1, -2, -3 or -4).")
            i += 1
    except IndexError:
        raise MXShapeError(f"{op}: shape {_text(spec)} refers to more axes than the input "
                           f"{_text(in_shape)} has.") from None
    if infer_at >= 0:
        known = size_of(out)
        if known == 0 or size_of(in_shape) % known:
            raise MXShapeError(f"{op}: cannot infer the -1 in shape {_text(spec)} for an "
                               f"input of shape {_text(in_shape)}.")
        out[infer_at] = size_of(in_shape) // known
    if size_of(out) != size_of(in_shape):
        raise MXShapeError(f"{op}: target shape {_text(out)} (from shape {_text(spec)}) has "
                           f"{size_of(out)} elements but the input {_text(in_shape)} has "
                           f"{size_of(in_shape)}.")
    return tuple(out)


def _reverse_spec(spec: Shape) -> Shape:
    """The spec read from the right; a -4 keeps its two following values in order."""
    groups: list[Shape] = []
    i = 0
    while i < len(spec):
        if spec[i] == -4:
            groups.append((-4, spec[i + 2], spec[i + 1]) if i + 2 < len(spec) else spec[i:])
            i += 3
        else:
            groups.append((spec[i],))
            i += 1
    return tuple(v for g in reversed(groups) for v in g)


def _split(op: str, extent: int, parts: Sequence[int], spec: Shape) -> list[int]:
    if len(parts) != 2:
        raise MXValueError(f"{op}: -4 in shape {_text(spec)} must be followed by two values.")
    d0, d1 = parts
    if d0 == -1 and d1 > 0:
        d0 = extent // d1
    elif d1 == -1 and d0 > 0:
        d1 = extent // d0
    if d0 < 1 or d1 < 1 or d0 * d1 != extent:
        raise MXShapeError(f"{op}: -4 cannot split an extent of {extent} into "
                           f"({parts[0]}, {parts[1]}).")
    return [d0, d1]


# -------------------------------------------------------------------------------------------
# Broadcasting, axes


def broadcast(op: str, a: Shape, b: Shape) -> tuple[Shape, Shape, Shape]:
    """(out, a, b) shapes of a broadcast operator, a and b padded with leading 1s.

    Example:
        >>> broadcast("broadcast_add", (2, 3), (3,))
        ((2, 3), (2, 3), (1, 3))
    """
    ndim = max(len(a), len(b), 1)
    pa = (1,) * (ndim - len(a)) + tuple(a)
    pb = (1,) * (ndim - len(b)) + tuple(b)
    out = []
    for x, y in zip(pa, pb, strict=True):
        if x != y and x != 1 and y != 1:
            raise MXShapeError(f"{op}: shapes {_text(a)} and {_text(b)} cannot be broadcast "
                               f"together; on every axis the extents must be equal or one of "
                               f"them 1.")
        out.append(max(x, y))
    if ndim > MAX_NDIM:
        raise MXShapeError(f"{op}: at most {MAX_NDIM} axes are supported; received "
                           f"{_text(a)} and {_text(b)}.")
    return tuple(out), pa, pb


def axis_index(op: str, axis: int, ndim: int) -> int:
    """A possibly negative axis as an index into ``ndim`` axes.

    Example:
        >>> axis_index("sum", -1, 3)
        2
    """
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise MXValueError(f"Invalid value for argument `axis` of {op}. Received: axis={axis}. "
                           f"Expected an axis of an array with {ndim} axes "
                           f"({-ndim} <= axis < {ndim}).")
    return axis % ndim


def reduce_axes(op: str, ndim: int, axis: int | Sequence[int] | None,
                exclude: bool = False) -> tuple[int, ...]:
    """The sorted axes a reduction runs over (all for None; the others when ``exclude``).

    Example:
        >>> reduce_axes("sum", 3, (0, -1)), reduce_axes("sum", 3, 1, exclude=True)
        ((0, 2), (0, 2))
    """
    if axis is None or (not isinstance(axis, int) and len(axis) == 0):
        chosen: set[int] = set(range(ndim)) if axis is None else set()
    else:
        items = [axis] if isinstance(axis, int) else list(axis)
        chosen = {axis_index(op, a, ndim) for a in items}
        if len(chosen) != len(items):
            raise MXValueError(f"Invalid value for argument `axis` of {op}. Received: "
                               f"axis={axis}. Expected each axis at most once.")
    if exclude:
        chosen = set(range(ndim)) - chosen
    return tuple(sorted(chosen))


def reduced_shape(shape: Shape, axes: Sequence[int], keepdims: bool) -> Shape:
    """Shape after reducing ``axes``; (1,) when nothing is kept (MXNet has no 0-d arrays).

    Example:
        >>> reduced_shape((2, 3, 4), (1,), False), reduced_shape((2, 3), (0, 1), True)
        ((2, 4), (1, 1))
    """
    if keepdims:
        return tuple(1 if d in axes else s for d, s in enumerate(shape))
    kept = tuple(s for d, s in enumerate(shape) if d not in axes)
    return kept or (1,)


def transpose_axes(op: str, ndim: int, axes: Sequence[int] | None) -> tuple[int, ...]:
    """The permutation of a transpose: reversed axes for None or an empty tuple.

    Example:
        >>> transpose_axes("transpose", 3, None), transpose_axes("transpose", 3, (0, 2, 1))
        ((2, 1, 0), (0, 2, 1))
    """
    if axes is None or len(axes) == 0:
        return tuple(range(ndim - 1, -1, -1))
    perm = tuple(axis_index(op, a, ndim) for a in axes)
    if sorted(perm) != list(range(ndim)):
        raise MXValueError(f"Invalid value for argument `axes` of {op}. Received: "
                           f"axes={tuple(axes)}. Expected a permutation of the {ndim} axes "
                           f"0..{ndim - 1}.")
    return perm


# -------------------------------------------------------------------------------------------
# Boxes (slice, crop) and concat


def slice_axis_box(op: str, shape: Shape, axis: int, begin: int,
                   end: int | None) -> tuple[Shape, Shape]:
    """(begin, end) of a slice_axis box; ``end`` None means the end, negatives count back.

    Example:
        >>> slice_axis_box("slice_axis", (4, 5), 1, 1, -1)
        ((0, 1), (4, 4))
    """
    d = axis_index(op, axis, len(shape))
    lo, hi = _bound(begin, shape[d], 0), _bound(end, shape[d], shape[d])
    if not 0 <= lo < hi <= shape[d]:
        raise MXValueError(f"Invalid value for arguments `begin`, `end` of {op}. Received: "
                           f"begin={begin}, end={end} on axis {d} of extent {shape[d]}. "
                           f"Expected 0 <= begin < end <= {shape[d]} (negatives count from "
                           f"the end).")
    begins = tuple(lo if k == d else 0 for k in range(len(shape)))
    ends = tuple(hi if k == d else s for k, s in enumerate(shape))
    return begins, ends


def crop_box(op: str, shape: Shape, begin: Sequence[int | None],
             end: Sequence[int | None]) -> tuple[Shape, Shape]:
    """(begin, end) of a box over the leading ``len(begin)`` axes (MXNet's slice / crop).

    Example:
        >>> crop_box("crop", (2, 3, 4), (0, 1), (2, 3))
        ((0, 1, 0), (2, 3, 4))
    """
    if len(begin) != len(end) or len(begin) > len(shape):
        raise MXValueError(f"Invalid value for arguments `begin`, `end` of {op}. Received: "
                           f"begin={tuple(begin)}, end={tuple(end)} for a shape "
                           f"{_text(shape)}. Expected two sequences of one length, at most "
                           f"{len(shape)}.")
    lo = [_bound(b, s, 0) for b, s in zip(begin, shape, strict=False)]
    hi = [_bound(e, s, s) for e, s in zip(end, shape, strict=False)]
    for d, (b, e) in enumerate(zip(lo, hi, strict=True)):
        if not 0 <= b < e <= shape[d]:
            raise MXValueError(f"Invalid value for arguments `begin`, `end` of {op}. "
                               f"Received: begin={tuple(begin)}, end={tuple(end)} for a shape "
                               f"{_text(shape)}. Expected 0 <= begin < end <= extent on every "
                               f"axis (axis {d}: {b} and {e}).")
    rest = range(len(lo), len(shape))
    return tuple(lo) + tuple(0 for _ in rest), tuple(hi) + tuple(shape[d] for d in rest)


def _bound(value: int | None, extent: int, default: int) -> int:
    if value is None:
        return default
    value = int(value)
    return value + extent if value < 0 else value


def concat(op: str, shapes: Sequence[Shape], dim: int) -> tuple[Shape, int]:
    """(out shape, axis) of a concatenation along ``dim``.

    Example:
        >>> concat("concat", [(2, 3), (2, 1)], 1)
        ((2, 4), 1)
    """
    if not shapes:
        raise MXValueError(f"{op}: needs at least one array.")
    first = shapes[0]
    axis = axis_index(op, dim, len(first))
    for s in shapes[1:]:
        if len(s) != len(first) or any(x != y for k, (x, y) in enumerate(zip(s, first, strict=True))
                                       if k != axis):
            raise MXShapeError(f"{op}: shapes {_text(first)} and {_text(s)} differ on an axis "
                               f"other than the concatenated axis {axis}.")
    out = list(first)
    out[axis] = sum(s[axis] for s in shapes)
    return tuple(out), axis


def dot(op: str, a: Shape, b: Shape, transpose_a: bool, transpose_b: bool
        ) -> tuple[int, int, int, Shape]:
    """(m, n, k, out shape) of a matrix product; 1-d operands act as a row / column.

    N-d operands are flattened as MXNet's dot does: a to (prod(a[:-1]), a[-1]) and b to
    (b[0], prod(b[1:])); transposes are allowed for 1-d and 2-d operands only.

    Example:
        >>> dot("dot", (2, 3), (3, 4), False, False), dot("dot", (3, 2), (3,), True, False)
        ((2, 4, 3, (2, 4)), (2, 1, 3, (2,)))
    """
    if (transpose_a and len(a) > 2) or (transpose_b and len(b) > 2):
        raise MXValueError(f"{op}: transpose_a / transpose_b need 1-d or 2-d operands; "
                           f"received {_text(a)} and {_text(b)}.")
    rows_a = a[:-1] if not transpose_a else a[1:]
    k_a = a[-1] if not transpose_a else a[0]
    k_b = b[0] if not transpose_b else b[-1]
    cols_b = b[1:] if not transpose_b else b[:-1]
    if k_a != k_b:
        raise MXShapeError(f"{op}: shapes {_text(a)} and {_text(b)} do not fit for a matrix "
                           f"product (transpose_a={transpose_a}, transpose_b={transpose_b}): "
                           f"{k_a} != {k_b}.")
    out = tuple(rows_a) + tuple(cols_b)
    return size_of(rows_a), size_of(cols_b), k_a, out or (1,)
