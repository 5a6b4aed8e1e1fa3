"""Data iterators (``mx.io.arrayiter``, spec sections 3 and 11).

Arrays are backend order here: samples on the first axis. The array
iterator shuffles once, when it is created, and reuses one batch buffer, so
the padding slots of a short last batch keep the samples that the previous
batch had in those slots (MXNet R's behaviour; they are trained on).
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..errors import MXShapeError, MXValueError, invalid_argument, invalid_shape, invalid_value
from ..learn.random import shuffle_order


class LayoutWarning(UserWarning):
    """MXNet R's "Auto detect layout ..." notice."""


class DataConversionWarning(UserWarning):
    """Non-numeric data frame columns were converted to numbers (as R's ``data.matrix``)."""


class DataIter:
    """Base class of data iterators (what ``is.mx.dataiter`` accepts)."""

    batch_size: int

    def reset(self) -> None:
        raise NotImplementedError

    def iter_next(self) -> bool:
        raise NotImplementedError

    def value(self) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def num_pad(self) -> int:
        return 0


class ArrayIter(DataIter):
    """Batches of an in-memory data array and label array.

    Args:
        data: float array (n, ...).
        label: array (n,) or (n, k).
        batch_size: samples per batch; every batch has exactly this many.
        shuffle: shuffle once, now, drawing n uniforms from the RNG.

    Example:
        >>> it = ArrayIter(np.arange(10.).reshape(5, 2), np.arange(5.), batch_size=2)
        >>> it.iter_next(), it.value()["label"].tolist()
        (True, [0.0, 1.0])
    """

    def __init__(self, data, label, batch_size: int = 128, shuffle: bool = False) -> None:
        data = np.asarray(data)
        if data.dtype not in (np.float32, np.float64):
            data = data.astype(np.float32)
        # float64 data (e.g. an R matrix) is kept as it is, not copied: each batch is
        # converted as it is gathered (the same rounding as an up-front astype).
        label = np.atleast_1d(np.asarray(label, dtype=np.float32))
        if data.ndim == 0 or data.shape[0] == 0:
            raise invalid_value("data", f"<array of shape {data.shape}>", "at least one sample")
        if label.shape[0] != data.shape[0]:
            if data.ndim > 1 and label.shape[-1] == data.shape[-1]:
                raise MXShapeError("Seems X, y was passed in a Row major way, MXNetR adopts a "
                                   "column major convention.\nPlease pass in transpose of X "
                                   "instead")
            raise MXShapeError("Data and label shape in-consistent: "
                               f"{data.shape[0]} samples in data, {label.shape[0]} in label.")
        if isinstance(batch_size, bool) or int(batch_size) != batch_size or batch_size < 1:
            raise invalid_value("batch.size", batch_size, "a whole number >= 1")
        self.data, self.label = data, label
        self.batch_size = int(batch_size)
        self.num_data = data.shape[0]
        self.order = shuffle_order(self.num_data) if shuffle else np.arange(self.num_data)
        self.num_batches = math.ceil(self.num_data / self.batch_size)
        self._data_buf = np.zeros((self.batch_size, *data.shape[1:]), np.float32)
        self._label_buf = np.zeros((self.batch_size, *label.shape[1:]), np.float32)
        self._cursor = -1
        self._gather: tuple | None = None  # (key, mxc_batches *) for the C gather

    def c_batches(self):
        """An ``mxc_batches`` (native/fused.h) over this iterator's arrays, read in place, or
        None when their layout or type needs numpy. Rebuilt if the arrays were replaced."""
        key = (id(self.data), id(self.label), id(self.order))
        if self._gather is None or self._gather[0] != key:
            src = _c_batches(self)
            bufs = None
            if src is not None:
                from .._lib import fptr
                bufs = (fptr(self._data_buf, writable=True), fptr(self._label_buf, writable=True))
            self._gather = (key, src, bufs, (self.data, self.label, self.order))
        return self._gather[1]

    def reset(self) -> None:
        """Rewind to the first batch (the order stays the same)."""
        self._cursor = -1

    def iter_next(self) -> bool:
        """Move to the next batch; False after the last."""
        if self._cursor + 1 >= self.num_batches:
            return False
        self._cursor += 1
        src = self.c_batches()
        if src is not None:
            data_out, label_out = self._gather[2]
            rc = _lib().mxc_batches_gather(src, self._cursor, data_out, label_out)
            if rc:
                from .._lib import check
                check(rc, "ArrayIter")
            return True
        start = self._cursor * self.batch_size
        idx = self.order[start:start + self.batch_size]
        self._data_buf[: len(idx)] = self.data[idx]
        self._label_buf[: len(idx)] = self.label[idx]
        return True

    def value(self) -> dict[str, np.ndarray]:
        """The current batch as ``{"data": ..., "label": ...}`` (buffers reused)."""
        if self._cursor < 0:
            raise MXValueError("value() called before iter_next()")
        return {"data": self._data_buf, "label": self._label_buf}

    def num_pad(self) -> int:
        """Padding samples in the current batch (non-zero only for a short last batch)."""
        if self._cursor == self.num_batches - 1:
            return (self.batch_size - self.num_data % self.batch_size) % self.batch_size
        return 0

    def state_dict(self) -> dict:
        """Order and position (exact resume)."""
        return {"order": self.order.copy(), "cursor": self._cursor,
                "data_buf": self._data_buf.copy(), "label_buf": self._label_buf.copy()}

    def load_state_dict(self, state: dict) -> None:
        self.order = np.asarray(state["order"], dtype=np.int64)
        self._cursor = int(state["cursor"])
        self._data_buf[...] = state["data_buf"]
        self._label_buf[...] = state["label_buf"]


