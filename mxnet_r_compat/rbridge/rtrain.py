"""Training from R: R arguments → the Python trainer, R closures as callbacks.

R callbacks read a persistent R environment (``env``) that mirrors the
trainer's :class:`~mxnet_r_compat.env.TrainEnv`. Before each call only what
changed is copied: the epoch/batch counters and the metric state travel in one
reused numeric vector and are unpacked by R; ``model``, ``eval.metric`` and
``result`` are rebuilt only when the trainer replaced them. Heavy, rarely read
fields (``dlist``, ``preds``, ``labels``...) are active bindings that convert
on access.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import rpy2.rinterface as ri

from .. import context, initializer as init_mod, lr_scheduler, metric as metric_mod
from .. import model as model_mod, optimizer as opt_mod
from ..env import TrainEnv
from ..errors import CallbackError, MXTypeError, invalid_value
from . import convert, rsymbol, session

RT = convert.RT


# -- models -----------------------------------------------------------------------------------


def model_to_r(model: model_mod.FeedForwardModel) -> Any:
    """An R ``MXFeedForwardModel`` list (symbol, arg.params, aux.params)."""
    return convert.make_list({
        "symbol": rsymbol.symbol_to_r(model.symbol),
        "arg.params": convert.params_to_r(model.arg_params),
        "aux.params": convert.params_to_r(model.aux_params),
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
        raise invalid_value(arg, f"an R {convert._type_name(x)}",
                            "a numeric matrix or array (data.frames: use data.matrix())")
    a = convert.as_numpy(x)
    return a if a.ndim == 2 else a.T


def label_from_r(y: Any) -> np.ndarray | None:
    """Labels: a vector, or a k x n matrix (backend (n, k))."""
    if convert.is_null(y):
        return None
    if y.typeof not in (RT.REALSXP, RT.INTSXP, RT.LGLSXP):
        raise invalid_value("y", f"an R {convert._type_name(y)}", "a numeric vector or matrix")
    return convert.to_backend(y)


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
        return convert.scalar(value) if len(value) == 1 else [v for v in value]
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
        res = session.call_r(x, ri.StrSexpVector([name]), convert.r_shape(shape), ri.NULL,
                             ri.BoolSexpVector([allow_unknown]))
        return None if convert.is_null(res) else np.ascontiguousarray(convert.to_backend(res))
    return r_initializer


class RMetric(metric_mod.Metric):
    """An R metric object; built-ins run natively, others call R's update/get."""

    def __init__(self, robj: Any) -> None:
        f = convert.named_list(robj)
        self.robj = robj
        name = str(f["name"][0]) if "name" in f else "custom"
        builtin = robj.do_slot("mx.builtin")[0] if "mx.builtin" in list(robj.list_attrs()) else None
        maximize = bool(f["maximize"][0]) if "maximize" in f else False
        self.native = metric_mod.BUILTIN.get(builtin) if builtin else None
        self._update, self._get = f["update"], f["get"]
        feval = self.native.feval if self.native else self._r_feval_unused
        super().__init__(name, feval, maximize)

    @staticmethod
    def _r_feval_unused(label, pred):  # pragma: no cover - the R path overrides update()
        raise AssertionError

    def update(self, label, pred, state):
        if self.native is not None:
            return super().update(label, pred, state)
        res = session.call_r(self._update, convert.from_backend(label), convert.from_backend(pred),
                             ri.FloatSexpVector([float(s) for s in state]))
        return np.array([float(v) for v in res])


def metric_from_r(x: Any):
    if convert.is_null(x):
        return None
    if "mx.metric" not in convert.r_class(x):
        raise invalid_value("eval.metric", f"an R {convert._type_name(x)}",
                            "a metric such as mx.metric.rmse")
    return RMetric(x)


# -- callbacks --------------------------------------------------------------------------------


