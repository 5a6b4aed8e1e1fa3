"""One CSV file read a batch of rows at a time by the C reader (native/csv.c).

The reader parses into the caller's float32 rows through a byte buffer of fixed size
(1 MiB, doubled only for a line longer than that), so memory does not grow with the file.
Errors name the file and the line.
"""

from __future__ import annotations

import errno
import os
import weakref

import numpy as np

from .._lib import check, ffi, lib
from ..errors import MXValueError, invalid_value
from .native_args import part_range

#: Bytes read from the file at a time.
DEFAULT_BUFFER = 1 << 20


class CSVFormatError(MXValueError):
    """A line of a CSV file is not a row of numbers of the expected length."""


class CSVReader:
    """Rows of ``width`` float32 values from the CSV file ``path``, in order.

    ``arg`` names the argument the file came from (``data.csv``), for messages.

    Example:
        >>> rows = np.empty((2, 3), np.float32)
        >>> CSVReader("x.csv", 3, "data.csv").read(rows)   # doctest: +SKIP
        2
    """

    def __init__(self, path: str, width: int, arg: str, buffer_size: int = DEFAULT_BUFFER) -> None:
        self.path, self.width, self.arg = path, int(width), arg
        self._reader = ffi.new("mxc_csv_reader *")
        self._reader.fd = -1
        # The file is closed when this object goes, or when Python exits.
        weakref.finalize(self, lib.mxc_csv_close, self._reader)
        self._buf = np.empty(buffer_size + 1, np.uint8)
        self.rows = 0  # rows read since the last rewind
        self._part: tuple[int, int] | None = None  # rows [start, end) when select_part()
        self.open()

    def open(self) -> None:
        if self._reader.fd >= 0:
            return
        rc = lib.mxc_csv_open(self._reader, os.fsencode(self.path),
                              ffi.cast("char *", ffi.from_buffer(self._buf)), self._buf.size - 1)
        self._check(rc)
        self.rows = 0
        self._skip_to_part()

    @property
    def is_open(self) -> bool:
        return self._reader.fd >= 0

    def rewind(self) -> None:
        """Back to the first row (reopening the file after :meth:`close`)."""
        if not self.is_open:
            self.open()
            return
        self._check(lib.mxc_csv_rewind(self._reader))
        self.rows = 0
        self._skip_to_part()

    def close(self) -> None:
        lib.mxc_csv_close(self._reader)

    def select_part(self, num_parts: int, part_index: int) -> None:
        """From now on read only part ``part_index`` of ``num_parts`` contiguous parts of the
        file's rows (the split of io/native_args.py ``part_range``). The rows are counted
        once here, by parsing the whole file."""
        self._part = None
        self.rewind()
        scratch = np.empty((1024, self.width), np.float32)
        total = 0
        while (got := self._read_rows(scratch)) > 0:
            total += got
        start, end = part_range(total, num_parts, part_index)
        if end <= start:
            raise invalid_value("num.parts", num_parts, f"at most {total} parts: {self.arg} "
                                f"'{self.path}' has {total} rows")
        self._part = (start, end)
        self.rewind()

    def _skip_to_part(self) -> None:
        if self._part is None:
            return
        scratch = np.empty((min(max(self._part[0], 1), 1024), self.width), np.float32)
        left = self._part[0]
        while left > 0:
            left -= self._read_rows(scratch[:min(left, scratch.shape[0])])
        self.rows = 0

    def read(self, out: np.ndarray) -> int:
        """Fill the rows of ``out`` (n, width), float32 C order; returns how many were read
        (fewer than n only at the end of the file, or of the part)."""
        if self._part is not None:
            left = self._part[1] - self._part[0] - self.rows
            return self._read_rows(out[:max(left, 0)]) if left > 0 else 0
        return self._read_rows(out)

    def _read_rows(self, out: np.ndarray) -> int:
        n_rows = out.shape[0]
        if n_rows == 0:
            return 0
        flat = out.reshape(n_rows, self.width)
        got = 0
        count = ffi.new("int64_t *")
        while got < n_rows:
            ptr = ffi.cast("float *", ffi.from_buffer(flat[got:], require_writable=True))
            rc = lib.mxc_csv_read_rows(ptr, count, self._reader, self.width, n_rows - got)
            got += int(count[0])
            self.rows += int(count[0])
            if rc and self._reader.err_kind == lib.MXC_CSV_LINE_TOO_LONG:
                self._grow()
                continue
            self._check(rc)
            break
        return got

    def _grow(self) -> None:
        bigger = np.empty(2 * (self._buf.size - 1) + 1, np.uint8)
        rc = lib.mxc_csv_set_buffer(self._reader, ffi.cast("char *", ffi.from_buffer(bigger)),
                                    bigger.size - 1)
        self._check(rc)
        self._buf = bigger

    def _check(self, rc: int) -> None:
        if rc == 0:
            return
        r = self._reader
        if r.err_kind == lib.MXC_CSV_IO:
            code = int(r.err_errno)
            reason = os.strerror(code) if code else "unknown error"
            raise MXValueError(f"Invalid value for argument `{self.arg}`. Received: "
                               f"'{self.path}', which cannot be read ({reason}). Expected a "
                               f"readable CSV file{_hint(code)}.")
        if r.err_kind:
            text = ffi.string(r.err_text).decode("utf-8", "replace")
            raise CSVFormatError(f"{self._where(int(r.err_line))}: {self._what(text)}")
        check(rc, "mxc_csv_read_rows")

    def _where(self, line: int) -> str:
        return f"Malformed row in {self.arg} '{self.path}', line {line}"

    def _what(self, text: str) -> str:
        r = self._reader
        kind, count = r.err_kind, int(r.err_count)
        if kind == lib.MXC_CSV_BAD_NUMBER:
            field = int(r.err_field)
            if not text:
                return f"value {field} is empty; expected a number."
            hint = " (a header line? mx.io.CSVIter reads numbers only: remove it)" \
                if r.err_line == 1 and text[:1].isalpha() else ""
            if text.upper() == "NA":
                hint = " (missing values are not supported)"
            return f"value {field} is '{text}', not a number{hint}."
        if kind in (lib.MXC_CSV_TOO_FEW, lib.MXC_CSV_TOO_MANY):
            shape = self.arg.replace(".csv", ".shape")
            return (f"it has {count} value{'s' if count != 1 else ''}; expected {self.width} "
                    f"per row (the product of {shape}).")
        return f"the reader failed (error kind {kind})."


def _hint(code: int) -> str:
    if code == errno.ENOENT:
        return f" (no such file; the working directory is '{os.getcwd()}')"
    return ""
