"""mx.callback.early.stopping: patience, min.delta, direction, baseline, start epoch,
restoring the best model, and its state for exact resume."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.console import r_str
from mxnet_r_compat.errors import MXValueError


@pytest.mark.parametrize(("patience", "expected"),
                         [(0, 3), (1, 3), (2, 4), (3, 5), (4, 6), (5, None)])
def test_patience_counts_consecutive_epochs_without_improvement(drive, stop_epoch, patience,
                                                                 expected):
    cb = mx.callback.early.stopping(patience=patience)
    results = drive(cb, [5, 4, 4.5, 4.2, 4.1, 4.0])   # minimising: best 4 at epoch 2
    assert stop_epoch(results) == expected


def test_stop_result_names_the_reason_and_the_best_epoch(drive):
    cb = mx.callback.early.stopping(patience=2)
    result = drive(cb, [5, 4, 4.5, 4.2])[-1]
    assert result["stop"] is True
    assert result["reason"] == ("early stopping: eval-rmse did not improve for 2 epochs "
                                "(best 4 at epoch 2)")
    assert (cb.best, cb.best_epoch, cb.wait, cb.stopped_epoch) == (4.0, 2, 2, 4)


def test_an_improvement_resets_the_count(drive, stop_epoch):
    cb = mx.callback.early.stopping(patience=2)
    assert stop_epoch(drive(cb, [5, 6, 4, 6, 3, 6, 6])) == 7


def test_min_delta_is_the_smallest_improvement_that_counts(drive, stop_epoch):
    values = [5, 4.95, 4.9, 4.85, 4.8]
    assert stop_epoch(drive(mx.callback.early.stopping(patience=2), values)) is None
    cb = mx.callback.early.stopping(patience=2, min_delta=0.1)
    assert stop_epoch(drive(cb, values)) == 3          # 4.9 is not below 5 - 0.1
    cb = mx.callback.early.stopping(patience=2, min_delta=0.04)
    assert stop_epoch(drive(cb, values)) is None       # each step improves by 0.05


def test_mode_auto_follows_the_metrics_direction(drive, stop_epoch, make_env):
    values = [0.5, 0.6, 0.55, 0.7]
    # rmse: lower is better, so 0.6 is worse than 0.5
    assert stop_epoch(drive(mx.callback.early.stopping(), values)) == 2
    # accuracy declares maximize = TRUE: 0.55 is the first epoch that does not improve
    cb = mx.callback.early.stopping()
    assert stop_epoch(drive(cb, values, env=make_env(metric=mx.metric.accuracy))) == 3
    custom = mx.metric.custom("r2", lambda label, pred: 0.0, maximize=True)
    cb = mx.callback.early.stopping()
    assert stop_epoch(drive(cb, values, env=make_env(metric=custom))) == 3


def test_explicit_mode_overrides_the_direction(drive, stop_epoch, make_env):
    values = [0.5, 0.6, 0.55, 0.7]
    assert stop_epoch(drive(mx.callback.early.stopping(mode="max"), values)) == 3
    cb = mx.callback.early.stopping(mode="min")
    assert stop_epoch(drive(cb, values, env=make_env(metric=mx.metric.accuracy))) == 2


def test_baseline_must_be_beaten(drive, stop_epoch):
    cb = mx.callback.early.stopping(patience=3, baseline=1.0)
    results = drive(cb, [2, 1.5, 1.2, 0.5])
    assert stop_epoch(results) == 3 and cb.best_epoch is None
    assert "did not beat the baseline 1 in 3 epochs" in results[-1]["reason"]
    cb = mx.callback.early.stopping(patience=3, baseline=1.0)
    assert stop_epoch(drive(cb, [2, 0.9, 1.2, 1.1, 1.0])) == 5 and cb.best_epoch == 2


def test_start_epoch_ignores_earlier_epochs(drive, stop_epoch):
    values = [1, 2, 3, 4, 5]   # getting worse all along
    assert stop_epoch(drive(mx.callback.early.stopping(patience=1), values)) == 2
    cb = mx.callback.early.stopping(patience=1, start_epoch=3)
    assert stop_epoch(drive(cb, values)) == 4 and cb.best_epoch == 3


def test_monitor_train_watches_the_training_value(drive, stop_epoch, make_env, at_epoch):
    env = make_env(eval_data=False)
    cb = mx.callback.early.stopping(monitor="train", patience=1)
    assert stop_epoch(drive(cb, [3, 2, 2.5], env=env)) == 3


def test_nan_never_improves(drive, stop_epoch):
    cb = mx.callback.early.stopping(patience=2)
    assert stop_epoch(drive(cb, [1.0, float("nan"), float("nan")])) == 3 and cb.best == 1.0


def test_bad_arguments_fail_at_creation():
    with pytest.raises(MXValueError, match="`mode`"):
        mx.callback.early.stopping(mode="sideways")
    with pytest.raises(MXValueError, match="`patience`"):
        mx.callback.early.stopping(patience=-1)
    with pytest.raises(MXValueError, match="`patience`"):
        mx.callback.early.stopping(patience=1.5)
    with pytest.raises(MXValueError, match="`restore.best`"):
        mx.callback.early.stopping(restore_best="yes")
    with pytest.raises(MXValueError, match="`monitor`"):
        mx.callback.early.stopping(monitor="")


def test_restore_best_returns_the_best_epochs_weights(fit, recorder, diverging_eval):
    weights = {}
    es = mx.callback.early.stopping(patience=10, restore_best=True)
    model = fit(eval_data=diverging_eval, num_round=6,
                epoch_end_callback=[recorder(weights), es])
    evals = {h["iteration"]: h["value"] for h in model.history if h["phase"] == "eval"}
    assert min(evals, key=evals.get) == es.best_epoch == 2, evals
    for name, value in weights[2].items():
        np.testing.assert_array_equal(model.arg_params[name], value)
    assert not np.array_equal(model.arg_params["fc_weight"], weights[6]["fc_weight"])
    assert len(evals) == 6 and model.stop_reason is None     # it ran to the end
    assert [h["iteration"] for h in model.history][-1] == 6  # the history is the whole run


def test_restore_best_after_stopping_early(fit, recorder, diverging_eval):
    weights = {}
    es = mx.callback.early.stopping(patience=2, restore_best=True)
    model = fit(eval_data=diverging_eval, num_round=8,
                epoch_end_callback=[recorder(weights), es])
    assert model.stop_reason == ("early stopping: eval-rmse did not improve for 2 epochs "
                                 f"(best {r_str(es.best)} at epoch 2)")
    assert (es.best_epoch, es.stopped_epoch, max(weights)) == (2, 4, 4)
    np.testing.assert_array_equal(model.arg_params["fc_weight"], weights[2]["fc_weight"])


def test_restore_best_keeps_the_last_model_when_no_epoch_beat_the_baseline(
        fit, recorder, diverging_eval):
    weights = {}
    es = mx.callback.early.stopping(patience=2, baseline=0.1, restore_best=True)
    model = fit(eval_data=diverging_eval, num_round=8,
                epoch_end_callback=[recorder(weights), es])
    assert es.best_epoch is None and es.stopped_epoch == 2
    np.testing.assert_array_equal(model.arg_params["fc_weight"], weights[2]["fc_weight"])


def test_without_restore_best_the_last_model_is_returned(fit, recorder):
    weights = {}
    model = fit(eval=True, epoch_end_callback=[recorder(weights),
                                               mx.callback.early.stopping(patience=0)])
    np.testing.assert_array_equal(model.arg_params["fc_weight"], weights[3]["fc_weight"])


def test_state_round_trip_continues_exactly(drive, stop_epoch, make_env):
    values = [5, 4, 4.5, 4.2, 4.6, 4.1]
    whole = mx.callback.early.stopping(patience=3, restore_best=True)
    assert stop_epoch(drive(whole, values)) == 5
    first = mx.callback.early.stopping(patience=3, restore_best=True)
    drive(first, values[:3])
    state = first.state_dict()
    assert state["best"] == 4 and state["best_epoch"] == 2 and state["wait"] == 1
    np.testing.assert_array_equal(state["best_params"]["arg"]["fc_weight"], np.full((1, 3), 2.0))
    resumed = mx.callback.early.stopping(patience=3, restore_best=True)
    resumed.load_state_dict(state)
    results = drive(resumed, values[3:], first=4)   # start() keeps the loaded state
    assert stop_epoch(results) == 2                 # epoch 5, as without the interruption
    assert resumed.state_dict()["wait"] == whole.state_dict()["wait"] == 3


def test_a_new_run_starts_from_a_fresh_state(fit):
    es = mx.callback.early.stopping(patience=0, monitor="train")
    fit(epoch_end_callback=es, num_round=3)
    assert es.best_epoch == 3
    fit(epoch_end_callback=es, num_round=2)
    assert es.best_epoch == 2 and es.stopped_epoch is None
