"""Exact resume in Python: train to k with checkpoint=, resume to N, get the weights of one
run to N, bit for bit; and every way a resume can be refused or a checkpoint can fail."""

from __future__ import annotations

import errno
import os
import shutil
import warnings

import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import (CallbackError, CheckpointWriteError, ModelFileError,
                                   MXShapeError, MXValueError)
from mxnet_r_compat.formats import atomic
from mxnet_r_compat.formats.state_file import load_state, save_state, state_path
from mxnet_r_compat.learn import random as random_mod
from mxnet_r_compat.learn.optimizer import Optimizer
from mxnet_r_compat.training import fit, restore, resume
from mxnet_r_compat.training import model as model_mod

from .common import OPTIMIZERS, VX, VY, X, Y, assert_same_weights, net, train, values


@pytest.fixture
def prefix(tmp_path) -> str:
    return str(tmp_path / "run")


# --- bit-exact -------------------------------------------------------------------------------

@pytest.mark.parametrize("opt", sorted(OPTIMIZERS))
def test_resume_from_k_gives_the_weights_of_one_run_to_n(opt, prefix):
    stop = mx.callback.early.stop(bad_steps=50)
    full = train(6, epoch_end_callback=stop, **OPTIMIZERS[opt])
    full_stop_state = dict(stop.state)
    first = mx.callback.early.stop(bad_steps=50)
    train(3, checkpoint=prefix, epoch_end_callback=first, **OPTIMIZERS[opt])
    again = mx.callback.early.stop(bad_steps=50)
    resumed = train(6, seed=99, resume=prefix, epoch_end_callback=again, **OPTIMIZERS[opt])
    assert_same_weights(full, resumed)
    assert values(resumed) == values(full)  # history: epochs 1-3 restored, 4-6 trained
    assert [r["iteration"] for r in resumed.history] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]
    assert again.state == full_stop_state   # callback state continued, not restarted


def test_a_weights_only_restart_is_not_exact(prefix):
    """The control: continuing from the .params alone (what MXNet offered) differs."""
    full = train(6)
    train(3, checkpoint=prefix)
    loaded = mx.model.load(prefix, 3)
    naive = train(6, seed=99, begin_round=4, arg_params=loaded.arg_params,
                  aux_params=loaded.aux_params)
    assert any(full.arg_params[n].tobytes() != naive.arg_params[n].tobytes()
               for n in full.arg_params)


@pytest.mark.parametrize("part", ["random stream", "iterator order", "optimizer state"])
def test_each_restored_part_is_needed(part, prefix, monkeypatch):
    full = train(6)
    train(3, checkpoint=prefix)
    if part == "random stream":
        monkeypatch.setattr(random_mod, "set_state", lambda state: None)
    elif part == "iterator order":
        monkeypatch.setattr(restore, "_restore_iterator", lambda *args: None)
    else:
        monkeypatch.setattr(Optimizer, "load_state_dict", lambda self, state: None)
    resumed = train(6, seed=99, resume=prefix)
    assert any(full.arg_params[n].tobytes() != resumed.arg_params[n].tobytes()
               for n in full.arg_params)


def test_lr_scheduler_and_counters_continue(prefix):
    def sched():
        return mx.lr_scheduler.FactorScheduler(step=5, factor_val=0.7, verbose=False)
    full = train(6, lr_scheduler=sched())
    train(2, checkpoint=prefix, lr_scheduler=sched())
    resumed = train(6, seed=5, resume=prefix, lr_scheduler=sched())
    assert_same_weights(full, resumed)
    assert [r["lr"] for r in resumed.history] == [r["lr"] for r in full.history]
    assert full.history[-1]["lr"] < full.history[0]["lr"]  # the schedule really acted


def test_three_devices_resume_exactly(prefix):
    ctx = [mx.cpu(0), mx.cpu(1), mx.cpu(2)]
    full = train(5, ctx=ctx)
    train(2, ctx=ctx, checkpoint=prefix)
    manifest, _ = load_state(state_path(prefix, 2))
    assert any(d["aux"] for d in manifest["devices"])  # per-device BatchNorm statistics kept
    resumed = train(5, seed=8, ctx=ctx, resume=prefix)
    assert_same_weights(full, resumed)


