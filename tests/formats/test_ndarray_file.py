"""NDArray list files: golden bytes, round trips, old versions, dtypes and hostile input."""

from __future__ import annotations

import struct
import time
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mxnet_r_compat.errors import ModelFileError, MXValueError
from mxnet_r_compat.formats.ndarray_file import (dumps_ndarray_list, load_ndarray_list,
                                                 loads_ndarray_list, save_ndarray_list)

# Spec section 15's example: an R matrix of dim c(3, 2) holding 1:6, saved as "a".
# R's column-major bytes are C order of the backend shape (2, 3).
SPEC_EXAMPLE = bytes.fromhex(
    "1201000000000000"  # list magic 0x112
    "0000000000000000"  # reserved
    "0100000000000000"  # one array
    "c9fa93f9"  # V2 record magic 0xF993FAC9
    "00000000"  # stype 0 (dense)
    "02000000" "0200000000000000" "0300000000000000"  # ndim 2, dims (2, 3)
    "01000000" "00000000"  # cpu(0)
    "00000000"  # dtype flag 0 (float32)
    "0000803f" "00000040" "00004040" "00008040" "0000a040" "0000c040"  # 1..6
    "0100000000000000"  # one name
    "0100000000000000" "61"  # "a"
)


def header(count: int) -> bytes:
    return struct.pack("<QQQ", 0x112, 0, count)


def names_block(names: list[str]) -> bytes:
    out = struct.pack("<Q", len(names))
    for name in names:
        out += struct.pack("<Q", len(name.encode())) + name.encode()
    return out


def v2_record(values: np.ndarray, flag: int = 0, magic: int = 0xF993FAC9) -> bytes:
    shape = values.shape
    return (struct.pack(f"<Iii{len(shape)}q", magic, 0, len(shape), *shape)
            + struct.pack("<iii", 1, 0, flag) + values.tobytes())


def test_spec_example_golden_bytes(tmp_path):
    matrix = np.arange(1, 7, dtype=np.float32).reshape(2, 3)
    target = tmp_path / "a.nd"
    save_ndarray_list(target, [matrix], ["a"])
    assert target.read_bytes() == SPEC_EXAMPLE
    assert dumps_ndarray_list({"a": matrix}) == SPEC_EXAMPLE


def test_spec_example_loads():
    arrays, names = loads_ndarray_list(SPEC_EXAMPLE)
    assert names == ["a"]
    np.testing.assert_array_equal(arrays[0], np.arange(1, 7, dtype=np.float32).reshape(2, 3))


def test_unnamed_list_writes_name_count_zero():
    data = dumps_ndarray_list([np.ones(2, np.float32)])
    assert data[-8:] == b"\0" * 8
    assert loads_ndarray_list(data)[1] is None


@pytest.mark.parametrize("names", [None, ["arg:w", "aux:m", "x", "ünïcode", ""]])
def test_round_trip_shapes(tmp_path, names):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal((2, 3, 4, 5)).astype(np.float32),
              np.float32(3.5) * np.ones((), np.float32),  # 0-d: saved as one element
              np.zeros((0,), np.float32),  # empty: record ends after ndim 0
              rng.standard_normal(7),  # float64 in: float32 out
              np.asfortranarray(rng.standard_normal((3, 2)).astype(np.float32))]
    save_ndarray_list(tmp_path / "r.nd", arrays, names)
    loaded, loaded_names = load_ndarray_list(tmp_path / "r.nd")
    assert loaded_names == names
    assert [a.shape for a in loaded] == [(2, 3, 4, 5), (1,), (0,), (7,), (3, 2)]
    assert all(a.dtype == np.float32 for a in loaded)
    for original, back in zip(arrays, loaded):
        np.testing.assert_array_equal(back.ravel(), np.asarray(original, np.float32).ravel())


def test_empty_array_record_ends_after_shape():
    data = dumps_ndarray_list([np.zeros((0, 3), np.float32)])
    assert data == header(1) + struct.pack("<Iii", 0xF993FAC9, 0, 0) + struct.pack("<Q", 0)


def test_single_array_is_wrapped_in_a_list():
    assert dumps_ndarray_list(np.ones(2, np.float32)) == dumps_ndarray_list([np.ones(2)])


def test_bad_arguments_are_rejected():
    with pytest.raises(MXValueError, match="Invalid value for argument `names`"):
        dumps_ndarray_list([np.ones(2)], ["a", "b"])
    with pytest.raises(MXValueError, match=r"arrays\[0\]"):
        dumps_ndarray_list([["x", "y"]])


