"""The R side of the callbacks beyond MXNet R (docs/CALLBACKS.md; R/callbacks_extra.R, R/history.R).

``mx.callback.early.stopping(...)`` and the other new constructors return an R
list of class ``"mx.py.callback"``: ``list(kind =, args =)``. It only *names* a
Python implementation (mxnet_r_compat/callbacks/); :func:`callback_from_r`
builds that object when training starts, so the trainer calls Python directly
and nothing crosses into R per batch. R closures inside (the ``fun`` of
``mx.callback.every`` and ``mx.callback.lr.scheduler``, the ``cb`` of
``mx.callback.safe``) become Python callables that call R.

Also here: results of R functions as Python values, R closures' arity from
``formals()`` (for the dry run), and the history and callback timing as R
data.frames. The entry points R calls are registered at the end.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import rpy2.rinterface as ri

from ..errors import MXTypeError, MXValueError
from ..training import callbacks
from ..training.callbacks import checkpoint
from ..training.callbacks.every import COLUMNS
from . import convert
from .closures import call_r_closure, closure_arity_problem, ns_function
from .export import register

RT = convert.RT
PY_CALLBACK = "mx.py.callback"

#: kind (the R name after ``mx.callback.``) -> the Python factory.
FACTORIES: dict[str, Callable[..., Any]] = {
    "early.stopping": callbacks.early_stopping,
    "model.checkpoint": callbacks.model_checkpoint,
    "csv.logger": callbacks.csv_logger,
    "terminate.on.nan": callbacks.terminate_on_nan,
    "reduce.lr.on.plateau": callbacks.reduce_lr_on_plateau,
    "lr.scheduler": callbacks.lr_scheduler,
    "timer": callbacks.timer,
    "progress.bar": callbacks.progress_bar,
    "every": callbacks.every,
    "safe": callbacks.safe,
}

#: (kind, argument) -> how many arguments that R function is called with, and its role.
R_FUNCTIONS = {("every", "fun"): (1, "function(stats)"),
               ("lr.scheduler", "fun"): (2, "function(iteration, lr)")}

# -- R values -> Python -----------------------------------------------------------------------


def is_py_callback(x: Any) -> bool:
    """Is ``x`` an R ``mx.py.callback`` object?"""
    return not convert.is_null(x) and x.typeof == RT.VECSXP and PY_CALLBACK in convert.r_class(x)


def result_from_r(res: Any) -> Any:
    """What an R function returned, as a Python value the trainer understands: NULL → None,
    a logical/number/string of length 1 → bool/float/str, a named list → dict of those.
    Anything else stays an R object (the trainer reports it as an invalid value)."""
    if convert.is_null(res):
        return None
    if res.typeof in (RT.LGLSXP, RT.REALSXP, RT.INTSXP, RT.STRSXP) and len(res) == 1:
        value = convert.scalar(res)
        if res.typeof == RT.INTSXP and value is not None:
            return float(value)
        return value
    if res.typeof == RT.VECSXP and not convert.is_null(res.names):
        return {k: result_from_r(v) for k, v in convert.named_list(res).items()}
    return res


class RFunction:
    """An R function called by a callback object (``fun`` of every / lr.scheduler).

    ``encode`` turns the Python arguments into R values; with ``via`` (the name of an R
    function of the package) the call is ``via(fun, <encoded>...)``, which builds the real
    arguments in R (cheaper than building them through rpy2)."""

    def __init__(self, closure: Any, what: str, encode: Callable[..., Sequence[Any]],
                 via: str | None = None) -> None:
        self.closure, self.what, self.encode, self.via = closure, what, encode, via

    def __call__(self, *args: Any) -> Any:
        encoded = tuple(self.encode(*args))
        if self.via is None:
            return result_from_r(call_r_closure(self.closure, encoded, self.what))
        via = ns_function(self.via)
        return result_from_r(call_r_closure(via, (self.closure, *encoded), self.what))

    def arity_problem(self, n: int) -> str | None:
        return closure_arity_problem(self.closure, n)

    def __repr__(self) -> str:
        return f"<R function: {self.what}>"


_NUMERIC = ("iteration", "nbatch", "samples", "seconds", "lr", "value", "running")


def _encode_rows(rows: list[dict[str, Any]]) -> tuple[Any, Any]:
    """every's rows for ``.mx_call_with_stats`` (R/callbacks_extra.R): the numeric columns
    one after the other in one vector, and the metric's name."""
    values = np.array([[r[c] for r in rows] for c in _NUMERIC], dtype=np.float64).ravel()
    return ri.FloatSexpVector(values), ri.StrSexpVector([rows[0]["metric"] if rows else ""])


