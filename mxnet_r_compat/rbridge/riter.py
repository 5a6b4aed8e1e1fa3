"""The entry points behind R/io.R: the built-in iterators (``mx.io.arrayiter``,
``mx.io.CSVIter``, ``mx.io.MNISTIter``) held by handle, and their methods. R objects used as
iterators, and the conversion of batch values, are in rdata.py."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import io
from ..errors import MXTypeError, MXValueError, invalid_value
from . import convert
from .export import register
from .rdata import NATIVE, batch_value_to_r, label_from_r

RT = convert.RT

def _native_arg(key: str, value: Any) -> Any:
    """An argument of mx.io.CSVIter(...) as Python takes it: shapes reversed (R dims), one
    value for a length-one vector, NULL as None."""
    if convert.is_null(value):
        return None
    if key.endswith("shape"):
        if value.typeof not in (RT.REALSXP, RT.INTSXP):
            raise invalid_value(key, f"an R {convert._type_name(value)}",
                                "a numeric vector of dims, such as c(28, 28, 1)")
        return tuple(float(v) for v in reversed(list(value)))
    if value.typeof in (RT.REALSXP, RT.INTSXP, RT.LGLSXP, RT.STRSXP) and len(value) == 1:
        return convert.scalar(value)
    if value.typeof == RT.STRSXP:
        return [str(v) for v in value]
    return value


@register("iter_native")
def iter_native(kind, *args, **kwargs):
    name = str(kind[0])
    if args:
        raise MXTypeError(f"mx.io.{name} only accepts key=value style arguments, such as "
                          f"mx.io.{name}(batch.size = 100, ...)")
    from .._args import normalize_kwargs
    cls = NATIVE[name]
    given = {k: _native_arg(k, v) for k, v in kwargs.items()}
    return convert.HANDLES.add(cls(**normalize_kwargs(cls.__init__, given, f"mx.io.{name}")))


@register("iter_create")
def iter_create(data, label, batch_size, shuffle, num_parts=None, part_index=None):
    if convert.is_null(label):
        raise MXValueError("Invalid value for argument `label`. Received: label=NULL. Expected "
                           "a numeric vector or matrix with one entry (column) per sample.")
    it = io.ArrayIter(np.ascontiguousarray(convert.to_backend(data), np.float32),
                      label_from_r(label), convert.scalar(batch_size),
                      shuffle=bool(convert.scalar(shuffle, False)),
                      num_parts=convert.scalar(num_parts, 1) if num_parts is not None else 1,
                      part_index=convert.scalar(part_index, 0) if part_index is not None else 0)
    return convert.HANDLES.add(it)


@register("iter_init")
def iter_init(X, y, batch_size, is_train):
    y_backend = label_from_r(y)
    it = io.init_iter(np.ascontiguousarray(convert.to_backend(X), np.float32), y_backend,
                      int(convert.scalar(batch_size)), bool(convert.scalar(is_train)))
    return convert.HANDLES.add(it)


@register("iter_call")
def iter_call(h, method):
    it = convert.HANDLES.get(h, io.DataIter)
    name = str(method[0])
    if name == "reset":
        it.reset()
        return None
    if name == "iter_next":
        return bool(it.iter_next())
    if name == "num_pad":
        return int(it.num_pad())
    if name == "value":
        return convert.make_list({k: batch_value_to_r(v) for k, v in it.arrays().items()})
    if name == "finalize":
        it.finalize()
        return None
    if name == "info":
        info = getattr(it, "info", None)
        return convert.to_r(info() if info else {
            "kind": type(it).__name__, "num.data": getattr(it, "num_data", None),
            "batch.size": it.batch_size, "num.batches": getattr(it, "num_batches", None)})
    raise ValueError(f"unknown iterator method {name!r}")


@register("iter_extract")
def iter_extract(h, field):
    it = convert.HANDLES.get(h, io.DataIter)
    return batch_value_to_r(io.extract(it, str(field[0])))