# --- other versions and dtypes, built by hand from the layout ---------------------------

def test_v1_record():
    values = np.arange(6, dtype=np.float32).reshape(3, 2)
    record = (struct.pack("<Iiqq", 0xF993FAC8, 2, 3, 2) + struct.pack("<iii", 1, 0, 0)
              + values.tobytes())
    arrays, names = loads_ndarray_list(header(1) + record + names_block(["w"]))
    assert names == ["w"]
    np.testing.assert_array_equal(arrays[0], values)


def test_v3_record_and_numpy_shape_scalars():
    values = np.arange(4, dtype=np.float32).reshape(2, 2)
    scalar = struct.pack("<Iii", 0xF993FACA, 0, 0) + struct.pack("<iii", 1, 0, 0) \
        + np.float32(7).tobytes()  # ndim 0 is a scalar in numpy-shape mode
    unknown = struct.pack("<Iii", 0xF993FACA, -1, -1)  # ndim -1: no data
    data = header(3) + v2_record(values, magic=0xF993FACA) + scalar + unknown + names_block([])
    arrays, _ = loads_ndarray_list(data)
    np.testing.assert_array_equal(arrays[0], values)
    assert arrays[1].shape == () and arrays[1] == 7
    assert arrays[2].shape == (0,)


def test_legacy_record():
    values = np.arange(6, dtype=np.float32).reshape(2, 3)
    record = struct.pack("<III", 2, 2, 3) + struct.pack("<iii", 1, 0, 0) + values.tobytes()
    empty = struct.pack("<I", 0)
    arrays, _ = loads_ndarray_list(header(2) + record + empty + names_block([]))
    np.testing.assert_array_equal(arrays[0], values)
    assert arrays[1].shape == (0,)


@pytest.mark.parametrize("flag, dtype", [(1, "<f8"), (2, "<f2"), (3, "u1"), (4, "<i4"),
                                         (5, "i1"), (6, "<i8"), (8, "<i2"), (9, "<u2"),
                                         (10, "<u4"), (11, "<u8")])
def test_dtypes_become_float32(flag, dtype):
    values = np.array([[0, 1, 2], [3, 100, 7]]).astype(dtype)
    arrays, _ = loads_ndarray_list(header(1) + v2_record(values, flag) + names_block([]))
    assert arrays[0].dtype == np.float32
    np.testing.assert_array_equal(arrays[0], values.astype(np.float32))


def test_bool_and_bfloat16():
    bools = np.array([0, 1, 2], np.uint8)  # any non-zero byte is true
    bf16 = (np.array([1.5, -2.0, 0.0], np.float32).view("<u4") >> 16).astype("<u2")
    data = header(2) + v2_record(bools, 7) + v2_record(bf16, 12) + names_block([])
    arrays, _ = loads_ndarray_list(data)
    np.testing.assert_array_equal(arrays[0], [0, 1, 1])
    np.testing.assert_array_equal(arrays[1], [1.5, -2.0, 0.0])


def test_unknown_dtype_flag_is_named():
    data = header(1) + v2_record(np.ones(2, np.float32), 99) + names_block([])
    with pytest.raises(ModelFileError, match="dtype flag 99"):
        loads_ndarray_list(data)


@pytest.mark.parametrize("stype, kind", [(1, "row_sparse"), (2, "csr")])
def test_sparse_storage_is_refused_by_name(stype, kind):
    aux = [(6, (2,))] if stype == 1 else [(6, (6,)), (6, (2,))]
    record = struct.pack("<Iiiqq", 0xF993FAC9, stype, 2, 2, 3)  # storage shape (2, 3)
    record += struct.pack("<iqq", 2, 5, 3) + struct.pack("<iii", 1, 0, 0)  # shape, ctx, dtype
    for flag, shape in aux:
        record += struct.pack("<iiq", flag, 1, *shape)
    record += np.ones(6, np.float32).tobytes()
    for _, shape in aux:
        record += np.zeros(shape, np.int64).tobytes()
    data = header(2) + v2_record(np.ones(1, np.float32)) + record + names_block(["a", "emb"])
    with pytest.raises(ModelFileError, match=rf"array 1 \('emb'\).*sparse storage \({kind}\) "
                                             "is not supported"):
        loads_ndarray_list(data)


# --- invalid and hostile files -------------------------------------------------------------------

