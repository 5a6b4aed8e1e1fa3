"""Calling R functions from the trainer: errors and interrupts come back as values.

Every R closure the trainer calls (callbacks, metrics, initializers, the ``fun`` of
``mx.callback.every``) goes through the package's R invoker ``.mx_call_safely``
(R/callback.R), so an R error is neither printed twice nor lost: it becomes a
:class:`RClosureError` carrying the R message.
"""

from __future__ import annotations

from typing import Any

import rpy2.rinterface as ri

from ..errors import MXError
from . import convert, session

RT = convert.RT


_NS_CACHE: dict[str, Any] = session.hold_r_objects({})


def ns_function(name: str) -> Any:
    """A function of the R package's namespace (``mxnet:::name``), looked up once."""
    cached = _NS_CACHE.get(name)
    if cached is None:
        ns = ri.baseenv["asNamespace"](ri.StrSexpVector(["mxnet"]))
        cached = _NS_CACHE[name] = ri.baseenv["get"](ri.StrSexpVector([name]), envir=ns)
    return cached


class RClosureError(MXError):
    """An R function called by the trainer signalled an error.

    Attributes:
        condition: the R condition object.
        reason: the R condition's message.
    """

    def __init__(self, message: str, reason: str, condition: Any) -> None:
        super().__init__(message)
        self.reason, self.condition = reason, condition


def call_r_closure(fn: Any, args: tuple, what: str) -> Any:
    """Call an R function from the trainer through ``.mx_call_safely`` (R/callback.R).

    Raises:
        RClosureError: it signalled an R error (message: "<what> failed: <R message>").
        KeyboardInterrupt: Ctrl-C while it ran.
    """
    res = session.call_r(ns_function(".mx_call_safely"), fn, ri.ListSexpVector(list(args)))
    if res.typeof == RT.VECSXP:
        classes = convert.r_class(res)
        if "mx_r_interrupt" in classes:
            raise KeyboardInterrupt(f"interrupted in {what}")
        if "mx_r_error" in classes:
            f = convert.named_list(res)
            reason = str(f["message"][0])
            raise RClosureError(f"{what} failed: {reason}", reason, f["condition"])
    return res


def closure_arity_problem(closure: Any, n: int) -> str | None:
    """Why an R function cannot be called with ``n`` positional arguments, from its
    ``formals()``; None when it can (or for a primitive, which cannot be inspected).
    A ``verbose`` formal does not count: the trainer passes it by name when accepted.

    Example (R closure ``function(iteration, nbatch) TRUE``, n = 3):
        "is called with 3 arguments but takes (iteration, nbatch)"
    """
    info = session.call_r(ns_function(".mx_formals"), closure)
    if convert.is_null(info):
        return None
    fields = convert.named_list(info)
    names = convert.strings(fields["names"]) or []
    required = [bool(v) for v in fields["required"]] if names else []
    if "..." in names:
        positional = n
    else:
        positional = len([a for a in names if a != "verbose"])
    needed = [a for a, req in zip(names, required) if req and a not in ("...", "verbose")]
    if positional < n or len(needed) > n:
        return f"is called with {n} arguments but takes ({', '.join(names)})"
    return None
