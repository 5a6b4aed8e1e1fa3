"""Custom metrics that old code gets right (docs/COMPATIBILITY.md, "Custom metrics"), from
Python: for one output per sample feval sees label and pred of one shape (n,); both the plain
numpy style and MXNet 1.x's mx.nd style agree with the built-in metric; feval may return an
NDArray; with several outputs pred is (n, classes)."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat import mx


@pytest.fixture
def regression():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(60, 4)).astype(np.float32)
    y = (X @ np.array([1.0, -2.0, 0.5, 0.0], np.float32) + 0.1).astype(np.float32)
    data = mx.symbol.Variable("data")
    net = mx.symbol.LinearRegressionOutput(mx.symbol.FullyConnected(data, num_hidden=1))
    return net, X, y


def history(net, X, y, metric, **kw):
    logger = mx.metric.logger()
    mx.set.seed(0)
    mx.model.FeedForward.create(net, X=X, y=y, num_round=3, array_batch_size=20,
                                learning_rate=0.01, momentum=0.9, eval_metric=metric,
                                epoch_end_callback=mx.callback.log.train.metric(1, logger),
                                array_layout="rowmajor", verbose=False, **kw)
    return logger.train


def numpy_mae(label, pred):
    return float(np.mean(np.abs(label - pred)))


def ndarray_mae(label, pred):
    pred = mx.nd.reshape(pred, shape=(0,))
    return mx.nd.mean(mx.nd.abs(mx.nd.array(label) - pred))   # an NDArray of one value


def test_both_styles_equal_the_builtin_mae(regression):
    net, X, y = regression
    builtin = history(net, X, y, mx.metric.mae)
    for feval in (numpy_mae, ndarray_mae):
        np.testing.assert_allclose(history(net, X, y, mx.metric.custom("mae", feval)), builtin,
                                   rtol=1e-6)


def test_feval_sees_label_and_pred_of_one_shape(regression):
    net, X, y = regression
    shapes = []
    metric = mx.metric.custom("shapes", lambda label, pred: shapes.append(
        (label.shape, pred.shape)) or 0.0)
    history(net, X, y, metric)
    assert set(shapes) == {((20,), (20,))}


def test_the_value_is_per_sample_not_an_n_by_n_broadcast():
    m = mx.metric.custom("mae", numpy_mae)
    label = np.array([1.0, 2.0, 3.0], np.float32)
    pred = np.array([[1.5], [2.5], [2.0]], np.float32)      # the network's (n, 1) output
    value = m.get(m.update(label, pred, m.init())).value
    assert value == pytest.approx((0.5 + 0.5 + 1.0) / 3)      # an n x n broadcast gives 0.833


def test_several_outputs_give_pred_as_n_by_classes():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(40, 3)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.float32) + (X[:, 1] > 0)
    data = mx.symbol.Variable("data")
    net = mx.symbol.SoftmaxOutput(mx.symbol.FullyConnected(data, num_hidden=3))
    seen = []

    def accuracy(label, pred):
        seen.append(pred.shape)
        return float(np.mean(np.argmax(pred, axis=1) == label))

    custom = history(net, X, y, mx.metric.custom("accuracy", accuracy))
    np.testing.assert_allclose(custom, history(net, X, y, mx.metric.accuracy), rtol=1e-6)
    assert set(seen) == {(20, 3)}
