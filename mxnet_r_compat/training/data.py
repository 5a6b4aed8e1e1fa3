"""The training and validation data of ``mx.model.FeedForward.create``, as iterators.

R matrices and arrays are validated and turned into backend order here (the layout rules
are in io/); a data iterator passes through."""

from __future__ import annotations

import numpy as np

from .. import io
from ..errors import MXValueError, invalid_shape


def train_layout(X, y=None, layout: str = "auto", check_finite: bool = True) -> str:
    """The layout ``create`` uses for array input ``X``: ``layout`` unless it is "auto",
    else the detected one, announced with MXNet's LayoutWarning. Runs create's checks of
    ``X`` and ``y`` first, so it fails exactly as create would. The R package calls it before
    training (R/model.R), where MXNet R detected the layout, so the warning precedes the
    training messages.

    Example:
        >>> train_layout(np.zeros((5, 3)), np.zeros(5))     # warns: "... use rowmajor.."
        'rowmajor'
    """
    if isinstance(X, io.DataIter):
        return "auto"
    return _checked_train_data(X, y, layout, check_finite)[2]


def _checked_train_data(X, y, layout: str, check_finite: bool):
    X = io.as_data(X, "X")
    if y is not None:
        y = io.as_numeric(y, "y")
    io.check_not_empty(X, "X")
    if check_finite:
        io.check_finite(X, "X")
        if y is not None:
            io.check_finite(y, "y")
    if layout == "auto":
        if y is not None and X.ndim == 2 and y.ndim <= 1:
            _check_layout_candidates(X, y)
        layout = io.select_layout_train(X, y)
    return X, y, layout


def prepare_train_data(X, y, batch_size: int, layout: str, check_finite: bool = True):
    if isinstance(X, io.DataIter):
        return X, "auto"
    X, y, layout = _checked_train_data(X, y, layout, check_finite)
    data = io.to_backend(X, layout)
    if y is not None:
        io.check_label_count(data.shape[0], y, "y", _samples_text(X, layout, "X"))
    return io.init_iter(data, y, batch_size, is_train=True), layout


def _samples_text(X: np.ndarray, layout: str, arg: str) -> str:
    if X.ndim != 2:
        return f"{arg} has {X.shape[0]} samples (its first dimension)"
    if layout == "rowmajor":
        return (f"{arg} has {X.shape[0]} samples (array.layout=\"rowmajor\": rows are samples, "
                f"and {arg} has {X.shape[1]} columns)")
    return (f"{arg} has {X.shape[1]} samples (array.layout=\"colmajor\": columns are samples, "
            f"and {arg} has {X.shape[0]} rows)")


def _check_layout_candidates(X: np.ndarray, y: np.ndarray) -> None:
    """array.layout="auto" with no candidate at all is a label count problem, not a layout one
    (MXNet said "Cannot auto select array.layout" for this too). Vector labels only: matrix
    labels take part in MXNet's rule untransposed, and keep its message."""
    r_dims = np.shape(y)[::-1] or (1,)
    if X.shape[0] != r_dims[0] and X.shape[1] != r_dims[-1]:
        n = y.shape[0] if y.ndim else 1
        raise invalid_shape("y", f"{n} labels ({io.describe(y)})",
                               f"one label per sample of X, which is {io.describe(X)}: as many "
                               f"labels as X has rows (rows are samples) or columns (columns "
                               f"are samples)")


def prepare_eval_data(eval_data, layout: str, batch_size: int, check_finite: bool = True):
    if eval_data is None or isinstance(eval_data, io.DataIter):
        return eval_data
    if not isinstance(eval_data, dict):
        raise MXValueError("The validation set should be either a mx.io.DataIter or a R list")
    if eval_data.get("data") is None or eval_data.get("label") is None:
        raise MXValueError("Please provide the validation set as list(data=R.array, "
                           "label=R.array)")
    X = io.as_data(eval_data["data"], "eval.data$data")
    y = io.as_numeric(eval_data["label"], "eval.data$label")
    io.check_not_empty(X, "eval.data$data")
    if check_finite:
        io.check_finite(X, "eval.data$data")
        io.check_finite(y, "eval.data$label")
    if layout == "auto":
        layout = io.select_layout_train(X, y)
    data = io.to_backend(X, layout)
    io.check_label_count(data.shape[0], y, "eval.data$label",
                         _samples_text(X, layout, "eval.data$data"))
    return io.init_iter(data, y, batch_size, is_train=True)


def peek(it: io.DataIter) -> dict[str, np.ndarray]:
    if not it.iter_next():
        it.reset()
        if not it.iter_next():
            raise MXValueError("Empty input")
    return it.value()
