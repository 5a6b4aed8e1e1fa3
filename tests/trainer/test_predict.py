"""Prediction (docs/MXNET_R_BEHAVIOUR.md, "Prediction and model files"): shapes, layout detection,
padding dropped, iterators, parameters."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import MXShapeError
from mxnet_r_compat.io import LayoutWarning


@pytest.fixture
def model(train):
    return train(num_round=2)


def direct(model, X):
    X = np.asarray(X, np.float32).astype(np.float64)
    return X @ model.arg_params["fc_weight"].T + model.arg_params["fc_bias"]


@pytest.mark.parametrize("batch", [16, 7, 50, 128, 1])
def test_padding_is_dropped(model, tiny_data, batch, no_warnings):
    X, _ = tiny_data
    pred = model.predict(X, array_batch_size=batch, array_layout="rowmajor")
    assert pred.shape == (50, 1) and pred.dtype == np.float32
    np.testing.assert_allclose(pred, direct(model, X), rtol=1e-5, atol=1e-6)


def test_order_is_kept_and_no_shuffle_draws(model, tiny_data):
    X, _ = tiny_data
    mx.set.seed(3)
    expected = mx.runif(2)
    mx.set.seed(3)
    pred = model.predict(X[::-1], array_layout="rowmajor")
    np.testing.assert_array_equal(mx.runif(2), expected)
    np.testing.assert_allclose(pred[::-1], direct(model, X), rtol=1e-5, atol=1e-6)


def test_layout_detection_for_predict(model, tiny_data):
    X, _ = tiny_data
    with pytest.warns(LayoutWarning, match="use rowmajor"):
        rows = model.predict(X)
    with pytest.warns(LayoutWarning, match="use colmajor"):
        cols = model.predict(X.T.copy())
    np.testing.assert_array_equal(rows, cols)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(model.predict(X.T.copy(), array_layout="colmajor"), rows)


def test_iterator_input(model, tiny_data):
    X, y = tiny_data
    it = mx.io.arrayiter(X, y, batch_size=16)
    pred = mx.model.predict(model, it)
    assert pred.shape == (50, 1)
    np.testing.assert_allclose(pred, direct(model, X), rtol=1e-5, atol=1e-6)
    assert it.iter_next()  # predict resets the iterator when done


def test_softmax_output_shape(tiny_data):
    X, y = tiny_data
    labels = (y > 0).astype(float) + (y > 2)
    data = mx.symbol.Variable("data")
    net = mx.symbol.SoftmaxOutput(mx.symbol.FullyConnected(data, num_hidden=3, name="fc"),
                                  name="sm")
    mx.set.seed(0)
    model = mx.model.FeedForward.create(net, X, labels, array_layout="rowmajor", num_round=2,
                                        array_batch_size=16, verbose=False,
                                        eval_metric=mx.metric.accuracy)
    prob = model.predict(X, array_layout="rowmajor")
    assert prob.shape == (50, 3)
    np.testing.assert_allclose(prob.sum(axis=1), 1.0, rtol=1e-5)


def test_extra_params_in_the_model(model, tiny_data):
    X, _ = tiny_data
    model.arg_params["old_weight"] = np.ones(3, np.float32)
    with pytest.raises(MXShapeError, match="cannot find key old_weight"):
        model.predict(X, array_layout="rowmajor")
    pred = model.predict(X, array_layout="rowmajor", allow_extra_params=True)
    assert pred.shape == (50, 1)


def test_wrong_feature_count(model):
    with pytest.raises(MXShapeError, match="4 features per sample"):
        model.predict(np.zeros((10, 4)), array_layout="rowmajor")


def test_fixed_param_model_predicts_without_it(train, tiny_data):
    """fixed.param arguments are left out of the model (docs/MXNET_R_BEHAVIOUR.md,
    "FeedForward.create"): they predict as zeros."""
    X, _ = tiny_data
    model = train(num_round=1, fixed_param=["fc_bias"],
                  arg_params={"fc_weight": np.ones((1, 3)), "fc_bias": np.full(1, 5.0)})
    assert list(model.arg_params) == ["fc_weight"]
    pred = model.predict(X, array_layout="rowmajor")
    np.testing.assert_allclose(pred[:, 0], X @ model.arg_params["fc_weight"][0], rtol=1e-5,
                               atol=1e-6)
