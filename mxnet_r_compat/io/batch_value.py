"""What an iterator's ``value()`` holds: the one place that decides the type of batch values.

Iterators keep their batches as float32 numpy buffers and hand them to training as such
(``arrays()``); ``value()``, the user-facing view, passes each buffer through
:func:`to_value`. A user-defined iterator's values come back through :func:`from_value`.
Changing the type users see (the NDArray type) is a change to these two functions only.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def to_value(a: np.ndarray) -> Any:
    """The user-facing value of one batch field (a view of the iterator's buffer).

    Example:
        >>> to_value(np.zeros((2, 3), np.float32)).shape
        (2, 3)
    """
    return a


def is_value(v: Any) -> bool:
    """True for what a user iterator may return as a batch field (an NDArray or a numpy
    array of numbers).

    Example:
        >>> is_value(np.zeros(3)), is_value([1, 2, 3])
        (True, False)
    """
    if hasattr(v, "asnumpy"):
        return True
    return isinstance(v, np.ndarray) and v.dtype.kind in "fiub"


def from_value(v: Any) -> np.ndarray:
    """A batch field returned by a user iterator as a float32 numpy array (no copy when it
    already is one). ``v`` passed :func:`is_value`.

    Example:
        >>> from_value(np.arange(3)).dtype
        dtype('float32')
    """
    a = v.asnumpy() if hasattr(v, "asnumpy") else v
    return np.ascontiguousarray(a, dtype=np.float32)
