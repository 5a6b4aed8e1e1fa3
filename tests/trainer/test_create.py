"""FeedForward.create's arguments (docs/MXNET_R_BEHAVIOUR.md, "FeedForward.create" and "Layout"):
layouts, overrides, fixed.param, iterators."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import MXValueError
from mxnet_r_compat.io import DataIter, LayoutWarning


def test_rowmajor_is_detected_for_samples_by_features(train, tiny_data):
    X, _ = tiny_data
    explicit = train(num_round=2).arg_params["fc_weight"]
    with pytest.warns(LayoutWarning, match="use rowmajor"):
        auto = train(num_round=2, array_layout="auto").arg_params["fc_weight"]
    with pytest.warns(LayoutWarning, match="use colmajor"):
        transposed = train(num_round=2, X=X.T.copy(), array_layout="auto")
    np.testing.assert_array_equal(auto, explicit)
    np.testing.assert_array_equal(transposed.arg_params["fc_weight"], explicit)
    colmajor = train(num_round=2, X=X.T.copy(), array_layout="colmajor")
    np.testing.assert_array_equal(colmajor.arg_params["fc_weight"], explicit)


def test_bad_layout_name(train):
    with pytest.raises(MXValueError, match="array.layout"):
        train(array_layout="columns")


def frozen(train, **kw):
    """Train with a zero learning rate: the returned model holds the starting values."""
    return train(num_round=1, optimizer=mx.opt.create("sgd", learning_rate=0.0), **kw)


def test_arg_params_replace_the_initialised_ones_as_a_whole(train):
    model = frozen(train, arg_params={"fc_weight": np.full((1, 3), 2.0)})
    assert model.arg_params["fc_weight"].tolist() == [[2.0, 2.0, 2.0]]
    assert model.arg_params["fc_bias"].tolist() == [0.0]
    model = frozen(train, arg_params={"fc_bias": np.full(1, 3.0)})
    assert model.arg_params["fc_weight"].tolist() == [[0.0, 0.0, 0.0]]  # not merged


def test_overrides_do_not_change_the_random_draws(train, tiny_data):
    X, y = tiny_data
    orders = []

    def grab(iteration, nbatch, env):
        orders.append((env.train_data.order.copy(), env.eval_data.order.copy()))

    for params in (None, {"fc_weight": np.ones((1, 3)), "fc_bias": np.zeros(1)}):
        frozen(train, arg_params=params, eval_data={"data": X, "label": y},
               epoch_end_callback=grab)
    np.testing.assert_array_equal(orders[0][0], orders[1][0])
    np.testing.assert_array_equal(orders[0][1], orders[1][1])


def test_aux_params_override(train, bn_net):
    aux = {"bn_moving_mean": np.full(4, 0.5), "bn_moving_var": np.full(4, 2.0)}
    seen = []

    def batch(iteration, nbatch, env):
        ex = env.train_execs[0]
        if nbatch == 1:
            h = env.dlist["data"] @ ex.arg_arrays["fc1_weight"].T + ex.arg_arrays["fc1_bias"]
            seen.append((ex.aux_arrays["bn_moving_mean"].copy(), h.mean(axis=0)))

    frozen(train, symbol=bn_net, aux_params=aux, batch_end_callback=batch)
    moving, batch_mean = seen[0]
    # One training forward from the given 0.5: momentum 0.9 towards the batch mean.
    np.testing.assert_allclose(moving, 0.9 * 0.5 + 0.1 * batch_mean, rtol=1e-5, atol=1e-6)


def test_fixed_param_is_never_updated_and_left_out(train):
    seen = []
    model = train(num_round=2, fixed_param=["fc_bias"],
                  arg_params={"fc_weight": np.ones((1, 3)), "fc_bias": np.full(1, 5.0)},
                  epoch_end_callback=lambda i, n, env: seen.append(
                      env.train_execs[0].arg_arrays["fc_bias"].copy()))
    assert [s.tolist() for s in seen] == [[5.0], [5.0]]
    assert list(model.arg_params) == ["fc_weight"]
    assert not np.allclose(model.arg_params["fc_weight"], 1.0)


class FieldIter(DataIter):
    """A user iterator with custom field names, two batches of 8."""

    def __init__(self, X, y, names=("data", "label")):
        self.X, self.y, self.names = X.astype(np.float32), y.astype(np.float32), names
        self.batch_size, self.k = 8, -1

    def reset(self):
        self.k = -1

    def iter_next(self):
        self.k += 1
        return self.k < 2

    def value(self):
        s = slice(8 * self.k, 8 * self.k + 8)
        return {self.names[0]: self.X[s], self.names[1]: self.y[s]}


def test_iterator_input_is_used_as_given(linreg, tiny_data, no_warnings):
    """No layout, no shuffle: the weights are the only random draw."""
    X, y = tiny_data
    mx.set.seed(0)
    weight = mx.runif((1, 3), -0.2, 0.2)
    after = mx.runif(2)
    mx.set.seed(0)
    model = mx.model.FeedForward.create(linreg, FieldIter(X, y), y=np.zeros(3), num_round=2,
                                        verbose=False, initializer=mx.init.uniform(0.2),
                                        optimizer=mx.opt.create("sgd", learning_rate=0.0))
    np.testing.assert_array_equal(model.arg_params["fc_weight"], weight)
    np.testing.assert_array_equal(mx.runif(2), after)


def test_input_and_output_names(linreg, tiny_data):
    X, y = tiny_data
    it = FieldIter(X, y, names=("data", "lro_label"))
    model = mx.model.FeedForward.create(linreg, it, num_round=1, verbose=False,
                                        input_names=["data"], output_names=["lro_label"])
    assert set(model.arg_params) == {"fc_weight", "fc_bias"}
    with pytest.raises(MXValueError, match="input.names"):
        mx.model.FeedForward.create(linreg, it, num_round=1, verbose=False,
                                    input_names=["x"])


def test_kvstore_choices(train, stderr_lines):
    train(num_round=1, kvstore="local", verbose=True)
    assert stderr_lines() == ["Start training with 1 devices"]
    with pytest.raises(MXValueError, match="kvstore.*only synchronous distributed training"):
        train(num_round=1, kvstore="dist_async", ctx=[mx.cpu(0), mx.cpu(1)])


def test_num_round_one_and_metric_cpu_flag(train):
    seen = []
    train(num_round=1, metric_cpu=False, epoch_end_callback=lambda i, n, env: seen.append(i))
    assert seen == [1]


def test_validation_set_smaller_than_the_batch(train, tiny_data):
    """MXNet R failed here (validation reused the training executors); this works."""
    X, y = tiny_data
    seen = []

    def epoch(iteration, nbatch, env):
        order = env.eval_data.order
        pred = env.model.predict(X[:10], array_layout="rowmajor")[order, 0]
        halves = [np.sqrt(np.mean((pred[s] - y[:10][order][s]) ** 2))
                  for s in (slice(0, 5), slice(5, 10))]
        seen.append((env.metric.get(env.eval_metric).value, np.mean(halves)))

    train(num_round=2, ctx=[mx.cpu(0), mx.cpu(1)], eval_metric=mx.metric.rmse,
          eval_data={"data": X[:10], "label": y[:10]}, epoch_end_callback=epoch)
    for got, want in seen:
        assert got == pytest.approx(want, rel=1e-5)
