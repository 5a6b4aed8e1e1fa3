"""Training data from R: matrices and arrays, labels, and R data iterators.

Iterators from ``mx.io.arrayiter`` are Python iterators already (held through a handle);
any other R object of an iterator class is driven through its R methods
(:class:`RDataIter`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import rpy2.rinterface as ri

from .. import io
from ..errors import MXValueError, invalid_argument, invalid_shape, invalid_value
from . import convert, session
from .closures import call_r_closure

RT = convert.RT


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


def eval_data_from_r(eval_data: Any) -> Any:
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
