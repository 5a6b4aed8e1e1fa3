"""Evaluation metrics (``mx.metric.*``, docs/MXNET_R_BEHAVIOUR.md, "Metrics").

A metric is ``init() -> state``, ``update(label, pred, state) -> state`` and
``get(state) -> MetricResult``. The state is MXNet R's ``c(count, sum)`` of
per-call values, so by default the reported value is the mean of per-batch
values (the "batch" aggregate). A metric also declares whether higher is
better (``maximize``), which callbacks with ``mode="auto"`` use.

Labels and predictions reach ``feval`` as float32 numpy arrays in backend
order (batch first). For a network with one output per sample the prediction
comes as ``(n,)``, the label's shape, so ``mean(abs(label - pred))`` compares
sample with sample (see :func:`feval_inputs`); with several outputs it is
``(n, outputs)``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import MXValueError, invalid_value


@dataclass(frozen=True)
class MetricResult:
    """What ``metric.get(state)`` returns: R's ``list(name=, value=)``."""

    name: str
    value: float

    def __getitem__(self, key: str) -> Any:  # env.metric.get(s)["value"] like R's r$value
        return getattr(self, key)


class Metric:
    """An MXNet R metric: a name, a per-call function and an aggregation rule.

    Attributes:
        name: shown in messages, e.g. ``Train-rmse``.
        feval: ``(label, pred) -> float`` for one batch (one device slice).
        maximize: True when a higher value is better.
        aggregate: "batch" (MXNet: mean of per-call values) or "epoch" (sum of
            per-call values divided by the number of samples; feval must then
            return a per-batch SUM, see :func:`custom`).
    """

    def __init__(self, name: str, feval: Callable[[np.ndarray, np.ndarray], float],
                 maximize: bool = False, aggregate: str = "batch") -> None:
        if not isinstance(name, str) or not name:
            raise invalid_value("name", name, "a non-empty string")
        if not callable(feval):
            raise invalid_value("feval", feval, "a function(label, pred)")
        if aggregate not in ("batch", "epoch"):
            raise invalid_value("aggregate", aggregate, '"batch" or "epoch"')
        self.name, self.feval = name, feval
        self.maximize, self.aggregate = bool(maximize), aggregate

    def init(self) -> np.ndarray:
        """A fresh state ``c(0, 0)``."""
        return np.zeros(2)

    def update(self, label: np.ndarray, pred: np.ndarray, state) -> np.ndarray:
        """Add one call's value to the state; returns the new state (R semantics)."""
        value = _native_value(self.feval, label, pred)
        if value is None:
            value = self._number(self.feval(*feval_inputs(label, pred)))
        weight = label.shape[0] if self.aggregate == "epoch" else 1
        return np.array([state[0] + weight, state[1] + value])

    def _number(self, result: Any) -> float:
        """feval's result as a float: a number, or an array holding exactly one."""
        if result is None or isinstance(result, (bool, np.bool_, str, bytes)):
            raise self._bad_result(repr(result))
        try:
            array = np.asarray(result, dtype=np.float64)
        except (TypeError, ValueError):
            raise self._bad_result(f"a {type(result).__name__}") from None
        if array.size != 1:
            raise self._bad_result(f"an array of shape {array.shape}")
        return float(array.reshape(()))

    def _bad_result(self, received: str) -> MXValueError:
        return MXValueError(f"The eval.metric `{self.name}` returned {received} for a batch; "
                            f"expected its feval(label, pred) to return one number.")

    def native_kind(self) -> int:
        """The C metric (native/metric.h ``MXC_METRIC_*``) that computes this metric's per-call
        values bit for bit, or 0 (``MXC_METRIC_NONE``) when feval must run in Python."""
        if self.aggregate != "batch":
            return 0
        kind = _native_kinds().get(self.feval, 0)
        if not kind and self.feval in _DECLARED_KINDS:
            from .._lib import lib
            kind = getattr(lib, _DECLARED_KINDS[self.feval])
        return kind

    def get(self, state) -> MetricResult:
        """``sum / count`` (NaN before any update, as R's 0/0)."""
        count, total = float(state[0]), float(state[1])
        return MetricResult(self.name, total / count if count else float("nan"))

    def __repr__(self) -> str:
        return f"<mx.metric {self.name} ({'max' if self.maximize else 'min'}imize)>"


