"""Training from R: R arguments → the Python trainer, R closures as callbacks.

R callbacks read a persistent R environment (``env``) that mirrors the
trainer's :class:`~mxnet_r_compat.env.TrainEnv`. Before each call only what
changed is copied: the epoch/batch counters and the metric state travel in one
reused numeric vector and are unpacked by R; ``model``, ``eval.metric`` and
``result`` are rebuilt only when the trainer replaced them. Heavy, rarely read
fields (``dlist``, ``preds``, ``labels``, ``train.execs``...) are active bindings
that convert on access (R/callback.R, ``.mx_env_bind``). Whatever a callback
assigns (``env$count <- 0``) stays for the rest of the run.

Every R closure the trainer calls (callbacks, metrics, initializers) goes
through an R invoker that returns errors and interrupts as values, so an R error
is neither printed twice nor lost: it becomes a Python exception carrying the R
message, and reaches R again as one R error (entry.py ``fit``).
"""

from __future__ import annotations

import contextlib
import inspect
import signal
import threading
import warnings
from typing import Any

import numpy as np
import rpy2.rinterface as ri

from .. import io
from ..engine import context
from ..engine.executor import Executor
from ..errors import (
    CallbackError,
    MXTypeError,
    MXValueError,
    invalid_argument,
    invalid_shape,
    invalid_value,
)
from ..graph.symbol import Symbol
from ..learn import initializer as init_mod
from ..learn import lr_scheduler
from ..learn import metric as metric_mod
from ..learn import optimizer as opt_mod
from ..training import fit
from ..training import model as model_mod
from ..training import predict as predict_mod
from ..training.env import TrainEnv
from . import convert, rsymbol, session
from .closures import call_r_closure, closure_arity_problem, ns_function
from .rcallbacks import extras_to_r, slot_from_r

RT = convert.RT


# -- models -----------------------------------------------------------------------------------


def model_to_r(model: model_mod.FeedForwardModel) -> Any:
    """An R ``MXFeedForwardModel`` list (symbol, arg.params, aux.params), plus what a trained
    model carries: history, callback.time, stop.reason (rcallbacks.extras_to_r)."""

    return convert.make_list({
        "symbol": rsymbol.symbol_to_r(model.symbol),
        "arg.params": convert.params_to_r(model.arg_params),
        "aux.params": convert.params_to_r(model.aux_params),
        **extras_to_r(model),
    }, "MXFeedForwardModel")


def model_from_r(x: Any) -> model_mod.FeedForwardModel:
    """The Python model of an R ``MXFeedForwardModel``."""
    if "MXFeedForwardModel" not in convert.r_class(x):
        raise MXTypeError("Invalid value for argument `model`: expected an MXFeedForwardModel "
                          "(from mx.model.FeedForward.create or mx.model.load).")
    fields = convert.named_list(x)
    return model_mod.FeedForwardModel(rsymbol.symbol_from_r(fields["symbol"]),
                                      convert.params_from_r(fields.get("arg.params")) or {},
                                      convert.params_from_r(fields.get("aux.params")) or {})


# -- data -------------------------------------------------------------------------------------


def data_from_r(x: Any, arg: str) -> np.ndarray:
    """R training data: a 2-D matrix keeps R's (nrow, ncol) view, so the layout rules apply
    unchanged; an array of higher rank becomes backend order (samples first)."""
    if convert.is_null(x):
        raise invalid_value(arg, "NULL", "a numeric matrix or array")
    if x.typeof not in (RT.REALSXP, RT.INTSXP, RT.LGLSXP):
        raise invalid_argument(arg, convert.describe_r(x),
                               "a numeric matrix or array (data.frames: use data.matrix())")
    a = convert.as_numpy(x, arg)
    return a if a.ndim == 2 else a.T


def label_from_r(y: Any) -> np.ndarray | None:
    """Labels: a vector, or a k x n matrix (backend (n, k))."""
    if convert.is_null(y):
        return None
    if y.typeof not in (RT.REALSXP, RT.INTSXP, RT.LGLSXP):
        raise invalid_argument("y", convert.describe_r(y), "a numeric vector or matrix")
    return convert.to_backend(y, "y")


