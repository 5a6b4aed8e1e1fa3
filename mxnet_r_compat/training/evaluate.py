"""Evaluation of a trained model on labelled data: ``model.score(X, y, metric)`` in Python,
``mx.model.evaluate(model, X, y, eval.metric)`` in R (an extension: MXNet R had no such
function; docs/COMPATIBILITY.md).

The value is the metric over all samples at once (one update with every prediction and
label): exact accuracy, MSE or RMSE of the data set, with no padded samples and no mean of
per-batch values (the training and validation lines follow MXNet's per-batch rule instead).
Without a metric, the output layer's own loss is used (:func:`default_metric`,
learn/default_metrics.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import io
from ..errors import MXValueError, arg_name, word
from ..learn.default_metrics import default_metric
from ..learn.metric import Metric
from .checks import check_metric
from .labels import categories_of, text_label_error, text_values
from .predict import predict

if TYPE_CHECKING:
    from .model import FeedForwardModel


def evaluate(model: FeedForwardModel, X: Any, y: Any = None, metric: Metric | None = None,
             array_batch_size: int = 128, array_layout: str = "auto") -> float:
    """The value of ``metric`` for the model's predictions of ``X`` against labels ``y``.

    ``X`` is anything ``predict`` takes; with a data iterator, ``y`` may be None (the
    iterator's labels are used). A categorical ``y`` is compared through its 0-based codes.

    Example:
        >>> evaluate(model, test_x, test_y, mx.metric.rmse)   # doctest: +SKIP
        8.387455
    """
    if metric is None:
        metric = default_metric(model.symbol)
        if metric is None:
            raise MXValueError(f"Invalid value for argument `{arg_name('eval.metric')}`. "
                               f"Received: {word('NULL')}. Expected a metric such as "
                               f"mx.metric.rmse: the network's output layer defines no loss to "
                               f"use by default.")
    check_metric(metric)
    if y is None and isinstance(io.as_data_iter(X, "X"), io.DataIter):
        y = io.extract(io.as_data_iter(X, "X"), "label")
    labels = _labels(y)
    pred = predict(model, X, array_batch_size=array_batch_size, array_layout=array_layout)
    io.check_label_count(pred.shape[0], labels, "y", f"the model made {pred.shape[0]} "
                         f"predictions from X")
    state = metric.update(labels, np.ascontiguousarray(pred, dtype=np.float32), metric.init())
    return float(metric.get(state).value)


def _labels(y: Any) -> np.ndarray:
    """Labels as float32 numbers, samples first; categorical labels as their codes."""
    if y is None:
        raise MXValueError(f"Invalid value for argument `y`. Received: {word('NULL')}. Expected "
                           f"the labels of X (one per sample), unless X is a data iterator.")
    text = text_values(y)
    if text is not None:
        raise text_label_error(text, "y")
    cats = categories_of(y)
    if cats is not None:
        y = np.where(cats.codes < 0, np.nan, cats.codes)
    if hasattr(y, "asnumpy"):
        y = y.asnumpy()
    labels = io.as_numeric(y, "y")
    io.check_finite(labels, "y")
    return np.ascontiguousarray(labels, dtype=np.float32)
