"""Training data from R: matrices and arrays, labels, and R data iterators.

The built-in iterators (``mx.io.arrayiter``, ``mx.io.CSVIter``, ...) are Python iterators
already (held through a handle); any other R object used as an iterator (a reference class
that contains ``Rcpp_MXArrayDataIter``, a list of functions) is driven through its R methods
and its answers are checked (:class:`RDataIter`).

A batch value crosses the bridge in one place each way: :func:`batch_value_to_r` (what
``value()`` gives R users) and :func:`batch_value_from_r` (what an R iterator's ``value()``
gave back). Both are MXNDArray, R's NDArray class."""

from __future__ import annotations

from typing import Any

import numpy as np
import rpy2.rinterface as ri

from .. import io
from ..errors import MXValueError, invalid_argument, invalid_shape, invalid_value
from . import convert, session
from .closures import call_r_closure, ns_function

RT = convert.RT


def data_from_r(x: Any, arg: str) -> np.ndarray:
    """R training data: a 2-D matrix keeps R's (nrow, ncol) view, so the layout rules apply
    unchanged; an array of higher rank becomes backend order (samples first). An MXNDArray
    (``mx.io.extract(iter, "data")``, as MXNet's test_model.R predicts from) is read as
    its array."""
    x = convert.nd_data(x)
    if convert.is_null(x):
        raise invalid_value(arg, "NULL", "a numeric matrix or array")
    if x.typeof not in (RT.REALSXP, RT.INTSXP, RT.LGLSXP):
        raise invalid_argument(arg, convert.describe_r(x),
                               "a numeric matrix or array (data.frames: use data.matrix())")
    a = convert.as_numpy(x, arg)
    return a if a.ndim == 2 else a.T


def label_from_r(y: Any) -> np.ndarray | None:
    """Labels: a vector, or a k x n matrix (backend (n, k)), or an MXNDArray of either."""
    y = convert.nd_data(y)
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

#: R's native iterator functions: mx.io.<name>(...) -> the Python class.
NATIVE = {"CSVIter": io.CSVIter, "MNISTIter": io.MNISTIter}


def batch_value_to_r(a: np.ndarray) -> Any:
    """A batch field as R sees it in ``value()``: an MXNDArray (R/ndarray.R) holding a copy
    of the backend buffer, with R's dims.

    Example:
        >>> v = batch_value_to_r(np.zeros((100, 784), np.float32))
        >>> convert.r_class(v), convert.r_dims(convert.nd_data(v))
        (['MXNDArray'], (784, 100))
    """
    return convert.nd_to_r(np.asarray(a, np.float32))


def batch_value_from_r(v: Any) -> np.ndarray | None:
    """A field of an R iterator's ``value()`` as float32 backend order, or None when it is
    not an MXNDArray.

    Example:
        >>> batch_value_from_r(batch_value_to_r(np.zeros((2, 3), np.float32))).shape
        (2, 3)
    """
    if not convert.is_ndarray(v):
        return None
    data = convert.nd_data(v)
    if data.typeof not in (RT.REALSXP, RT.INTSXP):
        return None
    return np.ascontiguousarray(convert.to_backend(data), np.float32)


def r_iterator(it: io.DataIter) -> Any:
    """The R object (R/io.R) for a Python iterator.

    Example:
        >>> r_iterator(io.ArrayIter(np.zeros((4, 2)), np.zeros(4), batch_size=2))  # doctest: +SKIP
    """
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

    Example:
        >>> it = iter_from_r(r_object, "eval.data")      # doctest: +SKIP
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


def eval_data_from_r(eval_data: Any) -> Any:
    if convert.is_null(eval_data):
        return None
    it = iter_from_r(eval_data, "eval.data")
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