class REnv:
    """The persistent R environment callbacks see, kept in step with a TrainEnv."""

    def __init__(self, pkg_ns: Any, fixed: dict[str, Any]) -> None:
        self.env = ri.baseenv["new.env"]()
        # iteration, the call's nbatch, env$nbatch, has train.metric, its count and sum
        self.nums = ri.FloatSexpVector([0.0] * 6)
        self.nums_view = np.asarray(self.nums.memoryview())
        self.call = ri.baseenv["get"](ri.StrSexpVector([".mx_call_callback"]), envir=pkg_ns)
        self.versions: dict[str, int] = {}
        assign = ri.baseenv["assign"]
        for name, value in fixed.items():
            assign(name, value, envir=self.env)

    def sync(self, env: TrainEnv, nbatch: int) -> None:
        v = self.nums_view
        v[0] = env.iteration or 0
        v[1] = nbatch
        v[2] = env.nbatch or 0
        tm = env.train_metric
        v[3] = 0.0 if tm is None else 1.0
        if tm is not None:
            v[4], v[5] = tm[0], tm[1]
        for field, convert_fn in (("eval.metric", _state_to_r), ("model", model_to_r),
                                  ("result", _result_to_r)):
            version = env.version(field)
            if version != self.versions.get(field, 0):
                self.versions[field] = version
                value = env[field]
                self.env[field] = ri.NULL if value is None else convert_fn(value)


def _state_to_r(state) -> Any:
    return ri.FloatSexpVector([float(s) for s in state])


def _result_to_r(result) -> Any:
    return convert.make_list({"name": ri.StrSexpVector([result.name]),
                              "value": ri.FloatSexpVector([float(result.value)])})


class RCallback:
    """An R closure called as a training callback through the package's invoker."""

    def __init__(self, closure: Any, slot: str, renv: REnv) -> None:
        self.closure, self.slot, self.renv = closure, slot, renv

    def __call__(self, iteration, nbatch, env, verbose=None):
        self.renv.sync(env, nbatch)
        flag = ri.NULL if verbose is None else ri.BoolSexpVector([bool(verbose)])
        res = session.call_r(self.renv.call, self.closure, self.renv.env, self.renv.nums, flag)
        classes = convert.r_class(res) if not convert.is_null(res) else []
        if "mx_r_interrupt" in classes:
            raise KeyboardInterrupt
        if "error" in classes or "condition" in classes:
            msg = str(convert.named_list(res)["message"][0])
            raise CallbackError(f"Error in {self.slot} (epoch {iteration}, batch {nbatch}): {msg}",
                                slot=self.slot, iteration=iteration, nbatch=nbatch)
        return self._result(res, iteration)

    def _result(self, res, iteration):
        if convert.is_null(res):
            return None
        if res.typeof == RT.LGLSXP and len(res) == 1 and res[0] is not ri.NA_Logical:
            return bool(res[0])
        if self.slot == "batch.end.callback":
            return None  # MXNet ignores what a batch callback returns
        shown = "NA" if res.typeof == RT.LGLSXP and len(res) == 1 else \
            f"an R {convert._type_name(res)} of length {len(res)}"
        raise CallbackError(f"The {self.slot} returned {shown} in epoch {iteration}; expected "
                            f"TRUE to continue or FALSE to stop training.", slot=self.slot,
                            iteration=iteration)


# -- fit / predict ----------------------------------------------------------------------------


def _pkg_namespace():
    return ri.baseenv["asNamespace"](ri.StrSexpVector(["mxnet"]))


