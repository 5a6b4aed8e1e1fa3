"""mx.callback.model.checkpoint: MXNet files, save.best.only, top-k retention, the best
record, period, and its state for exact resume."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import CallbackError, MXValueError
from mxnet_r_compat.training.callbacks import checkpoint


def files(directory) -> list[str]:
    return sorted(os.listdir(directory))


def manifest(prefix: str) -> dict:
    with open(f"{prefix}-checkpoints.json") as fh:
        return json.load(fh)


def test_top_k_keeps_the_k_best_files_and_records_the_best(drive, tmp_path):
    prefix = str(tmp_path / "m")
    cb = mx.callback.model.checkpoint(prefix, top_k=2)
    drive(cb, [5, 3, 4, 1, 2])
    assert files(tmp_path) == ["m-0004.params", "m-0005.params", "m-checkpoints.json",
                               "m-symbol.json"]
    doc = manifest(prefix)
    assert doc["best"] == {"iteration": 4, "value": 1.0, "file": "m-0004.params"}
    assert [r["iteration"] for r in doc["kept"]] == [4, 5]
    assert (doc["monitor"], doc["mode"]) == ("eval-rmse", "min")
    assert checkpoint.best(prefix)["iteration"] == 4
    # the files are MXNet's, with that epoch's weights (drive sets fc_weight = epoch)
    np.testing.assert_array_equal(mx.model.load(prefix, 4).arg_params["fc_weight"],
                                  np.full((1, 3), 4.0, np.float32))


def test_top_k_follows_the_direction_of_the_metric(drive, make_env, tmp_path):
    prefix = str(tmp_path / "m")
    cb = mx.callback.model.checkpoint(prefix, top_k=2)
    drive(cb, [0.5, 0.9, 0.7, 0.8], env=make_env(metric=mx.metric.accuracy))
    assert [r["iteration"] for r in manifest(prefix)["kept"]] == [2, 4]
    assert manifest(prefix)["best"]["iteration"] == 2 and manifest(prefix)["mode"] == "max"


def test_save_best_only_saves_improvements(drive, tmp_path):
    prefix = str(tmp_path / "m")
    drive(mx.callback.model.checkpoint(prefix, save_best_only=True), [5, 3, 4, 1, 2])
    assert files(tmp_path) == ["m-0001.params", "m-0002.params", "m-0004.params",
                               "m-checkpoints.json", "m-symbol.json"]
    assert manifest(prefix)["best"]["iteration"] == 4


def test_save_best_only_with_top_k(drive, tmp_path):
    prefix = str(tmp_path / "m")
    drive(mx.callback.model.checkpoint(prefix, save_best_only=True, top_k=1), [5, 3, 4, 1, 2])
    assert files(tmp_path) == ["m-0004.params", "m-checkpoints.json", "m-symbol.json"]


def test_period_and_all_files_kept_by_default(fit, tmp_path):
    prefix = str(tmp_path / "m")
    fit(eval=True, num_round=5, epoch_end_callback=mx.callback.model.checkpoint(prefix, period=2))
    assert files(tmp_path) == ["m-0002.params", "m-0004.params", "m-checkpoints.json",
                               "m-symbol.json"]


def test_saved_files_hold_that_epochs_model(fit, recorder, tmp_path):
    prefix, weights = str(tmp_path / "m"), {}
    fit(eval=True, num_round=4,
        epoch_end_callback=[recorder(weights), mx.callback.model.checkpoint(prefix, top_k=2)])
    kept = [r["iteration"] for r in manifest(prefix)["kept"]]
    assert kept == [3, 4]   # the validation error falls every epoch here
    for it in kept:
        np.testing.assert_array_equal(mx.model.load(prefix, it).arg_params["fc_weight"],
                                      weights[it]["fc_weight"])
    assert not [f for f in files(tmp_path) if ".tmp" in f]   # no temporary files left


def test_best_of_a_real_run(fit, diverging_eval, tmp_path):
    prefix = str(tmp_path / "m")
    model = fit(eval_data=diverging_eval, num_round=5,
                epoch_end_callback=mx.callback.model.checkpoint(prefix, top_k=3))
    evals = [h["value"] for h in model.history if h["phase"] == "eval"]
    assert checkpoint.best(prefix) == {"iteration": 2, "value": evals[1], "file": "m-0002.params"}
    assert [r["iteration"] for r in manifest(prefix)["kept"]] == [1, 2, 3]


def test_without_validation_data_files_are_saved_and_no_best_is_recorded(fit, tmp_path):
    prefix = str(tmp_path / "m")
    fit(num_round=2, epoch_end_callback=mx.callback.model.checkpoint(prefix))
    assert files(tmp_path) == ["m-0001.params", "m-0002.params", "m-checkpoints.json",
                               "m-symbol.json"]
    assert manifest(prefix)["best"] is None


def test_ranking_without_validation_data_fails_before_training(fit, tmp_path):
    with pytest.raises(CallbackError, match="needs validation data"):
        fit(num_round=2, epoch_end_callback=mx.callback.model.checkpoint(
            str(tmp_path / "m"), top_k=2))
    assert files(tmp_path) == []


def test_list_save_true_uses_the_checkpoint_prefix(fit, tmp_path):
    prefix = str(tmp_path / "m")
    fit(num_round=2, epoch_end_callback=mx.callback.model.checkpoint(prefix, period=5),
        batch_end_callback=lambda i, n, env: {"save": i == 2 and n == 4})
    assert files(tmp_path) == ["m-0002.params", "m-symbol.json"]


def test_state_round_trip_keeps_the_retention(drive, tmp_path):
    prefix = str(tmp_path / "m")
    first = mx.callback.model.checkpoint(prefix, top_k=2)
    drive(first, [5, 3, 4])
    resumed = mx.callback.model.checkpoint(prefix, top_k=2)
    resumed.load_state_dict(first.state_dict())
    drive(resumed, [1, 2], first=4)
    assert files(tmp_path) == ["m-0004.params", "m-0005.params", "m-checkpoints.json",
                               "m-symbol.json"]
    assert resumed.best["iteration"] == 4


def test_bad_arguments_fail_at_creation(tmp_path):
    with pytest.raises(MXValueError, match="`top.k`"):
        mx.callback.model.checkpoint(str(tmp_path / "m"), top_k=0)
    with pytest.raises(MXValueError, match="`period`"):
        mx.callback.model.checkpoint(str(tmp_path / "m"), period=0)
    with pytest.raises(MXValueError, match="`prefix`"):
        mx.callback.model.checkpoint("")
    with pytest.raises(MXValueError, match="No checkpoint manifest"):
        checkpoint.best(str(tmp_path / "none"))
