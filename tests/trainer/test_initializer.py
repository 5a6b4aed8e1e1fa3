"""Initialisers (docs/MXNET_R_BEHAVIOUR.md, "Initializers, contexts and random numbers"): suffix
defaults, the misspelt error, Xavier's fan rule, draw order."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import MXValueError


@pytest.mark.parametrize("name, value", [
    ("fc1_bias", 0.0), ("bn_gamma", 1.0), ("bn_beta", 0.0), ("bn_moving_mean", 0.0),
    ("bn_moving_var", 1.0),
])
def test_defaults_by_suffix(name, value):
    for init in (mx.init.uniform(0.5), mx.init.normal(0.5), mx.init.Xavier()):
        out = init(name, (3, 2))
        assert out.dtype == np.float32 and out.shape == (3, 2)
        assert (out == value).all()
    assert (mx.init.internal.default(name, (2,)) == value).all()


def test_unknown_pattern_is_none_when_allowed():
    assert mx.init.uniform(0.1)("my_scale", (2,), None, True) is None


def test_unknown_pattern_error_keeps_r_spelling():
    with pytest.raises(MXValueError, match=r"^Unkown initialization pattern for  my_scale$"):
        mx.init.uniform(0.1)("my_scale", (2,))


def test_uniform_and_normal_draw_from_the_mxnet_stream():
    mx.set.seed(3)
    u = mx.init.uniform(0.07)("fc_weight", (4, 5))
    n = mx.init.normal(0.2)("fc_weight", (4, 5))
    mx.set.seed(3)
    np.testing.assert_array_equal(u, mx.runif((4, 5), -0.07, 0.07))
    np.testing.assert_array_equal(n, mx.rnorm((4, 5), 0, 0.2))
    assert np.abs(u).max() <= 0.07


@pytest.mark.parametrize("shape, factor_type, factor", [
    ((10, 784), "avg", (784 + 10) / 2), ((10, 784), "in", 784), ((10, 784), "out", 10),
    # Convolution weight (out=8, in=3, 5x5): R uses fan_out = 8, not 8*5*5 as Python MXNet.
    ((8, 3, 5, 5), "avg", (75 + 8) / 2), ((8, 3, 5, 5), "out", 8),
])
@pytest.mark.parametrize("rnd_type", ["uniform", "gaussian"])
def test_xavier_fan_rule(shape, factor_type, factor, rnd_type):
    scale = math.sqrt(2.0 / factor)
    mx.set.seed(9)
    got = mx.init.Xavier(rnd_type=rnd_type, factor_type=factor_type, magnitude=2)("w_weight",
                                                                                 shape)
    mx.set.seed(9)
    want = mx.runif(shape, -scale, scale) if rnd_type == "uniform" else mx.rnorm(shape, 0, scale)
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_xavier_defaults_are_uniform_avg_magnitude_3():
    mx.set.seed(1)
    got = mx.init.Xavier()("w_weight", (6, 4))
    mx.set.seed(1)
    scale = math.sqrt(3 / 5)
    np.testing.assert_allclose(got, mx.runif((6, 4), -scale, scale), rtol=1e-6)


@pytest.mark.parametrize("kwargs, message", [
    ({"rnd_type": "bernoulli"}, "^Not supported random type"),
    ({"factor_type": "sum"}, "^Not supported factor type"),
])
def test_xavier_rejects_unknown_types(kwargs, message):
    with pytest.raises(MXValueError, match=message):
        mx.init.Xavier(**kwargs)


def test_create_skips_unknown_names_and_keeps_order():
    shapes = {"data": (5, 3), "fc_weight": (2, 3), "fc_bias": (2,), "lro_label": (5,)}
    out = mx.init.create(mx.init.uniform(0.1), shapes, None, True)
    assert list(out) == ["fc_weight", "fc_bias"]
    assert mx.init.create(mx.init.uniform(0.1), {}) == {}
    with pytest.raises(MXValueError, match="data"):
        mx.init.create(mx.init.uniform(0.1), shapes, None, False)


def test_init_params_draws_weights_in_argument_order(bn_net):
    mx.set.seed(21)
    args, aux = mx.model.init.params(bn_net, {"data": (8, 3)}, {"lro_label": (8,)},
                                     mx.init.uniform(0.3))
    mx.set.seed(21)
    w1 = mx.runif((4, 3), -0.3, 0.3)
    w2 = mx.runif((1, 4), -0.3, 0.3)
    assert list(args) == ["fc1_weight", "fc1_bias", "bn_gamma", "bn_beta", "fc2_weight",
                          "fc2_bias"]
    np.testing.assert_array_equal(args["fc1_weight"], w1)
    np.testing.assert_array_equal(args["fc2_weight"], w2)
    assert args["bn_gamma"].tolist() == [1, 1, 1, 1]
    assert list(aux) == ["bn_moving_mean", "bn_moving_var"]
    assert aux["bn_moving_var"].tolist() == [1, 1, 1, 1]


def test_create_draws_shuffle_then_weights_then_validation_shuffle(train, tiny_data):
    """Spec 10's order of random draws in FeedForward.create with array input."""
    X, y = tiny_data
    seen = {}

    def grab(iteration, nbatch, env):
        seen["arg"] = env.arg_params
        seen["train_order"] = env.train_data.order.copy()
        seen["eval_order"] = env.eval_data.order.copy()

    train(num_round=1, seed=13, initializer=mx.init.uniform(0.2),
          eval_data={"data": X[:20], "label": y[:20]}, epoch_end_callback=grab)
    mx.set.seed(13)
    train_order = mx.io.arrayiter(X, y, batch_size=16, shuffle=True).order
    weight = mx.runif((1, 3), -0.2, 0.2)
    eval_order = mx.io.arrayiter(X[:20], y[:20], batch_size=16, shuffle=True).order
    np.testing.assert_array_equal(seen["train_order"], train_order)
    np.testing.assert_array_equal(seen["arg"]["fc_weight"], weight)
    np.testing.assert_array_equal(seen["eval_order"], eval_order)


def test_default_initializer_is_uniform_001(train):
    seen = {}
    train(num_round=1, seed=4, epoch_end_callback=lambda i, n, env: seen.update(env.arg_params))
    mx.set.seed(4)
    mx.runif(50)  # the training shuffle comes first
    np.testing.assert_array_equal(seen["fc_weight"], mx.runif((1, 3), -0.01, 0.01))
    assert seen["fc_bias"].tolist() == [0.0]
