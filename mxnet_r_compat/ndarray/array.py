"""The NDArray type: a float32 array in the backend (row-major) layout, computed on by the C
core.

An :class:`NDArray` owns a C-contiguous float32 numpy buffer and keeps a C pointer to it, so
an operator is one allocation and one C call (``ndarray/elementwise.py`` and the other
modules of this package). ``numpy.asarray(nd)`` returns that buffer itself, without a copy.
Shapes are backend shapes, batch first, as in MXNet's Python API.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any, cast

import numpy as np

from .._lib import check, ffi
from ..errors import MXShapeError, MXTypeError, MXValueError, invalid_value

Shape = tuple[int, ...]


class NDArray:
    """An n-d float32 array on the CPU (``mx.nd.array``, ``mx.nd.zeros``, ...).

    Arithmetic (``+ - * / ** %``, unary ``-``) and comparisons (giving 0/1 arrays) take
    another NDArray of exactly the same shape, or a number on either side. Shapes that
    differ need ``mx.nd.reshape`` or a broadcast operator (``mx.nd.broadcast_add``, ...).
    The operators come from ``ndarray/elementwise.py``, ``x.T`` and ``x.reshape()`` from
    ``ndarray/layout.py`` (each installs them when the package is imported).

    Example:
        >>> x = mx.nd.array([[1, 2], [3, 4]])
        >>> (1 - x * 2).asnumpy()
        array([[-1., -3.],
               [-5., -7.]], dtype=float32)
    """

    __slots__ = ("__weakref__", "_data", "_ptr")
    __array_ufunc__ = None  # numpy defers to our reflected operators (np_array + nd -> nd)

    def __init__(self, data: Any) -> None:
        data = np.array(data, dtype=np.float32, order="C", copy=True)
        self._data = data.reshape(1) if data.ndim == 0 else data
        self._ptr = ffi.from_buffer("float[]", self._data, require_writable=True)

    # -- storage ------------------------------------------------------------------------------

    @property
    def shape(self) -> Shape:
        """The backend shape, e.g. ``(batch, features)``."""
        return self._data.shape

    @property
    def size(self) -> int:
        """Number of elements."""
        return self._data.size

    @property
    def ndim(self) -> int:
        """Number of axes."""
        return self._data.ndim

    @property
    def dtype(self) -> type:
        """Always ``numpy.float32``."""
        return np.float32

    def asnumpy(self) -> np.ndarray:
        """A numpy copy of the values.

        Example:
            >>> mx.nd.ones((2,)).asnumpy()
            array([1., 1.], dtype=float32)
        """
        return self._data.copy()

    def asscalar(self) -> float:
        """The value of a one-element array as a Python float.

        Example:
            >>> mx.nd.sum(mx.nd.ones(3)).asscalar()
            3.0
        """
        if self._data.size != 1:
            raise MXShapeError(f"asscalar() needs an array of one element; this one has shape "
                               f"{self.shape}.")
        return float(self._data.reshape(-1)[0])

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        if copy:
            return self._data.astype(dtype or np.float32, copy=True)
        return self._data if dtype is None else self._data.astype(dtype, copy=False)

    def __float__(self) -> float:
        return self.asscalar()

    def __bool__(self) -> bool:
        return bool(self.asscalar())

    def __len__(self) -> int:
        return self.shape[0]

    def copy(self) -> NDArray:
        """A new array with the same values.

        Example:
            >>> x = mx.nd.ones(2); y = x.copy(); y += 1; x.asnumpy()
            array([1., 1.], dtype=float32)
        """
        return _wrap(self._data.copy())

    def copyto(self, other: NDArray | Any) -> NDArray:
        """Copy into ``other`` (an NDArray of the same shape) or onto a context.

        Example:
            >>> y = mx.nd.zeros((2,)); mx.nd.ones((2,)).copyto(y).asnumpy()
            array([1., 1.], dtype=float32)
        """
        if isinstance(other, NDArray):
            if other.shape != self.shape:
                raise MXShapeError(f"copyto: the target has shape {other.shape}, the source "
                                   f"{self.shape}; they must be equal.")
            np.copyto(other._data, self._data)
            return other
        check_ctx(other)
        return self.copy()

    def as_in_context(self, ctx: Any) -> NDArray:
        """This array on ``ctx`` (the CPU is the only device): the array itself.

        Example:
            >>> x = mx.nd.ones(2); x.as_in_context(mx.cpu()) is x
            True
        """
        check_ctx(ctx)
        return self

    def __repr__(self) -> str:
        dims = "x".join(str(s) for s in self.shape)
        return f"\n{self._data}\n<NDArray {dims} @cpu(0)>"

    # -- indexing: basic slices along the first axis, as views ---------------------------------

    def __getitem__(self, key: Any) -> NDArray:
        return _wrap(self._data[_first_axis_key(key, self.shape)])

    def __setitem__(self, key: Any, value: Any) -> None:
        view = self._data[_first_axis_key(key, self.shape)]
        src = value._data if isinstance(value, NDArray) else np.asarray(value, np.float32)
        try:
            np.copyto(view, src)
        except ValueError:
            raise MXShapeError(f"Cannot assign a value of shape {np.shape(src)} to the part of "
                               f"shape {view.shape}.") from None

    __hash__ = object.__hash__  # comparisons return arrays, identity stays the hash


def _first_axis_key(key: Any, shape: Shape) -> int | slice:
    """An index or a step-1 slice of the first axis (the views MXNet's NDArray gives)."""
    if isinstance(key, numbers.Integral):
        k = int(key)
        if not -shape[0] <= k < shape[0]:
            raise IndexError(f"index {k} is out of range for an axis of extent {shape[0]}")
        return slice(k % shape[0], k % shape[0] + 1) if len(shape) == 1 else k % shape[0]
    if isinstance(key, slice) and key.step in (None, 1):
        return key
    raise MXTypeError(f"NDArray indexing takes an integer or a slice with step 1 on the first "
                      f"axis; received {key!r}. Use mx.nd.slice_axis or mx.nd.crop for other "
                      f"boxes.")


# -------------------------------------------------------------------------------------------
# Construction


def _wrap(data: np.ndarray) -> NDArray:
    """An NDArray over ``data`` (C-contiguous float32, not copied)."""
    out = _new(NDArray)
    out._data = data
    out._ptr = _from_buffer("float[]", data)  # our own buffers: always writable
    return out


_new = NDArray.__new__
_from_buffer = ffi.from_buffer


def empty(shape: int | Sequence[int], ctx: Any = None) -> NDArray:
    """An uninitialised array of ``shape``.

    Example:
        >>> mx.nd.empty((2, 3)).shape
        (2, 3)
    """
    check_ctx(ctx)
    return _wrap(np.empty(as_shape(shape), np.float32))


def zeros(shape: int | Sequence[int], ctx: Any = None) -> NDArray:
    """An array of zeros (``mx.nd.zeros(10)``, ``mx.nd.zeros((2, 3))``).

    Example:
        >>> mx.nd.zeros((2, 3)).asnumpy().sum()
        0.0
    """
    check_ctx(ctx)
    return _wrap(np.zeros(as_shape(shape), np.float32))


def ones(shape: int | Sequence[int], ctx: Any = None) -> NDArray:
    """An array of ones.

    Example:
        >>> mx.nd.ones(3).asnumpy()
        array([1., 1., 1.], dtype=float32)
    """
    check_ctx(ctx)
    return _wrap(np.ones(as_shape(shape), np.float32))


def full(shape: int | Sequence[int], val: float, ctx: Any = None) -> NDArray:
    """An array filled with ``val``.

    Example:
        >>> mx.nd.full((2,), 7).asnumpy()
        array([7., 7.], dtype=float32)
    """
    check_ctx(ctx)
    return _wrap(np.full(as_shape(shape), val, np.float32))


def array(source_array: Any, ctx: Any = None, dtype: Any = None) -> NDArray:
    """A new NDArray with a float32 copy of ``source_array`` (numpy array, nested lists,
    a number or another NDArray).

    Example:
        >>> mx.nd.array([[1, 2, 3], [4, 5, 6]]).shape
        (2, 3)
    """
    check_ctx(ctx)
    if dtype is not None and np.dtype(dtype) != np.float32:
        raise invalid_value("dtype", dtype, "float32 (the only type of this build)")
    if isinstance(source_array, NDArray):
        return source_array.copy()
    try:
        data = np.array(source_array, dtype=np.float32, order="C", copy=True)
    except (TypeError, ValueError):
        raise MXTypeError(f"mx.nd.array takes numbers, nested lists or a numpy array; "
                          f"received a {type(source_array).__name__}.") from None
    return _wrap(data.reshape(1) if data.ndim == 0 else data)


def as_ndarray(x: Any, what: str = "data") -> NDArray:
    """``x`` itself when it is an NDArray, else a float32 copy of it (numpy, lists, numbers).

    Example:
        >>> as_ndarray(np.arange(3)).shape
        (3,)
    """
    if isinstance(x, NDArray):
        return x
    if isinstance(x, (np.ndarray, list, tuple, numbers.Real)):
        return array(x)
    raise MXTypeError(f"Invalid value for argument `{what}`. Received: a "
                      f"{type(x).__name__}. Expected an NDArray or a numpy array.")


def is_ndarray(x: Any) -> bool:
    """True for an NDArray (``is.mx.ndarray``).

    Example:
        >>> is_ndarray(mx.nd.ones(1)), is_ndarray(np.ones(1))
        (True, False)
    """
    return isinstance(x, NDArray)


def copyto(src: NDArray, ctx: Any = None) -> NDArray:
    """A copy of ``src`` on ``ctx`` (``mx.nd.copyto``; the CPU is the only device).

    Example:
        >>> mx.nd.copyto(mx.nd.ones(2), mx.cpu()).asnumpy()
        array([1., 1.], dtype=float32)
    """
    check_ctx(ctx)
    return as_ndarray(src, "src").copy()


def as_shape(shape: int | Sequence[int]) -> Shape:
    """A shape from an int or a sequence of non-negative ints.

    Example:
        >>> as_shape(3), as_shape([2, 3])
        ((3,), (2, 3))
    """
    items = [shape] if isinstance(shape, numbers.Integral) else list(cast(Sequence[int], shape))
    try:
        out = tuple(int(s) for s in items)
    except (TypeError, ValueError):
        raise invalid_value("shape", shape, "a sequence of non-negative integers") from None
    if not out or any(s < 0 or s != v for s, v in zip(out, items, strict=True)):
        raise invalid_value("shape", shape, "a non-empty sequence of non-negative integers")
    return out


def check_ctx(ctx: Any) -> None:
    """Accept None or a CPU context; a GPU context is a clear error (CPU-only build).

    Example:
        >>> check_ctx(mx.cpu(0))   # no error
    """
    device = getattr(ctx, "device", "cpu") if ctx is not None else "cpu"
    if device != "cpu":
        raise MXValueError(f"Invalid value for argument `ctx`. Received: ctx={ctx}. Expected "
                           f"mx.cpu(): mxnet_r_compat runs on the CPU only.")


def native(rc: int, op: str) -> None:
    """Raise when a C call failed (the callers pre-check shapes, so this is a last guard).

    Example:
        >>> native(0, "add")   # MXC_OK: nothing happens
    """
    if rc:
        check(rc, op)