def _lib():
    global _LIB
    if _LIB is None:
        from .._lib import lib
        _LIB = lib
    return _LIB


_LIB = None


def c_source(a: np.ndarray):
    """An ``mxc_source`` viewing a (samples, ...) float32/float64 array in place, or None
    when its layout cannot be described by two strides."""
    if a.dtype not in (np.float32, np.float64) or a.ndim < 1 or a.shape[0] < 1 or a.size == 0:
        return None
    item = a.itemsize
    if a.ndim == 1:
        width, col = 1, 1
    elif a.ndim == 2:
        width, col = a.shape[1], a.strides[1] // item
    elif a[0].flags.c_contiguous:
        width, col = int(np.prod(a.shape[1:])), 1
    else:
        return None
    if any(s % item for s in a.strides[:2]):
        return None
    from .._lib import ffi
    s = ffi.new("mxc_source *")
    s.data = ffi.cast("void *", a.__array_interface__["data"][0])
    s.is_double = int(a.dtype == np.float64)
    s.row_stride, s.col_stride, s.width = a.strides[0] // item, col, width
    return s


def _c_batches(it: ArrayIter):
    data, label = c_source(it.data), c_source(it.label)
    order = it.order
    if data is None or label is None or order.dtype != np.int64 or not order.flags.c_contiguous \
            or data.width * it.batch_size != it._data_buf.size \
            or label.width * it.batch_size != it._label_buf.size:
        return None
    from .._lib import ffi, fptr
    b = ffi.new("mxc_batches *")
    b.data, b.label = data[0], label[0]
    b.order = ffi.cast("int64_t *", order.__array_interface__["data"][0])
    b.num_data, b.batch_size = it.num_data, it.batch_size
    b.pad_data, b.pad_label = fptr(it._data_buf), fptr(it._label_buf)
    return b


def extract(it: DataIter, field: str) -> np.ndarray:
    """The whole ``field`` of an iterator, padding removed (``mx.io.extract``).

    Example:
        >>> extract(ArrayIter(np.zeros((3, 2)), np.arange(3.), batch_size=2), "label").tolist()
        [0.0, 1.0, 2.0]
    """
    it.reset()
    parts = []
    while it.iter_next():
        batch = it.value()[field]
        parts.append(batch[: batch.shape[0] - it.num_pad()].copy())
    it.reset()
    return np.concatenate(parts, axis=0)


# -------------------------------------------------------------------------------------------
# Layout of 2-D array input (R's rowmajor / colmajor)


def select_layout_train(X: np.ndarray, y) -> str:
    """"rowmajor" when rows are samples, "colmajor" when columns are, with MXNet's warning.

    ``y`` is given in backend order; R's ``dim(y)`` is its reversed shape.
    """
    if y is None:
        raise MXValueError("Need to provide y for training")
    if X.ndim != 2:
        return "colmajor"
    r_dims = np.shape(y)[::-1] or (1,)
    row = X.shape[0] == r_dims[0]
    col = X.shape[1] == r_dims[-1]
    return _announce(row, col)


