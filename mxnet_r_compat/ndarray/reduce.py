"""NDArray reductions: sum, mean, max, min over all or some axes (with ``keepdims`` and
``exclude``), argmax and argmin along one axis. Each is one C call (native/reduce.h)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np

from .._lib import ffi, lib
from ..errors import MXShapeError
from ..ops import shape_rules
from .array import NDArray, _wrap, as_ndarray, native

Axis = int | Sequence[int] | None


def reduce(data: Any, name: str, axis: Axis = None, keepdims: bool = False,
           exclude: bool = False) -> NDArray:
    """The ``MXC_REDUCE_<NAME>`` reduction of ``data`` over ``axis`` (all axes for None).

    Example:
        >>> reduce(mx.nd.array([[1, 2], [3, 4]]), "sum", axis=0).asnumpy()
        array([4., 6.], dtype=float32)
    """
    x = as_ndarray(data)
    axes = shape_rules.reduce_axes(name, x.ndim, axis, exclude)
    if x.size == 0:
        raise MXShapeError(f"{name}: cannot reduce an empty array.")
    out = _wrap(np.empty(shape_rules.reduced_shape(x.shape, axes, keepdims), np.float32))
    shape = ffi.new("int64_t[]", list(x.shape))
    reduced = ffi.new("int[]", [int(d in axes) for d in range(x.ndim)])
    native(lib.mxc_reduce_forward(out._ptr, x._ptr, x.ndim, shape, reduced,
                                  getattr(lib, "MXC_REDUCE_" + name.upper())), name)
    return out


def sum(data: Any, axis: Axis = None, keepdims: bool = False,
        exclude: bool = False) -> NDArray:
    """Sum over ``axis`` (all axes when None), accumulated in double.

    Example:
        >>> mx.nd.sum(mx.nd.ones((2, 3)), axis=1).asnumpy()
        array([3., 3.], dtype=float32)
    """
    return reduce(data, "sum", axis, keepdims, exclude)


def mean(data: Any, axis: Axis = None, keepdims: bool = False,
         exclude: bool = False) -> NDArray:
    """Mean over ``axis`` (all axes when None).

    Example:
        >>> mx.nd.mean(mx.nd.array([1, 2, 6])).asnumpy()
        array([3.], dtype=float32)
    """
    return reduce(data, "mean", axis, keepdims, exclude)


def max(data: Any, axis: Axis = None, keepdims: bool = False,
        exclude: bool = False) -> NDArray:
    """Maximum over ``axis`` (all axes when None).

    Example:
        >>> mx.nd.max(mx.nd.array([[1, 5], [3, 2]]), axis=0).asnumpy()
        array([3., 5.], dtype=float32)
    """
    return reduce(data, "max", axis, keepdims, exclude)


def min(data: Any, axis: Axis = None, keepdims: bool = False,
        exclude: bool = False) -> NDArray:
    """Minimum over ``axis`` (all axes when None).

    Example:
        >>> mx.nd.min(mx.nd.array([[1, 5], [3, 2]]), axis=1).asnumpy()
        array([1., 2.], dtype=float32)
    """
    return reduce(data, "min", axis, keepdims, exclude)


def _arg(data: Any, axis: int | None, keepdims: bool, which: str) -> NDArray:
    x = as_ndarray(data)
    if x.size == 0:
        raise MXShapeError(f"{which}: cannot search an empty array.")
    if axis is None:  # over the flattened array, as MXNet
        shape: tuple[int, ...] = (x.size,)
        d, kept = 0, cast(tuple[int, ...], (1,))
    else:
        shape, d = x.shape, shape_rules.axis_index(which, axis, x.ndim)
        kept = shape_rules.reduced_shape(shape, (d,), keepdims)
    outer, inner = shape_rules.size_of(shape[:d]), shape_rules.size_of(shape[d + 1:])
    out = _wrap(np.empty(kept, np.float32))
    fn = lib.mxc_argmax_forward if which == "argmax" else lib.mxc_argmin_forward
    native(fn(out._ptr, x._ptr, outer, shape[d], inner), which)
    return out


def argmax(data: Any, axis: int | None = None, keepdims: bool = False) -> NDArray:
    """Index of the largest value along ``axis`` (of the flattened array for None), as
    float32, the first one on ties.

    Example:
        >>> mx.nd.argmax(mx.nd.array([[1, 5, 2], [7, 0, 7]]), axis=1).asnumpy()
        array([1., 0.], dtype=float32)
    """
    return _arg(data, axis, keepdims, "argmax")


def argmin(data: Any, axis: int | None = None, keepdims: bool = False) -> NDArray:
    """Index of the smallest value along ``axis``, as float32, the first one on ties.

    Example:
        >>> mx.nd.argmin(mx.nd.array([3, 1, 1])).asnumpy()
        array([1.], dtype=float32)
    """
    return _arg(data, axis, keepdims, "argmin")


def sum_axis(data: Any, axis: Axis = None, keepdims: bool = False,
             exclude: bool = False) -> NDArray:
    """MXNet's ``sum_axis``: the same as :func:`sum`.

    Example:
        >>> mx.nd.sum_axis(mx.nd.ones((2, 3)), axis=0).asnumpy()
        array([2., 2., 2.], dtype=float32)
    """
    return sum(data, axis, keepdims, exclude)


def norm(data: Any) -> NDArray:
    """The L2 norm of all elements, shape (1,).

    Example:
        >>> mx.nd.norm(mx.nd.array([3, 4])).asnumpy()
        array([5.], dtype=float32)
    """
    from .elementwise import unary
    return unary(sum(unary(data, "square")), "sqrt")
