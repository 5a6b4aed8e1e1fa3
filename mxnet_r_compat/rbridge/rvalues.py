"""R arguments as Python objects and back: models, contexts, optimizers, schedulers,
initializers and metrics.

An R closure given as an initializer or a metric's ``update`` becomes a Python callable that
calls R through closures.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import rpy2.rinterface as ri

from ..engine import context
from ..errors import MXTypeError, MXValueError, invalid_value
from ..learn import initializer as init_mod
from ..learn import lr_scheduler
from ..learn import metric as metric_mod
from ..learn import optimizer as opt_mod
from ..training import model as model_mod
from . import convert, rsymbol
from .closures import call_r_closure
from .rcallbacks import extras_to_r

RT = convert.RT


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


def args_from_r(x: Any) -> dict[str, Any]:
    out = {}
    for key, value in convert.named_list(x).items():
        out[key.replace(".", "_")] = value_from_r(value)
    return out


def value_from_r(value: Any) -> Any:
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
    args = args_from_r(f["args"])
    cls = {"factor": lr_scheduler.FactorScheduler,
           "multifactor": lr_scheduler.MultiFactorScheduler}[kind]
    return cls(**args)


def optimizer_from_r(x: Any):
    if x.typeof == RT.STRSXP:
        return str(x[0])
    if "MXOptimizer" in convert.r_class(x):
        f = convert.named_list(x)
        return opt_mod.create(str(f["name"][0]), **args_from_r(f["args"]))
    raise invalid_value("optimizer", "an R object", 'an optimizer name such as "sgd" or an '
                        "optimizer from mx.opt.create()")


def initializer_from_r(x: Any):
    if convert.is_null(x):
        return None
    native = x.do_slot("mx.init") if "mx.init" in list(x.list_attrs()) else None
    if native is not None:
        f = convert.named_list(native)
        factories: dict[str, Callable[..., Any]] = {
            "uniform": init_mod.uniform, "normal": init_mod.normal, "Xavier": init_mod.Xavier}
        factory = factories[str(f["kind"][0])]
        return factory(**args_from_r(f["args"]))
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

    A custom metric's ``feval(label, pred)`` receives MXNDArrays, as in MXNet R 1.x: the
    label of dim ``c(n)`` (or ``c(k, n)``), the prediction of dim ``c(n)`` for one output per
    sample (the label's shape, metric.feval_inputs) and ``c(outputs, n)`` otherwise.
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
        label, pred = metric_mod.feval_inputs(label, pred)
        res = call_r_closure(self._update, (convert.nd_to_r(label), convert.nd_to_r(pred),
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


def one_string(x: Any, name: str) -> str:
    """A character vector of length one (a file name), checked before any file is touched.

    Example:
        >>> one_string(ri.StrSexpVector(["model"]), "prefix")
        'model'
    """
    if getattr(x, "typeof", None) != RT.STRSXP or len(x) != 1 or x[0] is ri.NA_Character:
        raise MXValueError(f"Invalid value for argument `{name}`. Received: "
                           f"{convert.describe_r(x)}. Expected one file name (a character "
                           f"string).")
    return str(x[0])


def one_number(x: Any, name: str) -> Any:
    """A numeric vector of length one, as a Python number (whole-number checks follow).

    Example:
        >>> one_number(ri.FloatSexpVector([10.0]), "iteration")
        10.0
    """
    if getattr(x, "typeof", None) not in (RT.REALSXP, RT.INTSXP) or len(x) != 1 \
            or x[0] is ri.NA_Integer or (x.typeof == RT.REALSXP and np.isnan(x[0])):
        raise MXValueError(f"Invalid value for argument `{name}`. Received: "
                           f"{convert.describe_r(x)}. Expected a whole number such as 10.")
    return x[0]
