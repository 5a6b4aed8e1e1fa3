"""MXNet's NDArray list file (``mx.nd.save`` / ``mx.nd.load`` / ``.params``),
docs/MXNET_R_BEHAVIOUR.md, "NDArray files".

Writing produces exactly the bytes of MXNet R 1.9 for float32 CPU arrays: the
list header (magic 0x112, reserved 0, count), one version-2 record per array,
then the names. Reading accepts V1, V2, V3 (dense) and legacy records and any
of MXNet's dense dtypes, converted to float32.

The reader treats every file as hostile: only a regular file is opened, it is
read as a stream (the header first, then one record at a time), and each size
field is checked against the bytes that remain *before* anything is read or
allocated, so a corrupt or truncated file raises
:class:`~mxnet_r_compat.errors.ModelFileError` instead of crashing, hanging or
allocating gigabytes. :data:`MAX_ARRAYS` and :data:`MAX_NAME_BYTES` bound the
work a header can ask for. No pickle is involved.

Empty arrays: MXNet writes an NDArray without data ("none") as a record that
ends after its shape (ndim 0). The writer uses that form for every array of
size 0, and the reader returns such records as float32 arrays of shape (0,).
A 0-d numpy array is written with shape (1,), since non-numpy-shape MXNet
has no 0-d arrays.
"""

from __future__ import annotations

import io
import os
import re
import struct
from collections.abc import Iterator, Mapping, Sequence

import numpy as np

from ..errors import ModelFileError, invalid_value
from .atomic import atomic_writer, resolve_path
from .bounded_read import open_regular
from .ndarray_reader import MAX_NDIM, BytesSource, FileSource, Reader, format_error

LIST_MAGIC = 0x112
V1_MAGIC = 0xF993FAC8
V2_MAGIC = 0xF993FAC9
V3_MAGIC = 0xF993FACA
MAX_ARRAYS = 100_000  # arrays in one file; a real model has at most a few thousand
MAX_NAME_BYTES = 8 * 1024 * 1024  # all names of one file together

_DENSE, _ROW_SPARSE, _CSR, _UNDEFINED = 0, 1, 2, -1
_SPARSE_NAMES = {_ROW_SPARSE: "row_sparse", _CSR: "csr"}
_SPARSE_NUM_AUX = {_ROW_SPARSE: 1, _CSR: 2}
_BFLOAT16 = 12
# MXNet dtype flag -> (name, numpy dtype of the stored bytes, all little-endian).
_DTYPES = {flag: (name, np.dtype(code)) for flag, name, code in [
    (0, "float32", "<f4"), (1, "float64", "<f8"), (2, "float16", "<f2"), (3, "uint8", "u1"),
    (4, "int32", "<i4"), (5, "int8", "i1"), (6, "int64", "<i8"), (7, "bool", "u1"),
    (8, "int16", "<i2"), (9, "uint16", "<u2"), (10, "uint32", "<u4"), (11, "uint64", "<u8"),
    (_BFLOAT16, "bfloat16", "<u2"),
]}


# --- writing ----------------------------------------------------------------------------------

ArraysLike = Sequence[np.ndarray] | Mapping[str, np.ndarray] | np.ndarray

# URIs MXNet reads through dmlc when built with S3/HDFS/Azure/HTTP support.
_REMOTE_URI = re.compile(r"^(s3|hdfs|viewfs|azure|https?)://", re.IGNORECASE)


def check_local(path: str | os.PathLike[str]) -> None:
    """Refuse a remote URI (``s3://``, ``hdfs://``...) with a clear error: files are local.

    Example:
        >>> check_local("s3://bucket/a.nd")
        Traceback (most recent call last):
        mxnet_r_compat.errors.MXValueError: Invalid value for argument `filename`...
    """
    text = os.fspath(path)
    if _REMOTE_URI.match(text):
        raise invalid_value("filename", text, "a local file: this build reads and writes local "
                            "files only, not S3, HDFS, Azure or HTTP URIs")