class EpochCounter:
    """A callback object with state_dict()/load_state_dict()."""

    def __init__(self) -> None:
        self.seen: list[int] = []

    def __call__(self, iteration, nbatch, env, verbose=True):
        self.seen.append(iteration)
        return True

    def state_dict(self):
        return {"seen": list(self.seen)}

    def load_state_dict(self, state):
        self.seen = list(state["seen"])


def test_callback_objects_with_state_dict_continue(prefix):
    first, second = EpochCounter(), EpochCounter()
    train(3, checkpoint=prefix, epoch_end_callback=[first])
    train(5, seed=1, resume=prefix, epoch_end_callback=[second])
    assert second.seen == [1, 2, 3, 4, 5]


def test_builtin_callback_objects_continue_their_lr_reductions(prefix):
    def callbacks():
        return [mx.callback.reduce.lr.on.plateau(factor=0.5, patience=1),
                mx.callback.early.stopping(patience=100)]
    before, first, after = callbacks(), callbacks(), callbacks()
    full = train(8, epoch_end_callback=before, learning_rate=0.2)
    train(4, epoch_end_callback=first, checkpoint=prefix, learning_rate=0.2)
    resumed = train(8, seed=9, epoch_end_callback=after, resume=prefix, learning_rate=0.2)
    assert_same_weights(full, resumed)
    assert len(before[0].state_dict()["reductions"]) >= 2  # the rate really changed
    assert after[0].state_dict() == before[0].state_dict()
    assert after[1].state_dict() == before[1].state_dict()


def test_changed_callbacks_warn_and_start_afresh(prefix):
    train(2, checkpoint=prefix, epoch_end_callback=EpochCounter())
    with pytest.warns(resume.ResumeWarning, match="is not restored"):
        train(3, resume=prefix)


# --- which checkpoint ------------------------------------------------------------------------

def test_begin_round_picks_the_epoch_and_the_files_are_pure_mxnet(prefix):
    full = train(5)
    snapshots = {}

    def keep(iteration, nbatch, env, verbose=True):
        snapshots[iteration] = env.model
        return True
    train(3, checkpoint=prefix, epoch_end_callback=keep)
    assert resume.checkpoint_epochs(prefix) == [1, 2, 3]
    for epoch in (1, 2, 3):  # .params are exactly what mx.model.save writes
        mx.model.save(snapshots[epoch], prefix + "_plain", epoch)
        with open(f"{prefix}-{epoch:04d}.params", "rb") as a, \
                open(f"{prefix}_plain-{epoch:04d}.params", "rb") as b:
            assert a.read() == b.read()
    resumed = train(5, seed=4, resume=prefix, begin_round=3)  # from epoch 2
    assert_same_weights(full, resumed)


def test_nothing_left_to_train_returns_the_checkpoint(prefix):
    trained = train(3, checkpoint=prefix)
    again = train(3, resume=prefix)
    assert_same_weights(trained, again)
    assert values(again) == values(trained)
    assert "already reaches num.round" in again.stop_reason
    assert model_mod.last() is again


def test_resume_true_starts_fresh_then_continues(prefix):
    full = train(6)

    def stop_after_3(iteration, nbatch, env, verbose=True):
        return iteration < 3  # a run that ends early, as if killed after epoch 3
    train(6, checkpoint=prefix, resume=True, epoch_end_callback=stop_after_3)
    assert resume.checkpoint_epochs(prefix) == [1, 2, 3]
    resumed = train(6, seed=11, checkpoint=prefix, resume=True)
    assert_same_weights(full, resumed)
    assert resume.checkpoint_epochs(prefix) == [1, 2, 3, 4, 5, 6]


