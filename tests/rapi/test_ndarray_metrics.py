"""Custom metrics that old code gets right, from R (docs/COMPATIBILITY.md, "Custom metrics"):
feval gets MXNDArrays, label and pred of one dim n for one output per sample, so MXNet 1.x's
mx.nd style and the older plain style both give the built-in value; the same feval from
Python gives the same numbers."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.datasets import boston_tutorial_split

SCRIPT = r"""
fit <- function(metric, symbol = lro, X = train.x, y = train.y) {
  logger <- mx.metric.logger$new()
  mx.set.seed(0)
  invisible(mx.model.FeedForward.create(symbol, X = X, y = y, num.round = 3,
    array.batch.size = 20, learning.rate = 2e-6, momentum = 0.9, eval.metric = metric,
    epoch.end.callback = mx.callback.log.train.metric(1, logger), verbose = FALSE,
    array.layout = "rowmajor"))
  logger$train
}
seen <- new.env()
emit("builtin", fit(mx.metric.mae))
emit("plain", fit(mx.metric.custom("mae", function(label, pred) {
  seen$classes <- c(class(label), class(pred)); seen$dims <- c(dim(label), dim(pred))
  mean(abs(label - pred))
})))
emit("seen.classes", seen$classes)
emit("seen.dims", seen$dims)
emit("mxnet1x", fit(mx.metric.custom("mae", function(label, pred) {
  pred <- mx.nd.reshape(pred, shape = 0)
  res <- mx.nd.mean(mx.nd.abs(label - pred))
  as.array(res)
})))
emit("returns.ndarray", fit(mx.metric.custom("mae", function(label, pred)
  mx.nd.mean(mx.nd.abs(label - pred)))))
emit("bad.return", msg(fit(mx.metric.custom("two", function(label, pred) c(1, 2)))))

# several outputs: pred has dim c(classes, n)
cls.x <- data.matrix(BostonHousing[seq(1, 506, 3), c(1, 5, 6)])
cls.y <- as.numeric(cut(train.y, c(-Inf, 18, 25, Inf))) - 1
softmax <- mx.symbol.SoftmaxOutput(
  mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 3, name = "fc"), name = "sm")
emit("acc.builtin", fit(mx.metric.accuracy, softmax, cls.x, cls.y))
emit("acc.custom", fit(mx.metric.custom("accuracy", function(label, pred) {
  seen$cls.dims <- dim(pred)
  mean(as.array(label) == max.col(t(as.array(pred)), ties.method = "first") - 1)
}), softmax, cls.x, cls.y))
emit("cls.dims", seen$cls.dims)
"""


@pytest.fixture(scope="module")
def r(run_r_module):
    run = run_r_module(SCRIPT)
    assert run.returncode == 0, run.stderr
    return run


def test_both_styles_give_the_builtin_value(r):
    builtin = r.nums("builtin")
    assert len(builtin) == 3
    for key in ("plain", "mxnet1x", "returns.ndarray"):
        np.testing.assert_allclose(r.nums(key), builtin, rtol=1e-6, err_msg=key)


def test_feval_gets_mxndarrays_of_one_dim(r):
    assert r["seen.classes"] == "MXNDArray MXNDArray"
    assert r.nums("seen.dims") == [20, 20]


def test_feval_must_return_one_value(r):
    assert "must return one number or an MXNDArray of one value" in r["bad.return"]
    assert "2 values" in r["bad.return"]


def test_several_outputs_give_pred_as_classes_by_n(r):
    # the built-in reports float32 per batch (as MXNet), R's mean() a double
    np.testing.assert_allclose(r.nums("acc.custom"), r.nums("acc.builtin"), rtol=1e-6)
    assert r.nums("cls.dims") == [3, 20]


def test_r_and_python_fevals_give_identical_numbers(r):
    train_x, train_y, _, _ = boston_tutorial_split()
    data = mx.symbol.Variable("data")
    lro = mx.symbol.LinearRegressionOutput(
        mx.symbol.FullyConnected(data, num_hidden=1, name="fc1"), name="lro")
    logger = mx.metric.logger()
    mx.set.seed(0)
    mx.model.FeedForward.create(
        lro, X=train_x, y=train_y, num_round=3, array_batch_size=20, learning_rate=2e-6,
        momentum=0.9, verbose=False, array_layout="rowmajor",
        eval_metric=mx.metric.custom("mae", lambda label, pred: mx.nd.mean(
            mx.nd.abs(mx.nd.array(label) - pred))),
        epoch_end_callback=mx.callback.log.train.metric(1, logger))
    assert logger.train == r.nums("returns.ndarray")
