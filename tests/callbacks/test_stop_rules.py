"""mx.callback.terminate.on.nan and mx.callback.timer."""

from __future__ import annotations

import time

import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import MXValueError


def nan_from_call(n: int):
    """A metric whose n-th call (and later ones) returns NaN."""
    calls = [0]

    def feval(label, pred):
        calls[0] += 1
        return float("nan") if calls[0] >= n else 1.0
    return mx.metric.custom("flaky", feval)


def test_terminate_on_nan_stops_at_the_batch(fit):
    cb = mx.callback.terminate.on.nan()
    model = fit(num_round=5, eval_metric=nan_from_call(6), batch_end_callback=cb)
    assert cb.stopped_at == (2, 2)      # the 6th batch is epoch 2, batch 2
    assert model.stop_reason == "terminate.on.nan: train-flaky is NaN at epoch 2, batch 2"
    assert [h["iteration"] for h in model.history] == [1]   # epoch 2 was cut short


def test_terminate_on_nan_at_epoch_end_checks_validation(fit):
    cb = mx.callback.terminate.on.nan()
    # 4 training calls per epoch, then 2 validation calls: the 5th call is epoch 1's eval
    model = fit(eval=True, num_round=5, eval_metric=nan_from_call(5), epoch_end_callback=cb)
    assert cb.stopped_at == (1, 0)
    assert model.stop_reason == "terminate.on.nan: eval-flaky is NaN at epoch 1"


def test_terminate_on_nan_lets_finite_runs_finish(fit):
    cb = mx.callback.terminate.on.nan()
    model = fit(num_round=3, batch_end_callback=cb)
    assert cb.stopped_at is None and model.stop_reason is None


def test_timer_zero_budget_stops_at_the_first_check(fit):
    model = fit(num_round=3, batch_end_callback=mx.callback.timer(0))
    assert model.history == [] and model.stop_reason.startswith("timer: time budget of 0 s")


def test_timer_stops_within_the_budget(fit):
    batches = []

    def slow(iteration, nbatch, env):
        batches.append((iteration, nbatch))
        time.sleep(0.02)

    cb = mx.callback.timer(max_seconds=0.15)
    model = fit(num_round=10, batch_end_callback=[slow, cb])
    assert 5 <= len(batches) < 40 and cb.stopped
    assert "time budget of 0.15 s used up" in model.stop_reason
    assert cb.state_dict()["seconds"] >= 0.15


def test_timer_at_epoch_end_finishes_the_epoch(fit):
    cb = mx.callback.timer(0)
    model = fit(num_round=3, epoch_end_callback=cb)
    assert [h["iteration"] for h in model.history] == [1]


def test_timer_state_carries_the_time_already_used(fit):
    cb = mx.callback.timer(max_seconds=50)
    cb.load_state_dict({"seconds": 60.0, "stopped": False})
    model = fit(num_round=3, epoch_end_callback=cb)
    assert [h["iteration"] for h in model.history] == [1]
    assert cb.state_dict()["seconds"] > 60


def test_timer_bad_budget():
    with pytest.raises(MXValueError, match="`max.seconds`"):
        mx.callback.timer(-1)
