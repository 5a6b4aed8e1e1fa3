"""NDArray operators that move values: reshape (MXNet's special values), transpose,
expand_dims, flatten, concat, slice_axis, crop / slice, crop_assign / slice_assign and
choose_element_0index. Shapes follow ``ops/shape_rules.py``; data moves in C
(native/transpose.h, slice.h, concat.h)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._lib import ffi, lib
from ..errors import MXShapeError, MXValueError, invalid_value
from ..ops import shape_rules
from .array import NDArray, _wrap, as_ndarray, native


def _int64s(values: Sequence[int]) -> Any:
    return ffi.new("int64_t[]", [int(v) for v in values])


def reshape(data: Any, shape: int | Sequence[int], reverse: bool = False) -> NDArray:
    """A copy of ``data`` with a new shape; ``0`` keeps an extent, ``-1`` infers one, and
    ``-2``, ``-3``, ``-4`` work as in MXNet's Reshape.

    Example:
        >>> mx.nd.reshape(mx.nd.ones((2, 3, 4)), shape=(0, -1)).shape
        (2, 12)
    """
    x = as_ndarray(data)
    spec = (shape,) if isinstance(shape, int) else tuple(shape)
    target = shape_rules.reshape("reshape", x.shape, spec, bool(reverse))
    return _wrap(x._data.reshape(target).copy())


def flatten(data: Any) -> NDArray:
    """``data`` as (first extent, product of the others).

    Example:
        >>> mx.nd.flatten(mx.nd.ones((2, 3, 4))).shape
        (2, 12)
    """
    x = as_ndarray(data)
    return _wrap(x._data.reshape(x.shape[0], -1).copy())


def expand_dims(data: Any, axis: int) -> NDArray:
    """``data`` with an axis of extent 1 inserted at ``axis``.

    Example:
        >>> mx.nd.expand_dims(mx.nd.ones((2, 3)), axis=1).shape
        (2, 1, 3)
    """
    x = as_ndarray(data)
    d = shape_rules.axis_index("expand_dims", axis, x.ndim + 1)
    return _wrap(x._data.reshape((*x.shape[:d], 1, *x.shape[d:])).copy())


def transpose(data: Any, axes: Sequence[int] | None = None) -> NDArray:
    """The axes of ``data`` permuted (reversed when ``axes`` is None).

    Example:
        >>> mx.nd.transpose(mx.nd.ones((2, 3, 4)), axes=(1, 0, 2)).shape
        (3, 2, 4)
    """
    x = as_ndarray(data)
    perm = shape_rules.transpose_axes("transpose", x.ndim, axes)
    out = _wrap(np.empty(tuple(x.shape[a] for a in perm), np.float32))
    if x.size:
        _check_ndim("transpose", x.shape)
        native(lib.mxc_transpose_forward(out._ptr, x._ptr, x.ndim, _int64s(x.shape),
                                         _int64s(perm)), "transpose")
    return out


def concat(*arrays: Any, data: Any = None, dim: int = 1, num_args: int | None = None
           ) -> NDArray:
    """Arrays joined along axis ``dim``; give them as arguments or as one list
    (``mx.nd.concat(data=[a, b], num_args=2, dim=0)``).

    Example:
        >>> mx.nd.concat(mx.nd.ones((2, 1)), mx.nd.zeros((2, 3)), dim=1).shape
        (2, 4)
    """
    if data is not None:
        arrays = (data, *arrays)
    single = len(arrays) == 1 and isinstance(arrays[0], (list, tuple))
    items = list(arrays[0]) if single else arrays
    ndarrays = [as_ndarray(a) for a in items]
    if num_args is not None and int(num_args) != len(ndarrays):
        raise invalid_value("num_args", num_args, f"the number of arrays ({len(ndarrays)})")
    shape, axis = shape_rules.concat("concat", [a.shape for a in ndarrays], dim)
    out = _wrap(np.empty(shape, np.float32))
    outer = shape_rules.size_of(shape[:axis])
    widths = [shape_rules.size_of(a.shape[axis:]) for a in ndarrays]
    if out.size:
        keep = [a for a, w in zip(ndarrays, widths, strict=True) if w]
        native(lib.mxc_concat_forward(out._ptr, ffi.new("const float *[]", [a._ptr for a in keep]),
                                      _int64s([w for w in widths if w]), len(keep), outer),
               "concat")
    return out


def slice_axis(data: Any, axis: int, begin: int, end: int | None = None) -> NDArray:
    """The part ``begin:end`` of axis ``axis`` (``end`` None = to the end; negatives count
    from the end).

    Example:
        >>> mx.nd.slice_axis(mx.nd.array([[1, 2, 3], [4, 5, 6]]), axis=1, begin=1, end=3)
        ... .asnumpy()
        array([[2., 3.],
               [5., 6.]], dtype=float32)
    """
    x = as_ndarray(data)
    begins, ends = shape_rules.slice_axis_box("slice_axis", x.shape, axis, begin, end)
    return _box(x, begins, ends, "slice_axis")


def crop(data: Any, begin: Sequence[int | None], end: Sequence[int | None],
         step: Sequence[int | None] | None = None) -> NDArray:
    """The box ``begin:end`` over the leading axes (MXNet's ``slice``, alias ``crop``).

    Example:
        >>> mx.nd.crop(mx.nd.ones((2, 3, 4)), begin=(0, 0, 0), end=(2, 1, 3)).shape
        (2, 1, 3)
    """
    x = as_ndarray(data)
    _check_step(step, "crop")
    begins, ends = shape_rules.crop_box("crop", x.shape, _seq(begin), _seq(end))
    return _box(x, begins, ends, "crop")


def slice(data: Any, begin: Sequence[int | None], end: Sequence[int | None],
          step: Sequence[int | None] | None = None) -> NDArray:
    """MXNet's ``slice``: the box ``begin:end`` over the leading axes (the same as
    :func:`crop`).

    Example:
        >>> mx.nd.slice(mx.nd.ones((4, 3)), begin=(1,), end=(3,)).shape
        (2, 3)
    """
    return crop(data, begin, end, step)


def _box(x: NDArray, begins: Sequence[int], ends: Sequence[int], op: str) -> NDArray:
    _check_ndim(op, x.shape)
    out = _wrap(np.empty(tuple(e - b for b, e in zip(begins, ends, strict=True)), np.float32))
    native(lib.mxc_slice_forward(out._ptr, x._ptr, x.ndim, _int64s(x.shape), _int64s(begins),
                                 _int64s(ends)), op)
    return out


def crop_assign(lhs: Any, rhs: Any, begin: Sequence[int | None], end: Sequence[int | None],
                step: Sequence[int | None] | None = None) -> NDArray:
    """A copy of ``lhs`` whose box ``begin:end`` holds ``rhs`` (MXNet's ``_slice_assign``,
    alias ``_crop_assign``).

    Example:
        >>> mx.nd.crop_assign(mx.nd.ones((2, 2)), mx.nd.zeros((1, 2)), (0, 0), (1, 2))
        ... .asnumpy()
        array([[0., 0.],
               [1., 1.]], dtype=float32)
    """
    x, v = as_ndarray(lhs, "lhs"), as_ndarray(rhs, "rhs")
    _check_step(step, "crop_assign")
    begins, ends = shape_rules.crop_box("crop_assign", x.shape, _seq(begin), _seq(end))
    box = tuple(e - b for b, e in zip(begins, ends, strict=True))
    if v.shape != box:
        raise MXShapeError(f"crop_assign: rhs has shape {v.shape} but the box begin={begin}, "
                           f"end={end} of lhs {x.shape} has shape {box}.")
    _check_ndim("crop_assign", x.shape)
    out = _wrap(np.empty(x.shape, np.float32))
    native(lib.mxc_slice_assign_forward(out._ptr, x._ptr, v._ptr, x.ndim, _int64s(x.shape),
                                        _int64s(begins), _int64s(ends)), "crop_assign")
    return out


def choose_element_0index(lhs: Any, rhs: Any) -> NDArray:
    """Row i of ``lhs`` (n, k) at column ``rhs[i]`` (0-based), shape (n,).

    Example:
        >>> mx.nd.choose_element_0index(mx.nd.array([[1, 2], [3, 4]]), mx.nd.array([1, 0]))
        ... .asnumpy()
        array([2., 3.], dtype=float32)
    """
    x, index = as_ndarray(lhs, "lhs"), as_ndarray(rhs, "rhs")
    if x.ndim != 2 or index.shape != (x.shape[0],):
        raise MXShapeError(f"choose_element_0index: lhs must be (n, k) and rhs (n,); received "
                           f"{x.shape} and {index.shape}.")
    values = index._data
    if not np.all((values >= 0) & (values < x.shape[1]) & (values == np.floor(values))):
        raise MXValueError(f"Invalid value for argument `rhs` of choose_element_0index. "
                           f"Received: {values.tolist()}. Expected whole numbers in "
                           f"0..{x.shape[1] - 1}.")
    out = _wrap(np.empty((x.shape[0],), np.float32))
    native(lib.mxc_choose_element_forward(out._ptr, x._ptr, index._ptr, *x.shape),
           "choose_element_0index")
    return out


def _seq(values: Any) -> list[int | None]:
    if isinstance(values, (int, np.integer)) or values is None:
        return [None if values is None else int(values)]
    return [None if v is None else int(v) for v in values]


def _check_step(step: Any, op: str) -> None:
    if step is not None and any(s not in (None, 1) for s in _seq(step)):
        raise invalid_value("step", step, f"None or 1 (steps other than 1 are not supported by "
                                          f"{op})")


def _check_ndim(op: str, shape: tuple[int, ...]) -> None:
    if len(shape) > shape_rules.MAX_NDIM:
        raise MXShapeError(f"{op}: at most {shape_rules.MAX_NDIM} axes are supported; received "
                           f"shape {shape}.")


def _transpose_property(self: NDArray) -> NDArray:
    """The transpose (axes reversed), ``x.T``."""
    return transpose(self)


def _reshape_method(self: NDArray, *shape: Any, **kwargs: Any) -> NDArray:
    """``mx.nd.reshape(self, shape)``; ``x.reshape(2, 3)`` and ``x.reshape((2, 3))``."""
    spec = shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape
    return reshape(self, kwargs.pop("shape", spec), **kwargs)


setattr(NDArray, "T", property(_transpose_property))  # noqa: B010  (mypy: assigned after the class)
setattr(NDArray, "reshape", _reshape_method)  # noqa: B010
