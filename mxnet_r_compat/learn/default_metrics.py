"""The loss each output layer minimises, as a metric: what ``model.history`` records when no
``eval_metric`` is given, and what ``model.score`` uses without a metric.

MXNet R had no default metric (``eval.metric = NULL`` printed nothing); MXNet's Python
``FeedForward.fit`` defaulted to accuracy for every network. Here the default is the output
layer's own loss, computed in C (native/metric.c) so the fused path keeps running:

======================== ============== =============================================
output layer             metric         value
======================== ============== =============================================
SoftmaxOutput, Softmax   cross-entropy  mean of -log p(label) (p clipped at 1e-12)
LinearRegressionOutput   mse            mean squared error (MXNet's float32 rule)
MAERegressionOutput      mae            mean absolute error
LogisticRegressionOutput logloss        binary cross-entropy (p clipped at 1e-15)
anything else            (none)         MakeLoss and custom heads define no metric
======================== ============== =============================================

SoftmaxOutput with ``multi_output``, ``preserve_shape`` or ``use_ignore`` has labels per
position or ignored labels, and gets no default.
"""

from __future__ import annotations

import numpy as np

from ..graph.symbol import Symbol
from .metric import Metric, declare_native, mae, mse


def _native(label, pred, kind_name: str) -> float:
    from .._lib import check, ffi, fptr, lib
    kind = getattr(lib, kind_name)
    lab = np.ascontiguousarray(label, dtype=np.float32).reshape(-1)
    prd = np.ascontiguousarray(pred, dtype=np.float32)
    n = prd.shape[0] if prd.ndim else 1
    width = prd.size // n if n else 0
    out = ffi.new("double *")
    check(lib.mxc_metric_value(out, fptr(prd), fptr(lab), n, width, kind),
          f"the {kind_name} metric (labels: class indices 0 <= label < {width})")
    return out[0]


def _cross_entropy(label, pred) -> float:
    return _native(label, pred, "MXC_METRIC_CROSS_ENTROPY")


def _logloss(label, pred) -> float:
    return _native(label, pred, "MXC_METRIC_LOGLOSS")


declare_native(_cross_entropy, "MXC_METRIC_CROSS_ENTROPY")
declare_native(_logloss, "MXC_METRIC_LOGLOSS")
cross_entropy = Metric("cross-entropy", _cross_entropy)
logloss = Metric("logloss", _logloss)

_BY_OP = {"SoftmaxOutput": cross_entropy, "Softmax": cross_entropy,
          "LinearRegressionOutput": mse, "MAERegressionOutput": mae,
          "LogisticRegressionOutput": logloss}


def default_metric(symbol: Symbol) -> Metric | None:
    """The loss metric of the network's output layer (table above), or None.

    Example:
        >>> from mxnet_r_compat.graph.symbol import Variable, create
        >>> net = create("LinearRegressionOutput", create("FullyConnected", Variable("data"),
        ...                                               num_hidden=1))
        >>> default_metric(net).name
        'mse'
    """
    if len(symbol.outputs_) != 1:
        return None
    node = symbol.outputs_[0][0]
    metric = _BY_OP.get(node.op or "")
    if metric is cross_entropy and any(node.params.get(k) for k in ("multi_output",
                                                                    "preserve_shape",
                                                                    "use_ignore")):
        return None
    return metric
