"""``mx.callback.model.checkpoint``: save the model in MXNet's files, keep the best.

Every ``period`` epochs the model is written as ``<prefix>-symbol.json`` and
``<prefix>-%04d.params`` (exactly ``mx.model.save``; both written atomically, so
a crash never leaves a half-written file). With ``save_best_only`` only epochs
that improve the monitored value are saved; with ``top_k`` only the k best
``.params`` files are kept and the others deleted. Which file is best is
recorded in ``<prefix>-checkpoints.json`` (written atomically after each save)::

    {"monitor": "eval-rmse", "mode": "min",
     "best": {"iteration": 7, "value": 3.1, "file": "boston-0007.params"},
     "kept": [{"iteration": 7, ...}, {"iteration": 9, ...}]}

``mx.model.load(prefix, best(prefix)["iteration"])`` loads the best model.
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

from ...console import message
from ...errors import ModelFileError, MXValueError, invalid_value, word
from ...formats import atomic, model_files
from ...formats.bounded_read import check_json_cost, read_at_most
from ..persistence import save_model
from .base import (Monitor, TrainingCallback, check_mode, flag, improves, maximizing, number,
                   writable_problem)

_MANIFEST_LIMIT = 8 * 1024 * 1024  # a manifest is a few hundred bytes per kept checkpoint


def manifest_path(prefix: str) -> str:
    """``<prefix>-checkpoints.json`` (``~`` expanded).

    Example:
        >>> manifest_path("boston")
        'boston-checkpoints.json'
    """
    return atomic.resolve_path(f"{prefix}-checkpoints.json")


def best(prefix: str) -> dict[str, Any] | None:
    """The best checkpoint recorded under ``prefix``: ``{"iteration", "value", "file"}``,
    or None when nothing was recorded as best.

    Example:
        >>> best("boston")["iteration"]   # doctest: +SKIP
        7
    """
    path = manifest_path(prefix)
    if not os.path.exists(path):
        raise MXValueError(f"No checkpoint manifest {path}: was mx.callback.model.checkpoint("
                           f'"{prefix}") used in a training run?')
    def refused(detail: str) -> ModelFileError:
        return ModelFileError(f"Invalid checkpoint manifest: {detail}")

    text = read_at_most(path, _MANIFEST_LIMIT, refused, "the manifest").decode("utf-8")
    check_json_cost(text, refused, f"the manifest '{path}'")
    return json.loads(text)["best"]


class ModelCheckpoint(TrainingCallback):
    """Save the model every ``period`` epochs; optionally only improvements, only the top k.

    Args:
        prefix: file prefix, as for ``mx.model.save`` (its directory must exist).
        monitor: the value that ranks checkpoints (see callbacks.base). It is needed
            only with ``save_best_only`` or ``top_k``; otherwise, when it cannot be read
            (no eval.data for "eval"), files are saved and no best is recorded.
        save_best_only: save only when the monitored value improves on the best.
        top_k: keep only the k best ``.params`` files (None: keep all).
        period: save every ``period`` epochs.
        mode: "auto" (the metric's direction), "min" or "max".

    Attributes (also in ``state_dict()``): ``best`` and ``kept``, each record
    ``{"iteration", "value", "file"}``.

    Example:
        >>> cb = ModelCheckpoint("/tmp/boston", top_k=3)
    """

    name = "model.checkpoint"
    slots = ("epoch.end",)

    def __init__(self, prefix: str, monitor: str = "eval", save_best_only: bool = False,
                 top_k: int | None = None, period: int = 1, mode: str = "auto") -> None:
        if not isinstance(prefix, str) or not prefix:
            raise invalid_value("prefix", prefix, "a non-empty file name prefix")
        self.prefix = prefix
        self.monitor = Monitor.parse(monitor)
        self.save_best_only = flag("save.best.only", save_best_only)
        self.top_k = number("top.k", top_k, low=1, whole=True, allow_none=True,
                            expected=f"a whole number >= 1 or {word('NULL')}")
        self.period = number("period", period, low=1, whole=True,
                             expected="a whole number >= 1")
        self.mode = check_mode(mode)
        super().__init__()

    @property
    def ranked(self) -> bool:
        """Does this callback need the monitored value?"""
        return self.save_best_only or self.top_k is not None

    def reset(self) -> None:
        self.best: dict[str, Any] | None = None
        self.kept: list[dict[str, Any]] = []

    def check(self, env, slot: str) -> list[str]:
        problems = super().check(env, slot)
        if self.ranked:
            problems += self.monitor.problems(env)
        where = writable_problem(self.prefix, "prefix")
        return problems + ([where] if where else [])

    def start(self, env, clock_start: float | None = None) -> None:
        super().start(env, clock_start)
        if env.get("checkpoint_prefix") is None:
            env.checkpoint_prefix = self.prefix  # what list(save = TRUE) from any callback uses

    def __call__(self, iteration: int, nbatch: int, env, verbose: bool = True) -> Any:
        self.ensure_started(env)
        if iteration % self.period != 0:
            return True
        value = self.monitor.value(env) if (self.ranked or not self.monitor.problems(env)) \
            else None
        maximize = maximizing(self.mode, env)
        improved = improves(value, None if self.best is None else self.best["value"], maximize,
                            0.0)
        if self.save_best_only and not improved:
            return True
        save_model(env.model, self.prefix, iteration)
        record = {"iteration": iteration, "value": value,
                  "file": os.path.basename(model_files.params_path(self.prefix, iteration))}
        self.kept = [r for r in self.kept if r["iteration"] != iteration] + [record]
        if improved:
            self.best = record
        removed = self._retain(maximize)
        self._write_manifest(env, maximize)
        if verbose:
            notes = (["best so far"] if improved else []) + \
                [f"removed {r['file']}" for r in removed]
            message("Model checkpoint saved to ", model_files.params_path(self.prefix, iteration),
                    f" ({'; '.join(notes)})" if notes else "")
        return True

    def _retain(self, maximize: bool) -> list[dict[str, Any]]:
        """Keep the top k records (NaN and unknown values rank last, ties: the earlier)."""
        if self.top_k is None or len(self.kept) <= self.top_k:
            return []

        def key(r: dict[str, Any]) -> tuple:
            v = r["value"]
            bad = v is None or math.isnan(v)
            return (bad, 0.0 if bad else (-v if maximize else v), r["iteration"])

        ranked = sorted(self.kept, key=key)
        keep, drop = ranked[: self.top_k], ranked[self.top_k:]
        for r in drop:
            path = model_files.params_path(self.prefix, r["iteration"])
            if os.path.exists(path):
                os.remove(path)
        self.kept = sorted(keep, key=lambda r: r["iteration"])
        return drop

    def _write_manifest(self, env, maximize: bool) -> None:
        def clean(r: dict[str, Any] | None) -> dict[str, Any] | None:
            if r is None:
                return None
            v = r["value"]
            return {**r, "value": None if v is None or math.isnan(v) else v}

        doc = {"prefix": self.prefix, "monitor": self.monitor.label(env),
               "mode": "max" if maximize else "min",
               "symbol": os.path.basename(f"{self.prefix}-symbol.json"),
               "best": clean(self.best), "kept": [clean(r) for r in self.kept]}
        atomic.atomic_write_bytes(manifest_path(self.prefix),
                                  (json.dumps(doc, indent=1) + "\n").encode())

    def state_dict(self) -> dict[str, Any]:
        return {"best": None if self.best is None else dict(self.best),
                "kept": [dict(r) for r in self.kept]}

    def _load(self, state: dict[str, Any]) -> None:
        self.best = None if state["best"] is None else dict(state["best"])
        self.kept = [dict(r) for r in state["kept"]]


def model_checkpoint(prefix: str, monitor: str = "eval", save_best_only: bool = False,
                     top_k: int | None = None, period: int = 1,
                     mode: str = "auto") -> ModelCheckpoint:
    """``mx.callback.model.checkpoint``: see :class:`ModelCheckpoint`.

    Example:
        >>> cb = model_checkpoint("/tmp/boston", top_k=3)
    """
    return ModelCheckpoint(prefix, monitor, save_best_only, top_k, period, mode)