def check_array_labels(x: Any, y: np.ndarray | None, layout: Any) -> None:
    """For an R array of 3 or more dimensions the samples are its LAST dimension (MXNet R;
    array.layout only applies to matrices). The trainer sees the array in backend order and
    would say "its first dimension", so the label count is checked here in R's terms."""
    dims = convert.r_dims(x) if getattr(x, "typeof", None) in (RT.REALSXP, RT.INTSXP,
                                                                RT.LGLSXP) else None
    if y is None or dims is None or len(dims) < 3:
        return
    count = y.shape[0] if y.ndim else 1
    if count != dims[-1]:
        note = f'; array.layout="{layout}" only applies to matrices' \
            if layout in ("rowmajor", "colmajor") else ""
        raise invalid_shape("y", f"{count} labels ({io.describe(y)})",
                            f"one label per sample: X has {dims[-1]} samples (dim(X) is "
                            f"c({', '.join(map(str, dims))}): in an array of {len(dims)} "
                            f"dimensions the samples are the last one{note})")


#: R classes that is.mx.dataiter() accepts (R/io.R).
ITER_CLASSES = ("MXDataIter", "MXArrayDataIter", "MXNativeDataIter", "Rcpp_MXArrayDataIter",
                "Rcpp_MXNativeDataIter")


def handle_id(h: Any) -> int:
    """The number inside an R handle environment (R/handle.R)."""
    return int(ri.baseenv["get"](ri.StrSexpVector(["id"]), envir=h)[0])


def iter_from_r(x: Any) -> io.DataIter | None:
    """The Python iterator behind an R data iterator, or None when ``x`` is not one.

    Iterators from mx.io.arrayiter are Python iterators already; any other R object of an
    iterator class (e.g. a reference class with the same methods) is driven through R.
    """
    if convert.is_null(x) or not any(c in ITER_CLASSES for c in convert.r_class(x)):
        return None
    if x.typeof == RT.VECSXP and "handle" in convert.named_list(x):
        return convert.HANDLES.get(handle_id(convert.named_list(x)["handle"]), io.DataIter)
    return RDataIter(x)


class RDataIter(io.DataIter):
    """An R iterator object (methods reset, iter.next, value, num.pad) used by the trainer."""

    def __init__(self, robj: Any) -> None:
        dollar = ri.baseenv["$"]
        self._methods = {name: session.call_r(dollar, robj, name)
                         for name in ("reset", "iter.next", "value", "num.pad")}
        missing = [n for n, f in self._methods.items() if f.typeof != RT.CLOSXP]
        if missing:
            raise invalid_value("X", f"an R {convert.r_class(robj)[0]} object without "
                                f"{', '.join(missing)}()", "a data iterator such as "
                                "mx.io.arrayiter(...)")
        self.robj = robj

    def _call(self, name: str) -> Any:
        return call_r_closure(self._methods[name], (), f"the data iterator's {name}()")

    def reset(self) -> None:
        self._call("reset")

    def iter_next(self) -> bool:
        return bool(convert.scalar(self._call("iter.next"), False))

    def value(self) -> dict[str, np.ndarray]:
        out = {k: np.ascontiguousarray(convert.to_backend(v), np.float32)
               for k, v in convert.named_list(self._call("value")).items()}
        self.batch_size = next(iter(out.values())).shape[0]
        return out

    def num_pad(self) -> int:
        return int(convert.scalar(self._call("num.pad"), 0))


def ctx_from_r(x: Any):
    if convert.is_null(x):
        return None
    if "MXContext" in convert.r_class(x):
        f = convert.named_list(x)
        return context.Context(str(f["device"][0]), int(f["device_id"][0]),
                               int(f.get("device_typeid", [1])[0]))
    if x.typeof == RT.VECSXP:
        return [ctx_from_r(c) for c in x]
    raise MXTypeError("ctx must be mx.context or list of mx.context")


# -- optimizer, initializer, metric -----------------------------------------------------------


def _args_from_r(x: Any) -> dict[str, Any]:
    out = {}
    for key, value in convert.named_list(x).items():
        out[key.replace(".", "_")] = _value_from_r(value)
    return out