def fit_from_r(kw: dict[str, Any]) -> Any:
    """``mx.model.FeedForward.create`` called from R; returns the R model."""
    get = lambda key: kw.get(key, ri.NULL)  # noqa: E731
    symbol = rsymbol.symbol_from_r(get("symbol"))
    X = get("X")
    is_iter = False
    x_data = data_from_r(X, "X") if not is_iter else X
    eval_data = get("eval.data")
    if not convert.is_null(eval_data):
        if eval_data.typeof != RT.VECSXP:
            raise ValueError("The validation set should be either a mx.io.DataIter or a R list")
        parts = convert.named_list(eval_data)
        if "data" not in parts or "label" not in parts or convert.is_null(parts["data"]) \
                or convert.is_null(parts["label"]):
            raise ValueError("Please provide the validation set as list(data=R.array, "
                             "label=R.array)")
        eval_data = {"data": data_from_r(parts["data"], "eval.data$data"),
                     "label": label_from_r(parts["label"])}
    else:
        eval_data = None
    metric = metric_from_r(get("eval.metric"))
    fixed = {"symbol": get("symbol"), "ctx": get("ctx"), "metric": get("eval.metric"),
             "begin.round": get("begin.round"), "end.round": get("num.round"),
             "verbose": get("verbose"), "optimizer": get("optimizer"),
             "epoch.end.callback": get("epoch.end.callback"),
             "batch.end.callback": get("batch.end.callback"),
             "eval.metric": ri.NULL}
    renv = REnv(_pkg_namespace(), fixed)
    callbacks = {}
    for slot in ("epoch.end.callback", "batch.end.callback"):
        cb = get(slot)
        if convert.is_null(cb):
            callbacks[slot] = None
        elif cb.typeof == RT.CLOSXP:
            callbacks[slot] = RCallback(cb, slot, renv)
        else:
            raise MXTypeError(f"Invalid value for argument `{slot}`. Received: an R "
                              f"{convert._type_name(cb)}. Expected a function(iteration, "
                              f"nbatch, env).")
    known = {"symbol", "X", "y", "ctx", "begin.round", "num.round", "optimizer", "initializer",
             "eval.data", "eval.metric", "epoch.end.callback", "batch.end.callback",
             "array.batch.size", "array.layout", "kvstore", "verbose", "arg.params",
             "aux.params", "input.names", "output.names", "fixed.param", "allow.extra.params",
             "metric_cpu"}
    extra = {k: _value_from_r(v) for k, v in kw.items() if k not in known}
    model = model_mod.create(
        symbol, x_data, y=label_from_r(get("y")), ctx=ctx_from_r(get("ctx")),
        begin_round=convert.scalar(get("begin.round"), 1),
        num_round=convert.scalar(get("num.round"), 10),
        optimizer=optimizer_from_r(get("optimizer")) if not convert.is_null(get("optimizer")) else "sgd",
        initializer=initializer_from_r(get("initializer")), eval_data=eval_data,
        eval_metric=metric, epoch_end_callback=callbacks["epoch.end.callback"],
        batch_end_callback=callbacks["batch.end.callback"],
        array_batch_size=convert.scalar(get("array.batch.size"), 128),
        array_layout=convert.scalar(get("array.layout"), "auto"),
        kvstore=convert.scalar(get("kvstore"), "local"),
        verbose=convert.scalar(get("verbose"), True),
        arg_params=convert.params_from_r(get("arg.params")),
        aux_params=convert.params_from_r(get("aux.params")),
        input_names=convert.strings(get("input.names")),
        output_names=convert.strings(get("output.names")),
        fixed_param=convert.strings(get("fixed.param")),
        allow_extra_params=convert.scalar(get("allow.extra.params"), False),
        metric_cpu=convert.scalar(get("metric_cpu"), True), **extra)
    return model_to_r(model)


def predict_from_r(model: Any, X: Any, kw: dict[str, Any]) -> Any:
    """``predict(model, X, ...)`` from R; returns an R array ``c(outputs..., n)``."""
    m = model_from_r(model)
    out = model_mod.predict(
        m, data_from_r(X, "X"), ctx=ctx_from_r(kw.get("ctx", ri.NULL)),
        array_batch_size=convert.scalar(kw.get("array.batch.size", ri.NULL), 128),
        array_layout=convert.scalar(kw.get("array.layout", ri.NULL), "auto"),
        allow_extra_params=convert.scalar(kw.get("allow.extra.params", ri.NULL), False))
    return convert.from_backend(out)
