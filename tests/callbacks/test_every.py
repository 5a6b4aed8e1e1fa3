"""mx.callback.every: per-batch statistics delivered every k batches."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import CallbackError, MXValueError
from mxnet_r_compat.training.callbacks.every import COLUMNS


def test_blocks_of_k_across_epochs_and_the_rest_at_the_end(fit):
    blocks = []
    cb = mx.callback.every(3, blocks.append)
    fit(num_round=2, batch_end_callback=cb)
    assert [[(r["iteration"], r["nbatch"]) for r in b] for b in blocks] == [
        [(1, 1), (1, 2), (1, 3)], [(1, 4), (2, 1), (2, 2)], [(2, 3), (2, 4)]]
    assert cb.calls == 3
    assert all(tuple(r) == COLUMNS for b in blocks for r in b)


def test_rows_hold_the_per_batch_statistics(fit):
    blocks = []
    model = fit(num_round=2, batch_end_callback=mx.callback.every(4, blocks.append))
    for block, epoch in zip(blocks, (1, 2)):
        assert [r["samples"] for r in block] == [10] * 4
        assert [r["lr"] for r in block] == [0.05] * 4
        assert {r["metric"] for r in block} == {"rmse"}
        values = [r["value"] for r in block]
        # the running value is the mean of the per-batch values so far (MXNet's rule)
        assert [r["running"] for r in block] == pytest.approx(
            [np.mean(values[: i + 1]) for i in range(4)], rel=1e-12)
        train = next(h["value"] for h in model.history if h["iteration"] == epoch)
        assert block[-1]["running"] == train
    seconds = [r["seconds"] for b in blocks for r in b]
    assert seconds == sorted(seconds) and seconds[0] > 0


def test_per_batch_value_is_that_batch_alone(fit):
    rows, calls = [], []

    def count(label, pred):   # the n-th batch's value is n
        calls.append(1)
        return float(len(calls))

    metric = mx.metric.custom("calls", count)
    fit(num_round=1, eval_metric=metric, batch_end_callback=mx.callback.every(1, rows.extend))
    assert [r["value"] for r in rows] == [1.0, 2.0, 3.0, 4.0]
    assert [r["running"] for r in rows] == [1.0, 1.5, 2.0, 2.5]


def test_without_a_metric_the_values_are_nan(fit):
    rows = []
    fit(num_round=1, eval_metric=None, batch_end_callback=mx.callback.every(2, rows.extend))
    assert len(rows) == 4 and all(np.isnan(r["value"]) and r["metric"] == "" for r in rows)


def test_the_return_value_is_acted_upon(fit):
    def stop_in_epoch_2(rows):
        if rows[-1]["iteration"] == 2:
            return {"stop": True, "reason": "seen enough"}
        return None

    model = fit(num_round=5, batch_end_callback=mx.callback.every(2, stop_in_epoch_2))
    assert model.stop_reason == "seen enough"
    assert [h["iteration"] for h in model.history] == [1]


def test_lr_from_every_changes_the_rate(fit):
    rows = []
    fit(num_round=1, batch_end_callback=[mx.callback.every(2, lambda r: {"lr": 0.01}),
                                         mx.callback.every(1, rows.extend)])
    assert [r["lr"] for r in rows] == [0.05, 0.05, 0.01, 0.01]


def test_errors_in_fun_name_the_callback(fit):
    with pytest.raises(CallbackError, match=r"batch\.end\.callback \(epoch 1, batch 2\)"):
        fit(batch_end_callback=mx.callback.every(2, lambda rows: rows[99]))


def test_bad_arguments():
    with pytest.raises(MXValueError, match="`k`"):
        mx.callback.every(0, print)
    with pytest.raises(MXValueError, match="`fun`"):
        mx.callback.every(2, "print")