def feval_inputs(label: np.ndarray, pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The label and prediction a metric's feval receives.

    A prediction with one output per sample, ``(n, 1)``, becomes ``(n,)``, and so does a
    label of n values: both then have the same shape, as MXNet R 1.x's metrics made them with
    ``mx.nd.reshape(pred, shape = 0)``. (Without this, ``label - pred`` broadcasts (n,)
    against (n, 1) into an n x n matrix and the metric is silently wrong.) Several outputs
    per sample stay ``(n, outputs)``.

    Example:
        >>> [a.shape for a in feval_inputs(np.zeros(4), np.zeros((4, 1)))]
        [(4,), (4,)]
    """
    label, pred = np.asarray(label), np.asarray(pred)
    n = pred.shape[0] if pred.ndim else 0
    if pred.ndim == 2 and pred.shape[1] == 1 and label.size == n:
        return label.reshape(n), pred.reshape(n)
    return label, pred


def custom(name: str, feval: Callable, maximize: bool = False, aggregate: str = "batch") -> Metric:
    """A metric from a function of (label, pred) (``mx.metric.custom``).

    With ``aggregate="epoch"`` feval returns the SUM of per-sample values of a
    batch and the epoch value is that total over the number of samples.

    feval receives the label and the prediction with one shape (n) for a network with one
    output per sample (:func:`feval_inputs`), and may return a number or an NDArray of one
    value.

    Example:
        >>> m = custom("mae", lambda label, pred: float(np.mean(np.abs(label - pred))))
        >>> s = m.update(np.array([1., 2.]), np.array([[1.5], [2.5]]), m.init()); m.get(s).value
        0.5
    """
    return Metric(name, feval, maximize, aggregate)


# -------------------------------------------------------------------------------------------
# Built-in per-call functions. Results are float32, as MXNet's NDArray results were.


def _flat(a: np.ndarray) -> np.ndarray:
    return np.asarray(a, dtype=np.float64).reshape(-1)


def _f32(x: float) -> float:
    return float(np.float32(x))


def _same_size(label, pred, what: str):
    lab, prd = _flat(label), _flat(pred)
    if lab.size != prd.size:
        raise MXValueError(f"mx.metric.{what}: label has {lab.size} values but the prediction "
                           f"has {prd.size}; expected the same number.")
    return lab, prd


def _accuracy(label, pred):
    pred = np.asarray(pred)
    lab = _flat(label)
    pred2 = pred.reshape(pred.shape[0], -1)
    if lab.size != pred2.shape[0]:
        raise MXValueError(f"mx.metric.accuracy: {lab.size} labels for {pred2.shape[0]} "
                           f"predictions; expected one class index per sample.")
    return _f32(np.mean(lab == np.argmax(pred2, axis=1)))


def _top_k_accuracy(label, pred, k: int = 5):
    pred = np.asarray(pred).reshape(np.asarray(pred).shape[0], -1)
    lab = _flat(label).reshape(-1, 1)
    top = np.argsort(-pred, axis=1, kind="stable")[:, :k]
    return _f32(np.mean(np.sum(top == lab, axis=1)))


def _regression(label, pred, what: str) -> float:
    """MXNet R's mse, rmse and mae: float32 differences and MXNet's compensated float32
    mean, computed in C (native/metric.h ``mxc_metric_value``)."""
    lab, prd = _same_size(label, pred, what)
    from .._lib import check, ffi, fptr, lib
    lab32, prd32 = lab.astype(np.float32), prd.astype(np.float32)
    kind = {"mse": lib.MXC_METRIC_MSE, "rmse": lib.MXC_METRIC_RMSE, "mae": lib.MXC_METRIC_MAE}
    out = ffi.new("double *")
    if lab32.size:
        check(lib.mxc_metric_value(out, fptr(prd32), fptr(lab32), lab32.size, 1, kind[what]),
              f"mx.metric.{what}")
        return out[0]
    return float("nan")


def _mse(label, pred):
    return _regression(label, pred, "mse")


def _rmse(label, pred):
    return _regression(label, pred, "rmse")


def _mae(label, pred):
    return _regression(label, pred, "mae")


def _rmsle(label, pred):
    lab, prd = _same_size(label, pred, "rmsle")
    return _f32(np.sqrt(np.mean((np.log1p(prd) - np.log1p(lab)) ** 2)))


def _logloss(label, pred):
    lab, prd = _same_size(label, pred, "logloss")
    prd = np.clip(prd, 1e-15, 1 - 1e-15)
    return _f32(-np.mean(lab * np.log(prd) + (1 - lab) * np.log(1 - prd)))


def _logistic_acc(label, pred):
    lab, prd = _same_size(label, pred, "logistic_acc")
    return _f32(np.mean(lab == (prd > 0.5)))


def _perplexity(label, pred):
    pred = np.asarray(pred, dtype=np.float64)
    pred = pred.reshape(pred.shape[0], -1) if pred.ndim != 2 else pred
    lab = _flat(label).astype(np.int64)
    mask = lab != -1
    p = pred[np.arange(lab.size), np.where(mask, lab, 0)]
    nll = -np.sum(np.log(p) * mask) / max(1, np.sum(mask))
    return _f32(np.exp(nll))


#: fevals defined elsewhere that compute a C metric's value exactly (learn/default_metrics.py)
_DECLARED_KINDS: dict[Callable, str] = {}


def declare_native(feval: Callable, kind_name: str) -> None:
    """Declare that ``feval`` computes the C metric ``kind_name`` (``MXC_METRIC_*``) exactly,
    so the fused path and the devices compute it in C.

    Example:
        >>> declare_native(_mse, "MXC_METRIC_MSE")
    """
    _DECLARED_KINDS[feval] = kind_name


def is_class_index_kind(kind: int) -> bool:
    """Does the C metric ``kind`` read one class index per sample (accuracy, cross-entropy),
    rather than one label per output value?

    Example:
        >>> is_class_index_kind(0)
        False
    """
    from .._lib import lib
    return kind in (lib.MXC_METRIC_ACCURACY, lib.MXC_METRIC_CROSS_ENTROPY)


@functools.cache
def _native_kinds() -> dict[Callable, int]:
    from .._lib import lib
    return {_accuracy: lib.MXC_METRIC_ACCURACY, _mse: lib.MXC_METRIC_MSE,
            _rmse: lib.MXC_METRIC_RMSE, _mae: lib.MXC_METRIC_MAE}


def _native_value(feval: Callable, label, pred) -> float | None:
    """A built-in feval's value computed in C (bit-identical, see native/metric.h), or None
    when feval is not built in or its arguments are not float32 arrays of matching sizes
    (the numpy code then runs, and raises its own errors)."""
    kind = _native_kinds().get(feval)
    if kind is None or not isinstance(label, np.ndarray) or not isinstance(pred, np.ndarray):
        return None
    if label.dtype != np.float32 or pred.dtype != np.float32 or pred.ndim == 0 \
            or not label.flags.c_contiguous or not pred.flags.c_contiguous:
        return None
    from .._lib import ffi, fptr, lib
    n = pred.shape[0]
    if n == 0 or pred.size == 0 or \
            label.size != (n if is_class_index_kind(kind) else pred.size):
        return None
    out = ffi.new("double *")
    if lib.mxc_metric_value(out, fptr(pred), fptr(label), n, pred.size // n, kind):
        return None
    return out[0]


accuracy = Metric("accuracy", _accuracy, maximize=True)
top_k_accuracy = Metric("top_k_accuracy", _top_k_accuracy, maximize=True)
mse = Metric("mse", _mse)
rmse = Metric("rmse", _rmse)
mae = Metric("mae", _mae)
rmsle = Metric("rmsle", _rmsle)
logloss = Metric("logloss", _logloss)
logistic_acc = Metric("accuracy", _logistic_acc, maximize=True)
Perplexity = Metric("Perplexity", _perplexity)  # noqa: N816 (MXNet name)

BUILTIN: dict[str, Metric] = {
    "accuracy": accuracy, "top_k_accuracy": top_k_accuracy, "mse": mse, "rmse": rmse,
    "mae": mae, "rmsle": rmsle, "logloss": logloss, "logistic_acc": logistic_acc,
    "Perplexity": Perplexity,
}