def _announce(row: bool, col: bool) -> str:
    if row == col:
        raise MXValueError("Cannot auto select array.layout, please specify this parameter")
    if row:
        warnings.warn("Auto detect layout of input matrix, use rowmajor..\n", LayoutWarning,
                      stacklevel=4)
        return "rowmajor"
    warnings.warn("Auto detect layout input matrix, use colmajor..\n", LayoutWarning,
                  stacklevel=4)
    return "colmajor"


def select_layout_predict(X: np.ndarray, arg_shape_check) -> str:
    """Layout for prediction: a candidate survives if the model accepts that feature count.

    ``arg_shape_check(n_features)`` tells whether a data shape (1, n_features) fits
    the model's parameters.
    """
    if X.ndim != 2:
        return "colmajor"
    return _announce(arg_shape_check(X.shape[1]), arg_shape_check(X.shape[0]))


def to_backend(X: np.ndarray, layout: str) -> np.ndarray:
    """Samples-first data from a 2-D array in the given layout: float32, or float64 kept as
    it is (a view, never a copy: the iterator converts each batch as it gathers it)."""
    if layout not in ("auto", "rowmajor", "colmajor"):
        raise invalid_value("array.layout", layout, '"auto", "rowmajor" or "colmajor"')
    X = np.asarray(X)
    if X.dtype not in (np.float32, np.float64):
        X = X.astype(np.float32)
    return np.ascontiguousarray(X.T) if layout == "colmajor" and X.ndim == 2 else X


def init_iter(X, y, batch_size: int, is_train: bool) -> DataIter:
    """An iterator for ``X`` (returned unchanged when it already is one)."""
    if isinstance(X, DataIter):
        return X
    if y is None:
        if is_train:
            raise MXValueError("Need to provide parameter y for training with R arrays.")
        y = np.zeros(np.shape(X)[0], np.float32)
    y = np.asarray(y)
    return ArrayIter(X, y, min(y.size, batch_size), shuffle=is_train)


# -------------------------------------------------------------------------------------------
# Validation of array input, before anything is trained or predicted (docs/RELIABILITY.md).
# Positions in messages are 1-based rows and columns of X as the caller passed it (R's view).


def describe(a: np.ndarray) -> str:
    """A short description of an array for error messages.

    Example:
        >>> describe(np.zeros((20, 3))), describe(np.zeros(5)), describe(np.zeros((2, 3, 4)))
        ('a 20 x 3 matrix', 'a vector of length 5', 'an array of shape (2, 3, 4)')
    """
    if a.ndim == 2:
        return f"a {a.shape[0]} x {a.shape[1]} matrix"
    if a.ndim == 1:
        return f"a vector of length {a.shape[0]}"
    return f"an array of shape {tuple(a.shape)}"


def _position(shape: tuple[int, ...], index) -> str:
    idx = [int(i) + 1 for i in index]
    if len(shape) == 2:
        return f"row {idx[0]}, column {idx[1]}"
    if len(shape) == 1:
        return f"element {idx[0]}"
    return f"index {tuple(idx)}"


def as_numeric(x, arg: str) -> np.ndarray:
    """float32 numbers from an array, a nested list or a data frame, or a clear error.

    Data frames (pandas-like: ``columns`` and ``to_numpy``) are converted as R's
    ``data.matrix`` does, with a :class:`DataConversionWarning` naming the converted columns.

    Example:
        >>> as_numeric([[1, 2], [3, 4]], "X").dtype
        dtype('float32')
    """
    if x is None:
        raise invalid_value(arg, None, "a numeric matrix or array, a data frame or a data "
                            "iterator")
    if hasattr(x, "to_numpy") and hasattr(x, "columns"):
        x = frame_to_matrix(x, arg)
    _refuse_text(x, arg)
    try:
        return np.asarray(x, dtype=np.float32)
    except (TypeError, ValueError):
        pass
    raw = np.asarray(x, dtype=object) if not isinstance(x, np.ndarray) else x
    for index in np.ndindex(raw.shape):
        try:
            float(raw[index])
        except (TypeError, ValueError):
            raise _non_numeric(raw, index, arg) from None
    raise invalid_argument(arg, f"an object of type {type(x).__name__}",
                           "a numeric matrix or array, a data frame or a data iterator")


