"""Data iterators from R: the built-in ones (held by handle), R objects used as iterators
(reference classes that contain ``Rcpp_MXArrayDataIter``, lists of functions), and the
entry points behind R/io.R.

A batch value crosses the bridge in one place each way: :func:`batch_value_to_r` (what
``value()`` gives R users) and :func:`batch_value_from_r` (what an R iterator's ``value()``
gave back). Both are MXNDArray, R's NDArray class.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import rpy2.rinterface as ri

from .. import io
from ..errors import MXTypeError, MXValueError, invalid_value
from . import convert, session
from .closures import call_r_closure, ns_function
from .export import register

RT = convert.RT

#: R classes that is.mx.dataiter() accepts (R/io.R).
ITER_CLASSES = ("MXDataIter", "MXArrayDataIter", "MXNativeDataIter", "Rcpp_MXArrayDataIter",
                "Rcpp_MXNativeDataIter")

#: The R class of batch values.
NDARRAY_CLASS = "MXNDArray"

#: R's native iterator functions: mx.io.<name>(...) -> the Python class.
NATIVE = {"CSVIter": io.CSVIter, "MNISTIter": io.MNISTIter}


def batch_value_to_r(a: np.ndarray) -> Any:
    """A batch field as R sees it in ``value()``: an MXNDArray with R's dims."""
    return convert.from_backend(a, NDARRAY_CLASS)


def batch_value_from_r(v: Any) -> np.ndarray | None:
    """A field of an R iterator's ``value()`` as float32 backend order, or None when it is
    not an MXNDArray."""
    if NDARRAY_CLASS not in convert.r_class(v) or v.typeof not in (RT.REALSXP, RT.INTSXP):
        return None
    return np.ascontiguousarray(convert.to_backend(v), np.float32)


def label_from_r(y: Any) -> np.ndarray | None:
    """Labels: a vector, or a k x n matrix (backend (n, k))."""
    if convert.is_null(y):
        return None
    if y.typeof not in (RT.REALSXP, RT.INTSXP, RT.LGLSXP):
        raise invalid_value("y", f"an R {convert._type_name(y)}", "a numeric vector or matrix")
    return convert.to_backend(y)


def r_iterator(it: io.DataIter) -> Any:
    """The R object (R/io.R) for a Python iterator."""
    native = isinstance(it, tuple(NATIVE.values()))
    classes = ["MXNativeDataIter" if native else "MXArrayDataIter", "MXDataIter"]
    return session.call_r(ns_function(".mx_dataiter"), convert.HANDLES.add(it),
                          ri.StrSexpVector(classes))


def handle_id(h: Any) -> int:
    """The number inside an R handle environment (R/handle.R)."""
    return int(ri.baseenv["get"](ri.StrSexpVector(["id"]), envir=h)[0])


def iter_from_r(x: Any, role: str = "X") -> io.DataIter | None:
    """The Python iterator behind an R data iterator, or None when ``x`` is not one.

    Built-in iterators (mx.io.arrayiter, mx.io.CSVIter, ...) are Python iterators already;
    any other R object that is.mx.dataiter() accepts or that has the methods reset(),
    iter.next() and value() is driven through R, its answers checked (:class:`RDataIter`).
    """
    if convert.is_null(x):
        return None
    if x.typeof == RT.VECSXP and "handle" in convert.named_list(x) and \
            any(c in ITER_CLASSES for c in convert.r_class(x)):
        return convert.HANDLES.get(handle_id(convert.named_list(x)["handle"]), io.DataIter)
    if not convert.scalar(session.call_r(ns_function(".mx_is_iter_like"), x), False):
        return None
    return RDataIter(x, role)


class RDataIter(io.CheckedIter):
    """An R object used as a data iterator; every answer is checked (io/user_iter.py)."""

    spelling = {"reset": "reset", "iter_next": "iter.next", "value": "value",
                "num_pad": "num.pad", "finalize": "finalize"}
    expected_value = ("a named list of MXNDArray with one entry per input and label, such "
                      "as list(data = mx.nd.array(x), label = mx.nd.array(y))")
    wrap_hint = "MXNDArray values (wrap R arrays with mx.nd.array())"

    def __init__(self, robj: Any, role: str = "X") -> None:
        super().__init__(role)
        get = ns_function(".mx_iter_method")
        self._methods = {m: session.call_r(get, robj, ri.StrSexpVector([r]))
                         for m, r in self.spelling.items()}
        missing = [f"{self.spelling[m]}()" for m in ("reset", "iter_next", "value")
                   if convert.is_null(self._methods[m])]
        if missing:
            raise invalid_value(role, f"an R {convert.r_class(robj)[:1] or [robj.typeof]} "
                                f"object without {', '.join(missing)}",
                                "a data iterator such as mx.io.arrayiter(...), or an object "
                                "with the methods reset(), iter.next(), value() and num.pad()")
        self.robj = robj

    def _call(self, method: str) -> Any:
        fn = self._methods[method]
        if convert.is_null(fn):
            return ri.IntSexpVector([0]) if method == "num_pad" else ri.NULL
        return call_r_closure(fn, (), f"{self._name(method)} of {self.owner}")

    def _logical(self, res: Any) -> bool | None:
        value = self._scalar(res, (RT.LGLSXP, RT.INTSXP, RT.REALSXP))
        return None if value is None else bool(value)

    def _whole(self, res: Any) -> int | None:
        value = self._scalar(res, (RT.INTSXP, RT.REALSXP))
        return int(value) if value is not None and float(value).is_integer() else None

    def _scalar(self, res: Any, types: tuple) -> Any:
        if res.typeof not in types or len(res) != 1 or convert.r_class(res):
            return None
        return convert.scalar(res)

    def _fields(self, value: Any) -> dict[str, Any] | None:
        if value.typeof != RT.VECSXP or convert.r_class(value) or convert.is_null(value.names):
            return None
        fields = convert.named_list(value)
        return None if "" in fields else fields

    def _field(self, v: Any) -> np.ndarray | None:
        return batch_value_from_r(v)

    def describe(self, v: Any) -> str:
        return str(session.call_r(ns_function(".mx_describe"), v)[0])

    def shape_text(self, shape: tuple[int, ...]) -> str:
        return f"dim c({', '.join(str(d) for d in reversed(shape))})"


# -- entry points -----------------------------------------------------------------------------

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
def iter_create(data, label, batch_size, shuffle):
    if convert.is_null(label):
        raise MXValueError("Invalid value for argument `label`. Received: label=NULL. Expected "
                           "a numeric vector or matrix with one entry (column) per sample.")
    it = io.ArrayIter(np.ascontiguousarray(convert.to_backend(data), np.float32),
                      label_from_r(label), convert.scalar(batch_size),
                      shuffle=bool(convert.scalar(shuffle, False)))
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
