"""The resume sidecar ``<prefix>-%04d.state``: a JSON manifest plus named arrays, in a zip.

The file is an ordinary uncompressed ``.npz`` archive, so ``np.load(path)``
can inspect it, with two extra members:

- ``manifest.json``: UTF-8 JSON (no NaN/Infinity), with ``format``
  (:data:`FORMAT`), ``version`` (:data:`VERSION`) and ``arrays``, which maps
  every array name to its ``dtype``, ``shape`` and ``sha256`` (of the raw
  little-endian C-order bytes). Everything else in it belongs to the caller.
- ``manifest.sha256``: the hex SHA-256 of ``manifest.json``.

Every array ``name`` is the member ``<name>.npy`` (numpy's own format,
written with ``allow_pickle=False``). Member timestamps are fixed, so the
same content always gives the same bytes. Files are written atomically.

The reader treats the file as hostile: only a regular file, read as a stream;
the central directory and the manifest bounded in size (and the manifest's
JSON in parse cost) before they are read; only stored (uncompressed) members,
sizes checked against the file before anything is allocated, only plain
numeric dtypes, no pickle, and every array checked against its digest. Any
defect raises :class:`~mxnet_r_compat.errors.ModelFileError`.

:func:`encode` / :func:`decode` turn state trees (dicts, lists, numbers,
strings, arrays, bytes) into JSON for the manifest plus named arrays, and back.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import math
import os
import re
import struct
import zipfile
from collections.abc import Mapping
from typing import IO, Any, BinaryIO

import numpy as np

from ..errors import ModelFileError, invalid_value
from .atomic import atomic_write_bytes, resolve_path
from .bounded_read import check_json_cost, open_regular
from .zip_bounds import check_directory_size

FORMAT = "mxnet_r_compat.state"
VERSION = 1
MANIFEST = "manifest.json"
DIGEST = "manifest.sha256"
MAX_MEMBERS = 100_000
MAX_DIRECTORY_BYTES = 16 * 1024 * 1024  # ~70 bytes a member: far above MAX_MEMBERS real ones
MAX_MANIFEST_BYTES = 8 * 1024 * 1024
# Little-endian plain numeric types only: no objects, no structured or byte-order surprises.
DTYPES = frozenset({"<f4", "<f8", "<i8", "<i4", "|u1", "|b1"})
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,200}$")
_DATE = (1980, 1, 1, 0, 0, 0)
_TAGS = ("__array__", "__scalar__", "__bytes__", "__float__", "__tuple__", "__items__")


def state_path(prefix: str | os.PathLike[str], iteration: int) -> str:
    """``sprintf("%s-%04d.state", prefix, iteration)`` with ``~`` expanded.

    Example:
        >>> state_path("mlp", 3)
        'mlp-0003.state'
    """
    return resolve_path(f"{os.fspath(prefix)}-{int(iteration):04d}.state")


# --- writing ----------------------------------------------------------------------------------

def dumps_state(manifest: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> bytes:
    """The file bytes for ``manifest`` (JSON-ready) and ``arrays`` (see the module doc).

    Raises:
        MXValueError: an array name or dtype is not allowed, or the manifest is not JSON.

    Example:
        >>> data = dumps_state({"epoch": 1}, {"w": np.zeros(2, np.float32)})
        >>> loads_state(data)[0]["epoch"], loads_state(data)[1]["w"].tolist()
        (1, [0.0, 0.0])
    """
    entries, blobs = {}, {}
    for name, value in arrays.items():
        array = _plain_array(name, value)
        entries[name] = {"dtype": array.dtype.str, "shape": list(array.shape),
                         "sha256": hashlib.sha256(array.tobytes()).hexdigest()}
        buffer = io.BytesIO()
        np.lib.format.write_array(buffer, array, version=(1, 0), allow_pickle=False)
        blobs[name] = buffer.getvalue()
    document = {**manifest, "format": FORMAT, "version": VERSION, "arrays": entries}
    try:
        text = json.dumps(document, sort_keys=True, allow_nan=False, indent=1).encode()
    except (TypeError, ValueError) as exc:
        raise invalid_value("manifest", type(manifest).__name__, f"JSON data ({exc})") from None
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        _write_member(archive, MANIFEST, text)
        _write_member(archive, DIGEST, hashlib.sha256(text).hexdigest().encode())
        for name, blob in blobs.items():
            _write_member(archive, f"{name}.npy", blob)
    return out.getvalue()


def save_state(path: str | os.PathLike[str], manifest: Mapping[str, Any],
               arrays: Mapping[str, np.ndarray]) -> None:
    """Write the sidecar atomically (see :func:`dumps_state`).

    Raises:
        CheckpointWriteError: the file could not be written (names the path).
    """
    atomic_write_bytes(path, dumps_state(manifest, arrays))


def _plain_array(name: str, value: object) -> np.ndarray:
    if not isinstance(name, str) or not _NAME.match(name):
        raise invalid_value("arrays", name, "names of letters, digits, '_', '.', '-'")
    array = np.ascontiguousarray(value)
    if array.dtype.str not in DTYPES:
        if array.dtype.kind in "fiub" and array.dtype.newbyteorder("<").str in DTYPES:
            array = array.astype(array.dtype.newbyteorder("<"))
        else:
            raise invalid_value(f"arrays[{name!r}]", str(array.dtype),
                                f"one of {', '.join(sorted(DTYPES))}")
    return array


def _write_member(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_DATE)
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


# --- reading ----------------------------------------------------------------------------------

def load_state(path: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Read and verify a sidecar; returns ``(manifest, arrays)``.

    Only a regular file is opened (a FIFO or device is refused from its ``stat``), and
    it is read as a stream: the end-of-archive record first, then the central directory
    (bounded), the manifest (bounded) and each array straight into its own buffer.

    Raises:
        ModelFileError: the file is corrupt, truncated, tampered with or of another format.
        OSError: the file cannot be opened.
    """
    resolved = resolve_path(path)
    handle, size = open_regular(resolved, lambda detail: ModelFileError(
        f"Invalid resume state file '{resolved}': {detail}"))
    with handle:
        return _load(handle, size, resolved)