def test_checkpoint_period_in_r_and_python_spelling(prefix):
    train(5, checkpoint=prefix, checkpoint_period=2)
    assert resume.checkpoint_epochs(prefix) == [2, 4]
    mx.set.seed(1)
    fit.create(net(), X, Y, array_layout="rowmajor", num_round=3, verbose=False,
               checkpoint=prefix + "_r", **{"checkpoint.period": 3})  # as R passes it
    assert resume.checkpoint_epochs(prefix + "_r") == [3]


def test_damaged_latest_checkpoint_is_skipped_with_a_warning(prefix):
    full = train(5)
    train(3, checkpoint=prefix)
    with open(state_path(prefix, 3), "r+b") as handle:
        handle.truncate(100)
    with pytest.warns(resume.ResumeWarning, match="Skipping the checkpoint of epoch 3"):
        resumed = train(5, seed=2, resume=prefix)
    assert_same_weights(full, resumed)


def test_replaced_weights_are_detected(prefix):
    train(2, checkpoint=prefix)
    other = train(1, seed=42)
    mx.model.save(other, prefix, 2)
    with pytest.raises(ModelFileError, match="not the weights file"):
        train(4, resume=prefix, begin_round=3)


# --- refusals --------------------------------------------------------------------------------

@pytest.mark.parametrize("field, value, message", [
    (("optimizer", "state"), {"lr": 1}, "bad optimizer state"),
    (("devices",), [{"arg": 5}], "bad `devices`"),
    (("devices",), [{"arg": {"fc1_weight": {"__array__": "rng"}}}], "per-device `fc1_weight`"),
    (("iterators", "train"), {"order": [1, 2]}, "iterator state `order` does not fit"),
    (("data", "train", "data_shape"), 5, "TypeError"),
    (("history",), [1, 2], "bad `history`"),
    (("rng",), "opt0", "bad random state"),
    (("epoch",), "3", "`epoch` is missing or has the wrong type"),
])
def test_a_hand_edited_sidecar_fails_clearly(field, value, message, prefix):
    train(3, checkpoint=prefix)
    manifest, arrays = load_state(state_path(prefix, 3))
    target = manifest
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = value
    save_state(state_path(prefix, 3), manifest, arrays)
    with pytest.raises((ModelFileError, MXValueError), match=message):
        train(5, resume=prefix, begin_round=4)

@pytest.mark.parametrize("change, error, message", [
    (dict(hidden=5), MXShapeError, r"parameter `fc1_weight` has shape \(8, 3\) in the "
                                   r"checkpoint but \(5, 3\)"),
    (dict(x=X[:40]), MXValueError, "50 samples, batches of 16.*this call has 40 samples"),
    (dict(array_batch_size=10), MXValueError, "batches of 16.*batches of 10"),
    (dict(eval_data=False), MXValueError, "written with validation data"),
    (dict(optimizer="adam", learning_rate=0.01), MXValueError,
     'optimizer "sgd"; this call uses "adam"'),
    (dict(momentum=0.0), MXValueError, "keeps 1 state array.*keeps 0"),
    (dict(ctx=[mx.cpu(0), mx.cpu(1)]), MXValueError, "1 device.*uses 2"),
    (dict(arg_params={}), MXValueError, "cannot be combined with resume"),
])
def test_a_checkpoint_that_does_not_fit_is_refused(change, error, message, prefix):
    train(2, checkpoint=prefix)
    kw = {"array_batch_size": 16, **change}
    with pytest.raises(error, match=message):
        if "array_batch_size" in change:
            mx.set.seed(1)
            mx.model.FeedForward.create(net(), X=X, y=Y, array_layout="rowmajor", num_round=4,
                                        eval_data={"data": VX, "label": VY}, verbose=False,
                                        learning_rate=0.05, momentum=0.9, resume=prefix,
                                        eval_metric=mx.metric.rmse, **kw)
        else:
            train(4, resume=prefix, **change)


