"""The training and validation data of ``mx.model.FeedForward.create``, as iterators.

R matrices and arrays are validated and turned into backend order here (the layout rules
are in io/); a data iterator passes through."""

from __future__ import annotations

import contextlib

import numpy as np

from .. import io
from ..errors import MXShapeError, MXValueError, invalid_shape, say


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
    X = io.as_data_iter(X, "X")
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
    X = io.as_data_iter(X, "X")
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
    if eval_data is not None and not isinstance(eval_data, dict):
        eval_data = io.as_data_iter(eval_data, "eval.data")
    if eval_data is None or isinstance(eval_data, io.DataIter):
        return eval_data
    if not isinstance(eval_data, dict):
        raise MXValueError(say(python="The validation set should be either a dict "
                               '{"data": X, "label": y} or a DataIter',
                               r="The validation set should be either a mx.io.DataIter or a R "
                               "list"))
    if eval_data.get("data") is None or eval_data.get("label") is None:
        raise MXValueError(say(python='Please provide the validation set as {"data": X, '
                               '"label": y} (arrays)',
                               r="Please provide the validation set as list(data=R.array, "
                               "label=R.array)"))
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
    return it.arrays()


@contextlib.contextmanager
def first_batch(it: io.DataIter, batch: dict[str, np.ndarray], symbol, input_names,
                output_names):
    """Checks of a user-defined iterator's first batch against the network, before training:
    the fields it needs are there, and a shape the network rejects is reported as what the
    iterator's value() returned (io/user_iter.py)."""
    if not isinstance(it, io.CheckedIter):
        yield
        return
    inputs = list(input_names or ["data"])
    outputs = list(output_names or ["label"])
    io.check_fields(it, batch, inputs + outputs, f"input.names {', '.join(inputs)} and "
                    f"output.names {', '.join(outputs)}")
    try:
        yield
    except MXShapeError as err:
        raise _batch_shape_error(it, batch, symbol, inputs, output_names, err) from err


def _batch_shape_error(it: io.CheckedIter, batch: dict, symbol, inputs: list[str],
                       output_names, err: MXShapeError) -> Exception:
    """Name the field whose shape the network rejects: a label whose shape differs from
    what the inputs imply, or else every field's shape and the network's reason."""
    value = it._name("value")
    labels = [a for a in symbol.arguments() if a.endswith("label")]
    targets = {n: n for n in output_names} if output_names else \
        ({"label": labels[0]} if len(labels) == 1 else {})
    try:
        alone = symbol.infer_shape(**{n: batch[n].shape for n in inputs})
    except (MXShapeError, ValueError):
        alone = None
    for field, arg in targets.items():
        want = alone[0].get(arg) if alone else None
        if want is not None and tuple(want) != batch[field].shape:
            return io.user_iter.invalid_return(
                it.owner, value, f"`{field}` with {it.shape_text(batch[field].shape)}",
                f"{it.shape_text(tuple(want))}, the shape of the network's `{arg}` for these "
                f"inputs", MXShapeError)
    shown = ", ".join(f"`{k}` with {it.shape_text(v.shape)}" for k, v in batch.items())
    return io.user_iter.invalid_return(it.owner, value, shown,
                                       f"shapes the network accepts ({err})", MXShapeError)
