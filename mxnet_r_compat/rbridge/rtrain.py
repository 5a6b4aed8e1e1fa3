"""Training from R: ``mx.model.FeedForward.create`` and ``predict`` entry points.

The R arguments are converted (rvalues.py, rdata.py), R closures become callbacks
(callback_adapter.py) reading a mirror of the trainer's environment (renv.py), and the
Python trainer runs. Every R closure goes through an R invoker that returns errors and
interrupts as values (closures.py), so an R error is neither printed twice nor lost: it
becomes a Python exception carrying the R message, and reaches R again as one R error
(entry.py ``fit``). Ctrl-C: the trainer's own handler stops after the batch; a second
Ctrl-C inside an R callback ends the script."""

from __future__ import annotations

import contextlib
import inspect
import warnings
from typing import Any

import rpy2.rinterface as ri

from ..training import evaluate as evaluate_mod
from ..training import fit
from ..training import model as model_mod
from ..training import predict as predict_mod
from ..training.env import TrainEnv
from . import convert, interrupts, rsymbol
from .callback_adapter import RCallback, SecondInterrupt
from .rcallbacks import slot_from_r
from .rdata import check_array_labels, data_from_r, eval_data_from_r, iter_from_r, label_from_r
from .renv import REnv
from .rvalues import (ctx_from_r, initializer_from_r, metric_from_r, model_from_r, model_to_r,
                      optimizer_from_r, value_from_r)

RT = convert.RT


#: R callback arguments -> keywords of model.create. Besides MXNet's two, the trainer's other
#: slots (hooks.py) can be given through `...`.
SLOTS = {f"{s}.callback": f"{s.replace('.', '_')}_callback"
         for s in ("epoch.end", "batch.end", "train.begin", "epoch.begin", "batch.begin",
                   "train.end")}

#: Other keywords of model.create that R may pass through `...` (e.g. check.finite).
_CREATE_ARGS = {name.replace("_", "."): name
                for name in inspect.signature(fit.create).parameters
                if name not in ("env", "plugins", "kwargs") and "_" in name}

_FIT_ARGS = ("symbol", "X", "y", "ctx", "begin.round", "num.round", "optimizer", "initializer",
             "eval.data", "eval.metric", "epoch.end.callback", "batch.end.callback",
             "array.batch.size", "array.layout", "kvstore", "verbose", "arg.params",
             "aux.params", "input.names", "output.names", "fixed.param", "allow.extra.params",
             "metric_cpu")


def _callbacks_from_r(value: Any, slot: str, renv: REnv) -> Any:
    """An R callback argument: NULL, a function, a callback object such as
    mx.callback.early.stopping() (rcallbacks.py), or a list of those (called in order)."""

    return slot_from_r(value, slot, lambda closure: RCallback(closure, slot, renv))