def _refuse_text(x, arg: str) -> None:
    """Text is not data, even text that reads as a number: numpy would parse
    ``np.array(["1.5"])`` into 1.5, while R refuses a character matrix. (Data frames'
    text columns were converted by :func:`frame_to_matrix` already.)"""
    try:
        raw = x if isinstance(x, np.ndarray) else np.asarray(x)
    except (TypeError, ValueError):  # ragged nested lists: handled by the caller
        return
    if raw.dtype.kind not in "USO":
        return
    for index in np.ndindex(raw.shape):
        value = raw[index]
        if isinstance(value, (str, bytes, np.str_, np.bytes_)):
            raise _non_numeric(raw, index, arg)


def _non_numeric(raw: np.ndarray, index: tuple, arg: str) -> MXValueError:
    value = raw[index].item() if isinstance(raw[index], np.generic) else raw[index]
    where = _position(raw.shape, index)
    try:
        float(value)
    except (TypeError, ValueError):
        return invalid_argument(arg, f"{describe(raw)} holding the non-numeric value "
                                f"{value!r} at {where}", "numbers (a numeric matrix or array; "
                                "convert text and factors first)")
    return invalid_argument(arg, f"{describe(raw)} of text, such as {value!r} at {where} (a "
                            f"number written as text)", "numbers, not text: convert it first, "
                            "e.g. X.astype(float) (R refuses a character matrix too)")


def as_data(x, arg: str) -> np.ndarray:
    """Training or prediction data: a float64 array (an R matrix, a data frame's matrix) is
    kept as it is, read in place by the iterator, which rounds each batch to float32 as
    :func:`as_numeric` would round the whole array; anything else as :func:`as_numeric`.

    Example:
        >>> x = np.zeros((3, 2)); as_data(x, "X") is x
        True
    """
    if hasattr(x, "to_numpy") and hasattr(x, "columns"):
        x = frame_to_matrix(x, arg)
    if isinstance(x, np.ndarray) and x.dtype == np.float64:
        return x
    return as_numeric(x, arg)


def frame_to_matrix(frame, arg: str) -> np.ndarray:
    """R's ``data.matrix``: numbers and logicals as they are, factors (categoricals) as their
    1-based codes, text as the codes of its sorted distinct values; missing values become NaN.

    Example:
        >>> class Col:                        # a pandas-like column, for the example
        ...     def __init__(self, v): self.v, self.dtype = v, np.asarray(v).dtype
        ...     def to_numpy(self, dtype=None): return np.asarray(self.v, dtype=dtype)
        >>> class Frame(dict):
        ...     columns = property(lambda self: list(self))
        ...     def to_numpy(self, dtype=None): raise AssertionError
        >>> import warnings; warnings.simplefilter("ignore")
        >>> frame_to_matrix(Frame(a=Col([1.5, 2.0]), b=Col(["y", "x"])), "X").tolist()
        [[1.5, 2.0], [2.0, 1.0]]
    """
    columns, converted = [], []
    for name in frame.columns:
        col = frame[name]
        if str(col.dtype) == "category":
            codes = np.asarray(col.cat.codes, dtype=np.float64)
            values = np.where(codes < 0, np.nan, codes + 1)
            converted.append(str(name))
        else:
            try:
                values = col.to_numpy(dtype=np.float64)
            except (TypeError, ValueError):
                values = _text_codes(col.to_numpy(dtype=object))
                converted.append(str(name))
        columns.append(values)
    if converted:
        warnings.warn(f"Note: {arg} columns {', '.join(converted)} are not numeric; converted "
                      f"with data.matrix() (factor codes).", DataConversionWarning, stacklevel=4)
    n = len(columns[0]) if columns else 0
    return np.column_stack(columns) if columns else np.zeros((n, 0))


def _text_codes(values: np.ndarray) -> np.ndarray:
    def missing(v) -> bool:
        return v is None or (isinstance(v, float) and np.isnan(v))
    levels = sorted({str(v) for v in values if not missing(v)})
    code = {level: i + 1 for i, level in enumerate(levels)}
    return np.array([np.nan if missing(v) else code[str(v)] for v in values], np.float64)


def check_not_empty(a: np.ndarray, arg: str) -> None:
    """At least one sample and one value per sample.

    Example:
        >>> check_not_empty(np.zeros((0, 3)), "X")
        Traceback (most recent call last):
        ...
        mxnet_r_compat.errors.MXValueError: Invalid value for argument `X`. Received: a 0 x 3 matrix. Expected at least one sample with at least one feature.
    """
    if a.ndim == 0 or a.size == 0:
        raise invalid_argument(arg, describe(a) if a.ndim else f"a scalar ({a!r})",
                               "at least one sample with at least one feature")


