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

from . import session

RT = ri.RTYPES

#: R functions used by the conversions, looked up once (kept alive for R, see session.py).
_R_FUNCTIONS: dict[str, Any] = session.hold_r_objects({})


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


def is_ndarray(x: Any) -> bool:
    """True for an MXNDArray (an R environment of class "MXNDArray", see R/ndarray.R).

    Example:
        >>> is_ndarray(nd_to_r(np.ones(2, np.float32))), is_ndarray(ri.FloatSexpVector([1.0]))
        (True, False)
    """
    return getattr(x, "typeof", None) == RT.ENVSXP and "MXNDArray" in r_class(x)


def nd_data(x: Any) -> Any:
    """The R double array inside an MXNDArray; any other R object unchanged.

    Example:
        >>> list(nd_data(nd_to_r(np.array([1, 2], np.float32))))
        [1.0, 2.0]
    """
    return x.find("data") if is_ndarray(x) else x


def as_numpy(x: Any, arg: str = "x") -> np.ndarray:
    """An R numeric/integer/logical vector or array (or an MXNDArray) as numpy, F order.

    Doubles are viewed without copying; integers and logicals become float64 with NA → NaN.
    A bit64 ``integer64`` vector (doubles holding int64 bits) is converted to its values.
    """
    x = nd_data(x)
    dims = r_dims(x) or (len(x),)
    if x.typeof == RT.REALSXP and "integer64" in r_class(x):
        flat = _integer64_values(x, arg)
    elif x.typeof == RT.REALSXP:
        flat = np.asarray(x.memoryview())
    elif x.typeof in (RT.INTSXP, RT.LGLSXP):
        raw = np.asarray(x.memoryview())
        flat = np.where(raw == np.iinfo(np.int32).min, np.nan, raw.astype(np.float64))
    else:
        raise TypeError(f"expected a numeric vector, matrix or array, received an R "
                        f"{_type_name(x)}")
    return flat.reshape(dims, order="F")


_INT64_NA = np.iinfo(np.int64).min  # bit64's NA_integer64_
_EXACT_LIMIT = 2 ** 53  # larger integers are not all representable as doubles


def _integer64_values(x: Any, arg: str) -> np.ndarray:
    """The values of a bit64 ``integer64`` vector as float64 (NA → NaN): read as doubles,
    its int64 bits were numbers near 1e-314. Values beyond 2^53 would be rounded: refused."""
    from ..errors import invalid_argument

    bits = np.asarray(x.memoryview()).view(np.int64)
    missing = bits == _INT64_NA
    too_big = (np.abs(bits) > _EXACT_LIMIT) & ~missing
    if too_big.any():
        flat = bits.ravel(order="K")  # R's element order
        first = int(np.flatnonzero(too_big.ravel(order="K"))[0])
        dims = r_dims(x)
        kind = "matrix" if dims and len(dims) == 2 else "array"
        what = (f"a {' x '.join(map(str, dims))} integer64 {kind}" if dims
                else f"an integer64 vector of length {len(x)}")
        raise invalid_argument(arg, f"{what} holding {int(flat[first])} (element {first + 1})",
                               "integers within +-2^53, which doubles hold exactly (or convert "
                               "it with as.numeric() first)")
    values = bits.astype(np.float64)
    values[missing] = np.nan
    return values


def to_backend(x: Any, arg: str = "x") -> np.ndarray:
    """An R array as a backend array (R dims reversed), zero-copy for doubles."""
    return as_numpy(x, arg).T


def from_backend(a: np.ndarray, cls: str | None = None) -> Any:
    """A backend array as an R double array with ``dim`` = the shape reversed; with
    ``cls="MXNDArray"`` an MXNDArray holding that array (:func:`nd_to_r`).

    Example:
        >>> r = from_backend(np.zeros((2, 3), np.float32)); r_dims(r)
        (3, 2)
    """
    if cls == "MXNDArray":
        return nd_to_r(a)
    a = np.ascontiguousarray(a, dtype=np.float64)
    v = ri.FloatSexpVector(a.reshape(-1))
    if a.ndim >= 1:
        set_attr(v, "dim", ri.IntSexpVector(list(a.shape[::-1])))
    if cls:
        set_attr(v, "class", ri.StrSexpVector([cls]))
    return v


def nd_to_r(a: np.ndarray) -> Any:
    """A backend array as an MXNDArray: R's ``.mx_nd_wrap`` of the R array (R dims).

    Example:
        >>> nd = nd_to_r(np.ones((2, 3), np.float32)); r_class(nd), r_dims(nd_data(nd))
        (['MXNDArray'], (3, 2))
    """
    data = from_backend(a)
    if a.ndim == 0:
        set_attr(data, "dim", ri.IntSexpVector([1]))
    return _nd_wrap()(data)