def save_ndarray_list(path: str | os.PathLike[str], arrays: ArraysLike,
                      names: Sequence[str] | None = None) -> None:
    """Write arrays to ``path`` as an MXNet NDArray list file, atomically.

    Args:
        path: the target file; ``~`` is expanded.
        arrays: float32-convertible arrays in backend (C) order; a single array is
            wrapped into a list (as R's ``mx.nd.save`` does); a mapping supplies names.
        names: one name per array, or None for an unnamed list.

    Raises:
        MXValueError: names do not match the arrays, or an array is not numeric.
        CheckpointWriteError: the file could not be written.

    Example:
        >>> import tempfile
        >>> target = os.path.join(tempfile.mkdtemp(), "w.nd")
        >>> save_ndarray_list(target, [np.ones((2, 3), np.float32)], ["a"])
        >>> os.path.getsize(target)
        105
    """
    check_local(path)
    chunks = _encode(arrays, names)
    with atomic_writer(path, "wb") as handle:
        for chunk in chunks:
            handle.write(chunk)


def dumps_ndarray_list(arrays: ArraysLike, names: Sequence[str] | None = None) -> bytes:
    """Return the NDArray list file bytes for ``arrays`` (see :func:`save_ndarray_list`).

    Example:
        >>> dumps_ndarray_list([])[:8]
        b'\\x12\\x01\\x00\\x00\\x00\\x00\\x00\\x00'
    """
    return b"".join(_encode(arrays, names))


def _encode(arrays: ArraysLike, names: Sequence[str] | None) -> Iterator[bytes | memoryview]:
    """Validate the arguments, then yield the file in pieces (no copy of the data)."""
    if isinstance(arrays, Mapping) and names is None:
        names = list(arrays.keys())
        arrays = list(arrays.values())
    elif isinstance(arrays, np.ndarray):
        arrays = [arrays]
    arrays = [_as_float32(i, a) for i, a in enumerate(arrays)]
    names = _check_names(names, len(arrays))
    return _chunks(arrays, names)


def _chunks(arrays: list[np.ndarray], names: list[str]) -> Iterator[bytes | memoryview]:
    yield struct.pack("<QQQ", LIST_MAGIC, 0, len(arrays))
    for array in arrays:
        yield _record_header(array)
        if array.size:
            yield array.data.cast("B")
    yield struct.pack("<Q", len(names))
    for name in names:
        encoded = name.encode("utf-8")
        yield struct.pack("<Q", len(encoded)) + encoded


def _record_header(array: np.ndarray) -> bytes:
    """V2 record up to the data: magic, dense stype, shape, cpu(0) context, float32 flag."""
    if not array.size:  # an empty array: the record ends after ndim 0
        return struct.pack("<Iii", V2_MAGIC, _DENSE, 0)
    shape = array.shape
    return struct.pack(f"<Iii{len(shape)}qiii", V2_MAGIC, _DENSE, len(shape), *shape, 1, 0, 0)


def _as_float32(index: int, array: object) -> np.ndarray:
    try:
        converted = np.ascontiguousarray(array, dtype="<f4")
    except (TypeError, ValueError) as exc:
        raise invalid_value(f"arrays[{index}]", type(array).__name__,
                            "a numeric array convertible to float32") from exc
    return converted.reshape(1) if converted.ndim == 0 else converted


def _check_names(names: Sequence[str] | None, count: int) -> list[str]:
    if names is None:
        return []
    names = list(names)
    if len(names) != count or not all(isinstance(n, str) for n in names):
        raise invalid_value("names", names, f"None or {count} strings, one per array")
    return names


# --- reading ----------------------------------------------------------------------------------