def check_finite(a: np.ndarray, arg: str) -> None:
    """No NaN (R's NA) and no Inf anywhere in ``a``; the error counts them and says where
    the first one is.

    Example:
        >>> check_finite(np.array([[1.0, np.nan], [np.inf, 2.0]]), "X")
        Traceback (most recent call last):
        ...
        mxnet_r_compat.errors.MXValueError: Invalid value for argument `X`. Received: a 2 x 2 matrix with 1 NA/NaN value and 1 infinite value (the first at row 1, column 2). Expected finite numbers: remove or impute the missing values, or pass check.finite=FALSE to train on them anyway.
    """
    if _all_finite(a):
        return
    if a.dtype == np.float64:  # counted as training will see them: rounded to float32
        with np.errstate(over="ignore"):
            a = a.astype(np.float32)
    finite = np.isfinite(a)
    n_nan = int(np.isnan(a).sum())
    n_inf = int(a.size - finite.sum()) - n_nan
    parts = ([f"{n_nan} NA/NaN value{'s' if n_nan > 1 else ''}"] if n_nan else []) + \
        ([f"{n_inf} infinite value{'s' if n_inf > 1 else ''}"] if n_inf else [])
    first = np.unravel_index(int(np.argmin(finite.reshape(-1))), a.shape)
    raise invalid_argument(arg, f"{describe(a)} with {' and '.join(parts)} (the first at "
                           f"{_position(a.shape, first)})",
                           "finite numbers: remove or impute the missing values, or pass "
                           "check.finite=FALSE to train on them anyway")


def _all_finite(a: np.ndarray) -> bool:
    """``np.isfinite(a).all()`` of the values as training uses them (float32: a float64 value
    beyond float32's range counts as infinite). Arrays laid out in one block (C or Fortran
    order, as an R matrix) are scanned in C, with no temporary array."""
    if a.dtype in (np.float32, np.float64) and a.size and (a.flags.c_contiguous
                                                           or a.flags.f_contiguous):
        from .._lib import ffi, lib
        flat = a.T if not a.flags.c_contiguous else a
        if a.dtype == np.float32:
            return bool(lib.mxc_all_finite(ffi.cast("float *", ffi.from_buffer(flat)), a.size))
        return bool(lib.mxc_all_finite_as_f32(ffi.cast("double *", ffi.from_buffer(flat)),
                                              a.size))
    if a.dtype == np.float64:
        with np.errstate(over="ignore"):
            return bool(np.isfinite(a.astype(np.float32)).all())
    return bool(np.isfinite(a).all())


def check_label_count(n_samples: int, y: np.ndarray, arg: str, what: str) -> None:
    """One label per sample (``y`` in backend order: samples on the first axis).

    ``what`` says where the sample count comes from, e.g. ``"X has 20 samples (rows)"``.
    """
    n_labels = y.shape[0] if y.ndim else 1
    if n_labels != n_samples:
        raise invalid_shape(arg, f"{n_labels} label{'s' if n_labels != 1 else ''} "
                            f"({describe(y)})", f"one label per sample: {what}")


def check_class_labels(y: np.ndarray, n_classes: int, arg: str, output: str,
                       ignore_label: float | None = None) -> None:
    """Class indices ``0 <= label < n_classes`` (after truncation, as MXNet reads them).

    Example:
        >>> check_class_labels(np.array([0.0, 3.0]), 3, "y", "SoftmaxOutput `sm`")
        Traceback (most recent call last):
        ...
        mxnet_r_compat.errors.MXValueError: Invalid value for argument `y`. Received: class label 3 at element 2 (1 of 2 labels out of range). Expected class indices 0 <= label < 3: SoftmaxOutput `sm` has 3 outputs, and labels start at 0.
    """
    flat = np.trunc(np.asarray(y, dtype=np.float64).reshape(-1))
    bad = (flat < 0) | (flat >= n_classes) | ~np.isfinite(flat)
    if ignore_label is not None:
        bad &= flat != np.trunc(ignore_label)
    if not bad.any():
        return
    i = int(np.argmax(bad))
    value = y.reshape(-1)[i]
    shown = int(value) if np.isfinite(value) and float(value).is_integer() else float(value)
    where = _position(y.shape, np.unravel_index(i, y.shape))
    raise invalid_argument(arg, f"class label {shown} at {where} "
                           f"({int(bad.sum())} of {flat.size} labels out of range)",
                           f"class indices 0 <= label < {n_classes}: {output} has {n_classes} "
                           f"outputs, and labels start at 0")
