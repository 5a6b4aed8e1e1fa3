"""Entry points of MXNet R's low-level API (R/executor.R, R/kvstore.R): executors bound from
R, and the local key-value store.

An R ``MXExecutor`` holds a handle to a :class:`~..engine.lowlevel.BoundExecutor`; its arrays
cross to R as MXNDArrays (copies) when R reads ``exec$arg.arrays`` and friends, and R's
arrays are copied in by ``mx.exec.update.*.arrays``. Shapes cross in R order (reversed).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import rpy2.rinterface as ri

from ..engine import lowlevel
from ..dist.kvstore import create as create_kvstore
from ..engine.kvstore import KVStore
from ..learn.optimizer import Optimizer
from . import convert, rsymbol
from .export import register
from .rvalues import optimizer_from_r


def _arrays_from_r(x: Any) -> list[Any] | dict[str, Any]:
    """An R list of MXNDArrays (NULL entries kept as None) as backend arrays."""
    values = [None if convert.is_null(v) else np.ascontiguousarray(convert.to_backend(v),
                                                                     np.float32)
              for v in (list(x) if not convert.is_null(x) else [])]
    names = None if convert.is_null(x) or convert.is_null(x.names) else [str(n) for n in x.names]
    if names and all(names):
        return dict(zip(names, values, strict=True))
    return values


def _reqs_from_r(x: Any) -> Any:
    reqs = [str(v[0]) if hasattr(v, "typeof") else str(v) for v in list(x)]
    return reqs[0] if len(reqs) == 1 else reqs


def _list_to_r(arrays: dict[str, Any]) -> Any:
    return convert.make_list({k: ri.NULL if v is None else convert.nd_to_r(np.asarray(v))
                              for k, v in arrays.items()})


@register("exec_simple_bind")
def exec_simple_bind(sym, grad_req, fixed_param, shapes):
    fixed = [str(v) for v in fixed_param] if not convert.is_null(fixed_param) else []
    known = {k: tuple(int(d) for d in reversed(list(v)))
             for k, v in convert.named_list(shapes).items()}
    ex = lowlevel.simple_bind(rsymbol.symbol_from_r(sym), grad_req=_reqs_from_r(grad_req),
                              fixed_param=fixed, **known)
    return convert.HANDLES.add(ex)


@register("exec_bind")
def exec_bind(sym, arg_arrays, aux_arrays, grad_reqs):
    symbol = rsymbol.symbol_from_r(sym)
    args = _arrays_from_r(arg_arrays)
    if isinstance(args, dict):  # MXNet R matches arg.arrays by position, whatever the names
        args = list(args.values())
    aux = _arrays_from_r(aux_arrays)
    ex = lowlevel.bind(symbol, arg_arrays=args, aux_arrays=list(aux.values())
                       if isinstance(aux, dict) else aux, grad_reqs=_reqs_from_r(grad_reqs))
    return convert.HANDLES.add(ex)


@register("exec_forward")
def exec_forward(h, is_train):
    convert.HANDLES.get(h, lowlevel.BoundExecutor).forward(bool(convert.scalar(is_train)))
    return None


@register("exec_backward")
def exec_backward(h, out_grads):
    ex = convert.HANDLES.get(h, lowlevel.BoundExecutor)
    heads = _arrays_from_r(out_grads)
    ex.backward(None if not heads else list(heads.values()) if isinstance(heads, dict)
                else heads)
    return None


@register("exec_update")
def exec_update(h, kind, arrays, match_name, skip_null):
    ex = convert.HANDLES.get(h, lowlevel.BoundExecutor)
    values = _arrays_from_r(arrays)
    match = bool(convert.scalar(match_name))
    if isinstance(values, dict) and not match:
        values = list(values.values())
    ex.update_arrays(str(kind[0]), values, match, bool(convert.scalar(skip_null)))
    return None


@register("exec_arrays")
def exec_arrays(h, kind):
    ex = convert.HANDLES.get(h, lowlevel.BoundExecutor)
    what = str(kind[0])
    if what == "outputs":
        return _list_to_r(dict(zip(ex.symbol.outputs(), ex.outputs, strict=True)))
    return _list_to_r({"arg": ex.arg_arrays, "grad": ex.grad_arrays,
                       "aux": ex.aux_arrays}[what])


@register("opt_update_one")
def opt_update_one(h, index, weight, grad):
    """One step of weight ``index`` (an optimizer's ``update`` in MXNet R); the new weight."""
    opt = convert.HANDLES.get(h, Optimizer)
    w = np.array(convert.to_backend(weight), dtype=np.float32, order="C")
    if not convert.is_null(grad):
        opt.update(int(convert.scalar(index)), w,
                   np.ascontiguousarray(convert.to_backend(grad), np.float32))
    return convert.nd_to_r(w)


@register("sym_arith")
def sym_arith(sym, other, op, reverse):
    """``sym op other`` (or ``other op sym`` when reverse) for R's Ops.MXSymbol."""
    rhs = rsymbol.symbol_from_r(other) if "MXSymbol" in convert.r_class(other) \
        else float(convert.scalar(other))
    if isinstance(rhs, float):
        return rsymbol.symbol_to_r(rsymbol.symbol_from_r(sym)._arith(
            rhs, str(op[0]), bool(convert.scalar(reverse))))
    lhs, rhs_sym = rsymbol.load_shared([rsymbol.json_of(sym), rsymbol.json_of(other)])
    return rsymbol.symbol_to_r(lhs._arith(rhs_sym, str(op[0]), bool(convert.scalar(reverse))))


# -- the local key-value store ----------------------------------------------------------------


@register("kv_create")
def kv_create(kind):
    return convert.HANDLES.add(create_kvstore(str(kind[0])))


def _keys(keys: Any) -> list[int]:
    return [int(k) for k in keys]


@register("kv_init")
def kv_init(h, keys, values):
    kv = convert.HANDLES.get(h, KVStore)
    arrays = _arrays_from_r(values)
    kv.init(_keys(keys), list(arrays.values()) if isinstance(arrays, dict) else arrays)
    return None


def _per_device(dlists: Any) -> list[list[np.ndarray]]:
    """R's list over devices of lists over keys -> per key, the list over devices."""
    devices = [_arrays_from_r(d) for d in dlists]
    devices = [list(d.values()) if isinstance(d, dict) else d for d in devices]
    return [list(per_key) for per_key in zip(*devices, strict=True)]


@register("kv_push")
def kv_push(h, keys, dlists, priority):
    convert.HANDLES.get(h, KVStore).push(_keys(keys), _per_device(dlists))
    return None


@register("kv_pull")
def kv_pull(h, keys):
    """The stored values of ``keys`` as MXNDArrays (R writes them into each device's arrays)."""
    kv = convert.HANDLES.get(h, KVStore)
    return ri.ListSexpVector([convert.nd_to_r(kv.pull(k)) for k in _keys(keys)])


@register("kv_set_optimizer")
def kv_set_optimizer(h, optimizer):
    convert.HANDLES.get(h, KVStore).set_optimizer(optimizer_from_r(optimizer))
    return None


@register("kv_info")
def kv_info(h):
    kv = convert.HANDLES.get(h, KVStore)
    return convert.to_r({"type": kv.type, "rank": getattr(kv, "rank", 0),
                         "num.workers": getattr(kv, "num_workers", 1)})
