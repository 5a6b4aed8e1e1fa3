"""Two stop rules: a non-finite metric (``mx.callback.terminate.on.nan``) and a time
budget (``mx.callback.timer``).

Both stop through the return protocol (``list(stop = TRUE, reason = ...)``), so the
trainer keeps the model of the last complete epoch and ``model$stop.reason`` says why.
The trainer's own guard (``check.finite``) watches weights and outputs; this callback
watches the metric, and still works with ``check.finite = FALSE``.
"""

from __future__ import annotations

import math
from typing import Any

from ...console import message, r_str
from ...errors import arg_name, word
from .base import TrainingCallback, number


class TerminateOnNaN(TrainingCallback):
    """Stop as soon as the training metric (batch end; train and eval at epoch end)
    is NaN or infinite.

    Example:
        >>> cb = TerminateOnNaN()   # batch.end.callback = cb
    """

    name = "terminate.on.nan"
    slots = ("batch.end", "epoch.end")

    def reset(self) -> None:
        self.stopped_at: tuple[int, int] | None = None

    def check(self, env, slot: str) -> list[str]:
        problems = super().check(env, slot)
        if env.metric is None:
            problems.append(f"needs a metric to watch, but {arg_name('eval.metric')} is "
                            f"{word('NULL')}")
        return problems

    def __call__(self, iteration: int, nbatch: int, env, verbose: bool = True) -> Any:
        self.ensure_started(env)
        if env.metric is None:
            return True
        for phase, state in (("train", env.train_metric),
                             ("eval", env.eval_metric if nbatch == 0 else None)):
            if state is None:
                continue
            value = float(env.metric.get(state).value)
            if not math.isfinite(value):
                self.stopped_at = (iteration, nbatch)
                where = f"epoch {iteration}" + (f", batch {nbatch}" if nbatch else "")
                reason = f"{phase}-{env.metric.name} is {r_str(value)} at {where}"
                if verbose:
                    message("Terminating: ", reason)
                return {"stop": True, "reason": f"terminate.on.nan: {reason}"}
        return True

    def state_dict(self) -> dict[str, Any]:
        return {"stopped_at": self.stopped_at}

    def _load(self, state: dict[str, Any]) -> None:
        at = state.get("stopped_at")
        self.stopped_at = None if at is None else (int(at[0]), int(at[1]))


class Timer(TrainingCallback):
    """Stop once ``max_seconds`` of training time are used up (checked where it is placed:
    at every batch end, or at epoch ends).

    The time used so far is its state, so a resumed run continues the same budget.

    Example:
        >>> cb = Timer(max_seconds=3600)
    """

    name = "timer"
    slots = ("batch.begin", "batch.end", "epoch.begin", "epoch.end")

    def __init__(self, max_seconds: float) -> None:
        self.max_seconds = number("max.seconds", max_seconds, low=0,
                                  expected="a number of seconds >= 0")
        super().__init__()

    def reset(self) -> None:
        self.previous = 0.0  # seconds used by earlier (resumed) runs
        self.stopped = False

    def used(self) -> float:
        """Seconds of the budget used, including earlier runs."""
        return self.previous + (self.elapsed() if self._started else 0.0)

    def __call__(self, iteration: int, nbatch: int, env, verbose: bool = True) -> Any:
        self.ensure_started(env)
        used = self.used()
        if used < self.max_seconds:
            return True
        self.stopped = True
        reason = (f"time budget of {r_str(self.max_seconds)} s used up "
                  f"({used:.1f} s, epoch {iteration}" + (f", batch {nbatch})" if nbatch else ")"))
        if verbose:
            message("Stopping: ", reason)
        return {"stop": True, "reason": f"timer: {reason}"}

    def close(self, error: BaseException | None = None) -> None:
        if self._started:
            self.previous += self.elapsed()
        super().close(error)

    def state_dict(self) -> dict[str, Any]:
        return {"seconds": self.used(), "stopped": self.stopped}

    def _load(self, state: dict[str, Any]) -> None:
        self.previous, self.stopped = float(state["seconds"]), bool(state["stopped"])


def terminate_on_nan() -> TerminateOnNaN:
    """``mx.callback.terminate.on.nan``: see :class:`TerminateOnNaN`.

    Example:
        >>> cb = terminate_on_nan()
    """
    return TerminateOnNaN()


def timer(max_seconds: float) -> Timer:
    """``mx.callback.timer``: see :class:`Timer`.

    Example:
        >>> cb = timer(max_seconds=60)
    """
    return Timer(max_seconds)
