"""Exact resume: checkpoints from which training continues bit-for-bit (docs/CHECKPOINTS.md).

MXNet's files (``<prefix>-symbol.json``, ``<prefix>-%04d.params``) hold the
weights only. :class:`ResumeCheckpoint` (``create(..., checkpoint=prefix)``)
writes them every ``period`` epochs and, next to them, a sidecar
``<prefix>-%04d.state`` (formats/state_file.py) with what an uninterrupted
run carries into the next epoch: optimizer state and counters, the learning
rate (and scheduler), the random stream, each iterator's order, cursor and
batch buffers (the padding of a short last batch reuses stale rows), the
history, the original ``begin.round``, parameters that are not trained,
per-device weights and aux states where they differ from the averaged model,
and the state of callbacks that expose it (``state_dict()`` /
``load_state_dict()``, or a ``state`` dict as ``mx.callback.early.stop`` has).
The random stream is stored as the bank's seed and the engines in use
(learn/random_state.py).

``create(..., resume=prefix)`` checks that the checkpoint fits the network,
the data, the devices and the optimizer, then restores all of it *after*
the new run has made its own creation-time draws (shuffles, initialisation),
so epoch k+1 starts exactly where the first run was.
"""

from __future__ import annotations

import hashlib
import os
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import random as rng_mod
from .console import message
from .errors import (CheckpointWriteError, ModelFileError, MXError, MXShapeError, MXValueError,
                     invalid_value)
from .formats import atomic, state_file
from .formats.checkpoint_files import (Checkpoint, ResumeWarning, checkpoint_epochs,
                                       find_checkpoint, sha256, write_model_files)
from .formats.state_file import UnencodableState, encode, state_path
from .training.sidecar_checks import check_sidecar, rng_state

__all__ = ["CheckpointWarning", "RestoreCheckpoint", "ResumeCheckpoint", "ResumePlan",
           "ResumeWarning", "capture", "checkpoint_epochs", "find_checkpoint", "plan"]

ON_ERROR = ("warn", "error")


class CheckpointWarning(UserWarning):
    """A checkpoint could not be written; training goes on (``checkpoint.on.error="warn"``)."""


# --- what a checkpoint holds ------------------------------------------------------------------

def _state_api(fn: Any) -> tuple[str | None, Any]:
    """How a callback exposes its state: ("state_dict", getter), ("state", getter) or None."""
    if callable(getattr(fn, "state_dict", None)) and callable(getattr(fn, "load_state_dict", None)):
        return "state_dict", fn.state_dict
    if isinstance(getattr(fn, "state", None), dict):
        return "state", lambda: fn.state
    return None, None


def _data_info(it: Any) -> dict[str, Any] | None:
    if it is None:
        return None
    info: dict[str, Any] = {"type": type(it).__name__,
                            "batch_size": int(getattr(it, "batch_size", 0) or 0)}
    if getattr(it, "num_data", None) is not None:
        info["num_data"] = int(it.num_data)
    for key in ("data", "label"):
        value = getattr(it, key, None)
        if isinstance(value, np.ndarray):
            info[f"{key}_shape"] = list(value.shape[1:])
    return info