def load_ndarray_list(path: str | os.PathLike[str]) -> tuple[list[np.ndarray], list[str] | None]:
    """Read an NDArray list file (``mx.nd.load``), streaming it record by record.

    Only a regular file is opened (a FIFO or a device is refused from its ``stat``),
    the 24-byte header is checked before anything else is read, and every size in
    the file is checked against the bytes that remain before it is read: a hostile
    file costs at most its own size in memory, and a bad header costs 24 bytes.

    Args:
        path: the file; ``~`` is expanded.

    Returns:
        ``(arrays, names)``: float32 arrays in backend order, and the names or None
        when the file is unnamed.

    Raises:
        ModelFileError: the file is not a valid NDArray list file, is truncated,
            uses sparse storage, or is not a regular file.
        OSError: the file cannot be opened.

    Example:
        >>> import tempfile
        >>> target = os.path.join(tempfile.mkdtemp(), "w.nd")
        >>> save_ndarray_list(target, [np.arange(3, dtype=np.float32)])
        >>> load_ndarray_list(target)
        ([array([0., 1., 2.], dtype=float32)], None)
    """
    check_local(path)
    resolved = resolve_path(path)
    handle, size = open_regular(resolved, format_error)
    with handle:
        return read_ndarray_list(handle, size, resolved)


def read_ndarray_list(handle: io.BufferedIOBase, size: int, source: str,
                      ) -> tuple[list[np.ndarray], list[str] | None]:
    """Parse an NDArray list file from an open file of ``size`` bytes, from its start.

    Example:
        >>> data = dumps_ndarray_list([np.ones(2, np.float32)])
        >>> read_ndarray_list(io.BytesIO(data), len(data), "<bytes>")
        ([array([1., 1.], dtype=float32)], None)
    """
    return _parse(Reader(FileSource(handle, size, source), source))


def loads_ndarray_list(data: bytes, source: str = "<bytes>",
                       ) -> tuple[list[np.ndarray], list[str] | None]:
    """Parse NDArray list file bytes (see :func:`load_ndarray_list`).

    Args:
        data: the file contents.
        source: how to name the data in error messages.

    Example:
        >>> loads_ndarray_list(dumps_ndarray_list({"a": np.zeros(2, np.float32)}))
        ([array([0., 0.], dtype=float32)], ['a'])
    """
    return _parse(Reader(BytesSource(memoryview(bytes(data))), source))


def check_header(handle: io.BufferedIOBase, size: int, source: str) -> None:
    """Check the list header of an open file (magic, array count) from its first 24 bytes
    and rewind it: a file that is not an NDArray list is refused without reading on.

    Example:
        >>> data = dumps_ndarray_list([])
        >>> check_header(io.BytesIO(data), len(data), "<bytes>")
    """
    _read_header(Reader(FileSource(handle, size, source), source))
    handle.seek(0)


def _parse(reader: Reader) -> tuple[list[np.ndarray], list[str] | None]:
    count = _read_header(reader)
    records = [_read_record(reader, index) for index in range(count)]
    names = _read_names(reader, count)
    for index, (_, sparse) in enumerate(records):
        if sparse is not None:
            label = f" ('{names[index]}')" if names else ""
            raise ModelFileError(f"Cannot load array {index}{label} from '{reader.source}': "
                                 f"sparse storage ({sparse}) is not supported; save it as dense")
    # Bytes after the names are ignored (and not read), as MXNet does.
    return [array for array, _ in records], names


def _read_header(reader: Reader) -> int:
    """Magic, reserved word and array count; the count is bounded by the bytes left."""
    if reader.remaining < 24:
        raise reader.error(f"{reader.remaining} bytes are too few for the 24-byte header", 0)
    if reader.u64() != LIST_MAGIC:
        raise reader.error("bad header magic", offset=0)
    reader.u64()  # reserved
    count = reader.u64()
    if count > reader.remaining // 4:  # every record takes at least 4 bytes
        raise reader.error(f"array count {count} is larger than the file allows")
    if count > MAX_ARRAYS:
        raise reader.error(f"array count {count} is more than the limit of {MAX_ARRAYS}")
    return count


