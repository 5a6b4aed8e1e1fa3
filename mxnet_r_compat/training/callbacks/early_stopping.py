"""``mx.callback.early.stopping``: stop when the monitored value stops improving.

Compared with MXNet R's ``mx.callback.early.stop`` (thresholds and ``bad.steps``),
this one follows the usual patience rule, takes the direction from the metric
(``mode = "auto"``), can start late, can require a baseline, and can hand back
the model of the best epoch instead of the last one.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...console import message, r_str
from ..model import FeedForwardModel
from .base import Monitor, TrainingCallback, check_mode, flag, improves, maximizing, number


class EarlyStopping(TrainingCallback):
    """Stop training at the ``patience``-th consecutive epoch (from ``start_epoch`` on)
    whose monitored value does not improve on the best by more than ``min_delta``
    (with ``patience = 0``: at the first such epoch).

    Args:
        monitor: what to watch (see callbacks.base): "eval", "train", "eval-rmse"...
        patience: epochs without improvement that are tolerated before stopping.
        min_delta: the smallest change that counts as an improvement (absolute).
        mode: "auto" (the metric's declared direction), "min" or "max".
        baseline: a value to beat; until an epoch beats it, no epoch counts as the
            best, and ``patience`` epochs that fail to beat it stop training.
        restore_best: return the model of the best epoch (also when training ran to
            the end), not the last one.
        start_epoch: the first epoch that is monitored.

    Attributes (also in ``state_dict()``): ``best``, ``best_epoch``, ``wait``,
    ``stopped_epoch``.

    Example:
        >>> es = EarlyStopping(patience=3, restore_best=True)
        >>> # mx.model.FeedForward.create(..., eval.data=..., epoch.end.callback=es)
    """

    name = "early.stopping"
    slots = ("epoch.end",)

    def __init__(self, monitor: str = "eval", patience: int = 0, min_delta: float = 0,
                 mode: str = "auto", baseline: float | None = None, restore_best: bool = False,
                 start_epoch: int = 1) -> None:
        self.monitor = Monitor.parse(monitor)
        self.patience = number("patience", patience, low=0, whole=True,
                               expected="a whole number >= 0")
        self.min_delta = abs(number("min.delta", min_delta))
        self.mode = check_mode(mode)
        self.baseline = number("baseline", baseline, allow_none=True)
        self.restore_best = flag("restore.best", restore_best)
        self.start_epoch = number("start.epoch", start_epoch, whole=True,
                                  expected="a whole number")
        super().__init__()

    def reset(self) -> None:
        self.best: float | None = self.baseline
        self.best_epoch: int | None = None
        self.wait = 0
        self.stopped_epoch: int | None = None
        self._best_params: tuple[dict, dict] | None = None

    def check(self, env, slot: str) -> list[str]:
        return super().check(env, slot) + self.monitor.problems(env)

    def __call__(self, iteration: int, nbatch: int, env, verbose: bool = True) -> Any:
        self.ensure_started(env)
        if iteration < self.start_epoch:
            return True
        value = self.monitor.value(env)
        if improves(value, self.best, maximizing(self.mode, env), self.min_delta):
            self.best, self.best_epoch, self.wait = value, iteration, 0
            if self.restore_best and env.model is not None:
                self._best_params = _copy_params(env.model)
            return True
        self.wait += 1
        if self.wait < max(self.patience, 1):
            return True
        self.stopped_epoch = iteration
        label = self.monitor.label(env)
        if self.best_epoch is None:
            detail = (f"{label} did not beat the baseline {r_str(self.baseline)} in {self.wait} "
                      f"epochs")
        else:
            detail = (f"{label} did not improve for {self.wait} epochs (best {r_str(self.best)} "
                      f"at epoch {self.best_epoch})")
        if verbose:
            message("[", iteration, "] Early stopping: ", detail)
        reason = f"early stopping: {detail}"
        return {"stop": True, "reason": reason}

    def final_model(self, model: FeedForwardModel) -> FeedForwardModel:
        """With ``restore_best``: the model of the best epoch (the trainer calls this)."""
        if not self.restore_best or self._best_params is None or model is None:
            return model
        arg, aux = self._best_params
        message("Restoring the model of epoch ", self.best_epoch, " (best value ", self.best,
                ")")
        return FeedForwardModel(model.symbol, {k: v.copy() for k, v in arg.items()},
                                {k: v.copy() for k, v in aux.items()})

    def state_dict(self) -> dict[str, Any]:
        best = None if self._best_params is None else {
            "arg": {k: v.copy() for k, v in self._best_params[0].items()},
            "aux": {k: v.copy() for k, v in self._best_params[1].items()}}
        return {"best": self.best, "best_epoch": self.best_epoch, "wait": self.wait,
                "stopped_epoch": self.stopped_epoch, "best_params": best}

    def _load(self, state: dict[str, Any]) -> None:
        self.best, self.best_epoch = state["best"], state["best_epoch"]
        self.wait, self.stopped_epoch = int(state["wait"]), state["stopped_epoch"]
        params = state.get("best_params")
        self._best_params = None if params is None else (
            {k: np.asarray(v, np.float32) for k, v in params["arg"].items()},
            {k: np.asarray(v, np.float32) for k, v in params["aux"].items()})


def _copy_params(model: FeedForwardModel) -> tuple[dict, dict]:
    return ({k: np.array(v, copy=True) for k, v in model.arg_params.items()},
            {k: np.array(v, copy=True) for k, v in model.aux_params.items()})


def early_stopping(monitor: str = "eval", patience: int = 0, min_delta: float = 0,
                   mode: str = "auto", baseline: float | None = None,
                   restore_best: bool = False, start_epoch: int = 1) -> EarlyStopping:
    """``mx.callback.early.stopping``: see :class:`EarlyStopping`.

    Example:
        >>> cb = early_stopping(patience=2, min_delta=0.01)
    """
    return EarlyStopping(monitor, patience, min_delta, mode, baseline, restore_best, start_epoch)
