"""Learning-rate schedulers (``mx.lr_scheduler.*``, docs/MXNET_R_BEHAVIOUR.md, "Schedulers").

A scheduler is called with the optimizer before every update and may change
``optimizer.lr``. Unlike MXNet R v1.x, where the rate was baked into the
update operator and schedules had no effect (apache/mxnet#17207), the new
rate is used by the very next update (docs/COMPATIBILITY.md).
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Sequence
from typing import Any

from ..console import message
from ..errors import MXTypeError, MXValueError

_R_ARGS = ("step", "factor_val", "stop_factor_lr", "verbose")


def _factor(factor_val: float | None, kwargs: dict[str, Any], where: str) -> float:
    """``factor_val``, also given as ``factor=`` (R's partial matching)."""
    if "factor" in kwargs:
        if factor_val is not None:
            raise MXValueError('formal argument "factor_val" matched by multiple actual '
                               'arguments')
        factor_val = kwargs.pop("factor")
    if kwargs:
        bad = next(iter(kwargs))
        close = difflib.get_close_matches(bad, _R_ARGS, n=1)
        hint = f" Did you mean `{close[0]}`?" if close else ""
        raise MXTypeError(f"mx.lr_scheduler.{where} got an unknown argument `{bad}`.{hint}")
    if factor_val is None:
        raise MXValueError('argument "factor_val" is missing, with no default')
    return factor_val


def _reduce(opt: Any, factor: float, floor: float, verbose: bool) -> None:
    """Multiply the rate by ``factor``, not below ``floor``, with MXNet R's messages."""
    opt.lr *= factor
    if opt.lr < floor:
        opt.lr = floor
        if verbose:
            message("Update[", opt.num_update, "]: now learning rate arrived at ", opt.lr,
                    "will not change in the future")
    elif verbose:
        message("Update[", opt.num_update, "]: learning rate is changed to ", opt.lr)


class FactorScheduler:
    """Multiply the rate by ``factor_val`` every ``step`` updates, down to ``stop_factor_lr``.

    Example:
        >>> sched = FactorScheduler(step=100, factor_val=0.5, verbose=False)
    """

    def __init__(self, step: int, factor_val: float | None = None, stop_factor_lr: float = 1e-8,
                 verbose: bool = True, **kwargs: Any) -> None:
        factor_val = _factor(factor_val, kwargs, "FactorScheduler")
        if step < 1:
            raise MXValueError("Schedule step must be greater or equal than 1 round")
        if factor_val > 1:
            raise MXValueError("Factor must be no more than 1 to make lr reduce")
        self.step, self.factor, self.stop_factor_lr = int(step), float(factor_val), stop_factor_lr
        self.verbose = verbose
        self.count = 0

    def __call__(self, opt: Any) -> None:
        while opt.num_update > self.count + self.step:
            self.count += self.step
            _reduce(opt, self.factor, self.stop_factor_lr, self.verbose)

    def state_dict(self) -> dict[str, Any]:
        return {"count": self.count}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.count = int(state["count"])


class MultiFactorScheduler:
    """Multiply the rate by ``factor_val`` when the update count passes each step.

    Every step applies, the last one included (MXNet R v1.x never applied the last).

    Example:
        >>> sched = MultiFactorScheduler(step=[100, 200], factor_val=0.1, verbose=False)
    """

    def __init__(self, step: Sequence[int] | int, factor_val: float | None = None,
                 stop_factor_lr: float = 1e-8, verbose: bool = True, **kwargs: Any) -> None:
        factor_val = _factor(factor_val, kwargs, "MultiFactorScheduler")
        given: list[Any] = list(step) if isinstance(step, (list, tuple)) else [step]
        steps = [int(s) for s in given]
        if any(b < a for a, b in itertools.pairwise(steps)):
            raise MXValueError("Schedule step must be an increasing integer list")
        if any(s < 1 for s in steps):
            raise MXValueError("Schedule step must be greater or equal than 1 round")
        if factor_val > 1:
            raise MXValueError("Factor must be no more than 1 to make lr reduce")
        self.steps, self.factor, self.stop_factor_lr = steps, float(factor_val), stop_factor_lr
        self.verbose = verbose
        self.cur_step_ind = 0
        self.count = 0

    def __call__(self, opt: Any) -> None:
        steps = self.steps
        while self.cur_step_ind < len(steps) and opt.num_update > steps[self.cur_step_ind]:
            self.count = steps[self.cur_step_ind]
            self.cur_step_ind += 1
            _reduce(opt, self.factor, self.stop_factor_lr, self.verbose)

    def state_dict(self) -> dict[str, Any]:
        return {"count": self.count, "cur_step_ind": self.cur_step_ind}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.count, self.cur_step_ind = int(state["count"]), int(state["cur_step_ind"])
