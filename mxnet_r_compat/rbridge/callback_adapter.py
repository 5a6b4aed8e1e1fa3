"""R closures as training callbacks (:class:`RCallback`), and what their results mean.

The closure is called through the package's invoker (R/callback.R ``.mx_call_callback``)
with the persistent R ``env`` (renv.py). TRUE/FALSE are decided without further calls into
R; an R error becomes :class:`RCallbackError`; an R interrupt stops training after the
batch, or, when a stop was requested already, ends the script."""

from __future__ import annotations

from typing import Any

import rpy2.rinterface as ri

from ..errors import CallbackError
from . import convert, session
from .closures import closure_arity_problem
from .renv import REnv

RT = convert.RT


class RCallbackError(CallbackError):
    """An R callback signalled an error.

    Attributes:
        reason: the R condition's message.
        condition: the R condition object (becomes ``$parent`` of the R error).
    """

    def __init__(self, message: str, *, reason: str, condition: Any, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.reason, self.condition = reason, condition


class SecondInterrupt(BaseException):
    """A second Ctrl-C interrupted an R callback. The trainer takes any KeyboardInterrupt from a
    callback as a request to stop after the batch, so this passes through it instead, and
    fit_from_r turns it back into KeyboardInterrupt (R: an interrupt that ends the script)."""


class RCallback:
    """An R closure called as a training callback through the package's invoker."""

    name = "R function"  # how a callback in a list is named in messages and callback.time

    def __init__(self, closure: Any, slot: str, renv: REnv) -> None:
        self.closure, self.slot, self.renv = closure, slot, renv
        attrs = list(closure.list_attrs())
        if "state" in attrs and "load.state" in attrs:
            # An R callback with state()/load.state() attributes takes part in exact resume.
            self.state_dict = self._r_state_dict
            self.load_state_dict = self._r_load_state_dict

    def _r_state_dict(self) -> dict[str, bytes]:
        state = session.call_r(self.closure.do_slot("state"))
        raw = session.call_r(ri.baseenv["serialize"], state, ri.NULL)
        return {"r": bytes(raw)}

    def _r_load_state_dict(self, state: dict[str, bytes]) -> None:
        raw = ri.ByteSexpVector(state["r"])
        value = session.call_r(ri.baseenv["unserialize"], raw)
        session.call_r(self.closure.do_slot("load.state"), value)

    def __call__(self, iteration, nbatch, env, verbose=None):
        self.renv.count_sigints()
        self.renv.sync(env, nbatch)
        self.renv.nums_view[0] = iteration  # train.begin / epoch.begin come before env.iteration
        flag = ri.NULL if verbose is None else ri.BoolSexpVector([bool(verbose)])
        res = session.call_r(self.renv.call, self.closure, self.renv.env, self.renv.nums, flag)
        rtype = res.typeof
        if rtype == RT.LGLSXP and len(res) == 1:
            value = res[0]
            if value is True or value is False:
                return value  # the common case, decided without further calls into R
        classes = convert.r_class(res) if rtype == RT.VECSXP else []
        if "mx_r_interrupt" in classes:
            if self.renv.python_sigints or self.renv.r_interrupted:
                raise SecondInterrupt  # a stop was requested already: end the script
            self.renv.r_interrupted = True
            raise KeyboardInterrupt  # the trainer stops after this batch
        if "error" in classes or "condition" in classes:
            reason = str(session.call_r(ri.baseenv["conditionMessage"], res)[0])
            raise RCallbackError(f"{self.slot} failed in epoch {iteration} (batch {nbatch}): "
                                 f"{reason}", reason=reason, condition=res, slot=self.slot,
                                 iteration=iteration, nbatch=nbatch)
        return self._result(res, iteration)

    def arity_problem(self, n: int) -> str | None:
        """For the dry run (callbacks/dry_run.py): can the closure take n arguments?"""

        return closure_arity_problem(self.closure, n)

    def _result(self, res, iteration):
        if convert.is_null(res):
            return None
        if res.typeof == RT.LGLSXP and len(res) == 1 and res[0] is not ri.NA_Logical:
            return bool(res[0])
        if res.typeof == RT.VECSXP and not convert.is_null(res.names):
            return _decision_from_r(res)  # list(stop =, reason =, lr =, save =): hooks.py
        if self.slot == "batch.end.callback":
            return None  # MXNet ignores what a batch callback returns
        shown = "NA" if res.typeof == RT.LGLSXP and len(res) == 1 else \
            f"an R {convert._type_name(res)} of length {len(res)}"
        raise CallbackError(f"The {self.slot} returned {shown} in epoch {iteration}; expected "
                            f"TRUE to continue or FALSE to stop training.", slot=self.slot,
                            iteration=iteration)


def _decision_from_r(res: Any) -> dict[str, Any]:
    """An R named list returned by a callback as the dict the trainer interprets."""
    out = {}
    for key, value in convert.named_list(res).items():
        if value.typeof in (RT.REALSXP, RT.INTSXP, RT.LGLSXP, RT.STRSXP) and len(value) == 1:
            out[key] = convert.value(value)  # NA stays NA: list(stop = NA) is an error
        else:
            out[key] = value  # the trainer reports it as an invalid value
    return out
