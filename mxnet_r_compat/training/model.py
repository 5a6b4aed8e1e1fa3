"""The model ``mx.model.FeedForward.create`` returns, and ``mx.model.last()``.

A leaf of the training layer: nothing here trains (the orchestrator is fit.py,
prediction is predict.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._args import normalize_kwargs
from ..graph.symbol import Symbol
from ..learn.metric import Metric
from .evaluate import evaluate
from .predict import predict

_last_model: list[Any] = [None]


def set_last_model(model: FeedForwardModel | None) -> None:
    _last_model[0] = model


def last() -> FeedForwardModel | None:
    """The model of the last completed epoch of the most recent training run.

    It survives a failing callback, an error or Ctrl-C (``mx.model.last()``).

    Example:
        >>> model = last()   # None before any training
    """
    return _last_model[0]


class FeedForwardModel:
    """A trained network: ``symbol``, ``arg_params`` and ``aux_params`` (backend order).

    Example:
        >>> model.predict(test_x).shape   # doctest: +SKIP
        (337, 1)
    """

    def __init__(self, symbol: Symbol, arg_params: dict[str, np.ndarray],
                 aux_params: dict[str, np.ndarray] | None = None) -> None:
        self.symbol = symbol
        self.arg_params = dict(arg_params)
        self.aux_params = dict(aux_params or {})
        self.history: list[dict[str, Any]] = []      # filled by training: one row per epoch/phase
        self.callback_time: list[dict[str, Any]] = []
        self.stop_reason: str | None = None

    def predict(self, X, *args: Any, **kwargs: Any) -> np.ndarray:
        """Outputs for ``X``, samples first: ``(n, outputs)``. See :func:`predict`.

        Keywords in R or Python spelling (``array.batch.size`` or ``array_batch_size``).
        """
        return predict(self, X, *args, **normalize_kwargs(predict, kwargs, "predict"))

    def score(self, X, y=None, metric: Metric | None = None, **kwargs: Any) -> float:
        """The value of ``metric`` (default: the output layer's loss, learn/default_metrics.py)
        for the predictions of ``X`` against ``y``, over all samples at once. Keywords as
        :meth:`predict` (``array_batch_size``, ``array_layout``). See evaluate.py.

        Example:
            >>> model.score(test_x, test_y, mx.metric.rmse)   # doctest: +SKIP
            8.387455
        """
        return evaluate(self, X, y, metric, **normalize_kwargs(evaluate, kwargs, "score"))

    def __getitem__(self, key: str) -> Any:  # model["arg.params"], as R's model$arg.params
        return getattr(self, key.replace(".", "_"))

    def __repr__(self) -> str:
        params = sum(v.size for v in self.arg_params.values())
        return (f"<MXFeedForwardModel: {len(self.arg_params)} arg params ({params} values), "
                f"{len(self.aux_params)} aux params; outputs {', '.join(self.symbol.outputs())}>")
