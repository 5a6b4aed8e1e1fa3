"""Callback slots beyond MXNet: lists per slot, begin/end hooks, richer return values,
history, callback timing and the non-finite guard."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import CallbackError
from mxnet_r_compat.training.trainer import NonFiniteWarning

NET = mx.symbol.LinearRegressionOutput(
    mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=1, name="fc"), name="lro")


@pytest.fixture
def data():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 3)).astype(np.float32)
    return X, X @ np.array([1.0, -2.0, 0.5], np.float32) + 1


def fit(data, **kw):
    X, y = data
    mx.set.seed(0)
    kw = {"num_round": 3, "array_batch_size": 10, "learning_rate": 0.05, "verbose": False,
          "eval_metric": mx.metric.rmse, "array_layout": "rowmajor", **kw}
    return mx.model.FeedForward.create(NET, X=X, y=y, **kw)


def recorder(log, tag):
    def cb(iteration, nbatch, env):
        log.append((tag, iteration, nbatch))
    return cb


def test_every_slot_is_called_in_order(data):
    log = []
    fit(data, num_round=2, **{f"{s}_callback": recorder(log, s) for s in
                              ("train_begin", "epoch_begin", "batch_begin", "batch_end",
                               "epoch_end", "train_end")})
    epoch = [("epoch_begin", 0)] + [(s, b) for b in range(1, 5)
                                    for s in ("batch_begin", "batch_end")] + [("epoch_end", 0)]
    expected = [("train_begin", 1, 0)] + [(s, it, b) for it in (1, 2) for s, b in epoch] \
        + [("train_end", 2, 0)]
    assert log == expected


def test_lists_run_in_order_and_any_false_stops(data):
    log = []

    def stop_at_2(iteration, nbatch, env):
        log.append(("stop", iteration))
        return iteration < 2

    model = fit(data, num_round=5, epoch_end_callback=[recorder(log, "a"), stop_at_2,
                                                       recorder(log, "c")])
    assert log == [("a", 1, 0), ("stop", 1), ("c", 1, 0), ("a", 2, 0), ("stop", 2), ("c", 2, 0)]
    assert [h["iteration"] for h in model.history] == [1, 2]


def test_train_end_runs_when_a_callback_fails(data):
    log = []

    def boom(iteration, nbatch, env):
        if iteration == 2:
            raise RuntimeError("disk on fire")

    with pytest.raises(CallbackError, match=r"epoch\.end\.callback #2 \(.*boom\) \(epoch 2"):
        fit(data, epoch_end_callback=[recorder(log, "ok"), boom],
            train_end_callback=recorder(log, "end"))
    assert log[-1] == ("end", 2, 0)  # epoch 2 finished training; only its callback failed


def test_list_return_changes_lr_stops_with_reason_and_saves(data, tmp_path):
    lrs = []
    prefix = str(tmp_path / "m")

    def control(iteration, nbatch, env):
        lrs.append(env.optimizer.lr)
        if iteration == 1:
            return {"lr": 0.01, "save": prefix}
        return {"stop": True, "reason": "enough"}

    model = fit(data, num_round=5, epoch_end_callback=control)
    assert lrs == [0.05, 0.01]
    assert [h["lr"] for h in model.history if h["phase"] == "train"] == [0.05, 0.01]
    assert model.stop_reason == "enough"
    saved = mx.model.load(prefix, 1)
    assert set(saved.arg_params) == {"fc_weight", "fc_bias"}


def test_batch_callback_can_stop_with_a_list_but_false_is_ignored(data):
    model = fit(data, batch_end_callback=lambda i, n, env: False)
    assert len([h for h in model.history if h["phase"] == "train"]) == 3
    model = fit(data, batch_end_callback=lambda i, n, env: {"stop": i == 2 and n == 2})
    assert [h["iteration"] for h in model.history] == [1]  # epoch 2 was cut short
    assert model.stop_reason == "a callback asked to stop"


def test_bad_list_fields_are_errors(data):
    with pytest.raises(CallbackError, match="unknown field `stpo`"):
        fit(data, epoch_end_callback=lambda i, n, env: {"stpo": True})
    with pytest.raises(CallbackError, match="lr=-1"):
        fit(data, epoch_end_callback=lambda i, n, env: {"lr": -1})


def test_history_and_callback_time(data):
    X, y = data
    model = fit(data, eval_data={"data": X, "label": y}, epoch_end_callback=lambda i, n, e: True)
    assert [(h["iteration"], h["phase"], h["metric"]) for h in model.history] == [
        (i, p, "rmse") for i in (1, 2, 3) for p in ("train", "eval")]
    seconds = [h["seconds"] for h in model.history]
    assert seconds == sorted(seconds) and seconds[0] > 0
    (timing,) = model.callback_time
    assert timing["slot"] == "epoch.end" and timing["calls"] == 3 and timing["seconds"] >= 0


def test_divergence_stops_at_the_first_nonfinite_value(data):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = fit(data, num_round=20, learning_rate=1e3)
    (w,) = [w for w in caught if issubclass(w.category, NonFiniteWarning)]
    assert "non-finite value" in str(w.message) and "epoch" in str(w.message)
    assert all(np.isfinite(v).all() for v in model.arg_params.values())
    assert "non-finite" in model.stop_reason
    last_epoch = max([h["iteration"] for h in model.history], default=0)
    assert last_epoch < 20


def test_check_finite_false_keeps_training(data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = fit(data, num_round=20, learning_rate=1e3, check_finite=False)
    assert len([h for h in model.history if h["phase"] == "train"]) == 20
    assert not all(np.isfinite(v).all() for v in model.arg_params.values())
