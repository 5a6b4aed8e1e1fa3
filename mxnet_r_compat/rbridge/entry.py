"""The entry points R calls (``.py("name", ...)``): symbols, training, prediction, files.

Each function receives rpy2 objects from the R wrappers in R/*.R, converts
them (convert.py, rsymbol.py), calls the Python trainer and converts the
result back. Nothing here implements training behaviour itself.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import rpy2.rinterface as ri

from .. import model as model_mod, persistence, random
from ..formats import ndarray_file
from ..symbol import Group, Variable, create
from . import convert, rsymbol
from .export import register
from .rtrain import fit_from_r, model_from_r, model_to_r, predict_from_r


def _warnings_to_r(caught: list[warnings.WarningMessage]) -> Any:
    return ri.StrSexpVector([str(w.message).rstrip("\n") for w in caught])


def with_warnings(fn, *args, **kwargs) -> Any:
    """Call ``fn`` and return ``list(value=, warnings=)`` for R to re-issue the warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = fn(*args, **kwargs)
    return convert.make_list({"value": value, "warnings": _warnings_to_r(caught)})


# -- symbols ----------------------------------------------------------------------------------


@register("sym_variable")
def sym_variable(name):
    return rsymbol.symbol_to_r(Variable(str(name[0])))


@register("sym_create")
def sym_create(op, inputs, params, name):
    fields = convert.named_list(inputs)
    symbols = rsymbol.load_shared([rsymbol.json_of(v) for v in fields.values()])
    keys = list(fields)
    positional = all(k == "" for k in keys)
    if not positional and any(k == "" for k in keys):
        raise ValueError("Input symbols need to be either positional or key=value style, "
                         "not both")
    attrs = {k.replace(".", "_"): rsymbol.param_from_r(k, v)
             for k, v in convert.named_list(params).items()}
    node_name = convert.scalar(name)
    if positional:
        sym = create(str(op[0]), *symbols, name=node_name, attr=attrs)
    else:
        sym = create(str(op[0]), name=node_name, attr=attrs,
                     **{k.replace(".", "_"): s for k, s in zip(keys, symbols)})
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
    known = {k: tuple(int(d) for d in reversed(list(v))) for k, v in convert.named_list(shapes).items()}
    result = s.infer_shape(**known)
    if result is None:
        return None
    args, outs, aux = result
    as_r = lambda d: convert.make_list({k: convert.r_shape(v) for k, v in d.items()})  # noqa: E731
    out_dict = dict(zip(s.outputs(), outs))
    return convert.make_list({"arg.shapes": as_r(args), "out.shapes": as_r(out_dict),
                              "aux.shapes": as_r(aux)})


@register("sym_load_json")
def sym_load_json(text):
    from ..symbol import load_json
    return rsymbol.symbol_to_r(load_json(str(text[0])))


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
    return with_warnings(fit_from_r, kwargs)


@register("predict")
def predict(model, X, **kwargs):
    return with_warnings(predict_from_r, model, X, kwargs)


@register("model_last")
def model_last():
    last = model_mod.last()
    return None if last is None else model_to_r(last)


# -- files ------------------------------------------------------------------------------------


@register("model_save")
def model_save(model, prefix, iteration):
    persistence.save_model(model_from_r(model), str(prefix[0]), int(iteration[0]))
    return None


@register("model_load")
def model_load(prefix, iteration):
    return model_to_r(persistence.load_model(str(prefix[0]), int(iteration[0])))


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

