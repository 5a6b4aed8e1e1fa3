"""The C CSV reader (native/csv.c through io/csv_reader.py): values, layout tolerance,
chunk boundaries and the malformed-row messages (file and line)."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat.errors import MXValueError
from mxnet_r_compat.io.csv_reader import CSVFormatError, CSVReader


def read_all(path, width: int, buffer_size: int = 1 << 20, batch: int = 7) -> np.ndarray:
    reader = CSVReader(str(path), width, "data.csv", buffer_size=buffer_size)
    rows = []
    out = np.empty((batch, width), np.float32)
    while True:
        n = reader.read(out)
        rows.append(out[:n].copy())
        if n < batch:
            break
    reader.close()
    return np.concatenate(rows)


def as_r_reads_it(text: str, width: int) -> np.ndarray:
    """What read.csv then a float32 conversion gives: each value parsed as a double
    (correctly rounded), then rounded to float32."""
    lines = [line for line in text.splitlines() if line.strip()]
    return np.array([[float(v) for v in line.split(",")] for line in lines],
                    np.float64).astype(np.float32).reshape(-1, width)


def test_values_are_strtod_doubles_rounded_to_float32(tmp_path):
    rng = np.random.default_rng(7)
    values = np.concatenate([rng.normal(scale=1e3, size=300), rng.normal(scale=1e-6, size=300),
                             rng.integers(-10**6, 10**6, size=300).astype(float),
                             [0.1, 0.7, 1e-45, 3.4028235e38, 123456789012345678.0, -0.0]])
    formats = ["%.17g", "%.9g", "%g", "%.3f", "%e", "%.20f", "%+.5E"]
    text = "".join(",".join(fmt % v for v in values[i:i + 9]) + "\n"
                   for i in range(0, len(values) - len(values) % 9, 9) for fmt in formats)
    path = tmp_path / "values.csv"
    path.write_text(text)
    got = read_all(path, 9)
    want = as_r_reads_it(text, 9)
    np.testing.assert_array_equal(got.view(np.uint32), want.view(np.uint32))


def test_every_chunk_boundary_gives_the_same_rows(tmp_path):
    rng = np.random.default_rng(3)
    text = "".join(",".join(f"{v:.6g}" for v in rng.normal(size=5)) + "\n" for _ in range(200))
    path = tmp_path / "rows.csv"
    path.write_text(text)
    want = as_r_reads_it(text, 5)
    for size in (64, 65, 97, 128, 1000, 4096):
        np.testing.assert_array_equal(read_all(path, 5, buffer_size=size), want)


def test_a_line_longer_than_the_buffer_grows_it(tmp_path):
    row = ",".join(str(i) for i in range(500))
    path = tmp_path / "wide.csv"
    path.write_text(row + "\n" + row + "\n")
    got = read_all(path, 500, buffer_size=64)
    np.testing.assert_array_equal(got, np.tile(np.arange(500, dtype=np.float32), (2, 1)))


@pytest.mark.parametrize("text", [
    "1,2\n\n3,4\n",               # blank line
    "1,2\r\n3,4\r\n",             # Windows line ends
    " 1 , 2\n\t3,4 \n",           # blanks around values
    "1,2\n3,4",                   # no final newline
    "\ufeff1,2\n3,4\n",           # UTF-8 byte-order mark
    "+1,2.\n3e0,.4e1\n",          # signs, bare points, exponents
])
def test_accepted_layouts(tmp_path, text):
    path = tmp_path / "ok.csv"
    path.write_bytes(text.encode("utf-8"))
    np.testing.assert_array_equal(read_all(path, 2), [[1, 2], [3, 4]])


def test_nan_and_infinities(tmp_path):
    path = tmp_path / "special.csv"
    path.write_text("nan,inf,-Infinity,1e999\n")
    got = read_all(path, 4)[0]
    assert np.isnan(got[0]) and got[1] == np.inf and got[2] == -np.inf and got[3] == np.inf


@pytest.mark.parametrize(("text", "line", "what"), [
    ("1,2\n3,\n", 2, "value 2 is empty; expected a number."),
    ("1,2\n,2\n", 2, "value 1 is empty; expected a number."),
    ("1,2\n\n3,4x\n", 3, "value 2 is '4x', not a number."),
    ("0x10,2\n", 1, "value 1 is '0x10', not a number."),
    ("1;2\n", 1, "value 1 is '1;2', not a number."),
    ("1,2\n1 2,3\n", 2, "value 1 is '1 2', not a number."),
    ("1,2\nNA,3\n", 2, "value 1 is 'NA', not a number (missing values are not supported)."),
    ("label,pixel0\n1,2\n", 1, "value 1 is 'label', not a number (a header line? "
                               "mx.io.CSVIter reads numbers only: remove it)."),
    ("1,2\n3,4,5\n", 2, "it has 3 values; expected 2 per row (the product of data.shape)."),
    ("1,2\n3,4\n5\n", 3, "it has 1 value; expected 2 per row (the product of data.shape)."),
    ("1,2\n3,1e\n", 2, "value 2 is '1e', not a number."),
])
def test_malformed_rows_name_the_file_and_line(tmp_path, text, line, what):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(CSVFormatError) as err:
        read_all(path, 2)
    assert str(err.value) == f"Malformed row in data.csv '{path}', line {line}: {what}"


def test_rows_before_a_bad_line_are_returned_first(tmp_path):
    path = tmp_path / "late.csv"
    path.write_text("1,2\n3,4\n5,x\n")
    reader = CSVReader(str(path), 2, "data.csv")
    out = np.zeros((2, 2), np.float32)
    assert reader.read(out) == 2
    np.testing.assert_array_equal(out, [[1, 2], [3, 4]])
    with pytest.raises(CSVFormatError, match="line 3: value 2 is 'x'"):
        reader.read(out)


def test_missing_file_names_the_argument_and_reason(tmp_path):
    with pytest.raises(MXValueError) as err:
        CSVReader(str(tmp_path / "nope.csv"), 2, "label.csv")
    assert str(err.value).startswith(
        f"Invalid value for argument `label.csv`. Received: '{tmp_path / 'nope.csv'}', which "
        f"cannot be read (No such file or directory). Expected a readable CSV file (no such "
        f"file; the working directory is ")


def test_rewind_and_reopen_after_close(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("1\n2\n3\n")
    reader = CSVReader(str(path), 1, "data.csv")
    out = np.zeros((2, 1), np.float32)
    assert reader.read(out) == 2 and reader.rows == 2
    reader.rewind()
    assert reader.read(out) == 2 and out[0, 0] == 1
    reader.close()
    assert not reader.is_open
    reader.rewind()
    assert reader.read(out) == 2 and out.tolist() == [[1.0], [2.0]]


def test_c_contract(tmp_path):
    """The status codes of native/csv.h for bad arguments."""
    from mxnet_r_compat._lib import ffi, lib
    r = ffi.new("mxc_csv_reader *")
    buf = ffi.new("char[]", 65)
    assert lib.mxc_csv_open(r, str(tmp_path / "x").encode(), buf, 63) == lib.MXC_ERR_SHAPE
    assert lib.mxc_csv_open(ffi.NULL, b"x", buf, 64) == lib.MXC_ERR_NULL_PTR
    assert lib.mxc_csv_open(r, str(tmp_path / "x").encode(), buf, 64) == lib.MXC_ERR_IO
    assert r.err_kind == lib.MXC_CSV_IO and r.err_errno == 2 and r.fd == -1
    out, n = ffi.new("float[]", 4), ffi.new("int64_t *")
    assert lib.mxc_csv_read_rows(out, n, r, 2, 2) == lib.MXC_ERR_IO      # closed
    assert lib.mxc_csv_read_rows(out, n, r, 0, 2) == lib.MXC_ERR_SHAPE
    assert lib.mxc_csv_close(r) == 0 and lib.mxc_csv_close(r) == 0     # closing twice is fine
