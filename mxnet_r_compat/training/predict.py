"""Prediction: ``predict(model, X)`` and the checks that X fits the model."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import io
from ..engine import context
from ..engine.executor import Executor
from ..errors import MXShapeError, MXValueError, invalid_shape
from .checks import check_batch_size

if TYPE_CHECKING:
    from .model import FeedForwardModel


def predict(model: FeedForwardModel, X, ctx=None, array_batch_size: int = 128,
            array_layout: str = "auto", allow_extra_params: bool = False) -> np.ndarray:
    """Run the model on ``X``; returns the first output, samples first ``(n, ...)``.

    Example:
        >>> preds = predict(model, test_x)   # doctest: +SKIP
    """
    context.normalize(ctx)
    check_batch_size(array_batch_size)
    if array_layout == "auto" and io.is_frame(X):
        array_layout = "rowmajor"  # a data frame's rows are its samples
    it = _prediction_iter(model, X, array_batch_size, array_layout)
    it.reset()
    if not it.iter_next():
        raise MXValueError("Cannot predict on empty iterator")
    feeds = _input_fields(model, it.arrays())
    ex = Executor(model.symbol, {n: it.arrays()[n].shape for n in feeds}, grad_names=())
    ex.copy_params_from(model.arg_params, model.aux_params, allow_extra=allow_extra_params)
    outputs = []
    while True:
        for name in feeds:
            np.copyto(ex.arg_arrays[name], it.arrays()[name])
        out = ex.forward(is_train=False)[0]
        keep = out.shape[0] - it.num_pad()
        outputs.append(out[:keep].copy())
        if not it.iter_next():
            break
    it.reset()
    return np.concatenate(outputs, axis=0)


def _input_fields(model: FeedForwardModel, arrays: dict[str, np.ndarray]) -> list[str]:
    """The batch fields predict feeds: ``data`` (MXNet R's one input) and every other field
    named as an argument of the network that is not a label (the inputs of a network trained
    with ``input.names``). Labels are left to zeros, as MXNet's predict leaves them."""
    args = model.symbol.arguments()
    names = [n for n in arrays if n in args and not n.endswith("label")]
    if "data" in arrays and "data" not in names:
        names.insert(0, "data")
    if not names:
        raise MXValueError(f"Invalid value for argument `X`. Received: an iterator whose "
                           f"value() has the fields {', '.join(arrays)}. Expected `data` or "
                           f"fields named as inputs of the network ({', '.join(args)}).")
    return names


def _prediction_iter(model: FeedForwardModel, X, batch_size: int, layout: str) -> io.DataIter:
    X = io.as_data_iter(X, "X")
    if isinstance(X, io.DataIter):
        return X
    X = io.as_data(X, "X")
    if X.size == 0:
        raise MXValueError("Cannot predict on empty iterator")
    if layout == "auto" and X.ndim == 2 and not fits(model, X.shape[0]) \
            and not fits(model, X.shape[1]):
        _check_features(model, X, "auto")
    if layout == "auto":
        layout = io.select_layout_predict(X, lambda n: fits(model, n))
    data = io.to_backend(X, layout)
    _check_features(model, X, layout)
    return io.init_iter(data, None, min(data.shape[0], batch_size), is_train=False)


def fits(model: FeedForwardModel, n_features: int) -> bool:
    """Does data of shape ``(1, n_features)`` give the model's parameter shapes?

    Example:
        >>> fits(model, 13)   # doctest: +SKIP  (the Boston model takes 13 features)
        True
    """
    try:
        shapes = model.symbol.infer_shape(data=(1, n_features))
    except (MXShapeError, ValueError):
        return False
    if shapes is None:
        return False
    params = model.arg_params
    return all(params[k].shape == s for k, s in shapes[0].items() if k in params)


def _check_features(model: FeedForwardModel, X: np.ndarray, layout: str) -> None:
    """X (as the caller passed it) has the feature count the model was trained with."""
    if X.ndim != 2:
        return
    n = X.shape[0] if layout == "colmajor" else X.shape[1]
    if layout != "auto" and fits(model, n):
        return
    want = _expected_features(model)
    expected = (f"{want} features per sample, as the model was trained with"
                if want is not None else
                "a feature count that fits the model's parameters "
                f"({', '.join(f'{k}: {v.shape}' for k, v in model.arg_params.items())})")
    if layout == "auto":
        got = f"{io.describe(X)}: neither {X.shape[1]} (rows as samples) nor {X.shape[0]} " \
              f"(columns as samples) features per sample fit the model"
    else:
        got = f"{io.describe(X)} with {n} features per sample (array.layout=\"{layout}\")"
    raise invalid_shape("X", got, expected)


def _expected_features(model: FeedForwardModel) -> int | None:
    """The one feature count the model accepts, found among its parameter extents."""
    sizes = sorted({d for v in model.arg_params.values() for d in v.shape})
    fitting = [n for n in sizes if fits(model, n)]
    return fitting[0] if len(fitting) == 1 else None
