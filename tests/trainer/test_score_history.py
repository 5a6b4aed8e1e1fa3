"""``model.score(X, y, metric)`` and the history recorded without ``eval_metric``: the output
layer's loss (learn/default_metrics.py), computed like the explicit metric, printed nowhere."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import MXShapeError, MXValueError
from mxnet_r_compat.learn.default_metrics import cross_entropy, default_metric

FIT = dict(num_round=3, array_batch_size=16, array_layout="rowmajor", learning_rate=0.05)


def softmax(classes: int = 3):
    fc = mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=classes, name="fc")
    return mx.symbol.SoftmaxOutput(fc, name="sm")


@pytest.fixture
def classes(tiny_data):
    X, _ = tiny_data
    return np.digitize(X[:, 0], [-0.5, 0.5]).astype(np.float64)


def train(net, X, y, **kwargs):
    mx.set.seed(0)
    return mx.model.FeedForward.create(net, X, y, **{**FIT, "verbose": False, **kwargs})


def test_score_is_the_metric_over_every_sample(tiny_data, linreg):
    X, y = tiny_data
    model = train(linreg, X, y)
    pred = model.predict(X, array_layout="rowmajor")[:, 0].astype(np.float64)
    rmse = model.score(X, y, mx.metric.rmse, array_layout="rowmajor")
    assert rmse == pytest.approx(np.sqrt(np.mean((y - pred) ** 2)), rel=1e-6)
    assert model.score(X, y, array_layout="rowmajor") == pytest.approx(rmse ** 2, rel=1e-5)
    assert model.score(X, pd.Series(y), mx.metric.mae, **{"array.layout": "rowmajor"}) == \
        pytest.approx(np.mean(np.abs(y - pred)), rel=1e-6)


def test_score_of_a_classifier(tiny_data, classes):
    X, _ = tiny_data
    model = train(softmax(), X, classes)
    prob = model.predict(X, array_layout="rowmajor")
    picked = prob[np.arange(50), classes.astype(int)].astype(np.float64)
    assert model.score(X, classes, array_layout="rowmajor") == \
        pytest.approx(-np.mean(np.log(picked)), rel=1e-6)
    accuracy = model.score(X, classes, mx.metric.accuracy, array_layout="rowmajor")
    assert accuracy == pytest.approx(np.mean(prob.argmax(axis=1) == classes))
    labels = pd.Series(pd.Categorical.from_codes(classes.astype(int), ["a", "b", "c"]))
    assert model.score(X, labels, mx.metric.accuracy, array_layout="rowmajor") == accuracy
    it = mx.io.arrayiter(X, classes, batch_size=10)
    assert model.score(it, metric=mx.metric.accuracy) == accuracy


def test_score_errors_name_the_argument(tiny_data, linreg):
    X, y = tiny_data
    model = train(linreg, X, y)
    with pytest.raises(MXShapeError, match=r"^Invalid value for argument `y`\. Received: 10 "
                       r"labels"):
        model.score(X, y[:10], mx.metric.rmse, array_layout="rowmajor")
    with pytest.raises(MXValueError, match=r"^Invalid value for argument `y`\. Received: None\."):
        model.score(X)
    no_loss = mx.symbol.MakeLoss(mx.symbol.FullyConnected(mx.symbol.Variable("data"),
                                                          num_hidden=1, name="fc"))
    model.symbol = no_loss
    with pytest.raises(MXValueError, match=r"^Invalid value for argument `eval_metric`\. "
                       r"Received: None\. Expected a metric such as mx\.metric\.rmse"):
        model.score(X, y, array_layout="rowmajor")


def test_history_without_eval_metric_is_the_output_layers_loss(tiny_data, linreg, capsys):
    X, y = tiny_data
    quiet = train(linreg, X, y, verbose=True)
    assert capsys.readouterr().err == "Start training with 1 devices\n"  # nothing more printed
    explicit = train(linreg, X, y, eval_metric=mx.metric.mse)
    assert [r["metric"] for r in quiet.history] == ["mse"] * 3
    assert [(r["iteration"], r["phase"], r["value"]) for r in quiet.history] == \
        [(r["iteration"], r["phase"], r["value"]) for r in explicit.history]
    np.testing.assert_array_equal(quiet.arg_params["fc_weight"], explicit.arg_params["fc_weight"])


@pytest.mark.parametrize("callback", [None, lambda iteration, nbatch, env: None],
                         ids=["fused", "per batch"])
def test_a_classifier_records_cross_entropy_on_both_paths(tiny_data, classes, callback):
    X, _ = tiny_data
    model = train(softmax(), X, classes, batch_end_callback=callback)
    explicit = train(softmax(), X, classes, eval_metric=cross_entropy)
    assert [r["metric"] for r in model.history] == ["cross-entropy"] * 3
    assert [r["value"] for r in model.history] == [r["value"] for r in explicit.history]
    assert model.history[-1]["value"] < model.history[0]["value"]


def test_callbacks_see_no_metric_when_none_was_given(tiny_data, linreg):
    X, y = tiny_data
    seen = []
    train(linreg, X, y, epoch_end_callback=lambda iteration, nbatch, env: seen.append(
        (env.metric, env.get("train_metric"))))
    assert seen == [(None, None)] * 3


def test_default_metrics_per_output_layer(linreg):
    data = mx.symbol.Variable("data")
    fc = mx.symbol.FullyConnected(data, num_hidden=1)
    assert default_metric(linreg).name == "mse"
    assert default_metric(mx.symbol.MAERegressionOutput(fc)).name == "mae"
    assert default_metric(mx.symbol.LogisticRegressionOutput(fc)).name == "logloss"
    assert default_metric(softmax()).name == "cross-entropy"
    assert default_metric(mx.symbol.SoftmaxOutput(fc, multi_output=True)) is None
    assert default_metric(mx.symbol.MakeLoss(fc)) is None


def test_a_logistic_output_records_its_logloss(tiny_data):
    X, y = tiny_data
    target = (y > 0).astype(np.float64)
    net = mx.symbol.LogisticRegressionOutput(mx.symbol.FullyConnected(
        mx.symbol.Variable("data"), num_hidden=1, name="fc"), name="lro")
    model = train(net, X, target)
    assert [r["metric"] for r in model.history] == ["logloss"] * 3
    p = np.clip(model.predict(X, array_layout="rowmajor")[:, 0].astype(np.float64), 1e-15,
                1 - 1e-15)
    assert model.score(X, target, array_layout="rowmajor") == pytest.approx(
        -np.mean(target * np.log(p) + (1 - target) * np.log(1 - p)), rel=1e-6)


def test_cross_entropy_refuses_a_label_outside_the_classes():
    from mxnet_r_compat.errors import NativeError
    with pytest.raises(NativeError, match=r"cross-entropy|CROSS_ENTROPY"):
        cross_entropy.update(np.array([0.0, 3.0], np.float32),
                             np.full((2, 3), 1 / 3, np.float32), cross_entropy.init())
