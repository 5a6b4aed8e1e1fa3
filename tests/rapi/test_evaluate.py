"""R's side of the Python habits: mx.model.evaluate gives Python's model.score numbers, a
model trained without eval.metric still has its loss in model$history, Keras keywords get
hints in R's spelling, and messages keep R's words (NULL, list) in R. Both hosts."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.datasets import boston_tutorial_split

SCRIPT = r"""
mx.set.seed(0)
model <- mx.model.FeedForward.create(lro, X = train.x, y = train.y, num.round = 4,
  array.batch.size = 20, learning.rate = 2e-6, momentum = 0.9, array.layout = "rowmajor",
  verbose = FALSE)
emit("rmse", mx.model.evaluate(model, test.x, test.y, mx.metric.rmse, array.layout = "rowmajor"))
emit("mae", mx.model.evaluate(model, test.x, test.y, eval.metric = mx.metric.mae,
                              array.layout = "rowmajor"))
emit("default", mx.model.evaluate(model, test.x, test.y, array.layout = "rowmajor"))
emit("history.metric", unique(model$history$metric))
emit("history.value", model$history$value)
emit("epochs", msg(mx.model.FeedForward.create(lro, X = train.x, y = train.y, epochs = 5)))
emit("batch.size", msg(mx.model.FeedForward.create(lro, X = train.x, y = train.y,
                                                   batch.size = 5)))
emit("factor", msg(mx.model.evaluate(model, test.x, factor(test.y > 20), mx.metric.rmse)))
emit("no.y", msg(mx.model.evaluate(model, test.x, NULL, mx.metric.rmse)))
emit("eval.data", msg(mx.model.FeedForward.create(lro, X = train.x, y = train.y,
                                                  eval.data = 5)))
"""


@pytest.fixture(scope="module")
def r(run_r_module):
    run = run_r_module(SCRIPT)
    assert run.returncode == 0, run.stderr
    return run


@pytest.fixture(scope="module")
def python_model():
    train_x, train_y, _, _ = boston_tutorial_split()
    lro = mx.symbol.LinearRegressionOutput(mx.symbol.FullyConnected(
        mx.symbol.Variable("data"), num_hidden=1, name="fc1"), name="lro")
    mx.set.seed(0)
    return mx.model.FeedForward.create(lro, train_x, train_y, num_round=4, array_batch_size=20,
                                       learning_rate=2e-6, momentum=0.9,
                                       array_layout="rowmajor", verbose=False)


def test_evaluate_in_r_equals_score_in_python(r, python_model):
    _, _, test_x, test_y = boston_tutorial_split()
    score = {name: python_model.score(test_x, test_y, metric, array_layout="rowmajor")
             for name, metric in (("rmse", mx.metric.rmse), ("mae", mx.metric.mae),
                                  ("default", None))}
    for name, value in score.items():
        assert r.num(name) == np.float64(value), name
    assert score["default"] == pytest.approx(score["rmse"] ** 2, rel=1e-5)  # mse


def test_the_history_has_the_loss_without_eval_metric(r, python_model):
    assert r["history.metric"] == "mse"
    assert r.nums("history.value") == [row["value"] for row in python_model.history]


def test_r_spelling_in_r(r):
    assert r["epochs"] == ("mx.model.FeedForward.create got an unknown argument `epochs` "
                           "(epochs=5). Did you mean `num.round`? num.round is the index of "
                           "the last epoch: training runs epochs begin.round to num.round.")
    assert r["batch.size"].startswith("mx.model.FeedForward.create got an unknown argument "
                                      "`batch.size` (batch.size=5). Did you mean "
                                      "`array.batch.size`? array.batch.size is")
    assert r["factor"].startswith("Invalid value for argument `y`. Received: a factor with "
                                  'levels "FALSE", "TRUE". Expected numeric labels: the network '
                                  "ends in LinearRegressionOutput")
    assert r["factor"].endswith("use as.numeric(as.character(y)).")
    assert r["no.y"].startswith("Invalid value for argument `y`. Received: NULL. Expected the "
                                "labels of X")
    assert r["eval.data"] == ("The validation set should be either a mx.io.DataIter or a R "
                              "list")
