"""mx.callback.reduce.lr.on.plateau and mx.callback.lr.scheduler: the rate the optimizer
really uses changes."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import CallbackError, MXValueError


def lrs(results) -> list:
    return [r["lr"] if isinstance(r, dict) else None for r in results]


def test_plateau_reduces_after_patience_then_cools_down(drive, make_env):
    cb = mx.callback.reduce.lr.on.plateau(factor=0.5, patience=2, cooldown=1, min_lr=0.02)
    env = make_env(lr=0.1)
    results = drive(cb, [5] * 11, env=env)
    # epoch 1 sets the best; 2 waits; 3 reduces; 4 cools down; 5 waits; 6 reduces; 7 cools
    # down; 8 waits; 9 reduces to min.lr (0.0125 < 0.02); then it stays at min.lr
    assert lrs(results) == [None, None, 0.05, None, None, 0.025, None, None, 0.02, None, None]
    assert env.optimizer.lr == 0.02
    assert cb.reductions == [(3, 0.05), (6, 0.025), (9, 0.02)]


def test_plateau_improvements_reset_the_wait(drive, make_env):
    cb = mx.callback.reduce.lr.on.plateau(factor=0.1, patience=2)
    assert lrs(drive(cb, [5, 6, 4, 6, 6], env=make_env(lr=1.0))) == [None] * 4 + [0.1]


def test_plateau_patience_zero_reduces_at_every_bad_epoch(drive, make_env):
    cb = mx.callback.reduce.lr.on.plateau(factor=0.5, patience=0)
    assert lrs(drive(cb, [5, 6, 7], env=make_env(lr=1.0))) == [None, 0.5, 0.25]


def test_plateau_follows_the_metric_direction(drive, make_env):
    cb = mx.callback.reduce.lr.on.plateau(factor=0.5, patience=1)
    env = make_env(metric=mx.metric.accuracy, lr=1.0)
    assert lrs(drive(cb, [0.5, 0.6, 0.55], env=env)) == [None, None, 0.5]


def test_plateau_in_training_changes_the_recorded_rate(fit, diverging_eval):
    cb = mx.callback.reduce.lr.on.plateau(factor=0.5, patience=1)
    model = fit(eval_data=diverging_eval, num_round=5, epoch_end_callback=cb)
    # the validation error is lowest at epoch 2, so epochs 3, 4, 5 each reduce the rate
    assert [h["lr"] for h in model.history if h["phase"] == "train"] == \
        [0.05, 0.05, 0.05, 0.025, 0.0125]


def test_plateau_state_round_trip(drive, make_env):
    first = mx.callback.reduce.lr.on.plateau(factor=0.5, patience=2, cooldown=1)
    env = make_env(lr=0.1)
    drive(first, [5, 5, 5, 5], env=env)
    state = first.state_dict()
    assert (state["best"], state["wait"], state["cooldown_left"]) == (5, 0, 0)
    resumed = mx.callback.reduce.lr.on.plateau(factor=0.5, patience=2, cooldown=1)
    resumed.load_state_dict(state)
    assert lrs(drive(resumed, [5, 5], env=env, first=5)) == [None, 0.025]


def test_plateau_bad_arguments():
    with pytest.raises(MXValueError, match="`factor`"):
        mx.callback.reduce.lr.on.plateau(factor=1.5)
    with pytest.raises(MXValueError, match="`cooldown`"):
        mx.callback.reduce.lr.on.plateau(cooldown=-1)


def test_scheduler_really_changes_the_updates(fit, recorder):
    weights = {}
    # a rate of 0 from epoch 2: the weights must not move after epoch 1
    sched = mx.callback.lr.scheduler(lambda iteration, lr: 0.05 if iteration == 1 else 0.0)
    model = fit(num_round=3, epoch_begin_callback=sched, epoch_end_callback=recorder(weights))
    assert [h["lr"] for h in model.history] == [0.05, 0.0, 0.0]
    np.testing.assert_array_equal(weights[3]["fc_weight"], weights[1]["fc_weight"])
    reference = fit(num_round=1)
    np.testing.assert_array_equal(model.arg_params["fc_weight"],
                                  reference.arg_params["fc_weight"])


def test_scheduler_per_batch(fit):
    seen = []
    sched = mx.callback.lr.scheduler(lambda iteration, lr: 0.01 * (iteration * 10 + 1))

    def record(iteration, nbatch, env):
        seen.append(env.optimizer.lr)

    fit(num_round=2, batch_begin_callback=sched, batch_end_callback=record)
    assert seen == pytest.approx([0.11] * 4 + [0.21] * 4)


def test_scheduler_bad_return_is_an_error(fit):
    sched = mx.callback.lr.scheduler(lambda iteration, lr: -1)
    with pytest.raises(CallbackError, match=r"fun\(1, 0.05\) returned -1"):
        fit(epoch_begin_callback=sched)


def test_scheduler_needs_a_function():
    with pytest.raises(MXValueError, match="`fun`"):
        mx.callback.lr.scheduler(0.1)
