"""The files of a resume checkpoint: find, verify and read them; write the MXNet pair.

A checkpoint of epoch k under ``prefix`` is ``<prefix>-symbol.json`` and
``<prefix>-%04d.params`` (pure MXNet) plus the sidecar ``<prefix>-%04d.state``
(:mod:`.state_file`). The sidecar is written last and records the SHA-256 of
the ``.params`` bytes, so a checkpoint is complete exactly when its sidecar
exists and the weights still match it. What the sidecar holds is decided by
:mod:`mxnet_r_compat.resume`.
"""

from __future__ import annotations

import hashlib
import os
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import ModelFileError, MXValueError
from . import model_files, ndarray_file
from .atomic import atomic_write_files, resolve_path
from .bounded_read import hash_file, open_regular
from .state_file import decode, load_state, state_path


class ResumeWarning(UserWarning):
    """A resumed run may not continue bit-for-bit (changed settings, unrestorable state,
    a damaged checkpoint skipped)."""


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def write_model_files(prefix: str, iteration: int, model: Any) -> dict[str, dict[str, Any]]:
    """Write ``<prefix>-symbol.json`` and ``<prefix>-%04d.params`` as one atomic pair (as
    ``mx.model.save``); return each file's name, SHA-256 (and size) for the sidecar.

    Raises:
        CheckpointWriteError: a file could not be written (names the path).
    """
    symbol_file = resolve_path(f"{prefix}-symbol.json")
    params_file = model_files.params_path(prefix, iteration)
    symbol_text = model.symbol.tojson().encode()
    params = model_files.dumps_params(model.arg_params, model.aux_params)
    atomic_write_files([(symbol_file, symbol_text), (params_file, params)])
    return {"symbol": {"name": os.path.basename(symbol_file), "sha256": sha256(symbol_text)},
            "params": {"name": os.path.basename(params_file), "sha256": sha256(params),
                       "size": len(params)}}


@dataclass
class Checkpoint:
    """A verified resume checkpoint: the sidecar plus the weights it belongs to."""

    prefix: str
    epoch: int
    path: str
    manifest: dict[str, Any]
    arrays: dict[str, np.ndarray]
    arg_params: dict[str, np.ndarray]
    aux_params: dict[str, np.ndarray]
    fixed: dict[str, np.ndarray] = field(default_factory=dict)

    def decode(self, value: Any) -> Any:
        return decode(value, self.arrays)

    def fail(self, detail: str) -> MXValueError:
        return MXValueError(f"Cannot resume from '{self.path}': {detail}")


def checkpoint_epochs(prefix: str | os.PathLike[str]) -> list[int]:
    """Epochs that have a ``<prefix>-NNNN.state`` file, in increasing order.

    Example:
        >>> checkpoint_epochs("/nonexistent/run")
        []
    """
    resolved = resolve_path(prefix)
    directory, base = os.path.split(resolved)
    pattern = re.compile(re.escape(base) + r"-(\d{4,})\.state$")
    try:
        names = os.listdir(directory or ".")
    except OSError:
        return []
    return sorted(int(m.group(1)) for m in map(pattern.match, names) if m)


def read_checkpoint(prefix: str | os.PathLike[str], epoch: int) -> Checkpoint:
    """Read and verify the checkpoint of ``epoch`` (sidecar, then the weights' checksum).

    Raises:
        FileNotFoundError: there is no sidecar or weights file for that epoch.
        ModelFileError: a file is corrupt, or the weights are not the ones the sidecar
            was written with.
    """
    resolved = resolve_path(prefix)
    path = state_path(resolved, epoch)
    manifest, arrays = load_state(path)
    check_manifest(manifest, path)
    if manifest["epoch"] != epoch:
        raise ModelFileError(f"Invalid resume state file '{path}': it says epoch "
                             f"{manifest['epoch']}")
    params_file = model_files.params_path(resolved, epoch)
    arg, aux = _read_weights(params_file, manifest["files"]["params"], path)
    ckpt = Checkpoint(resolved, epoch, path, manifest, arrays, arg, aux)
    fixed = ckpt.decode(manifest["fixed"])
    if not isinstance(fixed, dict) or not all(isinstance(v, np.ndarray) and v.dtype.kind == "f"
                                              for v in fixed.values()):
        raise ModelFileError(f"Invalid resume state file '{path}': bad `fixed` entry")
    ckpt.fixed = {k: v.astype(np.float32) for k, v in fixed.items()}
    return ckpt