def _read_names(reader: Reader, count: int) -> list[str] | None:
    name_count = reader.u64()
    if name_count not in (0, count):
        raise reader.error(f"name count {name_count} is neither 0 nor the array count {count}")
    names = []
    budget = MAX_NAME_BYTES
    for index in range(name_count):
        length = reader.u64()
        reader.require(length, f"name {index}")
        if length > budget:
            raise reader.error(f"name {index} has {length} bytes; all names together may "
                               f"have at most {MAX_NAME_BYTES}")
        budget -= length
        raw = reader.take(length, f"name {index}")
        try:
            names.append(str(raw, "utf-8"))
        except UnicodeDecodeError:
            raise reader.error(f"name {index} is not valid UTF-8") from None
    return names if name_count else None


def _read_record(reader: Reader, index: int) -> tuple[np.ndarray, str | None]:
    """Read one array record; return (array, None) or (placeholder, sparse type name)."""
    start = reader.pos
    magic = reader.u32()
    stype = reader.i32() if magic in (V2_MAGIC, V3_MAGIC) else _DENSE
    if stype in _SPARSE_NAMES:
        _skip_sparse(reader, index, stype)
        return _empty(), _SPARSE_NAMES[stype]
    if stype not in (_DENSE, _UNDEFINED):
        raise reader.error(f"array {index} has unknown storage type {stype}", offset=start + 4)
    if magic in (V1_MAGIC, V2_MAGIC, V3_MAGIC):
        shape = reader.shape(index, numpy_shape=magic == V3_MAGIC)
    elif magic <= MAX_NDIM:
        # Legacy record (assumed layout): the first uint32 is ndim, then ndim uint32 dims;
        # ndim 0 ends the record, otherwise context, dtype flag and data follow as in V2.
        shape = tuple(reader.u32() for _ in range(magic)) if magic else None
    else:
        raise reader.error(f"array {index} has unknown record magic 0x{magic:08X}", offset=start)
    if shape is None:
        return _empty(), None
    if stype == _UNDEFINED:
        raise reader.error(f"array {index} has undefined storage type but a shape", offset=start)
    reader.context(index)
    return _read_dense_data(reader, index, shape), None


def _read_dense_data(reader: Reader, index: int, shape: tuple[int, ...]) -> np.ndarray:
    flag = reader.i32()
    if flag not in _DTYPES:
        raise reader.error(f"array {index} has unknown dtype flag {flag}")
    name, dtype = _DTYPES[flag]
    raw = reader.take(_product(shape) * dtype.itemsize, f"array {index} data ({name})")
    values = np.frombuffer(raw, dtype=dtype).reshape(shape)
    if flag == _BFLOAT16:
        return (values.astype("<u4") << 16).view("<f4").astype(np.float32)
    if flag == 7:  # bool: any non-zero byte is true
        return (values != 0).astype(np.float32)
    # A file's buffer is private and writable: float32 data is used in place. Values beyond
    # float32's range become +-inf, as in MXNet's own conversion (no warning for that).
    with np.errstate(over="ignore"):
        return values.astype(np.float32, copy=not isinstance(raw, bytearray))


def _skip_sparse(reader: Reader, index: int, stype: int) -> None:
    """Walk over a sparse record (layout of docs/MXNET_R_BEHAVIOUR.md, "NDArray files") so that the
    names can still be read."""
    storage_shape = reader.shape(index, numpy_shape=False)
    if reader.shape(index, numpy_shape=False) is None:
        return
    reader.context(index)
    flags = [reader.i32()]
    aux_shapes = []
    for _ in range(_SPARSE_NUM_AUX[stype]):
        flags.append(reader.i32())
        aux_shapes.append(reader.shape(index, numpy_shape=False) or ())
    for flag, shape in zip(flags, [storage_shape or ()] + aux_shapes):
        if flag not in _DTYPES:
            raise reader.error(f"array {index} has unknown dtype flag {flag}")
        reader.skip(_product(shape) * _DTYPES[flag][1].itemsize, f"array {index} sparse data")


def _product(shape: tuple[int, ...]) -> int:
    total = 1
    for dim in shape:  # Python integers: no overflow; take() bounds the result
        total *= dim
    return total


def _empty() -> np.ndarray:
    return np.zeros((0,), dtype=np.float32)
