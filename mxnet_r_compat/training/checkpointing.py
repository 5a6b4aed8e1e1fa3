"""Writing checkpoints that training can continue from bit-for-bit (docs/CHECKPOINTS.md).

:func:`capture` collects what an uninterrupted run carries into the next epoch; the
:class:`ResumeCheckpoint` plugin writes it every ``period`` epochs next to MXNet's files.
"""

from __future__ import annotations

import hashlib
import os
import time
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from .._args import whole_number
from ..console import message
from ..errors import CheckpointWriteError, invalid_value
from ..formats import atomic, state_file
from ..formats.checkpoint_files import ResumeWarning, sha256, write_model_files
from ..formats.state_file import UnencodableState, encode, state_path
from ..learn import random as rng_mod

ON_ERROR = ("warn", "error")


class CheckpointWarning(UserWarning):
    """A checkpoint could not be written; training goes on (``checkpoint.on.error="warn"``)."""


# --- what a checkpoint holds ------------------------------------------------------------------

def state_api(fn: Any) -> tuple[str | None, Any]:
    """How a callback exposes its state: ("state_dict", getter), ("state", getter) or None."""
    if callable(getattr(fn, "state_dict", None)) and callable(getattr(fn, "load_state_dict", None)):
        return "state_dict", fn.state_dict
    if isinstance(getattr(fn, "state", None), dict):
        return "state", lambda: fn.state
    return None, None


def data_info(it: Any) -> dict[str, Any] | None:
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


def hyper_params(opt: Any) -> dict[str, Any]:
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
        "data": {"train": data_info(trainer.train_data), "eval": data_info(trainer.eval_data),
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
            kind, getter = state_api(entry.fn)
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
        self.period = whole_number("checkpoint.period", period)
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
                           "hyper": hyper_params(trainer.optimizer)}
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
