"""Range checks of a resume sidecar's values, before any of them reaches the trainer or C.

A ``.state`` sidecar is a file, and files are hostile input (docs/RELIABILITY.md):
formats/checkpoint_files.py checks the manifest's structure and types; this module
checks the values a resume hands on, so that a crafted file is refused with an error
naming the field instead of crashing in C or failing in the middle of training:

- ``rng``: the random bank (every field, learn/random_state.py);
- ``optimizer.state``: the learning rate (finite, >= 0), the update counters
  (whole numbers >= 0) and the learning-rate scheduler's counters;
- ``initial_lr`` and the recorded hyper-parameters (finite numbers);
- ``epoch``, ``begin_round``, ``end_round`` and the iterators' cursors.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from ..errors import ModelFileError
from ..learn import random_state

__all__ = ["check_sidecar", "rng_state"]

MAX_COUNT = 2**53  # beyond this a float counter no longer counts
FLOAT32_LIMIT = float.fromhex("0x1.ffffffp+127")  # from here up, float32 (C's type) is Inf


def _fail(path: str, field: str, value: Any, expected: str) -> ModelFileError:
    shown = repr(value) if not isinstance(value, (float, np.floating)) else f"{float(value)!r}"
    return ModelFileError(f"Invalid resume state file '{path}': field `{field}`. "
                          f"Received: {shown:.80}. Expected {expected}.")


def _whole(path: str, field: str, value: Any, low: int, high: int = MAX_COUNT) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or \
            not low <= int(value) <= high:
        raise _fail(path, field, value, f"a whole number from {low} to {high}")
    return int(value)


def _rate(path: str, field: str, value: Any) -> float:
    """A learning rate: finite once C rounds it to float32, and >= 0."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or \
            not 0 <= float(value) < FLOAT32_LIMIT:  # also false for NaN
        raise _fail(path, field, value, "a finite number >= 0 (float32)")
    return float(value)


def rng_state(ckpt: Any) -> bytes:
    """The sidecar's random state, every field checked (learn/random_state.py).

    Example:
        >>> random.set_state(rng_state(checkpoint))  # doctest: +SKIP
    """
    array = ckpt.arrays.get(ckpt.manifest["rng"])
    if not isinstance(array, np.ndarray) or array.dtype != np.uint8 or array.ndim != 1:
        raise ModelFileError(f"Invalid resume state file '{ckpt.path}': bad random state "
                             f"(field `rng` must name a 1-d uint8 array)")
    blob = array.tobytes()
    try:
        random_state.parse(blob)
    except random_state.RandomStateError as err:
        raise ModelFileError(f"Invalid resume state file '{ckpt.path}': bad random state "
                             f"(field `rng`: {err.detail})") from None
    return blob


def _optimizer(ckpt: Any, optimizer: Any) -> None:
    path, state = ckpt.path, ckpt.decode(ckpt.manifest["optimizer"]["state"])
    if not isinstance(state, dict):
        return  # training/restore.py reports the structure ("bad optimizer state")
    if "lr" in state:
        _rate(path, "optimizer.state.lr", state["lr"])
    if "num_update" in state:
        _whole(path, "optimizer.state.num_update", state["num_update"], 0)
    counts = state.get("counts")
    if isinstance(counts, dict):
        for key, value in counts.items():
            _whole(path, "optimizer.state.counts (key)", key, 0, 2**31 - 1)
            _whole(path, f"optimizer.state.counts[{key}]", value, 0)
    sched = state.get("lr_scheduler")
    if isinstance(sched, dict):
        _scheduler(path, sched, getattr(optimizer, "lr_scheduler", None))


def _scheduler(path: str, state: dict, scheduler: Any) -> None:
    for key, value in state.items():
        if isinstance(value, (numbers.Real, np.generic)):  # bools are refused by _whole
            _whole(path, f"optimizer.state.lr_scheduler.{key}", value, 0)
    steps = getattr(scheduler, "steps", None)  # MultiFactorScheduler
    if "cur_step_ind" in state and isinstance(steps, (list, tuple)):
        _whole(path, "optimizer.state.lr_scheduler.cur_step_ind", state["cur_step_ind"], 0,
               len(steps))


def _rounds(ckpt: Any) -> None:
    m, path = ckpt.manifest, ckpt.path
    _whole(path, "epoch", m["epoch"], 1)
    _whole(path, "begin_round", m["begin_round"], 1)
    _whole(path, "end_round", m["end_round"], 1)
    _rate(path, "initial_lr", m["initial_lr"])
    for key, value in m["hyper"].items():
        if isinstance(value, (float, int)) and not isinstance(value, bool) and \
                not math.isfinite(value):
            raise _fail(path, f"hyper.{key}", value, "a finite number")
        if not isinstance(value, (bool, int, float, str)):
            raise _fail(path, f"hyper.{key}", value, "a number, logical or string")


def _cursors(ckpt: Any, iterators: dict[str, Any]) -> None:
    for key, it in iterators.items():
        record = ckpt.manifest["iterators"].get(key)
        if it is None or record is None or not hasattr(it, "num_batches"):
            continue
        saved = ckpt.decode(record)
        if isinstance(saved, dict) and "cursor" in saved:
            _whole(ckpt.path, f"iterators.{key}.cursor", saved["cursor"], -1,
                   int(it.num_batches) - 1)


def check_sidecar(ckpt: Any, optimizer: Any, iterators: dict[str, Any]) -> None:
    """Raise ModelFileError naming the first sidecar value out of range.

    Example:
        >>> check_sidecar(checkpoint, trainer.optimizer,
        ...               {"train": trainer.train_data})  # doctest: +SKIP
    """
    _rounds(ckpt)
    _optimizer(ckpt, optimizer)
    _cursors(ckpt, iterators)
    rng_state(ckpt)