def data_fingerprint(it: Any) -> str | None:
    """SHA-256 of an array iterator's data and labels (None for other iterators)."""
    data, label = getattr(it, "data", None), getattr(it, "label", None)
    if not isinstance(data, np.ndarray) or not isinstance(label, np.ndarray):
        return None
    digest = hashlib.sha256()
    for a in (data, label):
        digest.update(f"{a.dtype.str}{a.shape}".encode())
        rows = max(1, (1 << 22) // max(1, a[:1].nbytes))  # ~4 MB at a time, in C order
        for start in range(0, a.shape[0], rows):
            digest.update(np.ascontiguousarray(a[start:start + rows]).data)
    return digest.hexdigest()


def _hyper(opt: Any) -> dict[str, Any]:
    skip = {"lr", "num_update", "counts", "states", "lr_scheduler", "n_states"}
    return {k: v for k, v in sorted(vars(opt).items())
            if k not in skip and not k.startswith("_") and isinstance(v, (int, float, bool, str))}


def _same(a: np.ndarray, b: np.ndarray | None) -> bool:
    return b is not None and a.shape == b.shape and a.tobytes() == b.tobytes()


def capture(trainer: Any, iteration: int, origin: Mapping[str, Any],
            files: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The sidecar's manifest and arrays for the trainer at the end of ``iteration``."""
    arrays: dict[str, np.ndarray] = {}
    devices, model = trainer.devices, trainer.model
    trained = list(devices.execs[0].grad_arrays)
    io_names = set(trainer.input_names) | set(trainer.output_names)
    fixed = {a: devices.execs[0].arg_arrays[a] for a in trainer.symbol.arguments()
             if a not in devices.execs[0].grad_arrays and a not in io_names}
    per_device = [{"arg": {n: ex.arg_arrays[n] for n in trained
                           if not _same(ex.arg_arrays[n], model.arg_params.get(n))},
                   "aux": {n: a for n, a in ex.aux_arrays.items()
                           if not _same(a, model.aux_params.get(n))}}
                  for ex in devices.execs]
    opt = trainer.optimizer
    arrays["rng"] = np.frombuffer(rng_mod.get_state(), np.uint8).copy()
    manifest = {
        "epoch": int(iteration), "begin_round": origin["begin_round"],
        "end_round": int(trainer.end_round), "initial_lr": origin["initial_lr"],
        "hyper": origin["hyper"], "files": dict(files),
        "network": {"trained": trained, "fixed": list(fixed),
                    "symbol_sha256": sha256(trainer.symbol.tojson().encode())},
        "ndevice": len(trainer.ctx), "fixed": encode(fixed, arrays, "fixed"),
        "devices": encode(per_device, arrays, "device"),
        "data": {"train": _data_info(trainer.train_data), "eval": _data_info(trainer.eval_data),
                 "train_sha256": origin.get("train_sha256"),
                 "eval_sha256": origin.get("eval_sha256")},
        "optimizer": {"name": opt.name, "n_states": opt.n_states,
                      "state": encode(opt.state_dict(), arrays, "opt")},
        "iterators": {key: _iter_state(it, arrays, key) for key, it in
                      (("train", trainer.train_data), ("eval", trainer.eval_data))},
        "history": encode(trainer.history, arrays, "history"),
        "callbacks": _callback_states(trainer, arrays),
        "rng": "rng",
    }
    return manifest, arrays


def _iter_state(it: Any, arrays: dict[str, np.ndarray], key: str) -> Any:
    fn = getattr(it, "state_dict", None)
    return encode(fn(), arrays, f"{key}_iter") if callable(fn) else None


def _callback_states(trainer: Any, arrays: dict[str, np.ndarray]) -> list[dict[str, Any]]:
    out = []
    for slot, entries in trainer.callbacks.entries.items():
        for index, entry in enumerate(entries):
            kind, getter = _state_api(entry.fn)
            if kind is None:
                continue
            staged: dict[str, np.ndarray] = {}
            try:
                state = encode(getter(), staged, f"cb_{slot.replace('.', '_')}_{index}_")
            except UnencodableState as err:
                warnings.warn(f"The state of {entry.name} is not saved in the checkpoint ({err});"
                              f" a resumed run will start it afresh.", ResumeWarning,
                              stacklevel=2)
                continue
            arrays.update(staged)
            out.append({"slot": slot, "index": index, "name": entry.name, "kind": kind,
                        "state": state})
    return out


# --- writing checkpoints ------------------------------------------------------------------------

def _whole(arg: str, value: Any, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or value != int(value) or value < low:
        raise invalid_value(arg, value, f"a whole number >= {low}")
    return int(value)


class ResumeCheckpoint:
    """Plugin writing MXNet files plus the ``.state`` sidecar every ``period`` epochs.

    Args:
        prefix: file prefix (``~`` expanded); the directory must exist.
        period: write after epochs whose number is a multiple of ``period``.
        on_error: ``"warn"`` (a failed write warns with a :class:`CheckpointWarning` and
            training goes on; the next period tries again) or ``"error"`` (the
            :class:`CheckpointWriteError` ends training; its ``model`` attribute and
            ``mx.model.last()`` hold the model of the epoch that could not be saved).

    Example:
        >>> writer = ResumeCheckpoint("run/mlp", period=5)
        >>> model = mx.model.FeedForward.create(net, X, y, num_round=10,
        ...                                     plugins=[writer])  # doctest: +SKIP
    """

    def __init__(self, prefix: str | os.PathLike[str], period: int = 1, on_error: str = "warn",
                 origin: Mapping[str, Any] | None = None) -> None:
        if not isinstance(prefix, (str, os.PathLike)) or not os.fspath(prefix):
            raise invalid_value("checkpoint", prefix, "a non-empty file prefix")
        if on_error not in ON_ERROR:
            raise invalid_value("checkpoint.on.error", on_error, '"warn" or "error"')
        self.prefix = atomic.resolve_path(prefix)
        self.period = _whole("checkpoint.period", period)
        self.on_error = on_error
        self.origin: dict[str, Any] | None = dict(origin) if origin else None
        self.errors: list[Exception] = []
        self.seconds = 0.0

    def on_train_begin(self, trainer: Any) -> None:
        directory = os.path.dirname(self.prefix) or "."
        if not os.path.isdir(directory) or not os.access(directory, os.W_OK | os.X_OK):
            problem = "is not a writable directory" if os.path.exists(directory) else \
                "does not exist"
            raise CheckpointWriteError(f"Cannot write checkpoints to '{self.prefix}-*': "
                                       f"'{directory}' {problem}")
        if self.origin is None:
            self.origin = {"begin_round": int(trainer.begin_round),
                           "initial_lr": float(trainer.optimizer.lr),
                           "hyper": _hyper(trainer.optimizer)}
        self.origin.setdefault("train_sha256", data_fingerprint(trainer.train_data))
        self.origin.setdefault("eval_sha256", data_fingerprint(trainer.eval_data))

    def on_epoch_end(self, trainer: Any, iteration: int) -> None:
        if iteration % self.period:
            return
        start = time.perf_counter()
        try:
            self.write(trainer, iteration)
        except (CheckpointWriteError, UnencodableState) as err:  # the run goes on or keeps
            self._failed(trainer, iteration, err)                 # its model (on_error)
        finally:
            self.seconds += time.perf_counter() - start

    def write(self, trainer: Any, iteration: int) -> str:
        """Write the three files of ``iteration``; the sidecar goes last. Returns its path."""
        files = write_model_files(self.prefix, iteration, trainer.model)
        manifest, arrays = capture(trainer, iteration, self.origin or {}, files)
        path = state_path(self.prefix, iteration)
        state_file.save_state(path, manifest, arrays)
        message("Resume checkpoint saved to ", path)
        return path

    def _failed(self, trainer: Any, iteration: int, err: Exception) -> None:
        self.errors.append(err)
        if self.on_error == "error":
            err.model = trainer.model  # type: ignore[attr-defined]
            raise err
        warnings.warn(f"{err}. The checkpoint of epoch {iteration} was not saved; training "
                      f"continues (the model stays in memory and in mx.model.last()).",
                      CheckpointWarning, stacklevel=2)


# --- restoring ----------------------------------------------------------------------------------

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
        _check_data(ckpt, trainer)
        # Every value range-checked before any is used (training/sidecar_checks.py).
        check_sidecar(ckpt, trainer.optimizer,
                      {"train": trainer.train_data, "eval": trainer.eval_data})
        _check_hyper(ckpt, trainer.optimizer)
        trainer.optimizer.load_state_dict(_optimizer_state(ckpt, trainer))
        _restore_devices(ckpt, trainer)
        for key, it in (("train", trainer.train_data), ("eval", trainer.eval_data)):
            _restore_iterator(ckpt, key, it)
        history = ckpt.decode(m["history"])
        if not all(isinstance(row, dict) for row in history):
            raise ModelFileError(f"Invalid resume state file '{ckpt.path}': bad `history`")
        trainer.history[:] = history
        _restore_callbacks(ckpt, trainer)
        trainer.env.begin_round = m["begin_round"]
        from .model import FeedForwardModel, set_last_model
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
        was, now = saved.get(key), _data_info(it)
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
    now = {"learning_rate": float(opt.lr), **_hyper(opt)}
    was = {"learning_rate": m["initial_lr"], **m["hyper"]}
    changed = [f"{k}: {was.get(k)!r} -> {now.get(k)!r}" for k in sorted(set(was) | set(now))
               if was.get(k) != now.get(k)]
    if changed:
        _warn(f"optimizer settings differ from the checkpoint's ({'; '.join(changed)}). The "
              f"learning rate continues from the checkpoint; the other settings are this "
              f"call's.")


def _optimizer_state(ckpt: Checkpoint, trainer: Any) -> dict[str, Any]:
    state = ckpt.decode(ckpt.manifest["optimizer"]["state"])
    opt = trainer.optimizer
    keys = ("lr", "num_update", "counts", "states", "lr_scheduler")
    if not isinstance(state, dict) or any(k not in state for k in keys) or \
            not isinstance(state["states"], dict) or not isinstance(state["counts"], dict):
        raise ModelFileError(f"Invalid resume state file '{ckpt.path}': bad optimizer state")
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
               for i, entry in enumerate(entries) if _state_api(entry.fn)[0]}
    for key in sorted(set(saved) | set(current)):
        entry, record = current.get(key), saved.get(key)
        if entry is None or record is None or record["name"] != entry.name or \
                record["kind"] != _state_api(entry.fn)[0]:
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


# --- create(..., checkpoint=, resume=) ----------------------------------------------------------

@dataclass
class ResumePlan:
    """What ``create`` does about checkpoints: the checkpoint to resume (or None), the
    writer plugin (or None) and the first epoch to train."""

    checkpoint: Checkpoint | None
    writer: ResumeCheckpoint | None
    begin_round: int

    def params(self, symbol: Any, input_shapes: dict, output_shapes: dict,
               ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """The checkpoint's parameters, checked against the network (names and shapes)."""
        ckpt = self.checkpoint
        assert ckpt is not None
        shapes = symbol.infer_shape(**input_shapes, **output_shapes)
        if shapes is None:
            raise ckpt.fail("the network's shapes cannot be inferred from the data.")
        arg_shapes, _, aux_shapes = shapes
        io_names = set(input_shapes) | set(output_shapes)
        expected = {n: tuple(s) for n, s in arg_shapes.items() if n not in io_names}
        args = {**ckpt.fixed, **ckpt.arg_params}
        problems = _mismatches("parameter", expected, args) + \
            _mismatches("auxiliary state", {n: tuple(s) for n, s in aux_shapes.items()},
                        ckpt.aux_params)
        if problems:
            raise MXShapeError(f"Cannot resume from '{ckpt.path}': the network does not match "
                               f"the checkpoint: {'; '.join(problems[:5])}.")
        return {n: args[n] for n in expected}, {n: ckpt.aux_params[n] for n in aux_shapes}

    def finished(self, num_round: int) -> bool:
        return self.checkpoint is not None and self.begin_round > num_round

    def finished_model(self, symbol: Any, arg_params: dict, aux_params: dict) -> Any:
        """The checkpoint's model, when it already reaches ``num.round`` (nothing to train)."""
        from .model import FeedForwardModel, set_last_model
        ckpt = self.checkpoint
        assert ckpt is not None
        model = FeedForwardModel(symbol, {n: arg_params[n] for n in ckpt.arg_params}, aux_params)
        model.history = ckpt.decode(ckpt.manifest["history"])
        model.stop_reason = f"the checkpoint of epoch {ckpt.epoch} already reaches num.round"
        set_last_model(model)
        message("Checkpoint ", ckpt.path, " is at epoch ", ckpt.epoch,
                ", num.round is reached: nothing to train")
        return model

    def plugins(self, user_plugins: Any) -> list[Any]:
        """The plugins of the run: restore first, the user's, then the writer."""
        return ([RestoreCheckpoint(self.checkpoint)] if self.checkpoint is not None else []) + \
            list(user_plugins or ()) + ([self.writer] if self.writer is not None else [])


def _mismatches(kind: str, expected: Mapping[str, tuple], got: Mapping[str, np.ndarray]) -> list:
    out = [f"{kind} `{n}` has shape {got[n].shape} in the checkpoint but {s} in this network"
           for n, s in expected.items() if n in got and got[n].shape != s]
    out += [f"the checkpoint has no {kind} `{n}`" for n in expected if n not in got]
    out += [f"the checkpoint's {kind} `{n}` is not in this network" for n in got
            if n not in expected]
    return out


def plan(*, resume: Any, checkpoint: Any, period: Any, on_error: Any, begin_round: Any,
         given_params: bool, extra: dict[str, Any], verbose: bool = True) -> ResumePlan:
    """Interpret ``create``'s ``checkpoint``/``resume`` arguments (see docs/CHECKPOINTS.md).

    R's dotted spellings in ``extra`` (``checkpoint.period``, ``checkpoint.on.error``)
    are taken out of it. With ``resume``, the checkpoint is found and verified now.
    """
    period = extra.pop("checkpoint.period", period)
    on_error = extra.pop("checkpoint.on.error", on_error)
    writer = ResumeCheckpoint(checkpoint, period, on_error) if checkpoint is not None else None
    if resume is None or resume is False:
        return ResumePlan(None, writer, int(begin_round))
    if resume is True:
        if checkpoint is None:
            raise invalid_value("resume", True, 'a checkpoint prefix, or TRUE together with '
                                'checkpoint="<prefix>"')
        prefix, required = checkpoint, False
    elif isinstance(resume, (str, os.PathLike)) and os.fspath(resume):
        prefix, required = resume, True
    else:
        raise invalid_value("resume", resume, "a checkpoint prefix (or TRUE)")
    if given_params:
        raise MXValueError("Invalid value for argument `resume`: arg.params and aux.params "
                           "cannot be combined with resume (the checkpoint holds the weights).")
    epoch = int(begin_round) - 1 if int(begin_round) != 1 else None
    try:
        ckpt = find_checkpoint(prefix, epoch)
    except FileNotFoundError as err:
        have = checkpoint_epochs(prefix)
        raise MXValueError(f"Cannot resume from '{prefix}' at begin.round={int(begin_round)}: "
                           f"'{err.filename}' does not exist. Epochs with a checkpoint: "
                           f"{', '.join(map(str, have)) or 'none'}.") from None
    if ckpt is None:
        if required:
            raise MXValueError(f"Cannot resume from '{prefix}': there is no checkpoint "
                               f"'{atomic.resolve_path(prefix)}-NNNN.state'. Write them with "
                               f"checkpoint=\"{prefix}\".")
        if verbose:
            message("No checkpoint ", atomic.resolve_path(prefix), "-NNNN.state yet; "
                    "training from the start")
        return ResumePlan(None, writer, int(begin_round))
    if writer is not None:
        m = ckpt.manifest
        writer.origin = {"begin_round": m["begin_round"], "initial_lr": m["initial_lr"],
                         "hyper": m["hyper"]}
    return ResumePlan(ckpt, writer, ckpt.epoch + 1)
