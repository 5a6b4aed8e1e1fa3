"""MXNet R's layout rules for 2-D array input: are rows or columns the samples?

``array.layout = "auto"`` picks the layout whose sample count matches the labels (training)
or whose feature count fits the model (prediction), and warns as MXNet R did.
"""

from __future__ import annotations

import numpy as np

from ..errors import MXValueError, invalid_value, warn_at_caller


class LayoutWarning(UserWarning):
    """MXNet R's "Auto detect layout ..." notice."""


def select_layout_train(X: np.ndarray, y) -> str:
    """"rowmajor" when rows are samples, "colmajor" when columns are, with MXNet's warning.

    ``y`` is given in backend order; R's ``dim(y)`` is its reversed shape.
    """
    if y is None:
        raise MXValueError("Need to provide y for training")
    if X.ndim != 2:
        return "colmajor"
    r_dims = np.shape(y)[::-1] or (1,)
    row = X.shape[0] == r_dims[0]
    col = X.shape[1] == r_dims[-1]
    return _announce(row, col)


def _announce(row: bool, col: bool) -> str:
    if row == col:
        raise MXValueError("Cannot auto select array.layout, please specify this parameter")
    if row:  # once per calling line of user code (errors.warn_at_caller)
        warn_at_caller("Auto detect layout of input matrix, use rowmajor..\n", LayoutWarning)
        return "rowmajor"
    warn_at_caller("Auto detect layout input matrix, use colmajor..\n", LayoutWarning)
    return "colmajor"


def select_layout_predict(X: np.ndarray, arg_shape_check) -> str:
    """Layout for prediction: a candidate survives if the model accepts that feature count.

    ``arg_shape_check(n_features)`` tells whether a data shape (1, n_features) fits
    the model's parameters.
    """
    if X.ndim != 2:
        return "colmajor"
    return _announce(arg_shape_check(X.shape[1]), arg_shape_check(X.shape[0]))


def to_backend(X: np.ndarray, layout: str) -> np.ndarray:
    """Samples-first data from a 2-D array in the given layout: float32, or float64 kept as
    it is (a view, never a copy: the iterator converts each batch as it gathers it)."""
    if layout not in ("auto", "rowmajor", "colmajor"):
        raise invalid_value("array.layout", layout, '"auto", "rowmajor" or "colmajor"')
    X = np.asarray(X)
    if X.dtype not in (np.float32, np.float64):
        X = X.astype(np.float32)
    return np.ascontiguousarray(X.T) if layout == "colmajor" and X.ndim == 2 else X