def test_changed_hyper_parameters_warn(prefix):
    train(2, checkpoint=prefix)
    with pytest.warns(resume.ResumeWarning, match=r"momentum: 0.9 -> 0.5"):
        train(3, resume=prefix, momentum=0.5)


def test_missing_checkpoints_are_named(prefix):
    with pytest.raises(MXValueError, match=r"no checkpoint '.*run-NNNN.state'"):
        train(3, resume=prefix)
    train(2, checkpoint=prefix)
    with pytest.raises(MXValueError, match=r"run-0004.state' does not exist. Epochs with a "
                                           r"checkpoint: 1, 2"):
        train(6, resume=prefix, begin_round=5)
    with pytest.raises(MXValueError, match="`resume`"):
        train(3, resume=True)  # TRUE needs checkpoint=


# --- failing writes --------------------------------------------------------------------------

def remove_dir_at(epoch: int, directory: str):
    def callback(iteration, nbatch, env, verbose=True):
        if iteration == epoch:
            shutil.rmtree(directory)
        return True
    return callback


def test_failed_checkpoint_warns_and_training_goes_on(tmp_path):
    directory = tmp_path / "ckpt"
    directory.mkdir()
    plain = train(4)
    with pytest.warns(resume.CheckpointWarning) as caught:
        trained = train(4, checkpoint=str(directory / "m"),
                        epoch_end_callback=remove_dir_at(2, str(directory)))
    messages = [str(w.message) for w in caught]
    assert len(messages) == 3  # epochs 2, 3 and 4
    assert f"Cannot write '{directory}/m-symbol.json'" in messages[0]
    assert "does not exist" in messages[0] and "training continues" in messages[0]
    assert_same_weights(plain, trained)


def test_failed_checkpoint_with_on_error_keeps_the_model(tmp_path):
    directory = tmp_path / "ckpt"
    directory.mkdir()
    seen = {}

    def spy(iteration, nbatch, env, verbose=True):
        seen[iteration] = env.model
        return True
    with pytest.raises(CheckpointWriteError, match=f"Cannot write '{directory}/m-") as info:
        train(4, checkpoint=str(directory / "m"), checkpoint_on_error="error",
              epoch_end_callback=[spy, remove_dir_at(3, str(directory))])
    assert info.value.model is seen[3] and model_mod.last() is seen[3]


def test_disk_full_names_the_file_and_keeps_the_model(prefix, monkeypatch):
    disk = {"full": False}
    real_fsync = os.fsync

    def fsync(fd):
        if disk["full"]:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    def fill_disk(iteration, nbatch, env, verbose=True):
        disk["full"] = iteration == 2
    monkeypatch.setattr(atomic.os, "fsync", fsync)
    with pytest.raises(CheckpointWriteError, match=r"run-symbol.json': No space left") as info:
        train(3, checkpoint=prefix, checkpoint_on_error="error",
              epoch_begin_callback=fill_disk)
    assert info.value.errno == errno.ENOSPC and info.value.model is model_mod.last()
    assert model_mod.last() is not None
    assert resume.checkpoint_epochs(prefix) == [1]


def test_unwritable_directory_fails_before_training(tmp_path):
    calls = []
    with pytest.raises(CheckpointWriteError, match="missing' does not exist"):
        train(3, checkpoint=str(tmp_path / "missing" / "m"),
              epoch_begin_callback=lambda *a, **k: calls.append(1))
    assert calls == []


def test_save_checkpoint_callback_failure_reaches_the_user_with_the_model(tmp_path):
    directory = tmp_path / "ckpt"
    directory.mkdir()
    save = mx.callback.save.checkpoint(str(directory / "m"))
    seen = {}

    def spy(iteration, nbatch, env, verbose=True):
        seen[iteration] = env.model
        if iteration == 2:
            shutil.rmtree(directory)
        return True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(CallbackError, match=f"Cannot write '{directory}/m-") as info:
            train(4, epoch_end_callback=[spy, save])
    assert isinstance(info.value.__cause__, CheckpointWriteError)
    assert info.value.model is seen[2] and model_mod.last() is seen[2]
