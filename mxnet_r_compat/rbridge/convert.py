"""Conversions between R objects (rpy2 ``rinterface``) and numpy / Python values.

This module and the R wrappers are the only places that know R's dimension
order. An R array with ``dim = c(d1, ..., dk)`` holds the same bytes as a
backend (C-order) array of shape ``(dk, ..., d1)``, so moving between them is
a transpose view, never a reordering copy.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import rpy2.rinterface as ri

RT = ri.RTYPES


def is_null(x: Any) -> bool:
    """True for R's NULL (or a missing Python value)."""
    return x is None or x is ri.NULL or getattr(x, "typeof", None) == RT.NILSXP


def r_dims(x: Any) -> tuple[int, ...] | None:
    """``dim(x)`` as a tuple, or None for a plain vector."""
    d = x.do_slot("dim") if "dim" in list(x.list_attrs()) else None
    return None if d is None else tuple(int(v) for v in d)


def r_class(x: Any) -> list[str]:
    """The R class attribute (empty list when there is none)."""
    return list(x.do_slot("class")) if "class" in list(x.list_attrs()) else []


def as_numpy(x: Any) -> np.ndarray:
    """An R numeric/integer/logical vector or array as numpy, in R's dim order (F order).

    Doubles are viewed without copying; integers and logicals become float64 with NA → NaN.
    """
    dims = r_dims(x) or (len(x),)
    if x.typeof == RT.REALSXP:
        flat = np.asarray(x.memoryview())
    elif x.typeof in (RT.INTSXP, RT.LGLSXP):
        raw = np.asarray(x.memoryview())
        flat = np.where(raw == np.iinfo(np.int32).min, np.nan, raw.astype(np.float64))
    else:
        raise TypeError(f"expected a numeric vector, matrix or array, received an R "
                        f"{_type_name(x)}")
    return flat.reshape(dims, order="F")


def to_backend(x: Any) -> np.ndarray:
    """An R array as a backend array (R dims reversed), zero-copy for doubles."""
    return as_numpy(x).T


def from_backend(a: np.ndarray, cls: str | None = None) -> Any:
    """A backend array as an R double array with ``dim`` = the shape reversed.

    Example:
        >>> r = from_backend(np.zeros((2, 3), np.float32)); r_dims(r)
        (3, 2)
    """
    a = np.ascontiguousarray(a, dtype=np.float64)
    v = ri.FloatSexpVector(a.reshape(-1))
    if a.ndim >= 1:
        v.do_slot_assign("dim", ri.IntSexpVector(list(a.shape[::-1])))
    if cls:
        v.do_slot_assign("class", ri.StrSexpVector([cls]))
    return v


def scalar(x: Any, default: Any = None) -> Any:
    """First element of an R vector as a Python value (None for NULL / NA)."""
    if is_null(x):
        return default
    if x.typeof in (RT.STRSXP, RT.REALSXP, RT.INTSXP, RT.LGLSXP):
        if len(x) == 0:
            return default
        v = x[0]
        if v is ri.NA_Logical or v is ri.NA_Integer or v is ri.NA_Character:
            return None
        if x.typeof == RT.LGLSXP:
            return bool(v)
        if x.typeof == RT.REALSXP and np.isnan(v):
            return None
        return v
    return x


def strings(x: Any) -> list[str] | None:
    """A character vector as a list (None for NULL)."""
    return None if is_null(x) else [str(s) for s in x]


def named_list(x: Any) -> dict[str, Any]:
    """An R named list as a dict (NULL → empty)."""
    if is_null(x):
        return {}
    names = list(x.names) if not is_null(x.names) else [""] * len(x)
    return dict(zip((str(n) for n in names), x))


def make_list(values: dict[str, Any], cls: str | None = None) -> Any:
    """A named R list from a dict of Sexp values."""
    out = ri.ListSexpVector(list(values.values()))
    if values:
        out.names = ri.StrSexpVector(list(values))
    if cls:
        out.do_slot_assign("class", ri.StrSexpVector([cls]))
    return out


def params_to_r(params: dict[str, np.ndarray]) -> Any:
    """Parameters as a named list of MXNDArray (R arrays in R order)."""
    return make_list({k: from_backend(v, "MXNDArray") for k, v in params.items()})


def params_from_r(x: Any) -> dict[str, np.ndarray] | None:
    """A named list of R arrays (parameters) in backend order; None for NULL."""
    if is_null(x):
        return None
    return {k: np.ascontiguousarray(to_backend(v), dtype=np.float32)
            for k, v in named_list(x).items()}


def r_shape(shape: tuple[int, ...]) -> Any:
    """A backend shape as an R integer vector of R dims."""
    return ri.IntSexpVector([int(s) for s in shape[::-1]])


def _type_name(x: Any) -> str:
    names = {RT.STRSXP: "character vector", RT.VECSXP: "list", RT.CLOSXP: "function",
             RT.NILSXP: "NULL", RT.ENVSXP: "environment", RT.S4SXP: "S4 object"}
    return names.get(x.typeof, str(x.typeof))