def _value_from_r(value: Any) -> Any:
    if convert.is_null(value):
        return None
    classes = convert.r_class(value)
    if "MXLRScheduler" in classes:
        return scheduler_from_r(value)
    if value.typeof in (RT.REALSXP, RT.INTSXP, RT.LGLSXP, RT.STRSXP):
        return convert.value(value) if len(value) == 1 else [v for v in value]
    return value


def scheduler_from_r(x: Any):
    f = convert.named_list(x)
    kind = str(f["kind"][0])
    args = _args_from_r(f["args"])
    cls = {"factor": lr_scheduler.FactorScheduler,
           "multifactor": lr_scheduler.MultiFactorScheduler}[kind]
    return cls(**args)


def optimizer_from_r(x: Any):
    if x.typeof == RT.STRSXP:
        return str(x[0])
    if "MXOptimizer" in convert.r_class(x):
        f = convert.named_list(x)
        return opt_mod.create(str(f["name"][0]), **_args_from_r(f["args"]))
    raise invalid_value("optimizer", "an R object", 'an optimizer name such as "sgd" or an '
                        "optimizer from mx.opt.create()")


def initializer_from_r(x: Any):
    if convert.is_null(x):
        return None
    native = x.do_slot("mx.init") if "mx.init" in list(x.list_attrs()) else None
    if native is not None:
        f = convert.named_list(native)
        factory = {"uniform": init_mod.uniform, "normal": init_mod.normal,
                   "Xavier": init_mod.Xavier}[str(f["kind"][0])]
        return factory(**_args_from_r(f["args"]))
    if x.typeof != RT.CLOSXP:
        raise invalid_value("initializer", f"an R {convert._type_name(x)}",
                            "an initializer such as mx.init.uniform(0.01)")

    def r_initializer(name, shape, ctx=None, allow_unknown=False):
        res = call_r_closure(x, (ri.StrSexpVector([name]), convert.r_shape(shape), ri.NULL,
                                 ri.BoolSexpVector([allow_unknown])),
                             f"the initializer (for `{name}`)")
        return None if convert.is_null(res) else np.ascontiguousarray(convert.to_backend(res))
    r_initializer.label = "the R initializer function"  # type: ignore[attr-defined]
    return r_initializer


class RMetric(metric_mod.Metric):
    """An R metric object; built-ins run natively, others call R's update/get.

    A custom metric's ``feval(label, pred)`` receives R arrays: the label as a vector
    (``c(n)``, or ``c(k, n)``), the prediction as ``c(outputs, n)``.
    """

    def __init__(self, robj: Any) -> None:
        f = convert.named_list(robj)
        self.robj = robj
        name = str(f["name"][0]) if "name" in f else "custom"
        builtin = robj.do_slot("mx.builtin")[0] if "mx.builtin" in list(robj.list_attrs()) else None
        maximize = bool(f["maximize"][0]) if "maximize" in f else False
        aggregate = str(f["aggregate"][0]) if "aggregate" in f else "batch"
        self.native = metric_mod.BUILTIN.get(builtin) if builtin else None
        self._update, self._get = f["update"], f["get"]
        feval = self.native.feval if self.native else self._r_feval_unused
        super().__init__(name, feval, maximize, aggregate)

    @staticmethod
    def _r_feval_unused(label, pred):  # pragma: no cover - the R path overrides update()
        raise AssertionError

    def update(self, label, pred, state):
        if self.native is not None:
            return super().update(label, pred, state)
        res = call_r_closure(self._update, (convert.from_backend(label), convert.from_backend(pred),
                                            ri.FloatSexpVector([float(s) for s in state])),
                             f"the eval.metric `{self.name}`")
        if res.typeof not in (RT.REALSXP, RT.INTSXP) or len(res) != 2:
            raise MXTypeError(f"the eval.metric `{self.name}`: update() must return the state "
                              f"c(count, sum); feval must return one number.")
        return np.array([float(v) for v in res])


def metric_from_r(x: Any):
    if convert.is_null(x):
        return None
    if "mx.metric" not in convert.r_class(x):
        raise invalid_value("eval.metric", f"an R {convert._type_name(x)}",
                            "a metric such as mx.metric.rmse")
    return RMetric(x)