def test_bad_header_names_the_path(tmp_path):
    target = tmp_path / "bad.params"
    target.write_bytes(b"\x13" + SPEC_EXAMPLE[1:])
    with pytest.raises(ModelFileError, match=r"Invalid NDArray file format.*bad\.params"):
        load_ndarray_list(target)


def test_name_count_must_be_zero_or_n():
    data = header(1) + v2_record(np.ones(1, np.float32)) + names_block(["a", "b"])
    with pytest.raises(ModelFileError, match="Invalid NDArray file format: name count 2"):
        loads_ndarray_list(data)


def test_directory_is_not_read(tmp_path):
    with pytest.raises(ModelFileError, match="not a regular file"):
        load_ndarray_list(tmp_path)


def small_valid_file() -> bytes:
    return dumps_ndarray_list([np.arange(6, dtype=np.float32).reshape(2, 3),
                               np.zeros(0, np.float32), np.ones(1, np.float32)],
                              ["arg:w", "", "aux:m"])


def test_every_truncation_fails_cleanly():
    data = small_valid_file()
    for end in range(len(data)):
        with pytest.raises(ModelFileError):
            loads_ndarray_list(data[:end])


@pytest.mark.parametrize("offset, value, message", [
    (16, struct.pack("<Q", 2 ** 63), "array count"),
    (24, struct.pack("<I", 0xDEADBEEF), "unknown record magic 0xDEADBEEF"),
    (28, struct.pack("<i", 9), "unknown storage type 9"),
    (32, struct.pack("<i", 1 << 30), "ndim 1073741824"),
    (32, struct.pack("<i", -5), "ndim -5"),
    (36, struct.pack("<q", -3), "negative dimension"),
    (52, struct.pack("<i", 77), "unknown device type 77"),
])
def test_corrupt_fields_fail_cleanly(offset, value, message):
    data = bytearray(small_valid_file())
    data[offset:offset + len(value)] = value
    with pytest.raises(ModelFileError, match=message):
        loads_ndarray_list(bytes(data))


def test_absurd_name_length_and_bad_utf8():
    base = header(1) + v2_record(np.ones(1, np.float32)) + struct.pack("<Q", 1)
    with pytest.raises(ModelFileError, match="name 0 needs"):
        loads_ndarray_list(base + struct.pack("<Q", 2 ** 62) + b"abc")
    with pytest.raises(ModelFileError, match="UTF-8"):
        loads_ndarray_list(base + struct.pack("<Q", 2) + b"\xff\xfe")


def test_huge_claimed_array_fails_fast_without_allocating():
    # dims 2^20 x 2^20 = 2^40 float32 elements (4 TiB) with 16 bytes of data behind them.
    record = struct.pack("<Iiiqqiii", 0xF993FAC9, 0, 2, 2 ** 20, 2 ** 20, 1, 0, 0)
    data = header(1) + record + b"\0" * 16 + names_block([])
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ModelFileError, match="needs 4398046511104 bytes"):
            loads_ndarray_list(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 1.0
    assert peak < 1_000_000


def test_dims_whose_product_overflows_int64_fail_cleanly():
    record = struct.pack("<Iii5q", 0xF993FAC9, 0, 5, *[2 ** 62] * 5) + struct.pack("<iii", 1, 0, 0)
    with pytest.raises(ModelFileError):
        loads_ndarray_list(header(1) + record + names_block([]))


def assert_clean(data: bytes) -> None:
    """Loading either works (float32 arrays) or raises ModelFileError; nothing else."""
    try:
        arrays, names = loads_ndarray_list(data)
    except ModelFileError:
        return
    assert all(a.dtype == np.float32 for a in arrays)
    assert names is None or len(names) == len(arrays)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_fuzz_mutations(data):
    original = bytearray(small_valid_file())
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(original) - 1))
        original[position] = data.draw(st.integers(0, 255))
    assert_clean(bytes(original))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), st.booleans())
def test_fuzz_random_bytes(tail, with_header):
    assert_clean((header(len(tail) % 4) if with_header else b"") + tail)


@pytest.mark.parametrize("uri", ["s3://mybucket/mydata.bin", "hdfs://namenode/a.nd",
                                 "HTTPS://example.org/w.params"])
def test_remote_uris_are_refused_before_anything_is_written(tmp_path, monkeypatch, uri):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(MXValueError, match="argument `filename`.*local files only"):
        save_ndarray_list(uri, [np.ones(2, np.float32)])
    with pytest.raises(MXValueError, match="argument `filename`.*local files only"):
        load_ndarray_list(uri)
    assert list(tmp_path.iterdir()) == []
