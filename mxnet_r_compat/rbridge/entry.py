"""The entry points R calls (``.py("name", ...)``): symbols, training, prediction, files,
iterators, updaters and the callback environment.

Each function receives rpy2 objects from the R wrappers in R/*.R, converts
them (convert.py, rsymbol.py), calls the Python trainer and converts the
result back. Nothing here implements training behaviour itself.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import rpy2.rinterface as ri

from .. import io
from ..errors import CallbackError, MXShapeError, MXValueError
from ..formats import ndarray_file
from ..graph.compose import compose
from ..graph.symbol import Group, Variable, create, load, load_json
from ..learn import optimizer as opt_mod
from ..learn import random
from ..training import data as data_mod
from ..training import model as model_mod
from ..training import params as params_mod
from ..training import persistence
from ..training import predict as predict_mod
from ..training.env import TrainEnv
from . import convert, rsymbol
from .export import error_message, register
from .rdata import data_from_r, label_from_r
from .renv import env_field_to_r
from .rtrain import evaluate_from_r, fit_from_r, predict_from_r
from .rvalues import (
    initializer_from_r,
    model_from_r,
    model_to_r,
    one_number,
    one_string,
    optimizer_from_r,
)


def _warnings_to_r(caught: list[warnings.WarningMessage]) -> Any:
    """The messages, named by warning class (R/model.R gives a LayoutWarning MXNet's call)."""
    out = ri.StrSexpVector([str(w.message).rstrip("\n") for w in caught])
    out.names = ri.StrSexpVector([w.category.__name__ for w in caught])
    return out


def with_warnings(fn, *args, training: bool = False, **kwargs) -> Any:
    """Call ``fn`` and return ``list(value=, warnings=)`` for R to re-issue the warnings.

    An exception becomes ``list(value = NULL, warnings =, error = list(message =, type =,
    traceback =))``: R issues the warnings raised before the failure, then raises the error
    (.mx_with_warnings in R/model.R). For ``training`` the error also has ``training = TRUE``
    and ``model``, the model of the last completed epoch of the run (``model.last()``), and
    for a failed callback ``slot``/``iteration``/``nbatch`` (which one, and when) and
    ``parent`` (the R condition it signalled).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = fn(*args, **kwargs)
        except KeyboardInterrupt:
            raise
        except Exception as e:  # reaches R as an R error with its fields (see above)
            return convert.make_list({"value": ri.NULL, "warnings": _warnings_to_r(caught),
                                      "error": _error_to_r(e, training)})
    return convert.make_list({"value": value, "warnings": _warnings_to_r(caught)})


def _error_to_r(e: Exception, training: bool) -> Any:
    import traceback

    fields: dict[str, Any] = {
        "message": ri.StrSexpVector([error_message(e)]),
        "type": ri.StrSexpVector([type(e).__name__]),
        "traceback": ri.StrSexpVector(["".join(traceback.format_exception(e))]),
    }
    if not training:
        return convert.make_list(fields)
    last = model_mod.last()
    fields.update(training=ri.BoolSexpVector([True]),
                  model=ri.NULL if last is None else model_to_r(last))
    if isinstance(e, CallbackError):
        fields.update(slot=convert.to_r(e.slot or None), iteration=convert.to_r(e.iteration),
                      nbatch=convert.to_r(None if e.nbatch is None else float(e.nbatch)))
    condition = getattr(e, "condition", None)
    if condition is not None:
        fields["parent"] = condition
    return convert.make_list(fields)


# -- symbols ----------------------------------------------------------------------------------


@register("sym_variable")
def sym_variable(name):
    return rsymbol.symbol_to_r(Variable(str(name[0])))


@register("sym_create")
def sym_create(op, inputs, params, name):
    # (name, symbol) pairs: a dict would keep one of several unnamed inputs (concat of a list)
    keys = [str(n) for n in inputs.names] if not convert.is_null(inputs.names) else \
        [""] * len(inputs)
    symbols = rsymbol.load_shared([rsymbol.json_of(v) for v in inputs])
    positional = all(k == "" for k in keys)
    if not positional and any(k == "" for k in keys):
        raise ValueError("Input symbols need to be either positional or key=value style, "
                         "not both")
    attrs = {k.replace(".", "_"): rsymbol.param_from_r(k, v, str(op[0]))
             for k, v in convert.named_list(params).items()}
    node_name = convert.scalar(name)
    if positional:
        sym = create(str(op[0]), *symbols, name=node_name, attr=attrs)
    else:
        sym = create(str(op[0]), name=node_name, attr=attrs,
                     **{k.replace(".", "_"): s for k, s in zip(keys, symbols, strict=True)})
    return rsymbol.symbol_to_r(sym)


@register("sym_group")
def sym_group(symbols):
    parts = rsymbol.load_shared([rsymbol.json_of(v) for v in symbols])
    return rsymbol.symbol_to_r(Group(parts))


@register("sym_query")
def sym_query(sym, what):
    s = rsymbol.symbol_from_r(sym)
    what = str(what[0])
    if what == "arguments":
        return ri.StrSexpVector(s.arguments())
    if what == "outputs":
        return ri.StrSexpVector(s.outputs())
    if what == "auxiliary.states":
        return ri.StrSexpVector(s.auxiliary_states())
    if what == "internals":
        return rsymbol.symbol_to_r(s.get_internals())
    if what == "children":
        children = s.get_children()
        return ri.NULL if children is None else rsymbol.symbol_to_r(children)
    if what == "output.ops":  # the operator of each output node ("null" for a variable)
        return ri.StrSexpVector([node.op or "null" for node, _ in s.outputs_])
    if what == "layers":  # each operator node: name, op, the variables it reads
        layers = [node for node in s.nodes() if node.op]
        return convert.make_list({
            "name": ri.StrSexpVector([node.name for node in layers]),
            "op": ri.StrSexpVector([node.op for node in layers]),
            "inputs": ri.ListSexpVector([ri.StrSexpVector(
                [child.name for child, _ in node.inputs if child.op is None]) for node in layers])})
    if what == "attributes":
        attrs = s.attributes()
        return convert.make_list({k: ri.StrSexpVector([v]) for k, v in attrs.items()})
    raise ValueError(f"unknown symbol query {what!r}")


@register("sym_get_output")
def sym_get_output(sym, index):
    return rsymbol.symbol_to_r(rsymbol.symbol_from_r(sym).get_output(int(index[0]) - 1))


@register("sym_set_attributes")
def sym_set_attributes(sym, attrs):
    s = rsymbol.symbol_from_r(sym)
    s.set_attributes(**{k: str(v[0]) for k, v in convert.named_list(attrs).items()})
    return rsymbol.symbol_to_r(s)


@register("sym_infer_shape")
def sym_infer_shape(sym, shapes):
    s = rsymbol.symbol_from_r(sym)
    known = {k: tuple(int(d) for d in reversed(list(v)))
             for k, v in convert.named_list(shapes).items()}
    result = s.infer_shape(**known)
    if result is None:
        return None
    args, outs, aux = result
    as_r = lambda d: convert.make_list({k: convert.r_shape(v) for k, v in d.items()})  # noqa: E731
    out_dict = dict(zip(s.outputs(), outs, strict=True))
    return convert.make_list({"arg.shapes": as_r(args), "out.shapes": as_r(out_dict),
                              "aux.shapes": as_r(aux)})


@register("sym_load_json")
def sym_load_json(text):
    return rsymbol.symbol_to_r(load_json(str(text[0])))


@register("sym_load")
def sym_load(filename):
    return rsymbol.symbol_to_r(load(one_string(filename, "filename")))


# -- random numbers ---------------------------------------------------------------------------


@register("set_seed")
def set_seed(seed):
    random.set_seed(convert.scalar(seed))
    return None


@register("runif")
def runif(shape, low, high):
    dims = tuple(int(d) for d in reversed(list(shape)))
    return convert.from_backend(random.runif(dims, convert.scalar(low), convert.scalar(high)),
                                "MXNDArray")


@register("rnorm")
def rnorm(shape, mean, sd):
    dims = tuple(int(d) for d in reversed(list(shape)))
    return convert.from_backend(random.rnorm(dims, convert.scalar(mean), convert.scalar(sd)),
                                "MXNDArray")


# -- training and prediction ------------------------------------------------------------------


@register("fit")
def fit(**kwargs):
    return with_warnings(fit_from_r, kwargs, training=True)


@register("predict")
def predict(model, X, **kwargs):
    return with_warnings(predict_from_r, model, X, kwargs)


@register("evaluate")
def evaluate(model, X, y, **kwargs):
    return with_warnings(evaluate_from_r, model, X, y, kwargs)


@register("init_params")
def init_params(symbol, input_shape, output_shape, initializer):
    shapes = {k: tuple(int(d) for d in reversed(list(v)))
              for part in (input_shape, output_shape) for k, v in convert.named_list(part).items()}
    names_in = set(convert.named_list(input_shape))
    arg, aux = params_mod.init_params(
        rsymbol.symbol_from_r(symbol), {k: v for k, v in shapes.items() if k in names_in},
        {k: v for k, v in shapes.items() if k not in names_in},
        initializer_from_r(initializer))
    return convert.make_list({"arg.params": convert.params_to_r(arg),
                              "aux.params": convert.params_to_r(aux)})


@register("fit_layout")
def fit_layout(X, y, **kw):
    """R: the layout mx.model.FeedForward.create trains with (training/data.py train_layout)."""
    return with_warnings(data_mod.train_layout, data_from_r(X, "X"),
                         label_from_r(y),
                         check_finite=convert.scalar(kw.get("check.finite", ri.NULL), True))


@register("select_layout")
def select_layout(X, y, model):
    x = data_from_r(X, "X")
    if convert.is_null(model):
        return with_warnings(io.select_layout_train, x, label_from_r(y))
    m = model_from_r(model)
    return with_warnings(io.select_layout_predict, x, lambda n: predict_mod.fits(m, n))


@register("model_last")
def model_last():
    last = model_mod.last()
    return None if last is None else model_to_r(last)


# -- files ------------------------------------------------------------------------------------


@register("model_save")
def model_save(model, prefix, iteration):
    persistence.save_model(model_from_r(model), one_string(prefix, "prefix"),
                           one_number(iteration, "iteration"))
    return None


@register("model_load")
def model_load(prefix, iteration):
    return model_to_r(persistence.load_model(one_string(prefix, "prefix"),
                                             one_number(iteration, "iteration")))


@register("nd_save")
def nd_save(arrays, filename):
    values = convert.named_list(arrays)
    named = any(values) and all(values)
    backend = [np.ascontiguousarray(convert.to_backend(v), np.float32) for v in values.values()]
    ndarray_file.save_ndarray_list(str(filename[0]), backend, list(values) if named else None)
    return None


@register("nd_load")
def nd_load(filename):
    arrays, names = ndarray_file.load_ndarray_list(str(filename[0]))
    values = [convert.from_backend(a, "MXNDArray") for a in arrays]
    out = ri.ListSexpVector(values)
    if names:
        out.names = ri.StrSexpVector(names)
    return out



# -- handles: iterators, updaters, the callback environment -----------------------------------


@register("handle_free")
def handle_free(ids):
    for h in ids:
        convert.HANDLES.free(h)
    return None


@register("handle_count")
def handle_count():
    """How many Python objects R holds through handles (for leak tests)."""
    return len(convert.HANDLES)


@register("updater_create")
def updater_create(optimizer):
    if optimizer.typeof == convert.RT.STRSXP or "MXOptimizer" not in convert.r_class(optimizer):
        raise MXValueError("Invalid value for argument `optimizer`. Expected an optimizer from "
                           "mx.opt.create() or mx.opt.sgd(), mx.opt.adam(), ...")
    return convert.HANDLES.add(optimizer_from_r(optimizer))


@register("updater_update")
def updater_update(h, weights, grads):
    """One update of every weight whose gradient is not NULL; returns the new weights.

    The optimizer (and its state: momentum, Adam moments, update counters) stays in the
    handle table between calls; weight i (1-based, as in MXNet R) uses state i.
    """
    opt = convert.HANDLES.get(h, opt_mod.Optimizer)
    w_list, g_list = list(weights), list(grads)
    if len(w_list) != len(g_list):
        raise MXValueError(f"The updater got {len(w_list)} weights and {len(g_list)} "
                           f"gradients; they must match by position.")
    out = []
    for index, (w, g) in enumerate(zip(w_list, g_list, strict=True), start=1):
        if convert.is_null(g):
            out.append(ri.NULL)
            continue
        w_np = np.array(convert.to_backend(w), dtype=np.float32, order="C")
        g_np = np.ascontiguousarray(convert.to_backend(g), np.float32)
        if w_np.shape != g_np.shape:
            raise MXShapeError(f"Weight {index} has shape {w_np.shape[::-1]} and its gradient "
                               f"{g_np.shape[::-1]} (R dims); they must match.")
        opt.update(index, w_np, g_np)
        out.append(convert.from_backend(w_np, "MXNDArray"))
    res = ri.ListSexpVector(out)
    if not convert.is_null(weights.names):
        res.names = ri.StrSexpVector([str(n) for n in weights.names])
    return res


@register("env_field")
def env_field(h, name):
    return env_field_to_r(convert.HANDLES.get(h, TrainEnv), str(name[0]))


@register("sym_apply")
def sym_apply(sym, inputs, name):
    values = list(inputs)
    keys = [str(k) for k in inputs.names] if not convert.is_null(inputs.names) \
        else [""] * len(values)
    base, *given = rsymbol.load_shared([rsymbol.json_of(sym)]
                                       + [rsymbol.json_of(v) for v in values])
    return rsymbol.symbol_to_r(compose(base, keys, given, convert.scalar(name)))