# -- the callback environment -----------------------------------------------------------------

#: Fields R reads straight from the trainer when a callback asks (active bindings).
LAZY_FIELDS = ("input.shape", "output.shape", "train.data", "eval.data", "kvstore", "fixed.param",
               "metric_cpu", "arg.params", "aux.params", "ndevice", "input_slice", "arg_names",
               "output.names", "train.execs", "params.index", "update.on.kvstore", "dlist",
               "preds", "labels", "epoch_continue")


class REnv:
    """The persistent R environment callbacks see, kept in step with a TrainEnv."""

    def __init__(self, train_env: TrainEnv, fixed: dict[str, Any]) -> None:
        self.env = ri.baseenv["new.env"]()
        # iteration, the call's nbatch, env$nbatch, has train.metric, its count and sum
        self.nums = ri.FloatSexpVector([0.0] * 6)
        self.nums_view = np.asarray(self.nums.memoryview())
        self.call = ns_function(".mx_call_callback")
        self.versions: dict[str, int] = {}
        self.r_interrupted = False  # an R callback was interrupted by R's own Ctrl-C handler
        self.python_sigints = 0  # SIGINTs Python's handler saw since the first R callback
        self._counting = False
        self._assign = assign = ri.baseenv["assign"]  # binds without copying (notes 2.4.4)
        for name, value in fixed.items():
            assign(name, value, envir=self.env)
        env_id = convert.HANDLES.add(train_env)
        session.call_r(ns_function(".mx_env_bind"), self.env, ri.StrSexpVector(LAZY_FIELDS),
                       env_id)

    @contextlib.contextmanager
    def released(self):
        """Drop this run's references to R objects when training ends, however it ends.

        The run's TrainEnv lives in ``convert.HANDLES`` until R collects the handle that
        the env's active bindings hold, and the TrainEnv holds the callbacks, which hold
        this REnv. While Python kept ``self.env`` (rpy2 preserves what Python holds), R
        could never collect the env, so the handle, the TrainEnv, its executors and the
        R objects stayed alive: about 34 kB per training with R callbacks. Released, the
        env lives exactly as long as R code holds it (a callback that saved ``env``)."""
        try:
            yield self
        finally:
            self.env = self.nums = self.call = self._assign = None
            self.nums_view = None

    def count_sigints(self) -> None:
        """Count the SIGINTs Python sees during this run (wrapping the trainer's handler).

        The trainer stops at the first Ctrl-C and passes a second one to the bridge, which
        interrupts R; R's own handler (an R callback in Sys.sleep) takes some without Python
        seeing them. RCallback needs the count to tell a first Ctrl-C from a second one. The
        trainer puts its own previous handler back when the run ends, dropping this wrapper.
        """
        if self._counting or threading.current_thread() is not threading.main_thread():
            return
        self._counting = True
        inner = signal.getsignal(signal.SIGINT)
        if not callable(inner):
            return

        def counting(signum, frame):
            self.python_sigints += 1
            return inner(signum, frame)
        signal.signal(signal.SIGINT, counting)

    # Fields copied into R only when the trainer replaced them: (R name, TrainEnv key, converter).
    _SYNCED = (("eval.metric", "eval_metric", "_state_to_r"), ("model", "model", "model_to_r"),
               ("result", "result", "_result_to_r"), ("begin.round", "begin_round",
                                                      "_double_to_r"))

    def sync(self, env: TrainEnv, nbatch: int) -> None:
        """Copy what changed into R: counters and metric state every call (into the reused
        numeric vector), the synced fields only when their version moved."""
        fields, v = env.fields(), self.nums_view
        v[0] = fields.get("iteration") or 0
        v[1] = nbatch
        v[2] = fields.get("nbatch") or 0
        tm = fields.get("train_metric")
        if tm is None:
            v[3] = 0.0
        else:
            v[3], v[4], v[5] = 1.0, tm[0], tm[1]
        versions = self.versions
        for r_name, key, converter in self._SYNCED:
            version = env.version(key)
            if version != versions.get(key, 0):
                versions[key] = version
                value = fields.get(key)
                self._assign(r_name, ri.NULL if value is None else globals()[converter](value),
                             envir=self.env)


