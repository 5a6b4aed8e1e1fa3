"""The resume sidecar (``.state``): round trips, determinism, encoding, and hostile files."""

from __future__ import annotations

import hashlib
import io
import json
import math
import time
import tracemalloc
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mxnet_r_compat.errors import ModelFileError, MXValueError
from mxnet_r_compat.formats.checkpoint_files import check_manifest
from mxnet_r_compat.formats.state_file import (FORMAT, UnencodableState, decode, dumps_state,
                                               encode, load_state, loads_state, save_state,
                                               state_path)


def small_state() -> bytes:
    return dumps_state({"epoch": 3, "note": "é"},
                       {"w": np.arange(6, dtype=np.float32).reshape(2, 3),
                        "rng": np.frombuffer(b"\x00\x01\xff", np.uint8),
                        "order": np.array([2, 0, 1], np.int64)})


def member(archive_bytes: bytes, name: str) -> bytes:
    return zipfile.ZipFile(io.BytesIO(archive_bytes)).read(name)


def pack(manifest_text: bytes, members: dict[str, bytes] | None = None,
         digest: bytes | None = None, compress: int = zipfile.ZIP_STORED) -> bytes:
    """A sidecar built by hand (to test what the writer never produces)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compress) as archive:
        archive.writestr("manifest.json", manifest_text)
        archive.writestr("manifest.sha256",
                         digest or hashlib.sha256(manifest_text).hexdigest().encode())
        for name, data in (members or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def manifest_for(arrays: dict[str, np.ndarray], **extra) -> bytes:
    entries = {n: {"dtype": a.dtype.str, "shape": list(a.shape),
                   "sha256": hashlib.sha256(a.tobytes()).hexdigest()} for n, a in arrays.items()}
    return json.dumps({"format": FORMAT, "version": 1, "arrays": entries, **extra}).encode()


# --- round trips -----------------------------------------------------------------------------

def test_round_trip_and_file_name(tmp_path):
    path = state_path(tmp_path / "mlp", 7)
    assert path.endswith("mlp-0007.state")
    save_state(path, {"epoch": 7, "lr": 0.1 + 0.2}, {"w": np.ones((2, 2), np.float32)})
    manifest, arrays = load_state(path)
    assert manifest["epoch"] == 7 and manifest["lr"] == 0.1 + 0.2  # exact double
    assert manifest["format"] == FORMAT and manifest["version"] == 1
    np.testing.assert_array_equal(arrays["w"], np.ones((2, 2), np.float32))
    assert arrays["w"].dtype == np.float32


def test_same_content_gives_same_bytes():
    assert small_state() == small_state()


def test_numpy_can_inspect_it_without_pickle():
    with np.load(io.BytesIO(small_state()), allow_pickle=False) as npz:
        assert {"w", "rng", "order"} <= set(npz.files)
        np.testing.assert_array_equal(npz["order"], [2, 0, 1])


def test_manifest_is_checksummed_json():
    data = small_state()
    text = member(data, "manifest.json")
    assert member(data, "manifest.sha256") == hashlib.sha256(text).hexdigest().encode()
    assert json.loads(text)["arrays"]["w"]["shape"] == [2, 3]


def test_writer_refuses_object_arrays_bad_names_and_non_json():
    with pytest.raises(MXValueError, match="arrays"):
        dumps_state({}, {"o": np.array([object()], dtype=object)})
    with pytest.raises(MXValueError, match="names of letters"):
        dumps_state({}, {"a/b": np.zeros(1)})
    with pytest.raises(MXValueError, match="manifest"):
        dumps_state({"x": math.nan}, {})


# --- state trees ------------------------------------------------------------------------------

def test_encode_decode_round_trip_is_exact():
    tree = {"lr": 0.1, "best": -math.inf, "nan": math.nan, "n": 3, "flag": True, "none": None,
            "text": "x", "list": [1, 2.5], "tuple": (1, "a"), "bytes": b"\x00\xff",
            "keys": {(0, 1): [np.arange(3, dtype=np.float32)], 2: "two"},
            "__dunder": 1, "f32": np.float32(0.1), "i64": np.int64(5), "b": np.bool_(False)}
    arrays: dict = {}
    encoded = encode(tree, arrays, "t")
    text = json.dumps(encoded, allow_nan=False)  # plain JSON, no NaN/Infinity literals
    back = decode(json.loads(text), arrays)
    assert math.isnan(back.pop("nan")) and math.isnan(tree.pop("nan"))
    np.testing.assert_array_equal(back["keys"][(0, 1)][0], tree["keys"][(0, 1)][0])
    back["keys"][(0, 1)] = tree["keys"][(0, 1)] = None
    assert back == tree
    assert type(back["f32"]) is np.float32 and type(back["tuple"]) is tuple


def test_encode_refuses_functions():
    with pytest.raises(UnencodableState, match="function"):
        encode({"f": lambda: 0}, {}, "t")


@pytest.mark.parametrize("tree", [{"__array__": "missing"}, {"__float__": "1e3"},
                                  {"__nope__": 1}, {"__items__": [[1]]},
                                  {"__items__": [[[1], 2]]}, {"__array__": "a", "x": 1}])
def test_decode_rejects_malformed_trees(tree):
    with pytest.raises(ModelFileError, match="Invalid resume state"):
        decode(tree, {"a": np.zeros(1)})


# --- hostile files ----------------------------------------------------------------------------

def test_every_truncation_fails_cleanly():
    data = small_state()
    for end in range(0, len(data), 7):
        with pytest.raises(ModelFileError, match="Invalid resume state file"):
            loads_state(data[:end])


def test_tampered_array_is_detected():
    data = bytearray(small_state())
    where = data.index(np.arange(6, dtype=np.float32).tobytes())
    data[where] ^= 1
    with pytest.raises(ModelFileError, match="Invalid resume state file"):
        loads_state(bytes(data))


def test_manifest_checksum_mismatch():
    text = manifest_for({})
    with pytest.raises(ModelFileError, match="does not match its checksum"):
        loads_state(pack(text, digest=b"0" * 64))


def test_array_checksum_mismatch_in_a_consistent_archive():
    a = np.zeros(3, np.float32)
    text = manifest_for({"a": a})
    with pytest.raises(ModelFileError, match="array 'a' does not match its checksum"):
        loads_state(pack(text, {"a.npy": npy(np.ones(3, np.float32))}))


@pytest.mark.parametrize("edit, message", [
    ({"format": "other"}, "format is 'other'"),
    ({"version": 2}, "version 2 is not supported"),
    ({"version": True}, "version True"),
    ({"arrays": []}, "no `arrays` object"),
])
def test_wrong_format_or_version(edit, message):
    document = {**json.loads(manifest_for({})), **edit}
    with pytest.raises(ModelFileError, match=message):
        loads_state(pack(json.dumps(document).encode()))


def test_compressed_members_and_other_zips_are_refused():
    with pytest.raises(ModelFileError, match="compressed"):
        loads_state(pack(manifest_for({}), compress=zipfile.ZIP_DEFLATED))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("data.npy", npy(np.zeros(2)))
    with pytest.raises(ModelFileError, match=r"member 'manifest\.json' is missing"):
        loads_state(out.getvalue())


@pytest.mark.parametrize("dtype", ["|O", "<U3", ">f4", "<c16"])
def test_only_plain_numeric_dtypes_are_read(dtype):
    entry = {"dtype": dtype, "shape": [1], "sha256": "0" * 64}
    text = json.dumps({"format": FORMAT, "version": 1, "arrays": {"a": entry}}).encode()
    with pytest.raises(ModelFileError, match="bad dtype"):
        loads_state(pack(text, {"a.npy": b"\x93NUMPY"}))


def test_huge_claimed_array_fails_fast_without_allocating():
    entry = {"dtype": "<f8", "shape": [2 ** 20, 2 ** 20], "sha256": "0" * 64}
    text = json.dumps({"format": FORMAT, "version": 1, "arrays": {"a": entry}}).encode()
    data = pack(text, {"a.npy": npy(np.zeros(2))})
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ModelFileError, match="needs 8796093022208 bytes"):
            loads_state(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 1.0 and peak < 1_000_000


def test_npy_header_must_match_the_manifest():
    a = np.zeros((2, 2), np.float32)
    text = manifest_for({"a": a})
    with pytest.raises(ModelFileError, match="does not match its manifest entry"):
        loads_state(pack(text, {"a.npy": npy(np.zeros(4, np.float32))}))


def test_deeply_nested_manifest():
    text = b'{"format": "mxnet_r_compat.state", "version": 1, "arrays": {}, "x": ' + \
        b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(ModelFileError, match="Invalid resume state file"):
        loads_state(pack(text))


def assert_clean(data: bytes) -> None:
    """Reading either works or raises ModelFileError; nothing else."""
    try:
        manifest, arrays = loads_state(data)
        decode(manifest, arrays)
        check_manifest(manifest, "<fuzz>")
    except ModelFileError:
        return


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_fuzz_mutations(data):
    original = bytearray(small_state())
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(original) - 1))
        original[position] = data.draw(st.integers(0, 255))
    assert_clean(bytes(original))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: st.lists(children, max_size=3) |
    st.dictionaries(st.sampled_from(["epoch", "files", "params", "sha256", "__array__",
                                     "__items__", "__float__", "optimizer", "name", "state",
                                     "callbacks", "x"]), children, max_size=4),
    max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["epoch", "begin_round", "files", "network", "fixed",
                                        "devices", "data", "optimizer", "iterators", "history",
                                        "callbacks", "rng", "hyper", "ndevice", "end_round",
                                        "initial_lr"]), json_values, max_size=16))
def test_fuzz_well_packed_hostile_manifests(fields):
    text = json.dumps({**fields, "format": FORMAT, "version": 1, "arrays": {}}).encode()
    assert_clean(pack(text))
