"""Cross-language scenarios, Python side: the twins of scenarios.R.

``run_all()`` returns {(scenario, key): values} in the same shape the R script writes.
"""

from __future__ import annotations

import numpy as np

from mxnet_r_compat import mx
from mxnet_r_compat.datasets import boston_tutorial_split


def _emit_model(out, scenario, model, logger):
    out[(scenario, "train")] = list(logger.train)
    out[(scenario, "eval")] = list(logger.eval)
    # Parameters by position (automatic names depend on what the session built before).
    # R's as.array() of a backend (a, b) array has dims (b, a): the same bytes.
    for i, value in enumerate(model.arg_params.values(), start=1):
        out[(scenario, f"param{i}")] = value.ravel().tolist()


def _boston(out, scenario, x, tx, y, ty, ctx=None, optimizer="sgd", **kw):
    lro = mx.symbol.LinearRegressionOutput(
        mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=1))
    mx.set.seed(0)
    logger = mx.metric.logger()
    model = mx.model.FeedForward.create(
        lro, X=x, y=y, ctx=ctx or mx.cpu(), num_round=5, array_batch_size=20,
        optimizer=optimizer, eval_metric=mx.metric.rmse, eval_data={"data": tx, "label": ty},
        verbose=False, epoch_end_callback=mx.callback.log.train.metric(5, logger), **kw)
    _emit_model(out, scenario, model, logger)


def _scale(x, center, scale):
    return (x - center) / scale


def run_all() -> dict:
    out: dict = {}
    x, y, tx, ty = boston_tutorial_split()
    _boston(out, "tutorial", x, tx, y, ty, learning_rate=2e-6, momentum=0.9)
    _boston(out, "devices", x, tx, y, ty, ctx=[mx.cpu(0), mx.cpu(1)], learning_rate=2e-6,
            momentum=0.9)
    center, scale = x.mean(axis=0), x.std(axis=0, ddof=1)  # R's scale()
    sx, stx = _scale(x, center, scale), _scale(tx, center, scale)
    _boston(out, "sgd", sx, stx, y, ty, learning_rate=0.01)
    _boston(out, "nag", sx, stx, y, ty, optimizer="nag", learning_rate=0.01, momentum=0.5)
    _boston(out, "adam", sx, stx, y, ty, optimizer="adam", learning_rate=0.1)
    _boston(out, "rmsprop", sx, stx, y, ty, optimizer="rmsprop", learning_rate=0.05)
    _boston(out, "rmsprop_plain", sx, stx, y, ty, optimizer="rmsprop", learning_rate=0.05,
            centered=False)
    _boston(out, "adagrad", sx, stx, y, ty, optimizer="adagrad", learning_rate=0.5)
    _boston(out, "adadelta", sx, stx, y, ty, optimizer="adadelta")

    mx.set.seed(1)
    X = mx.runif((120, 4)).astype(np.float64)        # R: mx.runif(c(4, 120)), backend (120, 4)
    labels = (X[:, 0] > 0.5).astype(float) + (X[:, 1] > 0.5)
    mx.set.seed(2)
    logger = mx.metric.logger()
    model = mx.mlp(X, labels, hidden_node=[8, 6], out_node=3, dropout=0.2, activation="relu",
                   num_round=4, array_batch_size=16, learning_rate=0.1, momentum=0.9,
                   eval_metric=mx.metric.accuracy, array_layout="rowmajor", verbose=False,
                   epoch_end_callback=mx.callback.log.train.metric(1, logger))
    _emit_model(out, "mlp", model, logger)
    out[("mlp", "predict")] = model.predict(X[:10], array_layout="rowmajor").ravel().tolist()
    _conv(out)
    return out


def _conv(out: dict) -> None:
    """A small convolutional network; kernel (2, 3) and pad (0, 1) are R's c(3, 2), c(1, 0)."""
    S = mx.symbol
    c1 = S.Convolution(S.Variable("data"), kernel=(2, 3), pad=(0, 1), num_filter=4)
    p1 = S.Pooling(S.Activation(c1, act_type="tanh"), pool_type="max", kernel=(2, 2),
                   stride=(2, 2))
    net = S.SoftmaxOutput(S.FullyConnected(S.Flatten(p1), num_hidden=3))
    mx.set.seed(1)
    X = mx.runif((40, 1, 8, 8)).astype(np.float64)   # R: mx.runif(c(8, 8, 1, 40))
    labels = (X[:, 0, 0, 0] > 0.5).astype(float) + (X[:, 0, 1, 1] > 0.5)
    mx.set.seed(2)
    logger = mx.metric.logger()
    model = mx.model.FeedForward.create(net, X=X, y=labels, num_round=4, array_batch_size=10,
                                        learning_rate=0.1, momentum=0.9,
                                        eval_metric=mx.metric.accuracy, array_layout="rowmajor",
                                        verbose=False,
                                        epoch_end_callback=mx.callback.log.train.metric(1, logger))
    _emit_model(out, "conv", model, logger)
    out[("conv", "predict")] = model.predict(X[:10], array_layout="rowmajor").ravel().tolist()
