"""Learning-rate control from callbacks: ``mx.callback.reduce.lr.on.plateau`` and
``mx.callback.lr.scheduler``.

Both return ``list(lr = <new rate>)``; the trainer sets the optimizer's rate, which
the very next update uses (in MXNet R the rate was baked into the update operator,
apache/mxnet#17207). ``model$history`` records the rate of every epoch.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

from ...console import message, r_str
from ...errors import CallbackError, invalid_value
from .base import Monitor, TrainingCallback, arity_problem, check_mode, improves, maximizing, number


class ReduceLROnPlateau(TrainingCallback):
    """Multiply the rate by ``factor`` at the ``patience``-th consecutive epoch without
    improvement (the first with ``patience = 0``), never below ``min_lr``; then wait
    ``cooldown`` epochs before counting again.

    Attributes (also in ``state_dict()``): ``best``, ``wait``, ``cooldown_left``.

    Example:
        >>> cb = ReduceLROnPlateau(factor=0.5, patience=2, min_lr=1e-5)
    """

    name = "reduce.lr.on.plateau"
    slots = ("epoch.end",)

    def __init__(self, monitor: str = "eval", factor: float = 0.1, patience: int = 10,
                 min_lr: float = 0, cooldown: int = 0, mode: str = "auto",
                 min_delta: float = 0) -> None:
        self.monitor = Monitor.parse(monitor)
        self.factor = number("factor", factor, low=0, expected="a number with 0 < factor < 1")
        if not 0 < self.factor < 1:
            raise invalid_value("factor", factor, "a number with 0 < factor < 1")
        self.patience = number("patience", patience, low=0, whole=True,
                               expected="a whole number >= 0")
        self.min_lr = number("min.lr", min_lr, low=0, expected="a number >= 0")
        self.cooldown = number("cooldown", cooldown, low=0, whole=True,
                               expected="a whole number >= 0")
        self.mode = check_mode(mode)
        self.min_delta = abs(number("min.delta", min_delta))
        super().__init__()

    def reset(self) -> None:
        self.best: float | None = None
        self.wait = 0
        self.cooldown_left = 0
        self.reductions: list[tuple[int, float]] = []

    def check(self, env, slot: str) -> list[str]:
        return super().check(env, slot) + self.monitor.problems(env)

    def __call__(self, iteration: int, nbatch: int, env, verbose: bool = True) -> Any:
        self.ensure_started(env)
        value = self.monitor.value(env)
        if improves(value, self.best, maximizing(self.mode, env), self.min_delta):
            self.best, self.wait = value, 0
            self.cooldown_left = max(0, self.cooldown_left - 1)
            return True
        if self.cooldown_left > 0:
            self.cooldown_left -= 1
            return True
        self.wait += 1
        if self.wait < max(self.patience, 1):
            return True
        self.wait = 0
        old = float(env.optimizer.lr)
        new = max(old * self.factor, self.min_lr)
        if new >= old:
            return True  # already at min.lr
        self.cooldown_left = self.cooldown
        self.reductions.append((iteration, new))
        if verbose:
            message("[", iteration, "] Reducing the learning rate to ", r_str(new), " (",
                    self.monitor.label(env), " has not improved since ", r_str(self.best), ")")
        return {"lr": new}

    def state_dict(self) -> dict[str, Any]:
        return {"best": self.best, "wait": self.wait, "cooldown_left": self.cooldown_left,
                "reductions": [list(r) for r in self.reductions]}

    def _load(self, state: dict[str, Any]) -> None:
        self.best, self.wait = state["best"], int(state["wait"])
        self.cooldown_left = int(state["cooldown_left"])
        self.reductions = [(int(i), float(lr)) for i, lr in state.get("reductions", [])]


class LRScheduler(TrainingCallback):
    """Set the rate to ``fun(iteration, lr)`` wherever it is placed: in
    ``epoch.begin.callback`` it gives the rate of epoch ``iteration``; in a batch slot it
    is called at every batch.

    Example:
        >>> cb = LRScheduler(lambda iteration, lr: 0.1 * 0.5 ** (iteration - 1))
    """

    name = "lr.scheduler"
    slots = ("train.begin", "epoch.begin", "batch.begin", "batch.end", "epoch.end")

    def __init__(self, fun: Callable[[int, float], float]) -> None:
        if not callable(fun):
            raise invalid_value("fun", fun, "a function(iteration, lr) returning the new rate")
        self.fun = fun
        super().__init__()

    def check(self, env, slot: str) -> list[str]:
        problems = super().check(env, slot)
        problem = arity_problem(self.fun, 2)
        if problem:
            problems.append(f"fun {problem}; expected function(iteration, lr)")
        return problems

    def __call__(self, iteration: int, nbatch: int, env, verbose: bool = True) -> Any:
        self.ensure_started(env)
        lr = float(env.optimizer.lr)
        new = self.fun(iteration, lr)
        if isinstance(new, bool) or not isinstance(new, numbers.Real) \
                or not math.isfinite(float(new)) or new < 0:
            raise CallbackError(f"mx.callback.lr.scheduler: fun({iteration}, {r_str(lr)}) "
                                f"returned {new!r}; expected a learning rate >= 0.")
        return {"lr": float(new)} if float(new) != lr else True


def reduce_lr_on_plateau(monitor: str = "eval", factor: float = 0.1, patience: int = 10,
                         min_lr: float = 0, cooldown: int = 0, mode: str = "auto",
                         min_delta: float = 0) -> ReduceLROnPlateau:
    """``mx.callback.reduce.lr.on.plateau``: see :class:`ReduceLROnPlateau`.

    Example:
        >>> cb = reduce_lr_on_plateau(factor=0.5, patience=3)
    """
    return ReduceLROnPlateau(monitor, factor, patience, min_lr, cooldown, mode, min_delta)


def lr_scheduler(fun: Callable[[int, float], float]) -> LRScheduler:
    """``mx.callback.lr.scheduler``: see :class:`LRScheduler`.

    Example:
        >>> cb = lr_scheduler(lambda iteration, lr: lr * 0.9)
    """
    return LRScheduler(fun)
