"""What an iterator's ``value()`` holds: the one place that decides the type of batch values.

Iterators keep their batches as float32 numpy buffers and hand them to training as such
(``arrays()``); ``value()``, the user-facing view, passes each buffer through
:func:`to_value`, which makes it an :class:`~mxnet_r_compat.ndarray.NDArray` (as MXNet's
``value()`` gives NDArrays). A user-defined iterator's values come back through
:func:`from_value`: NDArrays (``mx.nd.array(x)``) and numpy arrays are both accepted.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..ndarray import NDArray, array, is_ndarray


def to_value(a: np.ndarray) -> NDArray:
    """The user-facing value of one batch field: an NDArray holding a copy of the buffer
    (the iterator reuses its buffers, so a value kept by the user keeps its numbers).

    Example:
        >>> v = to_value(np.zeros((2, 3), np.float32)); type(v).__name__, v.shape
        ('NDArray', (2, 3))
    """
    return array(a)


def is_value(v: Any) -> bool:
    """True for what a user iterator may return as a batch field (an NDArray or a numpy
    array of numbers).

    Example:
        >>> is_value(array([1, 2])), is_value(np.zeros(3)), is_value([1, 2, 3])
        (True, True, False)
    """
    if is_ndarray(v) or hasattr(v, "asnumpy"):
        return True
    return isinstance(v, np.ndarray) and v.dtype.kind in "fiub"


def from_value(v: Any) -> np.ndarray:
    """A batch field returned by a user iterator as a float32 numpy array (no copy when it
    already is one, or is an NDArray: its own buffer). ``v`` passed :func:`is_value`.

    Example:
        >>> from_value(np.arange(3)).dtype, from_value(array([1, 2])).tolist()
        (dtype('float32'), [1.0, 2.0])
    """
    if is_ndarray(v):
        return np.asarray(v)
    a = v.asnumpy() if hasattr(v, "asnumpy") else v
    return np.ascontiguousarray(a, dtype=np.float32)