def fit_from_r(kw: dict[str, Any]) -> Any:
    """``mx.model.FeedForward.create`` called from R; returns the R model.

    The model of the last completed epoch of this run is ``model.last()`` (None until the
    first epoch completes), also when training fails.
    """
    get = lambda key: kw.get(key, ri.NULL)  # noqa: E731
    model_mod.set_last_model(None)
    symbol = rsymbol.symbol_from_r(get("symbol"))
    x_iter = iter_from_r(get("X"))
    x_data = x_iter if x_iter is not None else data_from_r(get("X"), "X")
    y = label_from_r(get("y"))
    if x_iter is None:
        check_array_labels(get("X"), y, convert.scalar(get("array.layout"), "auto"))
    eval_data = eval_data_from_r(get("eval.data"))
    metric = metric_from_r(get("eval.metric"))
    fixed = {"symbol": get("symbol"), "ctx": get("ctx"), "metric": get("eval.metric"),
             "begin.round": get("begin.round"), "end.round": get("num.round"),
             "verbose": get("verbose"), "optimizer": get("optimizer"),
             "epoch.end.callback": get("epoch.end.callback"),
             "batch.end.callback": get("batch.end.callback"),
             "eval.metric": ri.NULL}
    train_env = TrainEnv()
    renv = REnv(train_env, fixed)
    callbacks = {SLOTS[slot]: _callbacks_from_r(get(slot), slot, renv)
                 for slot in SLOTS if slot in kw}
    extra = {_CREATE_ARGS.get(k, k): value_from_r(v) for k, v in kw.items()
             if k not in _FIT_ARGS and k not in SLOTS}
    opt = get("optimizer")
    with _recorded_warnings() as caught, _second_interrupt_ends_training(), renv.released():
        model = fit.create(
            symbol, x_data, y=y, ctx=ctx_from_r(get("ctx")),
            begin_round=convert.value(get("begin.round"), 1),
            num_round=convert.value(get("num.round"), 10),
            optimizer=optimizer_from_r(opt) if not convert.is_null(opt) else "sgd",
            initializer=initializer_from_r(get("initializer")), eval_data=eval_data,
            eval_metric=metric, array_batch_size=convert.value(get("array.batch.size"), 128),
            array_layout=convert.scalar(get("array.layout"), "auto"),
            kvstore=convert.scalar(get("kvstore"), "local"),
            verbose=convert.scalar(get("verbose"), True),
            arg_params=convert.params_from_r(get("arg.params")),
            aux_params=convert.params_from_r(get("aux.params")),
            input_names=convert.strings(get("input.names")),
            output_names=convert.strings(get("output.names")),
            fixed_param=convert.strings(get("fixed.param")),
            allow_extra_params=convert.scalar(get("allow.extra.params"), False),
            metric_cpu=convert.scalar(get("metric_cpu"), True), env=train_env, **callbacks,
            **extra)
    if any(w.category.__name__ == "TrainingInterrupted" for w in caught) \
            and not renv.r_interrupted:
        _note_trainer_handled_sigint()
    return model_to_r(model)


@contextlib.contextmanager
def _second_interrupt_ends_training():
    try:
        yield
    except SecondInterrupt:
        raise KeyboardInterrupt("interrupted twice") from None


class _recorded_warnings:
    """Record the warnings of a block, then issue them again (so callers still see them)."""

    def __enter__(self) -> list[warnings.WarningMessage]:
        self._cm = warnings.catch_warnings(record=True)
        self.caught = self._cm.__enter__()
        warnings.simplefilter("always")
        return self.caught

    def __exit__(self, *exc: Any) -> None:
        self._cm.__exit__(*exc)
        for w in self.caught:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def _note_trainer_handled_sigint() -> None:
    """Tell the bridge's Ctrl-C watcher (interrupts.py) that the trainer handled one SIGINT.

    While training, the trainer's own SIGINT handler (trainer._interrupt_guard: finish the
    batch, return the partial model) replaces the bridge's, so the watcher counts a signal that
    no bridge handler saw, and would end the process at the next Ctrl-C as if the first were
    still pending. When the Ctrl-C was taken by R's own handler instead (a callback in
    Sys.sleep), Python never saw it and nothing needs doing (REnv.r_interrupted).
    """
    interrupts.note_sigint_handled()


def predict_from_r(model: Any, X: Any, kw: dict[str, Any]) -> Any:
    """``predict(model, X, ...)`` from R; returns an R array ``c(outputs..., n)``."""
    m = model_from_r(model)
    x_iter = iter_from_r(X)
    out = predict_mod.predict(
        m, x_iter if x_iter is not None else data_from_r(X, "X"),
        ctx=ctx_from_r(kw.get("ctx", ri.NULL)),
        array_batch_size=convert.value(kw.get("array.batch.size", ri.NULL), 128),
        array_layout=convert.scalar(kw.get("array.layout", ri.NULL), "auto"),
        allow_extra_params=convert.scalar(kw.get("allow.extra.params", ri.NULL), False))
    return convert.from_backend(out)


def evaluate_from_r(model: Any, X: Any, y: Any, kw: dict[str, Any]) -> float:
    """``mx.model.evaluate(model, X, y, eval.metric, ...)`` from R (training/evaluate.py)."""
    x_iter = iter_from_r(X)
    return evaluate_mod.evaluate(
        model_from_r(model), x_iter if x_iter is not None else data_from_r(X, "X"),
        label_from_r(y), metric_from_r(kw.get("eval.metric", ri.NULL)),
        array_batch_size=convert.value(kw.get("array.batch.size", ri.NULL), 128),
        array_layout=convert.scalar(kw.get("array.layout", ri.NULL), "auto"))
