"""Reading model files as hostile input: regular files only, sizes bounded before reading.

Every reader of a model file (``.params``, ``-symbol.json``, the resume sidecar, the
checkpoint manifest) opens it through :func:`open_regular`, so that

- a FIFO, a device (``/dev/zero``, also through a symlink), a socket or a directory is
  refused from its ``stat`` before ``open``: opening a FIFO blocks until a writer comes,
  and a device can be read forever;
- the file is opened non-blocking and checked again with ``fstat`` (it may have been
  swapped between the two calls), so ``open`` itself never waits;
- the size it reports is the ``st_size`` of that open file, and :func:`read_at_most`
  refuses a file above a limit before reading a byte of it.

A file that is refused raises the caller's error (a
:class:`~mxnet_r_compat.errors.ModelFileError`) through the ``fail`` function it
passes; a file that does not exist raises ``FileNotFoundError`` as ``open`` would.
docs/RELIABILITY.md ("Hostile files") lists the cases and their bounds.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable
from typing import BinaryIO

from ..errors import ModelFileError

Fail = Callable[[str], ModelFileError]

_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a directory"),
          (stat.S_ISSOCK, "a socket"))
CHUNK_BYTES = 1 << 20


def file_kind(mode: int) -> str:
    """What a non-regular ``st_mode`` is, in words.

    Example:
        >>> file_kind(os.stat("/dev/null").st_mode)
        'a character device'
    """
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def open_regular(path: str, fail: Fail) -> tuple[io.BufferedReader, int]:
    """Open ``path`` for reading if it is a regular file; return ``(handle, size)``.

    Args:
        path: the file (already ``~``-expanded).
        fail: builds the error to raise from a detail text, e.g. ``"'x' is a FIFO ..."``.

    Raises:
        ModelFileError: from ``fail``, when the path (after symlinks) is not a regular file.
        FileNotFoundError, PermissionError: as ``open`` raises them.

    Example:
        >>> import tempfile
        >>> with tempfile.NamedTemporaryFile() as tmp:
        ...     handle, size = open_regular(tmp.name, ModelFileError)
        ...     handle.close()
        >>> size
        0
    """
    _refuse_unless_regular(path, os.stat(path).st_mode, fail)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        _refuse_unless_regular(path, info.st_mode, fail)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb"), info.st_size
    except BaseException:
        os.close(fd)
        raise


def _refuse_unless_regular(path: str, mode: int, fail: Fail) -> None:
    if not stat.S_ISREG(mode):
        raise fail(f"'{path}' is {file_kind(mode)}, not a regular file")


def read_at_most(path: str, limit: int, fail: Fail, what: str = "the file") -> bytes:
    """The bytes of the regular file ``path``, refused when it has more than ``limit``.

    The size is checked before anything is read, and the read itself stops at
    ``limit + 1`` bytes (a file that grows meanwhile is refused too).

    Example:
        >>> import tempfile
        >>> with tempfile.NamedTemporaryFile() as tmp:
        ...     _ = tmp.write(b"{}"); tmp.flush()
        ...     read_at_most(tmp.name, 10, ModelFileError)
        b'{}'
    """
    handle, size = open_regular(path, fail)
    with handle:
        if size > limit:
            raise fail(f"{what} '{path}' has {size} bytes, more than the limit of {limit}")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise fail(f"{what} '{path}' grew past the limit of {limit} bytes while being read")
    return data


def read_exactly(handle: io.BufferedIOBase, size: int, fail: Fail, what: str) -> bytearray:
    """Read ``size`` bytes into a new (writable) buffer; a short read calls ``fail``.

    The caller has already checked ``size`` against the file's size, so the buffer
    is never larger than the file.

    Example:
        >>> read_exactly(io.BytesIO(b"abc"), 2, ModelFileError, "two bytes")
        bytearray(b'ab')
    """
    buffer = bytearray(size)
    view = memoryview(buffer)
    done = 0
    while done < size:
        got = handle.readinto(view[done:done + CHUNK_BYTES])
        if not got:
            raise fail(f"{what}: the file ended after {done} of {size} bytes (it shrank "
                       f"while being read?)")
        done += got
    return buffer


def hash_file(handle: BinaryIO, digest, limit: int) -> int:
    """Feed up to ``limit`` bytes of ``handle`` (from its position) to ``digest`` in
    chunks of :data:`CHUNK_BYTES`; return how many bytes were read.

    Example:
        >>> import hashlib
        >>> hash_file(io.BytesIO(b"abc"), hashlib.sha256(), 10)
        3
    """
    total = 0
    while total < limit:
        chunk = handle.read(min(CHUNK_BYTES, limit - total))
        if not chunk:
            break
        digest.update(chunk)
        total += len(chunk)
    return total


# Parsing JSON costs memory per value, not per byte: ``[[],[],...]`` takes about 25 times
# its size. The estimate below bounds that cost from above by counting, at C speed, the
# characters that open containers and strings and separate values; JSON files are refused
# when it exceeds JSON_PARSE_BUDGET (an MXNet-layout symbol file costs ~7 bytes a byte).
JSON_PARSE_BUDGET = 32 * 1024 * 1024
_CONTAINER_COST = 72  # an empty list/dict (56-64 bytes) and the pointer to it
_QUOTE_COST = 32      # half of a string object (two quotes each), pointer included
_VALUE_COST = 40      # a number (int 28, float 24) or a pointer, per separator


def json_parse_cost(text: str) -> int:
    """An upper estimate of the bytes ``json.loads(text)`` allocates.

    Example:
        >>> json_parse_cost("[[], []]") > json_parse_cost("[1, 2]")
        True
    """
    containers = text.count("[") + text.count("{")
    separators = text.count(",") + text.count(":") + 1
    return (len(text) + _CONTAINER_COST * containers + _QUOTE_COST * text.count('"')
            + _VALUE_COST * separators)


def check_json_cost(text: str, fail: Fail, what: str) -> None:
    """Refuse ``text`` before parsing when :func:`json_parse_cost` exceeds the budget.

    Example:
        >>> check_json_cost("{}", ModelFileError, "the manifest")
    """
    cost = json_parse_cost(text)
    if cost > JSON_PARSE_BUDGET:
        raise fail(f"{what} would take about {cost // 2**20} MiB to parse (its "
                   f"{len(text)} characters hold that many lists, objects, strings and "
                   f"numbers); the limit is {JSON_PARSE_BUDGET // 2**20} MiB")
