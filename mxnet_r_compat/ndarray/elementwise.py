"""Elementwise NDArray operators: arithmetic and comparisons (with arrays of one shape or a
number on either side), unary math, clip, and the broadcast_* family.

Every function runs one C kernel (native/binary.h, unary.h, broadcast.h) into a fresh
float32 buffer, or into ``out`` when it is given (MXNet's ``out=``). Mismatched shapes are an
error, as in MXNet; broadcasting is explicit (``broadcast_add`` and friends).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from .._lib import ffi, lib
from ..errors import MXShapeError, MXTypeError, MXValueError
from ..ops import shape_rules
from .array import NDArray, _wrap, as_ndarray, native

#: MXNet's symbol for each binary operator (for messages) and its C code.
BINARY = {"+": "ADD", "-": "SUB", "*": "MUL", "/": "DIV", "**": "POW", "%": "MOD",
          "maximum": "MAXIMUM", "minimum": "MINIMUM", "==": "EQ", "!=": "NE", ">": "GT",
          ">=": "GE", "<": "LT", "<=": "LE"}


_CODES = {symbol: int(getattr(lib, "MXC_BINARY_" + name)) for symbol, name in BINARY.items()}


def op_code(symbol: str) -> int:
    """The C operator code (``MXC_BINARY_*``) of a binary operator symbol such as ``"+"``.

    Example:
        >>> op_code("+") == lib.MXC_BINARY_ADD
        True
    """
    return _CODES[symbol]


def _target(out: NDArray | None, shape: tuple[int, ...], op: str) -> NDArray:
    if out is None:
        return _wrap(np.empty(shape, np.float32))
    if not isinstance(out, NDArray) or out.shape != shape:
        got = out.shape if isinstance(out, NDArray) else type(out).__name__
        raise MXShapeError(f"{op}: `out` must be an NDArray of shape {shape}; received {got}.")
    return out


def mismatch(symbol: str, a: tuple[int, ...], b: tuple[int, ...]) -> MXShapeError:
    """The error for arrays of different shapes in an elementwise operator.

    Example:
        >>> str(mismatch("+", (2, 3), (3,)))[:45]
        'Shapes do not match for `+`: (2, 3) and (3,).'
    """
    return MXShapeError(
        f"Shapes do not match for `{symbol}`: {a} and {b}. Elementwise operators need arrays "
        f"of the same shape, as in MXNet: use mx.nd.reshape() to make them equal, or a "
        f"broadcast operator (mx.nd.broadcast_add, broadcast_mul, ...) to broadcast.")


def _is_number(x: Any) -> bool:
    t = type(x)
    return t is float or t is int or (isinstance(x, numbers.Real) and not isinstance(x, NDArray))


def binary(lhs: Any, rhs: Any, symbol: str, out: NDArray | None = None) -> NDArray:
    """``lhs <symbol> rhs`` where either side may be a number (MXNet's ``_plus``,
    ``_plus_scalar``, ``_rminus_scalar``, ...); arrays must have the same shape.

    Example:
        >>> binary(2, mx.nd.array([1, 4]), "/").asnumpy()
        array([2. , 0.5], dtype=float32)
    """
    code = _CODES[symbol]
    if _is_number(rhs) and isinstance(lhs, NDArray):
        return _scalar(lhs, float(rhs), code, 0, symbol, out)
    if _is_number(lhs) and isinstance(rhs, NDArray):
        return _scalar(rhs, float(lhs), code, 1, symbol, out)
    a, b = as_ndarray(lhs, "lhs"), as_ndarray(rhs, "rhs")
    if out is None:
        return _same_shape(a, b, code, symbol)
    if a._data.shape != b._data.shape:
        raise mismatch(symbol, a.shape, b.shape)
    res = _target(out, a._data.shape, symbol)
    if a._data.size:
        native(lib.mxc_elemwise_binary_forward(res._ptr, a._ptr, b._ptr, a._data.size, code),
               symbol)
    return res


def _scalar(a: NDArray, s: float, code: int, reverse: int, symbol: str,
            out: NDArray | None) -> NDArray:
    data = a._data
    res = _wrap(np.empty(data.shape, np.float32)) if out is None else \
        _target(out, data.shape, symbol)
    n = data.size
    if n:
        rc = lib.mxc_binary_scalar_forward(res._ptr, a._ptr, n, s, code, reverse)
        if rc:
            native(rc, symbol)
    return res


def _same_shape(a: NDArray, b: NDArray, code: int, symbol: str) -> NDArray:
    shape = a._data.shape
    if b._data.shape != shape:
        raise mismatch(symbol, shape, b._data.shape)
    res = _wrap(np.empty(shape, np.float32))
    n = a._data.size
    if n:
        rc = lib.mxc_elemwise_binary_forward(res._ptr, a._ptr, b._ptr, n, code)
        if rc:
            native(rc, symbol)
    return res


def maximum(lhs: Any, rhs: Any, out: NDArray | None = None) -> NDArray:
    """Elementwise maximum of two arrays of one shape, or of an array and a number.

    Example:
        >>> mx.nd.maximum(mx.nd.array([1, 5]), 3).asnumpy()
        array([3., 5.], dtype=float32)
    """
    return binary(lhs, rhs, "maximum", out)


def minimum(lhs: Any, rhs: Any, out: NDArray | None = None) -> NDArray:
    """Elementwise minimum of two arrays of one shape, or of an array and a number.

    Example:
        >>> mx.nd.minimum(mx.nd.array([1, 5]), 3).asnumpy()
        array([1., 3.], dtype=float32)
    """
    return binary(lhs, rhs, "minimum", out)


def power(base: Any, exp: Any, out: NDArray | None = None) -> NDArray:
    """``base ** exp`` elementwise; either may be a number.

    Example:
        >>> mx.nd.power(mx.nd.array([2, 3]), 2).asnumpy()
        array([4., 9.], dtype=float32)
    """
    return binary(base, exp, "**", out)


# -------------------------------------------------------------------------------------------
# Unary functions and clip


def unary(data: Any, name: str, out: NDArray | None = None) -> NDArray:
    """One of the unary functions (``MXC_UNARY_<NAME>``) of ``data``.

    Example:
        >>> unary(mx.nd.array([4, 9]), "sqrt").asnumpy()
        array([2., 3.], dtype=float32)
    """
    x = as_ndarray(data)
    res = _target(out, x._data.shape, name)
    if x._data.size:
        native(lib.mxc_unary_forward(res._ptr, x._ptr, x._data.size, UNARY[name]), name)
    return res


#: Python name -> C code of every unary function (see native/unary.h).
UNARY = {name: int(getattr(lib, "MXC_UNARY_" + code)) for name, code in {
    "identity": "COPY", "negative": "NEGATIVE", "abs": "ABS", "sign": "SIGN",
    "square": "SQUARE", "sqrt": "SQRT", "rsqrt": "RSQRT", "exp": "EXP", "log": "LOG",
    "log2": "LOG2", "log10": "LOG10", "expm1": "EXPM1", "log1p": "LOG1P", "round": "ROUND",
    "floor": "FLOOR", "ceil": "CEIL", "trunc": "TRUNC", "fix": "TRUNC", "sin": "SIN",
    "cos": "COS", "tan": "TAN", "arcsin": "ARCSIN", "arccos": "ARCCOS", "arctan": "ARCTAN",
    "sinh": "SINH", "cosh": "COSH", "tanh": "TANH", "reciprocal": "RECIPROCAL",
    "sigmoid": "SIGMOID", "relu": "RELU"}.items()}


def _make_unary(name: str) -> Callable[..., NDArray]:
    def fn(data: Any, out: NDArray | None = None) -> NDArray:
        return unary(data, name, out)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"``{name}`` of every element (MXNet's ``mx.nd.{name}``).\n\n"
                  f"Example:\n    >>> mx.nd.{name}(mx.nd.array([0.5, 2.0])).shape\n    (2,)")
    return fn


UNARY_FUNCTIONS: dict[str, Callable[..., NDArray]] = {name: _make_unary(name) for name in UNARY}


def clip(data: Any, a_min: float, a_max: float, out: NDArray | None = None) -> NDArray:
    """Every element limited to ``[a_min, a_max]``.

    Example:
        >>> mx.nd.clip(mx.nd.array([-5, 0, 5]), -2, 3).asnumpy()
        array([-2.,  0.,  3.], dtype=float32)
    """
    x = as_ndarray(data)
    if not float(a_min) <= float(a_max):
        raise MXValueError(f"Invalid values for arguments `a_min`, `a_max` of clip. Received: "
                          f"a_min={a_min}, a_max={a_max}. Expected a_min <= a_max.")
    res = _target(out, x._data.shape, "clip")
    if x._data.size:
        native(lib.mxc_clip_forward(res._ptr, x._ptr, x._data.size, float(a_min),
                                    float(a_max)), "clip")
    return res


# -------------------------------------------------------------------------------------------
# Broadcast operators


def broadcast(lhs: Any, rhs: Any, symbol: str, name: str = "broadcast") -> NDArray:
    """``lhs <symbol> rhs`` with numpy-style broadcasting of axes of extent 1.

    Example:
        >>> broadcast(mx.nd.ones((2, 3)), mx.nd.array([1, 2, 3]), "*").asnumpy()
        array([[1., 2., 3.],
               [1., 2., 3.]], dtype=float32)
    """
    a, b = as_ndarray(lhs, "lhs"), as_ndarray(rhs, "rhs")
    out_shape, sa, sb = shape_rules.broadcast(name, a.shape, b.shape)
    res = _wrap(np.empty(out_shape, np.float32))
    if res.size:
        dims = [ffi.new("int64_t[]", list(s)) for s in (out_shape, sa, sb)]
        native(lib.mxc_broadcast_binary_forward(res._ptr, a._ptr, b._ptr, len(out_shape),
                                                *dims, op_code(symbol)), name)
    return res


_BROADCAST = {"add": "+", "plus": "+", "sub": "-", "minus": "-", "mul": "*", "div": "/",
              "mod": "%", "power": "**", "maximum": "maximum", "minimum": "minimum",
              "equal": "==", "not_equal": "!=", "greater": ">", "greater_equal": ">=",
              "lesser": "<", "lesser_equal": "<="}


def _make_broadcast(suffix: str, symbol: str) -> Callable[..., NDArray]:
    name = f"broadcast_{suffix}"

    def fn(lhs: Any, rhs: Any) -> NDArray:
        return broadcast(lhs, rhs, symbol, name)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"``lhs {symbol} rhs`` with broadcasting (MXNet's ``mx.nd.{name}``).\n\n"
                  f"Example:\n    >>> mx.nd.{name}(mx.nd.ones((2, 3)), mx.nd.ones((1, 3))).shape"
                  f"\n    (2, 3)")
    return fn


BROADCAST_FUNCTIONS = {f"broadcast_{k}": _make_broadcast(k, v) for k, v in _BROADCAST.items()}


def _make_elemwise(suffix: str, symbol: str) -> Callable[..., NDArray]:
    name = f"elemwise_{suffix}"

    def fn(lhs: NDArray, rhs: NDArray, out: NDArray | None = None) -> NDArray:
        if not isinstance(lhs, NDArray) or not isinstance(rhs, NDArray):
            raise MXTypeError(f"{name} takes two NDArrays of one shape.")
        return binary(lhs, rhs, symbol, out)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"``lhs {symbol} rhs`` for two arrays of one shape (MXNet's "
                  f"``mx.nd.{name}``).\n\nExample:\n    >>> mx.nd.{name}(mx.nd.ones(2), "
                  f"mx.nd.ones(2)).shape\n    (2,)")
    return fn


ELEMWISE_FUNCTIONS = {f"elemwise_{k}": _make_elemwise(k, v)
                      for k, v in {"add": "+", "sub": "-", "mul": "*", "div": "/"}.items()}


# -------------------------------------------------------------------------------------------
# Operators of the NDArray class


def _forward_op(symbol: str) -> Callable[[NDArray, Any], Any]:
    code = op_code(symbol)

    def method(self: NDArray, other: Any) -> Any:
        t = type(other)
        if t is float or t is int:  # the common cases first: one allocation, one C call
            return _scalar(self, other, code, 0, symbol, None)
        if t is NDArray:
            return _same_shape(self, other, code, symbol)
        if not _is_number(other) and not isinstance(other, (NDArray, np.ndarray, list)):
            return NotImplemented
        return binary(self, other, symbol)
    return method


def _reflected_op(symbol: str) -> Callable[[NDArray, Any], Any]:
    code = op_code(symbol)

    def method(self: NDArray, other: Any) -> Any:
        t = type(other)
        if t is float or t is int:
            return _scalar(self, other, code, 1, symbol, None)
        if not _is_number(other) and not isinstance(other, (np.ndarray, list)):
            return NotImplemented
        return binary(other, self, symbol)
    return method


def _inplace_op(symbol: str) -> Callable[[NDArray, Any], Any]:
    def method(self: NDArray, other: Any) -> Any:
        if not _is_number(other) and not isinstance(other, (NDArray, np.ndarray, list)):
            return NotImplemented
        return binary(self, other, symbol, out=self)
    return method


_PY_OPERATORS = {"add": "+", "sub": "-", "mul": "*", "truediv": "/", "pow": "**", "mod": "%"}
_PY_COMPARISONS = {"eq": "==", "ne": "!=", "gt": ">", "ge": ">=", "lt": "<", "le": "<="}


def install_operators(cls: type) -> None:
    """Give the NDArray class its Python operators (done once, when this module loads).

    Example:
        >>> install_operators(NDArray); (mx.nd.ones(2) + 1).asnumpy()
        array([2., 2.], dtype=float32)
    """
    for name, symbol in _PY_OPERATORS.items():
        setattr(cls, f"__{name}__", _forward_op(symbol))
        setattr(cls, f"__r{name}__", _reflected_op(symbol))
        setattr(cls, f"__i{name}__", _inplace_op(symbol))
    for name, symbol in _PY_COMPARISONS.items():
        setattr(cls, f"__{name}__", _forward_op(symbol))
    setattr(cls, "__neg__", lambda self: unary(self, "negative"))  # noqa: B010
    setattr(cls, "__pos__", lambda self: self)  # noqa: B010
    setattr(cls, "__abs__", lambda self: unary(self, "abs"))  # noqa: B010


install_operators(NDArray)
