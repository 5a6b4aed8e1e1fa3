"""Callback slots, and what a callback's return value asks the trainer to do.

Six slots, called in this order within a run: train.begin, then per epoch
epoch.begin, per batch batch.begin / batch.end, then epoch.end; train.end
last, also when training stops early or fails. Each slot takes one callback
or a list, called in order (MXNet R took exactly one, and combining two by
hand silently dropped one: apache/mxnet#5674).

Return values (a :class:`Decision`):
- None or TRUE: continue. FALSE: stop (from batch.end it is ignored, as MXNet
  ignored batch callbacks' values).
- A dict (an R named list): ``stop`` (TRUE or FALSE; anything else, "FALSE" or NA
  included, is an error naming the callback), ``reason`` (text), ``lr``
  (the new learning rate, used from the next update) and ``save`` (TRUE, or a
  file prefix: save the model in MXNet's files now). Acted upon from every slot;
  from batch.end only when every name is one of these (a batch callback ending
  in an assignment returns that value, and MXNet ignored it).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import CallbackError, word
from .callback import accepts_verbose, check_callback

SLOTS = ("train.begin", "epoch.begin", "batch.begin", "batch.end", "epoch.end", "train.end")
DECISION_KEYS = ("stop", "reason", "lr", "save")


@dataclass
class Decision:
    """What the callbacks of one slot call asked for."""

    stop: bool = False
    reason: str | None = None
    lr: float | None = None
    save: bool | str = False

    def merge(self, other: Decision) -> None:
        self.stop = self.stop or other.stop
        self.reason = self.reason or other.reason
        self.lr = other.lr if other.lr is not None else self.lr
        self.save = other.save or self.save


CONTINUE = Decision()  # "nothing asked": shared by every call that returns TRUE/NULL


def interpret(result: Any, slot: str, name: str, iteration: int) -> Decision:
    """Turn one callback's return value into a :class:`Decision` (see module doc).

    Example:
        >>> interpret({"stop": True, "reason": "plateau"}, "epoch.end", "cb", 3).stop
        True
    """
    if result is None or result is True:
        return Decision()
    if result is False or (isinstance(result, np.bool_) and not result):
        return Decision() if slot == "batch.end" else Decision(stop=True)
    if isinstance(result, np.bool_):
        return Decision()
    if isinstance(result, Mapping):
        if slot == "batch.end" and any(k not in DECISION_KEYS for k in result):
            return Decision()  # not a command: MXNet ignored batch values (often an assignment's)
        return _from_mapping(result, slot, name, iteration)
    if slot == "batch.end":
        return Decision()  # MXNet ignored what batch callbacks returned
    raise CallbackError(f"The {name} returned {result!r} in epoch {iteration}; expected "
                        f"{word('TRUE')} to continue or {word('FALSE')} to stop training (or "
                        f"a {word('list')} with "
                        f"{', '.join(DECISION_KEYS)}).", slot=f"{slot}.callback",
                        iteration=iteration)


def _from_mapping(result: Mapping, slot: str, name: str, iteration: int) -> Decision:
    unknown = [k for k in result if k not in DECISION_KEYS]
    if unknown:
        raise CallbackError(f"The {name} returned a {word('list')} with unknown field "
                            f"`{unknown[0]}` in epoch {iteration}; expected fields: "
                            f"{', '.join(DECISION_KEYS)}.", slot=f"{slot}.callback",
                            iteration=iteration)
    lr = result.get("lr")
    if lr is not None and (isinstance(lr, bool) or not isinstance(lr, (int, float, np.number))
                           or not math.isfinite(float(lr)) or lr < 0):
        raise CallbackError(f"The {name} returned lr={lr!r}; expected a "
                            f"learning rate >= 0.", slot=f"{slot}.callback", iteration=iteration)
    save = result.get("save", False)
    if not isinstance(save, (bool, np.bool_, str)):
        raise CallbackError(f"The {name} returned save={save!r}; expected {word('TRUE')} "
                            f"or a file prefix.", slot=f"{slot}.callback", iteration=iteration)
    stop = result.get("stop")
    if stop is not None and not isinstance(stop, (bool, np.bool_)):
        raise CallbackError(f"The {name} returned stop={stop!r} in epoch {iteration}; expected "
                            f"stop = {word('TRUE')} (stop training) or {word('FALSE')} (continue).",
                            slot=f"{slot}.callback", iteration=iteration)
    reason = result.get("reason")
    return Decision(stop=bool(stop),
                    reason=None if reason is None else str(reason),
                    lr=None if lr is None else float(lr), save=save if isinstance(save, str)
                    else bool(save))


def callback_name(cb: Callable, slot: str, index: int, count: int) -> str:
    """How messages name a callback: ``epoch.end.callback``, or with several in the slot
    ``epoch.end.callback #2 (name)``."""
    label = f"{slot}.callback"
    if count == 1:
        return label
    parts = (getattr(cb, "__qualname__", None) or type(cb).__name__).split(".<locals>.")
    name = parts[-1]
    if name in ("callback", "cb", "<lambda>") and len(parts) > 1:
        name = parts[-2]  # a closure made by a factory: name the factory
    name = getattr(cb, "name", None) or name
    return f"{label} #{index + 1}" + (f" ({name})" if name and name != "<lambda>" else "")


