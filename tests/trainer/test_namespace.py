"""The R-style namespace: every ``mx.*`` name as a dotted path, keywords in both spellings."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.api.rnames import R_API
from mxnet_r_compat.errors import MXTypeError

# The names the issue lists, plus the ones the tutorials use.
R_NAMES = [
    "mx.symbol.Variable", "mx.symbol.Group", "mx.symbol.FullyConnected", "mx.symbol.Activation",
    "mx.symbol.LinearRegressionOutput", "mx.symbol.SoftmaxOutput", "mx.symbol.BatchNorm",
    "mx.symbol.Dropout", "mx.symbol.infer.shape", "mx.symbol.load", "mx.symbol.load.json",
    "mx.model.FeedForward.create", "mx.model.save", "mx.model.load", "mx.model.predict",
    "mx.model.init.params",
    "mx.metric.rmse", "mx.metric.mse", "mx.metric.mae", "mx.metric.rmsle", "mx.metric.accuracy",
    "mx.metric.top_k_accuracy", "mx.metric.logloss", "mx.metric.logistic_acc",
    "mx.metric.Perplexity", "mx.metric.custom", "mx.metric.logger",
    "mx.callback.save.checkpoint", "mx.callback.log.train.metric",
    "mx.callback.log.speedometer", "mx.callback.early.stop",
    "mx.init.uniform", "mx.init.normal", "mx.init.Xavier", "mx.init.create",
    "mx.init.internal.default",
    "mx.opt.create", "mx.opt.get.updater", "mx.opt.sgd", "mx.opt.adam", "mx.opt.rmsprop",
    "mx.opt.adagrad", "mx.opt.adadelta", "mx.opt.nag",
    "mx.lr_scheduler.FactorScheduler", "mx.lr_scheduler.MultiFactorScheduler",
    "mx.io.arrayiter", "mx.io.extract", "mx.mlp",
    "mx.cpu", "mx.gpu", "mx.ctx.default", "mx.set.seed", "mx.runif", "mx.rnorm",
]


def resolve(dotted: str):
    return functools.reduce(getattr, dotted.split(".")[1:], mx)


@pytest.mark.parametrize("name", R_NAMES)
def test_listed_name_is_reachable(name):
    assert name in R_API
    assert resolve(name) is R_API[name]


def test_every_table_entry_is_reachable():
    for name, obj in R_API.items():
        assert resolve(name) is obj, name


def test_metric_logger_has_lists_and_new():
    a, b = mx.metric.logger(), mx.metric.logger.new()
    assert (a.train, a.eval, b.train, b.eval) == ([], [], [], [])
    a.train.append(1.0)
    assert b.train == []  # separate objects, as R's $new() gives


def test_unknown_member_suggests_the_closest():
    with pytest.raises(AttributeError, match=r"mx\.metric has no member `rmsee`\. "
                                             r"Did you mean mx\.metric\.rmse\?"):
        mx.metric.rmsee  # noqa: B018


def test_create_keywords_in_both_spellings_give_the_same_run(tiny_data, linreg):
    X, y = tiny_data
    runs = []
    for kw in ({"num_round": 2, "array_batch_size": 16, "learning_rate": 0.05},
               {"num.round": 2, "array.batch.size": 16, "learning.rate": 0.05}):
        mx.set.seed(3)
        model = mx.model.FeedForward.create(linreg, X=X, y=y, array_layout="rowmajor",
                                            verbose=False, **kw)
        runs.append(model.arg_params["fc_weight"])
    np.testing.assert_array_equal(runs[0], runs[1])


@pytest.mark.parametrize("call, bad, suggestion", [
    (lambda X, y, net: mx.model.FeedForward.create(net, X, y, array_layout="rowmajor",
                                                   num_rounds=2),
     "num_rounds", "num.round"),
    (lambda X, y, net: mx.model.FeedForward.create(net, X, y, array_layout="rowmajor",
                                                   **{"array.batchsize": 2}),
     "array_batchsize", "array.batch.size"),
    (lambda X, y, net: mx.model.FeedForward.create(net, X, y, array_layout="rowmajor",
                                                   learning_rat=0.1),
     "learning_rat", "learning.rate"),
    (lambda X, y, net: mx.opt.sgd(**{"learning.rat": 0.1}), "learning.rat", "learning.rate"),
    (lambda X, y, net: mx.opt.create("adam", bet1=0.9), "bet1", "beta1"),
    (lambda X, y, net: mx.io.arrayiter(X, y, batchsize=4), "batchsize", "batch.size"),
    (lambda X, y, net: mx.callback.early.stop(bad_step=3), "bad_step", "bad.steps"),
    (lambda X, y, net: mx.init.Xavier(magnitud=2), "magnitud", "magnitude"),
    (lambda X, y, net: mx.lr_scheduler.FactorScheduler(step=2, factor_va=0.5), "factor_va",
     "factor_val"),
    (lambda X, y, net: mx.lr_scheduler.MultiFactorScheduler([2], 0.5, **{"stop.factor": 1}),
     "stop_factor", "stop_factor_lr"),
])
def test_unknown_keyword_names_it_and_suggests(tiny_data, linreg, call, bad, suggestion):
    X, y = tiny_data
    with pytest.raises(MXTypeError, match=rf"unknown argument `{bad}`\. "
                                          rf"Did you mean `{suggestion}`\?"):
        call(X, y, linreg)


def test_r_spelled_keywords_reach_every_function(tiny_data, linreg):
    X, y = tiny_data
    it = mx.io.arrayiter(X, y, **{"batch.size": 7})
    assert it.batch_size == 7
    assert mx.cpu(**{"dev.id": 2}).device_id == 2
    shapes = {"data": (5, 3)}
    args, aux = mx.model.init.params(linreg, **{"input.shape": shapes,
                                                "output.shape": {"lro_label": (5,)},
                                                "initializer": mx.init.uniform(0.1)})
    assert sorted(args) == ["fc_bias", "fc_weight"] and aux == {}
    created = mx.init.create(mx.init.uniform(0.1), **{"shape.array": {"fc_bias": (2,)},
                                                     "skip.unknown": True})
    assert created["fc_bias"].tolist() == [0.0, 0.0]
    assert callable(mx.callback.log.speedometer(**{"batch.size": 16}))
    mx.set.seed(0)
    assert mx.runif(2, ctx=mx.cpu()).shape == (2,)
    model = mx.model.FeedForward.create(linreg, X, y, array_layout="rowmajor",
                                        verbose=False, num_round=1)
    assert mx.model.predict(model, X, **{"array.batch.size": 7,
                                         "array.layout": "rowmajor"}).shape == (50, 1)
    assert model.predict(X, **{"array.layout": "rowmajor"}).shape == (50, 1)
    assert model.predict(X, array_layout="rowmajor").shape == (50, 1)


def test_model_reads_like_r_lists(train):
    model = train(num_round=1)
    assert model["arg.params"] is model.arg_params
    assert model["aux.params"] is model.aux_params
    assert model.symbol.outputs() == ["lro_output"]