def _double_to_r(value) -> Any:
    # begin.round after a resume is the original run's, so callbacks keep counting from it
    return ri.FloatSexpVector([float(value)])


def _state_to_r(state) -> Any:
    return ri.FloatSexpVector([float(s) for s in state])


def _result_to_r(result) -> Any:
    return convert.make_list({"name": ri.StrSexpVector([result.name]),
                              "value": ri.FloatSexpVector([float(result.value)])})


def env_field_to_r(env: TrainEnv, name: str) -> Any:
    """The R value of one of :data:`LAZY_FIELDS`, converted from the trainer's state now."""
    value = env[name]
    if value is None:
        return ri.NULL
    if name in ("train.data", "eval.data") and isinstance(value, io.DataIter):
        return session.call_r(ns_function(".mx_dataiter"), convert.HANDLES.add(value))
    if name in ("input.shape", "output.shape"):
        return convert.make_list({k: convert.r_shape(v) for k, v in value.items()})
    if name == "params.index":
        return ri.IntSexpVector([int(i) + 1 for i in value])  # R positions are 1-based
    if name == "input_slice":
        return ri.ListSexpVector([convert.to_r({"begin": lo, "end": hi}) for lo, hi in value])
    if name == "train.execs":
        return ri.ListSexpVector([_executor_to_r(ex) for ex in value])
    if isinstance(value, Symbol):
        return rsymbol.symbol_to_r(value)
    return convert.to_r(value)


def _executor_to_r(ex: Executor) -> Any:
    """A snapshot of an executor's arrays, under MXNet R's field names."""
    return convert.make_list({
        "ref.arg.arrays": convert.params_to_r(ex.arg_arrays),
        "ref.grad.arrays": convert.params_to_r(ex.grad_arrays),
        "ref.aux.arrays": convert.params_to_r(ex.aux_arrays),
        "ref.outputs": ri.ListSexpVector([convert.from_backend(o, "MXNDArray")
                                          for o in ex.outputs]),
    })


# -- callbacks --------------------------------------------------------------------------------


class RCallbackError(CallbackError):
    """An R callback signalled an error.

    Attributes:
        reason: the R condition's message.
        condition: the R condition object (becomes ``$parent`` of the R error).
    """

    def __init__(self, message: str, *, reason: str, condition: Any, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.reason, self.condition = reason, condition


class _SecondInterrupt(BaseException):
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
                raise _SecondInterrupt  # a stop was requested already: end the script
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


# -- fit / predict ----------------------------------------------------------------------------


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


def _eval_data_from_r(eval_data: Any) -> Any:
    if convert.is_null(eval_data):
        return None
    it = iter_from_r(eval_data)
    if it is not None:
        return it
    if eval_data.typeof != RT.VECSXP:
        raise MXValueError("The validation set should be either a mx.io.DataIter or a R list")
    parts = convert.named_list(eval_data)
    if "data" not in parts or "label" not in parts or convert.is_null(parts["data"]) \
            or convert.is_null(parts["label"]):
        raise MXValueError("Please provide the validation set as list(data=R.array, "
                           "label=R.array)")
    return {"data": data_from_r(parts["data"], "eval.data$data"),
            "label": label_from_r(parts["label"])}


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
    eval_data = _eval_data_from_r(get("eval.data"))
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
    extra = {_CREATE_ARGS.get(k, k): _value_from_r(v) for k, v in kw.items()
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
    except _SecondInterrupt:
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
    """Tell the bridge's Ctrl-C watcher (session.py) that the trainer handled one SIGINT.

    While training, the trainer's own SIGINT handler (trainer._interrupt_guard: finish the
    batch, return the partial model) replaces the bridge's, so the watcher counts a signal that
    no bridge handler saw, and would end the process at the next Ctrl-C as if the first were
    still pending. When the Ctrl-C was taken by R's own handler instead (a callback in
    Sys.sleep), Python never saw it and nothing needs doing (REnv.r_interrupted).
    """
    session.note_sigint_handled()


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
