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

from .errors import MXShapeError, MXValueError, invalid_value
from .random import shuffle_order


class LayoutWarning(UserWarning):
    """MXNet R's "Auto detect layout ..." notice."""


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
        data = np.asarray(data, dtype=np.float32)
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

    def reset(self) -> None:
        """Rewind to the first batch (the order stays the same)."""
        self._cursor = -1

    def iter_next(self) -> bool:
        """Move to the next batch; False after the last."""
        if self._cursor + 1 >= self.num_batches:
            return False
        self._cursor += 1
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
    """Samples-first float32 data from a 2-D array in the given layout."""
    if layout not in ("auto", "rowmajor", "colmajor"):
        raise invalid_value("array.layout", layout, '"auto", "rowmajor" or "colmajor"')
    X = np.asarray(X, dtype=np.float32)
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
