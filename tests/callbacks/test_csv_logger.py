"""mx.callback.csv.logger: one row per epoch, the same numbers as model.history, flushed
every epoch, append or replace."""

from __future__ import annotations

import csv

import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import CallbackError, MXValueError


def read(path) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def test_one_row_per_epoch_with_the_history_values(fit, tmp_path):
    path = tmp_path / "log.csv"
    model = fit(eval=True, num_round=4, epoch_end_callback=mx.callback.csv.logger(str(path)))
    assert path.read_text().splitlines()[0] == "iteration,train.rmse,eval.rmse,lr,seconds"
    rows = read(path)
    assert [int(r["iteration"]) for r in rows] == [1, 2, 3, 4]
    for row in rows:
        it = int(row["iteration"])
        train, ev = [h for h in model.history if h["iteration"] == it]
        assert float(row["train.rmse"]) == train["value"]   # exact: 17 significant digits
        assert float(row["eval.rmse"]) == ev["value"]
        assert float(row["lr"]) == train["lr"] == 0.05
        # written at the epoch end: after the eval record, before the next epoch's records
        assert ev["seconds"] <= float(row["seconds"])
    later = [h["seconds"] for h in model.history if h["iteration"] == 2]
    assert float(rows[0]["seconds"]) < later[0]


def test_the_row_is_on_disk_when_the_epoch_ends(fit, tmp_path):
    path = tmp_path / "log.csv"
    seen = []

    def look(iteration, nbatch, env):   # runs after the logger, during training
        seen.append(len(path.read_text().splitlines()))

    fit(num_round=3, epoch_end_callback=[mx.callback.csv.logger(str(path)), look])
    assert seen == [2, 3, 4]


def test_learning_rate_column_follows_changes(fit, tmp_path):
    path = tmp_path / "log.csv"
    sched = mx.callback.lr.scheduler(lambda iteration, lr: 0.1 / iteration)
    fit(num_round=3, epoch_begin_callback=sched,
        epoch_end_callback=mx.callback.csv.logger(str(path)))
    assert [float(r["lr"]) for r in read(path)] == [0.1, 0.05, 0.1 / 3]


def test_append_adds_rows_and_replace_starts_over(fit, tmp_path):
    path = str(tmp_path / "log.csv")
    fit(num_round=2, epoch_end_callback=mx.callback.csv.logger(path))
    fit(num_round=3, epoch_end_callback=mx.callback.csv.logger(path, append=True))
    lines = (tmp_path / "log.csv").read_text().splitlines()
    assert lines[0] == "iteration,train.rmse,lr,seconds" and len(lines) == 1 + 2 + 3
    assert [r["iteration"] for r in read(path)] == ["1", "2", "1", "2", "3"]
    fit(num_round=1, epoch_end_callback=mx.callback.csv.logger(path))
    assert len(read(path)) == 1


def test_append_to_a_file_with_other_columns_fails_before_training(fit, tmp_path):
    path = str(tmp_path / "log.csv")
    fit(num_round=1, epoch_end_callback=mx.callback.csv.logger(path))
    with pytest.raises(CallbackError, match=r'has the columns "iteration,train.rmse,lr,seconds"'):
        fit(eval=True, num_round=1, epoch_end_callback=mx.callback.csv.logger(path, append=True))
    assert len(read(path)) == 1   # untouched


def test_without_a_metric_only_iteration_lr_and_seconds(fit, tmp_path):
    path = tmp_path / "log.csv"
    fit(num_round=2, eval_metric=None, epoch_end_callback=mx.callback.csv.logger(str(path)))
    assert path.read_text().splitlines()[0] == "iteration,lr,seconds"
    assert len(read(path)) == 2


def test_nan_is_written_as_NA(fit, tmp_path):
    path = tmp_path / "log.csv"
    nan_metric = mx.metric.custom("nan", lambda label, pred: float("nan"))
    fit(num_round=1, eval_metric=nan_metric, check_finite=False,
        epoch_end_callback=mx.callback.csv.logger(str(path)))
    assert read(path)[0]["train.nan"] == "NA"


def test_bad_arguments_fail_at_creation():
    with pytest.raises(MXValueError, match="`file`"):
        mx.callback.csv.logger("")
    with pytest.raises(MXValueError, match="`append`"):
        mx.callback.csv.logger("x.csv", append="yes")
