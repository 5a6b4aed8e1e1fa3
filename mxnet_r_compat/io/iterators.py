"""Data iterators (``mx.io.arrayiter``, docs/MXNET_R_BEHAVIOUR.md, "Layout" and "Array iterator").

Arrays are backend order here: samples on the first axis. The array
iterator shuffles once, when it is created, and reuses one batch buffer, so
the padding slots of a short last batch keep the samples that the previous
batch had in those slots (MXNet R's behaviour; they are trained on).
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import MXShapeError, MXValueError, invalid_value
from ..learn.random import shuffle_order
from . import batch_value
from .native_args import part_args, part_range


class DataIter:
    """Base class of data iterators (what ``is.mx.dataiter`` accepts).

    ``arrays()`` is the current batch as training reads it (float32 numpy buffers, reused);
    ``value()`` is the same batch as users see it (batch_value.py). A user's subclass that
    only writes ``value()`` is read through a checking wrapper (user_iter.py).
    """

    batch_size: int

    def reset(self) -> None:
        raise NotImplementedError

    def iter_next(self) -> bool:
        raise NotImplementedError

    def arrays(self) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def value(self) -> dict:
        """The current batch: ``{"data": ..., "label": ...}`` of batch values."""
        return {k: batch_value.to_value(a) for k, a in self.arrays().items()}

    def num_pad(self) -> int:
        return 0

    def finalize(self) -> None:
        """Release what the iterator holds (files, buffers); nothing for most iterators."""


class ArrayIter(DataIter):
    """Batches of an in-memory data array and label array.

    Args:
        data: float array (n, ...).
        label: array (n,) or (n, k).
        batch_size: samples per batch; every batch has exactly this many.
        shuffle: shuffle once, now, drawing n uniforms from the RNG.
        num_parts, part_index: keep only part ``part_index`` of ``num_parts`` contiguous
            parts of the samples (MXNet's split, as MNISTIter's), e.g. one per worker of a
            distributed run (``part_index = kv$rank``); the part is what is shuffled.

    Example:
        >>> it = ArrayIter(np.arange(10.).reshape(5, 2), np.arange(5.), batch_size=2)
        >>> it.iter_next(), it.arrays()["label"].tolist()
        (True, [0.0, 1.0])
    """

    def __init__(self, data, label, batch_size: int = 128, shuffle: bool = False,
                 num_parts: int = 1, part_index: int = 0) -> None:
        data, label = _part(np.asarray(data), np.asarray(label), num_parts, part_index)
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
        """An ``mxc_batches`` (native/batches.h) over this iterator's arrays, read in place, or
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
            assert self._gather is not None  # set by c_batches()
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

    def arrays(self) -> dict[str, np.ndarray]:
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


def _part(data: np.ndarray, label: np.ndarray, num_parts: int,
          part_index: int) -> tuple[np.ndarray, np.ndarray]:
    """Part ``part_index`` of ``num_parts`` of the samples (rows) of data and label."""
    if num_parts == 1 and part_index == 0:
        return data, label
    parts, index = part_args(num_parts, part_index)
    n = data.shape[0] if data.ndim else 0
    start, end = part_range(n, parts, index)
    if end <= start:
        raise invalid_value("num.parts", parts, f"at most {n} parts: there are {n} samples")
    return data[start:end], np.atleast_1d(label)[start:end]


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
