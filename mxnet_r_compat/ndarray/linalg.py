"""NDArray matrix product (``mx.nd.dot``), through the core's SGEMM (native/dot.h)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .._lib import lib
from ..ops import shape_rules
from .array import NDArray, _wrap, as_ndarray, native


def dot(lhs: Any, rhs: Any, transpose_a: bool = False, transpose_b: bool = False) -> NDArray:
    """The matrix product ``op(lhs) . op(rhs)``, ``op`` transposing when asked. 1-d operands
    act as a row (left) or a column (right); N-d ones are flattened as in MXNet.

    Example:
        >>> mx.nd.dot(mx.nd.ones((2, 3)), mx.nd.ones((3, 4))).shape
        (2, 4)
    """
    a, b = as_ndarray(lhs, "lhs"), as_ndarray(rhs, "rhs")
    ta, tb = bool(transpose_a), bool(transpose_b)
    m, n, k, shape = shape_rules.dot("dot", a.shape, b.shape, ta, tb)
    out = _wrap(np.empty(shape, np.float32))
    if out.size:
        if k == 0:
            out._data[...] = 0.0
        else:
            native(lib.mxc_dot_forward(out._ptr, a._ptr, b._ptr, m, n, k, int(ta), int(tb)),
                   "dot")
    return out
