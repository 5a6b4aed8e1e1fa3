"""``mx.io.CSVIter``: batches of rows streamed from CSV files, as MXNet's CSVIter gives them.

Rows are read from disk a batch at a time (csv_reader.py), so a file larger than memory
works. Batching follows MXNet (src/io/iter_batchloader.h): with ``round_batch`` (the
default) a short last batch is completed with rows from the start of the file, ``num_pad()``
says how many, and the next epoch then starts after those rows (MXNet's reset() does not
rewind after a wrapped batch); without it the short batch keeps the previous batch's rows
in its free slots. A label shape of 1 gives labels of shape (batch,), as MXNet does.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import MXValueError, invalid_value
from .csv_reader import CSVFormatError, CSVReader
from .iterators import DataIter
from .native_args import bool_arg, check_dtype, int_arg, part_args, path_arg, shape_arg


class CSVIter(DataIter):
    """Batches from ``data_csv`` (and ``label_csv``), one row per sample.

    Args:
        data_csv: a CSV file of numbers, ``prod(data_shape)`` per row, no header.
        data_shape: the shape of one sample (backend order, e.g. ``(785,)``).
        batch_size: samples per batch.
        label_csv: labels, one row per sample, ``prod(label_shape)`` values each; when None
            (or "NULL", MXNet's default) every label is 0.
        label_shape: the shape of one label (default ``(1,)``).
        round_batch: complete a short last batch from the start of the file.
        prefetch_buffer, ctx, dtype: MXNet's prefetcher arguments; accepted (dtype must be
            float32), batches are read when asked for.
        num_parts, part_index: beyond MXNet's CSVIter: read only part ``part_index`` of
            ``num_parts`` contiguous parts of the rows (as MNISTIter splits), e.g. one per
            worker of a distributed run; the rows are counted once when the iterator is made.

    Example:
        >>> it = CSVIter(data_csv="train.csv", data_shape=(785,), batch_size=100)  # doctest: +SKIP
        >>> it.iter_next(), it.value()["data"].shape                               # doctest: +SKIP
        (True, (100, 785))
    """

    def __init__(self, data_csv: str, data_shape: Any, batch_size: int,
                 label_csv: str | None = None, label_shape: Any = (1,), round_batch: Any = True,
                 prefetch_buffer: Any = None, ctx: Any = None, dtype: Any = None,
                 num_parts: int = 1, part_index: int = 0) -> None:
        check_dtype(dtype)
        self.data_csv = path_arg(data_csv, "data.csv")
        self.data_shape = shape_arg(data_shape, "data.shape")
        self.batch_size = int_arg(batch_size, "batch.size", 1)
        if label_csv is not None and label_csv != "NULL":
            label_csv = path_arg(label_csv, "label.csv")
        else:
            label_csv = None
        self.label_csv = label_csv
        self.label_shape = shape_arg(label_shape, "label.shape")
        self.round_batch = bool_arg(round_batch, "round.batch")
        if prefetch_buffer is not None:
            int_arg(prefetch_buffer, "prefetch.buffer", 1)
        self._data = CSVReader(self.data_csv, math.prod(self.data_shape), "data.csv")
        self._label = (CSVReader(label_csv, math.prod(self.label_shape), "label.csv")
                       if label_csv is not None else None)
        parts, index = part_args(num_parts, part_index)
        if parts > 1:  # one part per worker of a distributed run (docs/DISTRIBUTED.md)
            for reader in (self._data, self._label):
                if reader is not None:
                    reader.select_part(parts, index)
        label_dims = () if self.label_shape == (1,) else self.label_shape
        self._data_buf = np.zeros((self.batch_size, *self.data_shape), np.float32)
        self._label_buf = np.zeros((self.batch_size, *label_dims), np.float32)
        self._spare = np.zeros((1, math.prod(self.label_shape)), np.float32)
        self._overflow = 0   # rows taken from the next pass to fill the last batch
        self._pad = 0
        self._has_batch = False
        self._finalized = False

    # -- the iterator protocol ---------------------------------------------------------------
    def reset(self) -> None:
        """Back to the first batch; after a batch completed from the start of the file, the
        next pass continues after the rows that completed it (MXNet's round_batch)."""
        if self._finalized:
            self._finalized = False
            self._overflow = 0
        if not self.round_batch or self._overflow == 0:
            self._rewind()
        self._overflow = 0
        self._has_batch = False
        self._pad = 0

    def _rewind(self) -> None:
        self._data.rewind()
        if self._label is not None:
            self._label.rewind()

    def iter_next(self) -> bool:
        """Read the next batch; False when the pass is over."""
        if self._finalized:
            raise MXValueError("iter.next() called after finalize(); call reset() first")
        self._has_batch = False
        if self._overflow:
            return False
        n = self._read(0, self.batch_size)
        if n == 0:
            return False
        self._pad = 0
        if n < self.batch_size:
            self._pad = self.batch_size - n
            if self.round_batch:
                self._wrap(n)
        self._has_batch = True
        return True

    def _read(self, start: int, stop: int) -> int:
        """Rows start..stop-1 of the batch from the files; how many there were."""
        n = self._data.read(self._data_buf[start:stop])
        if self._label is not None and n:
            got = self._label.read(self._label_buf[start:start + n].reshape(n, -1))
            if got < n:
                raise CSVFormatError(
                    f"label.csv '{self.label_csv}' has {self._label.rows} rows but data.csv "
                    f"'{self.data_csv}' has more (at least {self._data.rows}); expected one "
                    f"label row per data row.")
        elif self._label is None:
            self._label_buf[start:start + n] = 0.0
        if n < stop - start:
            self._check_no_extra_labels()
        return n

    def _check_no_extra_labels(self) -> None:
        if self._label is not None and self._label.read(self._spare):
            raise CSVFormatError(
                f"label.csv '{self.label_csv}' has more rows than data.csv '{self.data_csv}' "
                f"({self._data.rows}); expected one label row per data row.")

    def _wrap(self, n: int) -> None:
        """Complete the batch with rows from the start of the files (MXNet's round_batch)."""
        self._rewind()
        need = self.batch_size - n
        got = self._read(n, self.batch_size)
        if got < need:
            raise invalid_value("batch.size", self.batch_size,
                                f"at most {n + got} with round.batch=TRUE: {self.data_csv} "
                                f"has {self._data.rows} rows, and a short last batch is "
                                f"completed from the start of the file once")
        self._overflow = need

    def arrays(self) -> dict[str, np.ndarray]:
        """The current batch ``{"data": (batch, *data.shape), "label": ...}`` (buffers
        reused by the next batch)."""
        if not self._has_batch:
            raise MXValueError("value() called before iter.next() returned TRUE")
        return {"data": self._data_buf, "label": self._label_buf}

    def num_pad(self) -> int:
        """Samples at the end of the current batch that are padding (0 but for the last)."""
        return self._pad if self._has_batch else 0

    def finalize(self) -> None:
        """Close the files; a later reset() opens them again, at the first row."""
        self._data.close()
        if self._label is not None:
            self._label.close()
        self._finalized = True
        self._has_batch = False

    # -- exact resume and printing -----------------------------------------------------------
    def state_dict(self) -> dict:
        """Where the next pass starts (the rows a wrapped batch took from it)."""
        return {"overflow": self._overflow}

    def load_state_dict(self, state: dict) -> None:
        self._rewind()
        self._overflow = int(state["overflow"])
        if self._overflow:
            self._read(0, self._overflow)

    def info(self) -> dict:
        return {"kind": "CSVIter", "file": self.data_csv, "batch.size": self.batch_size,
                "data.shape": self.data_shape}
