"""Built-in callbacks (docs/MXNET_R_BEHAVIOUR.md, "Built-in callbacks"): logger, log.train.metric,
save.checkpoint, early.stop."""

from __future__ import annotations

import os

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import MXTypeError


def scripted_metric(values):
    """A metric whose value in epoch k is values[k-1] (advanced by ``advance``)."""
    script = iter(values)
    current = {"v": next(script)}
    metric = mx.metric.custom("scripted", lambda label, pred: current["v"])

    def advance():
        current["v"] = next(script, current["v"])
    return metric, advance


def run_with_stop(train, stop, values, num_round, **kw):
    metric, advance = scripted_metric(values)
    seen = []

    def epoch(iteration, nbatch, env, verbose):
        seen.append(iteration)
        keep_going = stop(iteration, nbatch, env, verbose)
        advance()
        return keep_going

    train(num_round=num_round, eval_metric=metric, epoch_end_callback=epoch,
          eval_data={"data": np.zeros((4, 3)), "label": np.zeros(4)}, **kw)
    return seen


def test_logger_as_epoch_callback_records_train_and_eval(train, tiny_data, capsys):
    X, y = tiny_data
    logger = mx.metric.logger.new()
    train(num_round=3, verbose=True, eval_metric=mx.metric.rmse,
          eval_data={"data": X[:20], "label": y[:20]},
          epoch_end_callback=mx.callback.log.train.metric(5, logger))
    err = capsys.readouterr().err
    assert len(logger.train) == len(logger.eval) == 3
    assert f"[3] Train-rmse={'%.15g' % logger.train[2]}" in err
    assert f"[3] Validation-rmse={'%.15g' % logger.eval[2]}" in err
    assert "Batch" not in err  # nbatch is 0 at the epoch end: nothing printed


def test_logger_as_batch_callback_logs_stale_eval_from_epoch_two(train, tiny_data):
    X, y = tiny_data
    logger, epoch_logger = mx.metric.logger(), mx.metric.logger()
    train(num_round=3, eval_metric=mx.metric.rmse, eval_data={"data": X, "label": y},
          batch_end_callback=mx.callback.log.train.metric(2, logger),
          epoch_end_callback=mx.callback.log.train.metric(1, epoch_logger))
    assert len(logger.train) == 6  # batches 2 and 4 of each epoch
    assert len(logger.eval) == 4  # none in epoch 1
    assert logger.eval == [epoch_logger.eval[0]] * 2 + [epoch_logger.eval[1]] * 2


def test_log_train_metric_rejects_a_non_logger():
    with pytest.raises(MXTypeError, match=r"^Invalid mx\.metric\.logger\.$"):
        mx.callback.log.train.metric(1, logger=[])


def test_save_checkpoint_writes_each_period_with_that_epochs_model(train, tmp_path):
    prefix = str(tmp_path / "model")
    models = {}

    def grab(iteration, nbatch, env):
        models[iteration] = env.model

    save = mx.callback.save.checkpoint(prefix, period=2)
    train(num_round=5, epoch_end_callback=lambda i, n, env, verbose: (
        grab(i, n, env), save(i, n, env, verbose))[1])
    assert sorted(os.listdir(tmp_path)) == ["model-0002.params", "model-0004.params",
                                            "model-symbol.json"]
    for it in (2, 4):
        loaded = mx.model.load(prefix, it)
        for name, value in models[it].arg_params.items():
            np.testing.assert_array_equal(loaded.arg_params[name], value)


def test_speedometer_as_epoch_callback_does_not_stop(train):
    seen = []
    speed = mx.callback.log.speedometer(16, 1)
    train(num_round=3, epoch_end_callback=lambda i, n, env: seen.append(i) or speed(i, n, env))
    assert seen == [1, 2, 3]


def test_early_stop_patience_minimising(train):
    stop = mx.callback.early.stop(bad_steps=2)
    assert run_with_stop(train, stop, [3, 2, 2.5, 2.6, 1.0], 5) == [1, 2, 3, 4]


def test_early_stop_equal_value_resets_patience(train):
    stop = mx.callback.early.stop(bad_steps=2)
    assert run_with_stop(train, stop, [3, 2, 2.5, 2, 2.5, 2.6], 6) == [1, 2, 3, 4, 5, 6]


def test_early_stop_maximize_starts_from_minus_infinity(train, stderr_lines):
    """A deliberate fix: MXNet R started from 0 and stopped early on negative scores."""
    stop = mx.callback.early.stop(bad_steps=2, maximize=True)
    assert run_with_stop(train, stop, [-5, -4, -4.5, -4.6, -1], 5, verbose=True) == [1, 2, 3, 4]
    assert stderr_lines()[-1] == "Best score=-4, iteration [2]"


def test_early_stop_state_is_per_callback_and_per_run(train):
    """Deliberate fix: no shared globals, and a fresh start even with begin.round > 1."""
    a, b = mx.callback.early.stop(bad_steps=1), mx.callback.early.stop(bad_steps=1)
    assert run_with_stop(train, a, [1.0, 0.5, 0.4], 3) == [1, 2, 3]
    # b is unaffected by a's best score (0.4): its own run starts from scratch.
    assert run_with_stop(train, b, [2.0, 1.5, 1.6], 6, begin_round=4) == [4, 5, 6]
    assert run_with_stop(train, b, [2.0, 1.5], 2) == [1, 2]  # reused: reset at the first epoch
    assert run_with_stop(train, b, [2.0, 2.5, 2.4], 4, begin_round=2) == [2, 3]


@pytest.mark.parametrize("kwargs, values, epochs", [
    ({"eval_metric": 3.0}, [5, 4, 2.5, 2], [1, 2, 3]),
    ({"eval.metric": 3.0, "maximize": True}, [1, 2, 3.5, 4], [1, 2, 3]),
    ({"train_metric": 3.0}, [5, 4, 2.5, 2], [1, 2, 3]),
])
def test_early_stop_thresholds(train, kwargs, values, epochs):
    stop = mx.callback.early.stop(**kwargs)
    assert run_with_stop(train, stop, values, 4) == epochs
