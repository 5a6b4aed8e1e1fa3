"""``mx.callback.every``: per-batch statistics delivered in blocks of k batches.

A per-batch R callback crosses from the trainer into R at every batch. This one
records a few numbers per batch in Python and calls ``fun`` once every ``k``
batches with the rows since the previous call: a list of dicts in Python, a
data.frame in R. Columns:

========= ==============================================================
iteration the epoch
nbatch    the batch within the epoch (1-based)
samples   samples in the batch (padding included, as the trainer trains on it)
seconds   seconds since training started, at the end of the batch
lr        the learning rate of the batch's update
metric    the metric's name ("" without a metric)
value     the metric on this batch alone
running   the epoch's running value so far (what Train-<metric> shows)
========= ==============================================================

``fun``'s return value is the callback's: NULL / TRUE continue, and
``list(stop = TRUE, reason = ...)``, ``list(lr = ...)`` or ``list(save = TRUE)``
are acted upon. (FALSE is ignored, as for every batch callback in MXNet R.) The
rows of a last, incomplete block are delivered when training ends.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ...errors import invalid_value
from .base import TrainingCallback, arity_problem, number

COLUMNS = ("iteration", "nbatch", "samples", "seconds", "lr", "metric", "value", "running")


class Every(TrainingCallback):
    """Call ``fun(rows)`` every ``k`` batches (see the module docstring).

    Attributes:
        calls: how many times ``fun`` was called in this run.

    Example:
        >>> seen = []
        >>> cb = Every(10, lambda rows: seen.append(len(rows)))
    """

    name = "every"
    slots = ("batch.end",)

    def __init__(self, k: int, fun: Callable[[list[dict[str, Any]]], Any]) -> None:
        self.k = number("k", k, low=1, whole=True, expected="a whole number >= 1")
        if not callable(fun):
            raise invalid_value("fun", fun, "a function(stats)")
        self.fun = fun
        super().__init__()

    def reset(self) -> None:
        self._metric: Any = None
        self._optimizer: Any = None
        self.rows: list[dict[str, Any]] = []
        self._previous = (0.0, 0.0)
        self.calls = 0

    def check(self, env, slot: str) -> list[str]:
        problems = super().check(env, slot)
        problem = arity_problem(self.fun, 1)
        if problem:
            problems.append(f"fun {problem}; expected function(stats)")
        return problems

    def __call__(self, iteration: int, nbatch: int, env, verbose: bool = True) -> Any:
        self.ensure_started(env)
        self.rows.append(self._row(iteration, nbatch, env))
        if len(self.rows) < self.k:
            return None
        return self._deliver()

    def start(self, env, clock_start: float | None = None) -> None:
        super().start(env, clock_start)
        # fixed for the run: read once, not at every batch
        self._metric, self._optimizer = env.metric, env.optimizer

    def _row(self, iteration: int, nbatch: int, env) -> dict[str, Any]:
        metric, state = self._metric, env.train_metric
        name, value, running = "", float("nan"), float("nan")
        if metric is not None and state is not None:
            count, total = float(state[0]), float(state[1])
            before = (0.0, 0.0) if nbatch == 1 else self._previous
            self._previous = (count, total)
            if count > before[0]:
                value = (total - before[1]) / (count - before[0])
            name, running = metric.name, float(metric.get(state).value)
        dlist = env.dlist
        lr = getattr(self._optimizer, "lr", None)
        return {"iteration": int(iteration), "nbatch": int(nbatch),
                "samples": int(next(iter(dlist.values())).shape[0]) if dlist else 0,
                "seconds": time.perf_counter() - self.clock_start,
                "lr": float("nan") if lr is None else float(lr), "metric": name,
                "value": value, "running": running}

    def _deliver(self) -> Any:
        rows, self.rows = self.rows, []
        self.calls += 1
        return self.fun(rows)

    def close(self, error: BaseException | None = None) -> None:
        try:
            if self.rows and self._started:
                self._deliver()
        finally:
            super().close(error)


def every(k: int, fun: Callable[[list[dict[str, Any]]], Any]) -> Every:
    """``mx.callback.every``: see :class:`Every`.

    Example:
        >>> cb = every(50, lambda rows: print(rows[-1]["running"]))
    """
    return Every(k, fun)