def loads_state(data: bytes, source: str = "<bytes>",
                ) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Parse sidecar bytes (see :func:`load_state`)."""
    return _load(io.BytesIO(bytes(data)), len(data), source)


def _load(stream: BinaryIO, size: int, source: str,
          ) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    def fail(detail: str) -> ModelFileError:
        return ModelFileError(f"Invalid resume state file '{source}': {detail}")

    try:
        check_directory_size(stream, size, MAX_DIRECTORY_BYTES, fail)
        archive = zipfile.ZipFile(stream)
        members = _check_members(archive, size, fail)
        text = _read(archive, members, MANIFEST, MAX_MANIFEST_BYTES, fail)
        digest = _read(archive, members, DIGEST, 64, fail)
        if hashlib.sha256(text).hexdigest().encode() != digest:
            raise fail("the manifest does not match its checksum")
        manifest = _parse_manifest(text, fail)
        del text
        arrays = {name: _read_array(archive, members, name, entry, fail)
                  for name, entry in manifest["arrays"].items()}
    except ModelFileError:
        raise
    except RecursionError:
        raise fail("the manifest is nested too deeply") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, KeyError, OSError,
            struct.error, NotImplementedError, OverflowError, RuntimeError, TypeError) as exc:
        raise fail(f"{type(exc).__name__}: {exc}") from None
    return manifest, arrays


def _check_members(archive: zipfile.ZipFile, size: int, fail) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise fail(f"{len(infos)} members is more than the limit of {MAX_MEMBERS}")
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        if info.compress_type != zipfile.ZIP_STORED or info.file_size != info.compress_size:
            raise fail(f"member '{info.filename}' is compressed; only stored members are read")
        if info.flag_bits & 0x1:
            raise fail(f"member '{info.filename}' is encrypted")
        if info.filename in members:
            raise fail(f"member '{info.filename}' appears twice")
        total += info.compress_size
        members[info.filename] = info
    if total > size:
        raise fail(f"the members claim {total} bytes but the file has {size}")
    return members


def _read(archive: zipfile.ZipFile, members: dict, name: str, limit: int, fail) -> bytes:
    info = members.get(name)
    if info is None:
        raise fail(f"member '{name}' is missing (not a resume state file?)")
    if info.file_size > limit:
        raise fail(f"member '{name}' has {info.file_size} bytes, more than {limit}")
    return archive.read(info)  # zipfile checks the CRC-32


def _parse_manifest(text: bytes, fail) -> dict[str, Any]:
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(f"the manifest is not valid JSON ({exc})") from None
    check_json_cost(decoded, fail, "the manifest")
    try:
        manifest = json.loads(decoded, parse_constant=_reject_constant)
    except ValueError as exc:
        raise fail(f"the manifest is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict):
        raise fail("the manifest is not a JSON object")
    if manifest.get("format") != FORMAT:
        raise fail(f"format is {str(manifest.get('format'))[:80]!r}, expected {FORMAT!r}")
    version = manifest.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version > VERSION \
            or version < 1:
        raise fail(f"version {str(version)[:20]} is not supported (this reader knows 1 to "
                   f"{VERSION}; a newer mxnet_r_compat wrote it?)")
    entries = manifest.get("arrays")
    if not isinstance(entries, dict):
        raise fail("the manifest has no `arrays` object")
    for name, entry in entries.items():
        if not _NAME.match(name) or not isinstance(entry, dict):
            raise fail(f"bad array entry {name[:80]!r}")
        shape = entry.get("shape")
        if entry.get("dtype") not in DTYPES or not isinstance(shape, list) or \
                not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape) \
                or len(shape) > 32 or not isinstance(entry.get("sha256"), str):
            raise fail(f"array '{name}' has a bad dtype, shape or checksum entry")
    return manifest


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed")


def _read_array(archive: zipfile.ZipFile, members: dict, name: str, entry: dict,
                fail) -> np.ndarray:
    """Read one ``.npy`` member straight into its array (no copy of the member's bytes)."""
    info = members.get(f"{name}.npy")
    if info is None:
        raise fail(f"array '{name}' is listed in the manifest but missing")
    dtype = np.dtype(entry["dtype"])
    count = 1
    for dim in entry["shape"]:
        count *= dim
    if count * dtype.itemsize > info.file_size:  # checked before reading or allocating
        raise fail(f"array '{name}' needs {count * dtype.itemsize} bytes but its member has "
                   f"{info.file_size}")
    with archive.open(info) as stream:
        version = np.lib.format.read_magic(stream)
        if version == (1, 0):
            shape, fortran, stored = np.lib.format.read_array_header_1_0(stream)
        elif version == (2, 0):
            shape, fortran, stored = np.lib.format.read_array_header_2_0(stream)
        else:
            raise fail(f"array '{name}' uses .npy version {version}")
        if stored.str != dtype.str or list(shape) != entry["shape"] or fortran:
            raise fail(f"array '{name}' does not match its manifest entry (dtype {stored.str}, "
                       f"shape {shape})")
        array = np.empty(entry["shape"], dtype=dtype)
        body = array.reshape(-1).view(np.uint8).data
        got = _read_into(stream, body)
        if got != body.nbytes or stream.read(1):  # reading to the end checks the CRC-32
            raise fail(f"array '{name}' has {got + len(stream.read())} data bytes; expected "
                       f"{body.nbytes}")
    if hashlib.sha256(body).hexdigest() != entry["sha256"]:
        raise fail(f"array '{name}' does not match its checksum")
    return array


def _read_into(stream: IO[bytes], body: memoryview) -> int:
    """Fill ``body`` from ``stream`` a MiB at a time; returns how many bytes were read."""
    done = 0
    while done < body.nbytes:
        chunk = stream.read(min(1 << 20, body.nbytes - done))
        if not chunk:
            break
        body[done:done + len(chunk)] = chunk
        done += len(chunk)
    return done


# --- state trees <-> JSON + arrays -----------------------------------------------------------

class UnencodableState(TypeError):
    """A state tree holds a value that :func:`encode` cannot store (e.g. a function)."""


def encode(value: Any, arrays: dict[str, np.ndarray], prefix: str) -> Any:
    """A JSON-ready copy of ``value``; arrays and bytes go to ``arrays`` as ``<prefix><n>``.

    Floats stay exact (JSON numbers are written with repr); non-finite floats,
    numpy scalars, tuples and dicts with non-string keys are tagged.

    Example:
        >>> store = {}
        >>> encode({"best": -math.inf, "w": np.ones(2)}, store, "cb")
        {'best': {'__float__': '-inf'}, 'w': {'__array__': 'cb0'}}
    """
    counter = itertools.count()

    def put(array: np.ndarray) -> str:
        name = f"{prefix}{next(counter)}"
        while name in arrays:
            name = f"{prefix}{next(counter)}"
        arrays[name] = array
        return name

    def walk(v: Any) -> Any:
        if v is None or isinstance(v, (bool, str)):
            return v
        if isinstance(v, np.bool_):
            return bool(v)
        if isinstance(v, int):
            return v
        if isinstance(v, float):
            return v if math.isfinite(v) else {"__float__": repr(v)}
        if isinstance(v, np.generic):
            if v.dtype.str not in DTYPES:
                return walk(v.item())
            return {"__scalar__": put(np.asarray(v))}
        if isinstance(v, np.ndarray):
            return {"__array__": put(v.copy())}
        if isinstance(v, (bytes, bytearray, memoryview)):
            return {"__bytes__": put(np.frombuffer(bytes(v), np.uint8).copy())}
        if isinstance(v, tuple):
            return {"__tuple__": [walk(x) for x in v]}
        if isinstance(v, list):
            return [walk(x) for x in v]
        if isinstance(v, Mapping):
            if all(isinstance(k, str) and not k.startswith("__") for k in v):
                return {k: walk(x) for k, x in v.items()}
            return {"__items__": [[walk(k), walk(x)] for k, x in v.items()]}
        raise UnencodableState(f"a value of type {type(v).__name__} cannot be stored")
    return walk(value)


def decode(value: Any, arrays: Mapping[str, np.ndarray]) -> Any:
    """The inverse of :func:`encode`; a malformed tree raises ModelFileError."""
    def array(name: Any) -> np.ndarray:
        if not isinstance(name, str) or name not in arrays:
            raise ModelFileError(f"Invalid resume state: unknown array reference {name!r:.80}")
        return arrays[name]

    def walk(v: Any) -> Any:
        if isinstance(v, list):
            return [walk(x) for x in v]
        if not isinstance(v, dict):
            return v
        tags = [k for k in v if k.startswith("__")]
        if not tags:
            return {k: walk(x) for k, x in v.items()}
        if len(v) != 1 or tags[0] not in _TAGS:
            raise ModelFileError(f"Invalid resume state: unknown entry {tags[0]!r:.80}")
        tag, body = tags[0], v[tags[0]]
        if tag == "__array__":
            return array(body).copy()
        if tag == "__scalar__":
            return array(body)[()] if array(body).ndim == 0 else _bad(tag)
        if tag == "__bytes__":
            return array(body).tobytes()
        if tag == "__float__":
            return float(body) if body in ("inf", "-inf", "nan") else _bad(tag)
        if not isinstance(body, list):
            return _bad(tag)
        if tag == "__tuple__":
            return tuple(walk(x) for x in body)
        if not all(isinstance(p, list) and len(p) == 2 for p in body):
            return _bad(tag)
        try:
            return {walk(k): walk(x) for k, x in body}
        except TypeError:  # an unhashable key
            return _bad(tag)
    return walk(value)


def _bad(tag: str) -> Any:
    raise ModelFileError(f"Invalid resume state: malformed {tag} entry")
