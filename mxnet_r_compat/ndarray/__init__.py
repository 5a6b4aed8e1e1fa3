"""The NDArray type and its functions (``mx.nd.*``).

An :class:`NDArray` is a float32 array in the backend (row-major) layout; every operator on
it runs in the C core. ``FUNCTIONS`` is the table of the public functions under their
Python names (``slice_axis``, ``broadcast_add``); ``rnames.py`` also lists them with dots
(``mx.nd.slice.axis``), as MXNet R spells them.

Example:
    >>> from mxnet_r_compat import mx
    >>> x = mx.nd.array([[1, 2], [3, 4]])
    >>> mx.nd.sum(mx.nd.square(x - 1), axis=1).asnumpy()
    array([ 1., 13.], dtype=float32)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .array import NDArray, array, as_ndarray, copyto, empty, full, is_ndarray, ones, zeros
from .elementwise import (
    BROADCAST_FUNCTIONS,
    ELEMWISE_FUNCTIONS,
    UNARY_FUNCTIONS,
    clip,
    maximum,
    minimum,
    power,
)
from .io import load, save
from .layout import (
    choose_element_0index,
    concat,
    crop,
    crop_assign,
    expand_dims,
    flatten,
    reshape,
    slice,
    slice_axis,
    transpose,
)
from .linalg import dot
from .reduce import argmax, argmin, max, mean, min, norm, sum, sum_axis

FUNCTIONS: dict[str, Callable[..., Any]] = {
    "NDArray": NDArray, "array": array, "zeros": zeros, "ones": ones, "empty": empty, "full": full,
    "copyto": copyto, "save": save, "load": load,
    "clip": clip, "maximum": maximum, "minimum": minimum, "power": power,
    "sum": sum, "mean": mean, "max": max, "min": min, "argmax": argmax, "argmin": argmin,
    "sum_axis": sum_axis, "norm": norm, "dot": dot,
    "reshape": reshape, "flatten": flatten, "expand_dims": expand_dims,
    "transpose": transpose, "concat": concat, "slice_axis": slice_axis,
    "crop": crop, "slice": slice, "crop_assign": crop_assign, "slice_assign": crop_assign,
    "choose_element_0index": choose_element_0index,
    **UNARY_FUNCTIONS, **BROADCAST_FUNCTIONS, **ELEMWISE_FUNCTIONS,
}

# The generated families as module attributes too (``ndarray.sqrt``, ``ndarray.broadcast_add``).
globals().update({**UNARY_FUNCTIONS, **BROADCAST_FUNCTIONS, **ELEMWISE_FUNCTIONS})

__all__ = ["NDArray", "FUNCTIONS", "as_ndarray", "is_ndarray", *FUNCTIONS]
