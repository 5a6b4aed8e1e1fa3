"""Restoring a checkpoint into a new run (docs/CHECKPOINTS.md): the :class:`RestoreCheckpoint`
plugin checks that it fits the data and the optimizer, then puts back the optimizer state,
the random stream, the iterators and the callbacks' state after the new run's own
creation-time draws.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._args import is_number
from ..console import message
from ..errors import ModelFileError, MXError
from ..formats.checkpoint_files import Checkpoint, ResumeWarning, sha256
from ..learn import random as rng_mod
from .checkpointing import data_fingerprint, data_info, hyper_params, state_api
from .model import FeedForwardModel, set_last_model
from .sidecar_checks import check_sidecar, rng_state


class RestoreCheckpoint:
    """Plugin that puts a checkpoint's state into a new run (``create(..., resume=prefix)``).

    It runs first at ``on_train_begin``, after the run has bound its executors and
    made its creation-time random draws; the random stream is restored last.
    """

    def __init__(self, checkpoint: Checkpoint) -> None:
        self.checkpoint = checkpoint

    def on_train_begin(self, trainer: Any) -> None:
        try:
            self._restore(trainer)
        except MXError:
            raise
        except (TypeError, KeyError, AttributeError, IndexError, ValueError) as err:
            raise ModelFileError(f"Invalid resume state file '{self.checkpoint.path}': "
                                 f"{type(err).__name__}: {err}") from err

    def _restore(self, trainer: Any) -> None:
        ckpt, m = self.checkpoint, self.checkpoint.manifest
        if m["ndevice"] != len(trainer.ctx):
            raise ckpt.fail(f"it was written by a run on {m['ndevice']} device(s); this call "
                            f"uses {len(trainer.ctx)}. Resume with the same ctx.")
        trained = list(trainer.devices.execs[0].grad_arrays)
        if m["network"]["trained"] != trained:
            raise ckpt.fail(f"it trained {m['network']['trained']}; this call trains {trained} "
                            f"(fixed.param differs?)")
        if m["network"]["symbol_sha256"] != sha256(trainer.symbol.tojson().encode()):
            _warn(f"the network's JSON differs from the one in '{ckpt.path}' (same parameter "
                  f"names and shapes); continuing with this call's network.")
        # The data and iterator positions in the sidecar are rank 0's: the other workers of a
        # distributed run keep their own (docs/DISTRIBUTED.md).
        own_data = not trainer.env.get("rank")
        iterators = {"train": trainer.train_data, "eval": trainer.eval_data} if own_data else {}
        if own_data:
            _check_data(ckpt, trainer)
        # Every value range-checked before any is used (training/sidecar_checks.py).
        check_sidecar(ckpt, trainer.optimizer, iterators)
        _check_hyper(ckpt, trainer.optimizer)
        trainer.optimizer.load_state_dict(_optimizer_state(ckpt, trainer))
        _restore_devices(ckpt, trainer)
        for key, it in iterators.items():
            _restore_iterator(ckpt, key, it)
        history = ckpt.decode(m["history"])
        if not all(isinstance(row, dict) for row in history):
            raise ModelFileError(f"Invalid resume state file '{ckpt.path}': bad `history`")
        trainer.history[:] = history
        _restore_callbacks(ckpt, trainer)
        trainer.env.begin_round = m["begin_round"]
        trainer.model = FeedForwardModel(trainer.symbol, *trainer.devices.params())
        trainer.completed_epoch = ckpt.epoch
        set_last_model(trainer.model)
        rng_mod.set_state(rng_state(ckpt))
        message("Resuming from ", ckpt.path, " (epoch ", ckpt.epoch, " done); training epochs ",
                trainer.begin_round, " to ", trainer.end_round)


def _warn(text: str) -> None:
    warnings.warn(f"Resume: {text}", ResumeWarning, stacklevel=4)


def _check_data(ckpt: Checkpoint, trainer: Any) -> None:
    saved = ckpt.manifest["data"]
    for key, it in (("train", trainer.train_data), ("eval", trainer.eval_data)):
        was, now = saved.get(key), data_info(it)
        what = "training data" if key == "train" else "validation data (eval.data)"
        if (was is None) != (now is None):
            raise ckpt.fail(f"it was written {'with' if was else 'without'} {what}; this call "
                            f"has {'some' if now else 'none'}.")
        if was is None or now is None:
            continue
        for field in ("num_data", "batch_size", "data_shape", "label_shape"):
            if field in was and field in now and was[field] != now[field]:
                raise ckpt.fail(f"it was written for {what} with {_describe(was)}; this call "
                                f"has {_describe(now)}.")
        fingerprint = saved.get(f"{key}_sha256")
        if fingerprint and data_fingerprint(it) not in (None, fingerprint):
            _warn(f"the {what} differ from those of the checkpoint (same shapes); the run will "
                  f"not match an uninterrupted one.")


def _describe(info: Mapping[str, Any]) -> str:
    parts = [f"{info['num_data']} samples" if "num_data" in info else None,
             f"batches of {info['batch_size']}",
             f"sample shape {tuple(info['data_shape'])}" if "data_shape" in info else None,
             f"label shape {tuple(info['label_shape'])}" if "label_shape" in info else None]
    return ", ".join(p for p in parts if p)


def _check_hyper(ckpt: Checkpoint, opt: Any) -> None:
    m = ckpt.manifest
    if m["optimizer"]["name"] != opt.name:
        raise ckpt.fail(f"it was trained with optimizer \"{m['optimizer']['name']}\"; this call "
                        f"uses \"{opt.name}\".")
    if m["optimizer"]["n_states"] != opt.n_states:
        raise ckpt.fail(f"its {opt.name} optimizer keeps {m['optimizer']['n_states']} state "
                        f"array(s) per weight, this call's keeps {opt.n_states} (momentum 0 "
                        f"versus non-zero?).")
    _check_finite_hyper(ckpt)
    now = {"learning_rate": float(opt.lr), **hyper_params(opt)}
    was = {"learning_rate": m["initial_lr"], **m["hyper"]}
    changed = [f"{k}: {was.get(k)!r} -> {now.get(k)!r}" for k in sorted(set(was) | set(now))
               if was.get(k) != now.get(k)]
    if changed:
        _warn(f"optimizer settings differ from the checkpoint's ({'; '.join(changed)}). The "
              f"learning rate continues from the checkpoint; the other settings are this "
              f"call's.")


def _check_finite_hyper(ckpt: Checkpoint) -> None:
    """The sidecar's hyper-parameters are finite numbers (or flags and names): a NaN learning
    rate used to surface as "sgd update failed" in the middle of the resumed training."""
    m = ckpt.manifest
    hyper = {"initial_lr": m["initial_lr"], **{k: ckpt.decode(v) for k, v in m["hyper"].items()}}
    for key, value in hyper.items():
        if not isinstance(value, (bool, str)) and not _finite_number(value):
            raise ckpt.fail(f"its hyper-parameter `{key}` is {value!r:.60}; expected a finite "
                            f"number (the file was damaged or edited).")


def _finite_number(value: Any, low: float = -math.inf) -> bool:
    return is_number(value) and math.isfinite(value) and value >= low


def _optimizer_state(ckpt: Checkpoint, trainer: Any) -> dict[str, Any]:
    state = ckpt.decode(ckpt.manifest["optimizer"]["state"])
    opt = trainer.optimizer
    keys = ("lr", "num_update", "counts", "states", "lr_scheduler")
    if not isinstance(state, dict) or any(k not in state for k in keys) or \
            not isinstance(state["states"], dict) or not isinstance(state["counts"], dict):
        raise ModelFileError(f"Invalid resume state file '{ckpt.path}': bad optimizer state")
    if not _finite_number(state["lr"], low=0.0):
        raise ckpt.fail(f"its learning rate is {state['lr']!r:.60}; expected a finite number "
                        f">= 0 (the file was damaged or edited).")
    has_sched = callable(getattr(opt.lr_scheduler, "load_state_dict", None))
    if (state["lr_scheduler"] is not None) != has_sched:
        raise ckpt.fail("it was trained " + ("with" if state["lr_scheduler"] is not None
                        else "without") + " an lr_scheduler; resume with the same one.")
    args = trainer.symbol.arguments()
    weights = {index: trainer.devices.execs[0].arg_arrays[name]
               for index, name in trainer.devices.param_index}
    for key, arrays in state["states"].items():
        ok = isinstance(key, tuple) and len(key) == 2 and all(isinstance(k, int) for k in key) \
            and 0 <= key[0] < len(trainer.devices.execs) and key[1] in weights
        if not ok or not isinstance(arrays, list) or len(arrays) != opt.n_states:
            raise ckpt.fail(f"its optimizer state {key!r:.60} does not fit this network.")
        for array in arrays:
            if not isinstance(array, np.ndarray) or array.shape != weights[key[1]].shape:
                raise ckpt.fail(f"its optimizer state for `{args[key[1]]}` has shape "
                                f"{getattr(array, 'shape', None)}; the weight has "
                                f"{weights[key[1]].shape}.")
    return state


def _restore_devices(ckpt: Checkpoint, trainer: Any) -> None:
    per_device = ckpt.decode(ckpt.manifest["devices"])
    execs = trainer.devices.execs
    if len(per_device) != len(execs):
        raise ckpt.fail(f"it holds {len(per_device)} device slice(s); this run has {len(execs)}.")
    for ex, saved in zip(execs, per_device, strict=True):
        for kind, target in (("arg", ex.arg_arrays), ("aux", ex.aux_arrays)):
            values = saved.get(kind, {}) if isinstance(saved, dict) else None
            if not isinstance(values, dict):
                raise ModelFileError(f"Invalid resume state file '{ckpt.path}': bad `devices`")
            for name, value in values.items():
                if name not in target or getattr(value, "shape", None) != target[name].shape:
                    raise ckpt.fail(f"its per-device `{name}` does not fit this network.")
                np.copyto(target[name], value)


def _restore_iterator(ckpt: Checkpoint, key: str, it: Any) -> None:
    if it is None:
        return
    saved = ckpt.decode(ckpt.manifest["iterators"][key])
    load, current = getattr(it, "load_state_dict", None), getattr(it, "state_dict", None)
    if saved is None or not callable(load) or not callable(current):
        _warn(f"the {key} iterator's order and position are not restored (it has no "
              f"state_dict()/load_state_dict()); batches will not match an uninterrupted run.")
        return
    now = current()
    for name, value in now.items():
        if name not in saved or (isinstance(value, np.ndarray) and
                                 getattr(saved[name], "shape", None) != value.shape):
            raise ckpt.fail(f"the saved {key} iterator state `{name}` does not fit this data.")
    order = saved.get("order")
    if isinstance(order, np.ndarray) and not np.array_equal(np.sort(order),
                                                            np.arange(order.size)):
        raise ModelFileError(f"Invalid resume state file '{ckpt.path}': the {key} order is "
                             f"not a permutation")
    load(saved)


def _restore_callbacks(ckpt: Checkpoint, trainer: Any) -> None:
    saved = {(e["slot"], e["index"]): e for e in ckpt.manifest["callbacks"]}
    current = {(slot, i): entry for slot, entries in trainer.callbacks.entries.items()
               for i, entry in enumerate(entries) if state_api(entry.fn)[0]}
    for key in sorted(set(saved) | set(current)):
        entry, record = current.get(key), saved.get(key)
        if entry is None or record is None or record["name"] != entry.name or \
                record["kind"] != state_api(entry.fn)[0]:
            name = entry.name if entry is not None else saved[key]["name"]
            _warn(f"the state of {name} is not restored (the callbacks differ from the "
                  f"checkpoint's); it starts afresh.")
            continue
        state = ckpt.decode(record["state"])
        if record["kind"] == "state_dict":
            entry.fn.load_state_dict(state)
        elif isinstance(state, dict):
            entry.fn.state.clear()
            entry.fn.state.update(state)