def _encode_numbers(iteration: int, lr: float) -> tuple[Any, Any]:
    return ri.IntSexpVector([int(iteration)]), ri.FloatSexpVector([float(lr)])


class _ClosureStandIn:
    """An R callback closure when no training run exists yet (argument checks only)."""

    def __init__(self, closure: Any) -> None:
        self.closure = closure

    def __call__(self, iteration: int, nbatch: int, env: Any) -> None:
        raise AssertionError("only used to check the arguments of mx.callback.safe")

    def arity_problem(self, n: int) -> str | None:
        return closure_arity_problem(self.closure, n)


def _arg_from_r(kind: str, name: str, value: Any,
                wrap_closure: Callable[[Any], Callable] | None) -> Any:
    if convert.is_null(value):
        return None
    if is_py_callback(value):
        return callback_from_r(value, wrap_closure)
    if value.typeof == RT.CLOSXP:
        if (kind, name) in R_FUNCTIONS:
            if kind == "every":
                return RFunction(value, f"mx.callback.{kind}: {name}", _encode_rows,
                                 via=".mx_call_with_stats")
            return RFunction(value, f"mx.callback.{kind}: {name}", _encode_numbers)
        return wrap_closure(value) if wrap_closure is not None else _ClosureStandIn(value)
    if value.typeof in (RT.LGLSXP, RT.REALSXP, RT.INTSXP, RT.STRSXP):
        if len(value) == 1:
            return convert.scalar(value)
        raise MXValueError(f"Invalid value for argument `{name}` of mx.callback.{kind}. "
                           f"Received: a vector of length {len(value)}. Expected one value.")
    raise MXTypeError(f"Invalid value for argument `{name}` of mx.callback.{kind}. Received: "
                      f"an R {convert._type_name(value)}.")


def callback_from_r(x: Any, wrap_closure: Callable[[Any], Callable] | None = None) -> Any:
    """The Python callback object an R ``mx.py.callback`` names (R closures inside it are
    wrapped with ``wrap_closure``, e.g. ``lambda c: RCallback(c, slot, renv)``).

    Raises:
        MXValueError / MXTypeError: an argument is invalid (the message names it).
    """
    fields = convert.named_list(x)
    kind = convert.scalar(fields.get("kind"))
    factory = FACTORIES.get(kind) if isinstance(kind, str) else None
    if factory is None:
        raise MXValueError(f"Unknown callback kind {kind!r}: this R package and the Python "
                           f"package mxnet_r_compat do not match.")
    args = {k.replace(".", "_"): _arg_from_r(kind, k, v, wrap_closure)
            for k, v in convert.named_list(fields.get("args")).items()}
    return factory(**args)


def slot_from_r(value: Any, slot: str, wrap_closure: Callable[[Any], Callable]) -> Any:
    """An R callback argument as the trainer takes it: NULL → None; a function or an
    ``mx.py.callback`` → one callable; a list of those → a list (called in order)."""
    if convert.is_null(value):
        return None
    if value.typeof == RT.CLOSXP:
        return wrap_closure(value)
    if is_py_callback(value):
        return callback_from_r(value, wrap_closure)
    if value.typeof == RT.VECSXP and not convert.r_class(value):
        items = list(value)
        if all(v.typeof == RT.CLOSXP or is_py_callback(v) for v in items):
            return [slot_from_r(v, slot, wrap_closure) for v in items]
    raise MXTypeError(f"Invalid value for argument `{slot}`. Received: an R "
                      f"{convert._type_name(value)}. Expected a function(iteration, nbatch, "
                      f"env), a callback such as mx.callback.early.stopping(), or a list of "
                      f"them.")


# -- Python tables -> R data.frames -----------------------------------------------------------