def _read_weights(params_file: str, recorded: dict[str, Any], path: str,
                  ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The checkpoint's ``.params``, checked against the sidecar before it is parsed:
    a regular file only, of the recorded size (sidecars written since the size is
    recorded), with a valid header (its first 24 bytes), of the recorded SHA-256."""
    def replaced(detail: str) -> ModelFileError:
        return ModelFileError(f"'{params_file}' is not the weights file that '{path}' was "
                              f"written with ({detail})")

    size_field = recorded.get("size")
    if size_field is not None and (not isinstance(size_field, int) or
                                   isinstance(size_field, bool) or size_field < 0):
        raise ModelFileError(f"Invalid resume state file '{path}': `files.params.size` is "
                             f"{str(size_field)[:40]}, not a byte count")
    handle, size = open_regular(params_file, lambda detail: ModelFileError(
        f"Cannot read the checkpoint's weights: {detail}"))
    with handle:
        if size_field is not None and size != size_field:
            raise replaced(f"it has {size} bytes, the sidecar says {size_field}")
        ndarray_file.check_header(handle, size, params_file)
        digest = hashlib.sha256()
        hash_file(handle, digest, size)
        if digest.hexdigest() != recorded["sha256"]:
            raise replaced("it was replaced or changed afterwards")
        handle.seek(0)
        arrays, names = ndarray_file.read_ndarray_list(handle, size, params_file)
    return model_files.split_params(arrays, names, params_file)


# Top-level manifest fields that mxnet_r_compat.resume relies on, with their JSON types.
_FIELDS: dict[str, tuple[type, ...]] = {
    "epoch": (int,), "begin_round": (int,), "end_round": (int,), "initial_lr": (int, float),
    "hyper": (dict,), "files": (dict,), "network": (dict,), "ndevice": (int,),
    "fixed": (dict,), "devices": (list,), "data": (dict,), "optimizer": (dict,),
    "iterators": (dict,), "history": (list,), "callbacks": (list,), "rng": (str,),
}
_NESTED: dict[tuple[str, str], tuple[type, ...]] = {
    ("network", "trained"): (list,), ("network", "fixed"): (list,),
    ("network", "symbol_sha256"): (str,), ("optimizer", "name"): (str,),
    ("optimizer", "n_states"): (int,), ("files", "params"): (dict,),
    ("data", "train"): (dict, type(None)), ("data", "eval"): (dict, type(None)),
    ("iterators", "train"): (dict, type(None)), ("iterators", "eval"): (dict, type(None)),
}
_CALLBACK_FIELDS = {"slot": str, "index": int, "name": str, "kind": str}


def check_manifest(manifest: dict[str, Any], path: str) -> None:
    """Check the types of the fields a resume reads, so that a damaged or hand-edited
    sidecar fails here with a clear error rather than somewhere in the trainer.

    Raises:
        ModelFileError: naming the first field that is missing or of the wrong type.
    """
    def need(ok: bool, what: str) -> None:
        if not ok:
            raise ModelFileError(f"Invalid resume state file '{path}': {what} is missing or "
                                 f"has the wrong type")

    def typed(value: Any, types: tuple[type, ...]) -> bool:
        return isinstance(value, types) and not (isinstance(value, bool) and bool not in types)

    for key, types in _FIELDS.items():
        need(typed(manifest.get(key), types), f"`{key}`")
    for (outer, inner), types in _NESTED.items():
        need(inner in manifest[outer] and typed(manifest[outer][inner], types),
             f"`{outer}.{inner}`")
    need(isinstance(manifest["files"]["params"].get("sha256"), str), "`files.params.sha256`")
    need("state" in manifest["optimizer"], "`optimizer.state`")
    need(all(isinstance(n, str) for n in manifest["network"]["trained"] +
             manifest["network"]["fixed"]), "`network.trained`")
    for entry in manifest["callbacks"]:
        need(isinstance(entry, dict) and "state" in entry and
             all(typed(entry.get(k), (t,)) for k, t in _CALLBACK_FIELDS.items()),
             "a `callbacks` entry")


def find_checkpoint(prefix: str | os.PathLike[str], epoch: int | None = None,
                    ) -> Checkpoint | None:
    """The checkpoint of ``epoch``, or the latest one that is intact (None if there is none).

    Looking for the latest, a damaged or incomplete checkpoint is skipped with a
    :class:`ResumeWarning`; asking for an epoch, any problem is an error.
    """
    if epoch is not None:
        return read_checkpoint(prefix, epoch)
    for candidate in reversed(checkpoint_epochs(prefix)):
        try:
            return read_checkpoint(prefix, candidate)
        except (OSError, ModelFileError) as err:
            warnings.warn(f"Skipping the checkpoint of epoch {candidate}: {err}",
                          ResumeWarning, stacklevel=2)
    return None
