"""Bounds-checked little-endian reads of an NDArray list file (formats/ndarray_file.py), from
bytes in memory or from an open regular file read forward as a stream.

Every read is checked against the bytes that remain before it happens, so a size field
in a hostile file can never make the reader allocate or read more than the file holds;
a failure is a :class:`~mxnet_r_compat.errors.ModelFileError` naming the byte offset.
"""

from __future__ import annotations

import io
import os
import struct

from ..errors import ModelFileError
from .bounded_read import read_exactly

MAX_NDIM = 32
_DEV_TYPES = {1, 2, 3, 5}  # cpu, gpu, cpu_pinned, cpu_shared
_SMALL_READ = 64  # header fields are read as bytes, array data into a private buffer


def format_error(detail: str) -> ModelFileError:
    """The error of a file that is not a valid NDArray list.

    Example:
        >>> str(format_error("bad header magic"))
        'Invalid NDArray file format: bad header magic'
    """
    return ModelFileError(f"Invalid NDArray file format: {detail}")


class BytesSource:
    """Bytes in memory, read by slicing (no copy)."""

    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.size = len(data)

    def read(self, pos: int, size: int) -> memoryview:
        return self.data[pos:pos + size]

    def skip(self, size: int) -> None:
        pass


class FileSource:
    """An open regular file of known size, read forward in the order the parser asks."""

    def __init__(self, handle: io.BufferedIOBase, size: int, path: str) -> None:
        self.handle = handle
        self.size = size
        self.path = path

    def read(self, pos: int, size: int) -> bytes | bytearray:
        if size <= _SMALL_READ:
            data = self.handle.read(size)
            if len(data) == size:
                return data
        else:
            return read_exactly(self.handle, size, format_error, f"'{self.path}'")
        raise format_error(f"'{self.path}' ended at byte {pos + len(data)} of {self.size} "
                            f"(it shrank while being read?)")

    def skip(self, size: int) -> None:
        self.handle.seek(size, os.SEEK_CUR)


class Reader:
    """Bounds-checked little-endian reads from a source; every failure is a ModelFileError."""

    def __init__(self, source: BytesSource | FileSource, name: str) -> None:
        self.src = source
        self.source = name
        self.pos = 0

    @property
    def remaining(self) -> int:
        return self.src.size - self.pos

    def error(self, detail: str, offset: int | None = None) -> ModelFileError:
        where = self.pos if offset is None else offset
        return format_error(f"{detail} (file '{self.source}', byte offset {where})")

    def require(self, size: int, what: str) -> None:
        if size > self.remaining:
            raise self.error(f"{what} needs {size} bytes but only {self.remaining} remain")

    def take(self, size: int, what: str) -> memoryview | bytes | bytearray:
        self.require(size, what)
        chunk = self.src.read(self.pos, size)
        self.pos += size
        return chunk

    def skip(self, size: int, what: str) -> None:
        self.require(size, what)
        self.src.skip(size)
        self.pos += size

    def _unpack(self, fmt: str, what: str) -> int:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt), what))[0]

    def u32(self) -> int:
        return self._unpack("<I", "a uint32")

    def i32(self) -> int:
        return self._unpack("<i", "an int32")

    def u64(self) -> int:
        return self._unpack("<Q", "a uint64")

    def shape(self, index: int, numpy_shape: bool) -> tuple[int, ...] | None:
        """Read a TShape (int32 ndim + int64 dims); None for an empty ("none") array.

        ndim -1 is "unknown" in every version; ndim 0 is empty in V1/V2 but a
        scalar (one element) in numpy-shape mode (V3).
        """
        start = self.pos
        ndim = self.i32()
        if ndim == -1 or (ndim == 0 and not numpy_shape):
            return None
        if not 0 <= ndim <= MAX_NDIM:
            raise self.error(f"array {index} has ndim {ndim} (expected 0..{MAX_NDIM})", start)
        dims = struct.unpack(f"<{ndim}q", self.take(8 * ndim, f"array {index} shape"))
        if any(d < 0 for d in dims):
            raise self.error(f"array {index} has a negative dimension in {dims}", start)
        return dims

    def context(self, index: int) -> None:
        start = self.pos
        dev_type, _dev_id = self.i32(), self.i32()
        if dev_type not in _DEV_TYPES:
            raise self.error(f"array {index} has unknown device type {dev_type}", start)
