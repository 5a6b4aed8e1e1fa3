"""The size of a zip archive's central directory, read from its end before ``zipfile`` opens
it (formats/state_file.py): a hostile end-of-archive record can claim gigabytes.

Example:
    >>> import io, zipfile
    >>> out = io.BytesIO()
    >>> with zipfile.ZipFile(out, "w") as archive:
    ...     archive.writestr("a", b"1")
    >>> check_directory_size(out, len(out.getvalue()), 1024, ValueError)
"""

from __future__ import annotations

import struct
from typing import BinaryIO

from .bounded_read import Fail

_EOCD = struct.Struct("<4s6xHI6x")  # signature, entries, central directory size
_ZIP64_LOCATOR = struct.Struct("<4s4xQ4x")  # signature, offset of the ZIP64 record
_ZIP64_RECORD = struct.Struct("<4s36xQ8x")  # signature, central directory size


def check_directory_size(stream: BinaryIO, size: int, limit: int, fail: Fail) -> None:
    """Refuse, from the archive's last bytes, a central directory over ``limit`` bytes:
    zipfile reads the whole directory into memory before anything can be checked.

    The writer adds no archive comment, so the end-of-archive record is the file's last
    22 bytes (preceded by the ZIP64 locator and record when the archive needed them).
    """
    if size < _EOCD.size:
        raise fail(f"{size} bytes are too few for a zip archive")
    stream.seek(size - _EOCD.size)
    signature, entries, directory = _EOCD.unpack(stream.read(_EOCD.size))
    if signature != b"PK\x05\x06":
        raise fail("no end-of-archive record in its last 22 bytes (not a resume state file, "
                   "or truncated)")
    if directory == 0xFFFFFFFF or entries == 0xFFFF:
        directory = _zip64_directory_size(stream, size, fail)
    if directory > limit:
        raise fail(f"its central directory has {directory} bytes, more than the limit of "
                   f"{limit}")
    stream.seek(0)


def _zip64_directory_size(stream: BinaryIO, size: int, fail: Fail) -> int:
    locator_at = size - _EOCD.size - _ZIP64_LOCATOR.size
    if locator_at < 0:
        raise fail("its ZIP64 end-of-archive locator is missing")
    stream.seek(locator_at)
    signature, record_at = _ZIP64_LOCATOR.unpack(stream.read(_ZIP64_LOCATOR.size))
    if signature != b"PK\x06\x07" or record_at > locator_at - _ZIP64_RECORD.size:
        raise fail("its ZIP64 end-of-archive locator is damaged")
    stream.seek(record_at)
    signature, directory = _ZIP64_RECORD.unpack(stream.read(_ZIP64_RECORD.size))
    if signature != b"PK\x06\x06":
        raise fail("its ZIP64 end-of-archive record is damaged")
    return directory
