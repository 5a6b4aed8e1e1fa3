"""The dry run: mistakes in callbacks fail before the first batch, all reported at once."""

from __future__ import annotations

import os

import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import CallbackError
from mxnet_r_compat.training.callbacks import callback_problems


@pytest.fixture
def batches():
    """A batch callback that records every batch, to prove none ran."""
    seen = []

    def cb(iteration, nbatch, env):
        seen.append((iteration, nbatch))
    cb.seen = seen
    return cb


def fails_first(fit, batches, match, **kw):
    with pytest.raises(CallbackError, match=match) as info:
        fit(batch_begin_callback=batches, **kw)
    assert batches.seen == []
    return str(info.value)


def test_monitor_naming_another_metric(fit, batches):
    msg = fails_first(fit, batches, "names the metric", eval=True,
                      epoch_end_callback=mx.callback.early.stopping(monitor="eval-accuracy"))
    assert msg == ("Callback check before the first batch failed:\n  - epoch.end.callback "
                   "(early.stopping): monitor \"eval-accuracy\" names the metric \"accuracy\", "
                   "but the metric of this run is \"rmse\"")


def test_eval_monitor_without_validation_data(fit, batches):
    fails_first(fit, batches, r'monitor "eval" needs validation data, but eval.data is NULL',
                epoch_end_callback=mx.callback.reduce.lr.on.plateau())


def test_monitor_without_a_metric(fit, batches):
    fails_first(fit, batches, "needs a metric, but eval.metric is NULL", eval=True,
                eval_metric=None, epoch_end_callback=mx.callback.early.stopping())


def test_checkpoint_directory_missing(fit, batches, tmp_path):
    prefix = str(tmp_path / "no" / "such" / "dir" / "m")
    fails_first(fit, batches, r"the directory .*/no/such/dir does not exist",
                epoch_end_callback=mx.callback.model.checkpoint(prefix))


def test_csv_path_under_a_file(fit, batches, tmp_path):
    (tmp_path / "plain").write_text("x")
    fails_first(fit, batches, "does not exist",
                epoch_end_callback=mx.callback.csv.logger(str(tmp_path / "plain" / "log.csv")))
    assert sorted(os.listdir(tmp_path)) == ["plain"]   # no probe file left behind


def test_writable_paths_leave_nothing_behind(fit, tmp_path):
    fit(num_round=1, epoch_end_callback=mx.callback.model.checkpoint(str(tmp_path / "m"),
                                                                        period=9))
    assert os.listdir(tmp_path) == []


def test_wrong_arity(fit, batches):
    msg = fails_first(fit, batches, "is called with 3 arguments but takes",
                      epoch_end_callback=lambda iteration, nbatch: True)
    assert "epoch.end.callback: is called with 3 arguments but takes (iteration, nbatch)" in msg


def test_a_required_verbose_is_fine_where_verbose_is_passed(fit):
    fit(num_round=1, epoch_end_callback=lambda iteration, nbatch, env, verbose: True)


def test_callback_in_the_wrong_slot(fit, batches):
    fails_first(fit, batches, r"early.stopping\): belongs in epoch.end.callback, but was given "
                r"as batch.end.callback", batch_end_callback=mx.callback.early.stopping())


def test_every_problem_is_reported_together(fit, batches, tmp_path):
    msg = fails_first(
        fit, batches, "check before the first batch",
        epoch_end_callback=[mx.callback.early.stopping(monitor="train-mae"),
                            lambda iteration: True,
                            mx.callback.csv.logger(str(tmp_path / "x" / "log.csv"))],
        batch_end_callback=mx.callback.every(5, lambda: None))
    lines = msg.splitlines()[1:]
    assert len(lines) == 4
    assert lines[0].startswith("  - batch.end.callback (every): fun is called with 1 arguments")
    assert lines[1].startswith("  - epoch.end.callback #1 (early.stopping): monitor")
    assert lines[2].startswith("  - epoch.end.callback #2 (")   # named after its maker
    assert lines[2].endswith(": is called with 3 arguments but takes (iteration)")
    assert lines[3].startswith("  - epoch.end.callback #3 (csv.logger): file")


def test_the_lr_scheduler_function_is_checked(fit, batches):
    fails_first(fit, batches, r"fun is called with 2 arguments but takes \(iteration\)",
                epoch_begin_callback=mx.callback.lr.scheduler(lambda iteration: 0.1))


def test_wrapped_callbacks_are_checked_inside(fit, batches):
    fails_first(fit, batches, r"safe\(early.stopping\)\): monitor",
                epoch_end_callback=mx.callback.safe(mx.callback.early.stopping()))
    fails_first(fit, batches, "is called with 3 arguments",
                epoch_end_callback=mx.callback.safe(lambda iteration: True))


def test_train_end_still_runs_after_a_failed_dry_run(fit):
    log = []
    with pytest.raises(CallbackError):
        fit(epoch_end_callback=mx.callback.early.stopping(),
            train_end_callback=lambda i, n, env: log.append(i))
    assert log == [1]


def test_callback_problems_directly(make_env):
    env = make_env(eval_data=False)
    assert callback_problems(print, "epoch.end", env) == []          # no signature: passes
    assert callback_problems(42, "epoch.end", env) == ["is not a function (received a int)"]
    assert callback_problems(mx.callback.early.stopping(monitor="train"), "epoch.end", env) == []