def _nd_wrap() -> Any:
    """The R package's MXNDArray constructor (looked up once)."""
    if "wrap" not in _R_FUNCTIONS:
        _R_FUNCTIONS["wrap"] = ri.evalr("mxnet:::.mx_nd_wrap")
    return _R_FUNCTIONS["wrap"]


def set_attr(x: Any, name: str, value: Any) -> None:
    """``attr(x, name) <- value`` in place, as R itself sets it.

    rpy2's ``do_slot_assign`` stores the attribute without R's bookkeeping: a "class" set that
    way leaves the object bit unset, and R then crashes printing ``unclass(x)``. R's
    ``setAttrib`` keeps the object consistent (and checks ``dim`` against the length).
    """
    from rpy2.rinterface_lib import openrlib

    rlib = openrlib.rlib
    with openrlib.lock:
        rlib.Rf_setAttrib(x.__sexp__._cdata, rlib.Rf_install(name.encode()),
                          value.__sexp__._cdata)


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


class RLiteral:
    """An R value without a Python counterpart (``NA``, ``NaN``), kept as itself so that a
    message shows what the user passed (``learning.rate=NA``) instead of ``None``.

    Example:
        >>> f"lr={RLiteral('NA')!r}"
        'lr=NA'
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__


def value(x: Any, default: Any = None) -> Any:
    """Like :func:`scalar`, but an ``NA`` or ``NaN`` becomes an :class:`RLiteral` rather than
    None: for values that are checked and reported (hyper-parameters, counts, the fields of
    a callback's answer), where NA must not read as "not given".

    Example:
        >>> value(ri.FloatSexpVector([float("nan")]))
        NaN
    """
    if not is_null(x) and x.typeof in (RT.STRSXP, RT.REALSXP, RT.INTSXP, RT.LGLSXP) \
            and len(x) == 1:
        v = x[0]
        if v is ri.NA_Logical or v is ri.NA_Integer or v is ri.NA_Character or \
                (x.typeof == RT.REALSXP and np.isnan(v)):
            return RLiteral(r_literal(x))
    return scalar(x, default)


def strings(x: Any) -> list[str] | None:
    """A character vector as a list (None for NULL)."""
    return None if is_null(x) else [str(s) for s in x]


def named_list(x: Any) -> dict[str, Any]:
    """An R named list as a dict (NULL → empty)."""
    if is_null(x):
        return {}
    names = list(x.names) if not is_null(x.names) else [""] * len(x)
    return dict(zip((str(n) for n in names), x, strict=True))


def make_list(values: dict[str, Any], cls: str | list[str] | None = None) -> Any:
    """A named R list from a dict of Sexp values, of class ``cls`` (one name or several)."""
    out = ri.ListSexpVector(list(values.values()))
    if values:
        out.names = ri.StrSexpVector(list(values))
    if cls:
        set_attr(out, "class", ri.StrSexpVector([cls] if isinstance(cls, str) else cls))
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
             RT.NILSXP: "NULL", RT.ENVSXP: "environment", RT.S4SXP: "S4 object",
             RT.LGLSXP: "logical vector", RT.INTSXP: "integer vector",
             RT.REALSXP: "numeric vector", RT.CPLXSXP: "complex vector",
             RT.RAWSXP: "raw vector", RT.BUILTINSXP: "function", RT.SPECIALSXP: "function",
             RT.SYMSXP: "symbol", RT.LANGSXP: "call", RT.EXTPTRSXP: "external pointer"}
    return names.get(x.typeof, f"object of type {int(x.typeof)}")


_ATOMIC = (RT.STRSXP, RT.REALSXP, RT.INTSXP, RT.LGLSXP, RT.CPLXSXP)
_NOUNS = {RT.STRSXP: "character", RT.REALSXP: "numeric", RT.INTSXP: "integer",
          RT.LGLSXP: "logical", RT.CPLXSXP: "complex", RT.RAWSXP: "raw", RT.VECSXP: "list"}
_R_NA_REAL_LOW_WORD = 1954  # R's NA_real_ is the NaN whose low 32 bits are 1954


def is_r_na_real(x: Any, index: int = 0) -> bool:
    """Is element ``index`` of the R double vector ``x`` R's ``NA`` (not ``NaN``)?"""
    bits = np.asarray(x.memoryview())[index:index + 1].view(np.uint64)
    return bool(np.isnan(x[index])) and int(bits[0]) & 0xFFFFFFFF == _R_NA_REAL_LOW_WORD


def r_literal(x: Any, index: int = 0) -> str:
    """Element ``index`` of an atomic R vector as R prints it: ``NA``, ``NaN``, ``TRUE``,
    ``1.5``, ``10``, ``"text"``.

    Example:
        >>> r_literal(ri.FloatSexpVector([10.0])), r_literal(ri.StrSexpVector(["a"]))
        ('10', '"a"')
    """
    v = x[index]
    if v is ri.NA_Logical or v is ri.NA_Integer or v is ri.NA_Character:
        return "NA"
    if x.typeof == RT.LGLSXP:
        return "TRUE" if v else "FALSE"
    if x.typeof == RT.STRSXP:
        return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
    if x.typeof == RT.REALSXP:
        if np.isnan(v):
            return "NA" if is_r_na_real(x, index) else "NaN"
        return {float("inf"): "Inf", float("-inf"): "-Inf"}.get(v, format(v, ".15g"))
    if x.typeof == RT.CPLXSXP:
        return f"{format(v.real, '.15g')}{format(v.imag, '+.15g')}i"
    return str(v)


def describe_r(x: Any) -> str:
    """An R value in words, for error messages: a scalar as R prints it (``NA``, ``NaN``,
    ``1.5``, ``"FALSE"``), anything else by its R type and size (``a 4 x 2 complex matrix``,
    ``a numeric vector of length 3``, ``an R function``, ``NULL``).

    Example:
        >>> describe_r(ri.FloatSexpVector([1.0, 2.0]))
        'a numeric vector of length 2'
    """
    if is_null(x):
        return "NULL"
    typeof = getattr(x, "typeof", None)
    if typeof is None:
        return repr(x)
    dims = r_dims(x) if typeof in _NOUNS else None
    if dims is not None:
        kind = "matrix" if len(dims) == 2 else "array"
        return f"a {' x '.join(map(str, dims))} {_NOUNS[typeof]} {kind}"
    if typeof in _ATOMIC and len(x) == 1:
        return r_literal(x)
    if typeof in _NOUNS:
        return f"a{'n' if _NOUNS[typeof][0] in 'aeiou' else ''} {_type_name(x)} of length {len(x)}"
    return f"an R {_type_name(x)}"


def to_r(value: Any) -> Any:
    """A plain Python value as R: None, bool, int, float, str, arrays (backend order → R dims),
    and dicts / lists / tuples of those (named / unnamed R lists).

    Example:
        >>> r = to_r({"a": 1, "b": [np.zeros(2), None]}); list(r.names)
        ['a', 'b']
    """
    if value is None:
        return ri.NULL
    if isinstance(value, (bool, np.bool_)):
        return ri.BoolSexpVector([bool(value)])
    if isinstance(value, (int, np.integer)):
        v = int(value)
        return ri.IntSexpVector([v]) if -(2**31) < v < 2**31 else ri.FloatSexpVector([float(v)])
    if isinstance(value, (float, np.floating)):
        return ri.FloatSexpVector([float(value)])
    if isinstance(value, str):
        return ri.StrSexpVector([value])
    if isinstance(value, np.ndarray):
        return from_backend(value, "MXNDArray")
    if isinstance(value, dict):
        return make_list({str(k): to_r(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, str) for v in value):
            return ri.StrSexpVector(list(value))
        return ri.ListSexpVector([to_r(v) for v in value])
    raise TypeError(f"cannot convert a Python {type(value).__name__} to R")


class Handles:
    """Python objects that R holds by number (iterators, updaters, training environments).

    R wraps the number in an environment; once R has garbage-collected it, R/handle.R calls the
    ``handle_free`` entry point, so an object lives as long as R can reach it.

    Example:
        >>> h = HANDLES.add(object()); HANDLES.get(h) is not None, len(HANDLES)
        (True, 1)
    """

    def __init__(self) -> None:
        self._objects: dict[int, Any] = {}
        self._next = 1

    def add(self, obj: Any) -> int:
        h = self._next
        self._next += 1
        self._objects[h] = obj
        return h

    def get(self, h: Any, kind: type | tuple[type, ...] = object) -> Any:
        key = int(h[0]) if hasattr(h, "typeof") else int(h)
        obj = self._objects.get(key)
        if obj is None or not isinstance(obj, kind):
            raise ValueError(f"handle {key} does not refer to a live object (it was freed, or it "
                             f"comes from another R session)")
        return obj

    def free(self, h: Any) -> None:
        self._objects.pop(int(h[0]) if hasattr(h, "typeof") else int(h), None)

    def __len__(self) -> int:
        return len(self._objects)


#: The process-wide handle table.
HANDLES = Handles()