def _column(values: list[Any]) -> Any:
    if all(isinstance(v, str) for v in values):
        return ri.StrSexpVector(values)
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values) and \
            all(abs(v) < 2**31 for v in values):
        return ri.IntSexpVector(values)
    return ri.FloatSexpVector([ri.NA_Real if v is None or
                               (isinstance(v, float) and math.isnan(v)) else float(v)
                               for v in values])


def data_frame(columns: dict[str, list[Any]], classes: Sequence[str] = ()) -> Any:
    """An R data.frame from equally long columns (ints, floats with NaN → NA, strings)."""
    n = len(next(iter(columns.values()))) if columns else 0
    df = ri.ListSexpVector([_column(v) for v in columns.values()])
    convert.set_attr(df, "names", ri.StrSexpVector(list(columns)))
    convert.set_attr(df, "row.names", ri.IntSexpVector([ri.NA_Integer, -n]) if n else
                     ri.IntSexpVector([]))
    convert.set_attr(df, "class", ri.StrSexpVector([*classes, "data.frame"]))
    return df


def rows_to_r(rows: list[dict[str, Any]]) -> Any:
    """mx.callback.every's rows as an R data.frame (columns: callbacks.every.COLUMNS)."""
    return data_frame({c: [r[c] for r in rows] for c in COLUMNS})


def history_to_r(history: list[dict[str, Any]]) -> Any:
    """``model$history``: a data.frame of class c("mx.history", "data.frame") with the
    columns iteration, phase ("train"/"eval"), metric, value, lr, seconds."""
    cols = ("iteration", "phase", "metric", "value", "lr", "seconds")
    return data_frame({c: [h[c] for h in history] for c in cols}, ("mx.history",))


def timing_to_r(timing: list[dict[str, Any]]) -> Any:
    """``model$callback.time``: slot, callback, calls, seconds, us_per_call."""
    cols = ("slot", "callback", "calls", "seconds", "us_per_call")
    return data_frame({c: [t[c] for t in timing] for c in cols})


def extras_to_r(model: Any) -> dict[str, Any]:
    """The fields a trained model adds to the R MXFeedForwardModel list: history,
    callback.time and stop.reason (empty for a loaded model)."""
    out: dict[str, Any] = {}
    if getattr(model, "history", None):
        out["history"] = history_to_r(model.history)
    if getattr(model, "callback_time", None):
        out["callback.time"] = timing_to_r(model.callback_time)
    if getattr(model, "stop_reason", None):
        out["stop.reason"] = ri.StrSexpVector([model.stop_reason])
    return out


# -- entry points -----------------------------------------------------------------------------


@register("callback_validate")
def callback_validate(x: Any) -> None:
    """Build the Python object an ``mx.py.callback`` names once, so that a bad argument
    fails where the R constructor is called; R functions inside are checked for arity."""
    obj = callback_from_r(x)
    for inner, n, role in _functions_of(obj):
        problem = inner.arity_problem(n)
        if problem:
            raise MXValueError(f"Invalid value for argument `{role[0]}` of "
                               f"mx.callback.{convert.scalar(convert.named_list(x)['kind'])}: "
                               f"the function {problem}; expected {role[1]}.")


def _functions_of(obj: Any) -> list[tuple[Any, int, tuple[str, str]]]:
    out: list[tuple[Any, int, tuple[str, str]]] = []
    fun = getattr(obj, "fun", None)
    if isinstance(fun, RFunction):
        kind = "every" if isinstance(obj, callbacks.Every) else "lr.scheduler"
        n, role = R_FUNCTIONS[(kind, "fun")]
        out.append((fun, n, ("fun", role)))
    inner = getattr(obj, "inner", None) if isinstance(obj, callbacks.Safe) else None
    if isinstance(inner, _ClosureStandIn):
        out.append((inner, 3, ("cb", "function(iteration, nbatch, env)")))
    return out


@register("checkpoint_best")
def checkpoint_best(prefix: Any) -> Any:
    """R ``mx.model.checkpoint.best(prefix)``: list(iteration, value, file) or NULL."""
    best = checkpoint.best(str(convert.scalar(prefix)))
    return None if best is None else convert.to_r(best)