@dataclass
class _Entry:
    fn: Callable
    slot: str
    name: str
    verbose: bool
    seconds: float = 0.0
    calls: int = 0


@dataclass
class CallbackSet:
    """The callbacks of one run, per slot, with their cumulative time."""

    entries: dict[str, list[_Entry]] = field(default_factory=dict)

    @classmethod
    def from_slots(cls, slots: dict[str, Any]) -> CallbackSet:
        """Build from ``{"epoch.end": cb_or_list_or_None, ...}``; checks every callback."""
        out = cls({s: [] for s in SLOTS})
        for slot, value in slots.items():
            if slot not in SLOTS:
                raise ValueError(f"unknown callback slot {slot!r}")
            items = [] if value is None else list(value) if isinstance(value, (list, tuple)) \
                else [value]
            for i, cb in enumerate(items):
                check_callback(cb, f"{slot}.callback")
                out.entries[slot].append(_Entry(cb, slot, callback_name(cb, slot, i, len(items)),
                                                accepts_verbose(cb)))
        return out

    def has(self, slot: str) -> bool:
        return bool(self.entries.get(slot))

    def call(self, slot: str, env, iteration: int, nbatch: int, verbose: bool) -> Decision:
        """Call every callback of ``slot`` in order; errors name the callback and where.

        Returns :data:`CONTINUE` (shared, never modified) when no callback asked for anything.
        """
        decision = CONTINUE
        for entry in self.entries.get(slot, ()):
            # MXNet R called batch callbacks without verbose=; keep that for batch.end.
            kwargs = {"verbose": verbose} if entry.verbose and slot != "batch.end" else {}
            start = time.perf_counter()
            try:
                result = entry.fn(iteration, nbatch, env, **kwargs)
            except (CallbackError, KeyboardInterrupt):
                raise
            except Exception as err:
                raise CallbackError(f"Error in {entry.name} (epoch {iteration}, "
                                    f"batch {nbatch}): {type(err).__name__}: {err}",
                                    slot=f"{slot}.callback", iteration=iteration,
                                    nbatch=nbatch) from err
            finally:
                entry.seconds += time.perf_counter() - start
                entry.calls += 1
            if result is None or result is True:
                continue  # the common case: nothing to interpret
            asked = interpret(result, slot, entry.name, iteration)
            if asked != CONTINUE:
                if decision is CONTINUE:
                    decision = Decision()
                decision.merge(asked)
        return decision

    def timing(self) -> list[dict[str, Any]]:
        """Per-callback time report: slot, name, calls, seconds, microseconds per call."""
        return [{"slot": e.slot, "callback": e.name, "calls": e.calls, "seconds": e.seconds,
                 "us_per_call": e.seconds / e.calls * 1e6 if e.calls else 0.0}
                for slot in SLOTS for e in self.entries.get(slot, ())]
