"""mx.io.CSVIter: MXNet's batching (round.batch, num.pad, labels), files that disagree,
finalize, and exact resume of the position."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import MXValueError
from mxnet_r_compat.io import CSVFormatError


@pytest.fixture
def ten_rows(tmp_path):
    """data.csv: row i is (2i, 2i+1); label.csv: row i is i (i = 0..9)."""
    data, label = tmp_path / "d.csv", tmp_path / "l.csv"
    np.savetxt(data, np.arange(20).reshape(10, 2), delimiter=",", fmt="%d")
    np.savetxt(label, np.arange(10), delimiter=",", fmt="%d")
    return str(data), str(label)


def epochs(it, n: int) -> list[list[tuple[list[float], list[float], int]]]:
    out = []
    for _ in range(n):
        it.reset()
        batches = []
        while it.iter_next():
            v = it.value()
            batches.append((v["data"].asnumpy()[:, 0].tolist(), v["label"].asnumpy().tolist(),
                            it.num_pad()))
        out.append(batches)
    return out


def test_round_batch_wraps_and_the_next_pass_continues_after_the_wrap(ten_rows):
    """MXNet 1.9.1's CSVIter over these files, batch_size=4 (its default round_batch=True),
    gives exactly these batches: the short third batch is completed with rows 0 and 1
    (pad 2), and the next pass starts at row 2, ending with no short batch."""
    data, label = ten_rows
    it = mx.io.CSVIter(data_csv=data, data_shape=(2,), label_csv=label, batch_size=4)
    wrapped = [([0, 2, 4, 6], [0, 1, 2, 3], 0), ([8, 10, 12, 14], [4, 5, 6, 7], 0),
               ([16, 18, 0, 2], [8, 9, 0, 1], 2)]
    continued = [([4, 6, 8, 10], [2, 3, 4, 5], 0), ([12, 14, 16, 18], [6, 7, 8, 9], 0)]
    assert epochs(it, 4) == [wrapped, continued, wrapped, continued]


def test_round_batch_with_batch_three(ten_rows):
    """MXNet 1.9.1, batch_size=3: the wrap point moves on every pass (pads 2, 1, 0)."""
    data, label = ten_rows
    it = mx.io.CSVIter(data_csv=data, data_shape=(2,), label_csv=label, batch_size=3)
    pads = [[pad for _, _, pad in batches] for batches in epochs(it, 4)]
    assert pads == [[0, 0, 0, 2], [0, 0, 1], [0, 0, 0], [0, 0, 0, 2]]
    assert epochs(it, 1)[0][-1] == ([16, 18, 0], [8, 9, 0], 1)   # the 5th pass is the 2nd


def test_without_round_batch_the_pad_slots_keep_the_previous_rows(ten_rows):
    data, label = ten_rows
    it = mx.io.CSVIter(**{"data.csv": data, "data.shape": 2, "label.csv": label,
                          "batch.size": 4, "round.batch": False})
    once = [([0, 2, 4, 6], [0, 1, 2, 3], 0), ([8, 10, 12, 14], [4, 5, 6, 7], 0),
            ([16, 18, 12, 14], [8, 9, 6, 7], 2)]
    assert epochs(it, 2) == [once, once]


def test_shapes_and_default_labels(ten_rows, tmp_path):
    data, _ = ten_rows
    it = mx.io.CSVIter(data_csv=data, data_shape=(1, 2), batch_size=5)
    it.iter_next()
    v = it.value()
    assert v["data"].shape == (5, 1, 2) and v["data"].dtype == np.float32
    assert v["label"].shape == (5,) and not v["label"].asnumpy().any()   # no label.csv: zeros
    labels2 = tmp_path / "l2.csv"
    np.savetxt(labels2, np.arange(20).reshape(10, 2), delimiter=",", fmt="%d")
    it = mx.io.CSVIter(data_csv=data, data_shape=(2,), label_csv=str(labels2),
                       label_shape=(2,), batch_size=5)
    it.iter_next()
    assert it.value()["label"].shape == (5, 2)
    assert it.value()["label"].asnumpy()[4].tolist() == [8, 9]


def test_files_that_disagree(ten_rows, tmp_path):
    data, _ = ten_rows
    short = tmp_path / "short.csv"
    short.write_text("0\n1\n2\n")
    it = mx.io.CSVIter(data_csv=data, data_shape=(2,), label_csv=str(short), batch_size=4)
    with pytest.raises(CSVFormatError, match=r"label.csv '.*short.csv' has 3 rows but "
                                             r"data.csv '.*d.csv' has more \(at least 4\)"):
        it.iter_next()
    long = tmp_path / "long.csv"
    long.write_text("0\n" * 11)
    it = mx.io.CSVIter(data_csv=data, data_shape=(2,), label_csv=str(long), batch_size=5)
    assert it.iter_next() and it.iter_next()
    with pytest.raises(CSVFormatError, match=r"has more rows than data.csv .* \(10\)"):
        it.iter_next()
    it = mx.io.CSVIter(data_csv=data, data_shape=(3,), batch_size=4)
    with pytest.raises(CSVFormatError, match=r"line 1: it has 2 values; expected 3 per row"):
        it.iter_next()


def test_batch_larger_than_a_wrap_can_fill(tmp_path):
    one = tmp_path / "one.csv"
    one.write_text("1,2\n")
    it = mx.io.CSVIter(data_csv=str(one), data_shape=(2,), batch_size=2)
    assert it.iter_next() and it.num_pad() == 1         # MXNet: fills once from the start
    it = mx.io.CSVIter(data_csv=str(one), data_shape=(2,), batch_size=3)
    with pytest.raises(MXValueError, match=r"`batch.size`. Received: batch.size=3. Expected "
                                           r"at most 2 with round.batch=TRUE"):
        it.iter_next()


def test_empty_file_has_no_batch(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("\n")
    it = mx.io.CSVIter(data_csv=str(empty), data_shape=(2,), batch_size=2)
    assert not it.iter_next()
    with pytest.raises(MXValueError, match="value\\(\\) called before iter.next"):
        it.value()


def test_finalize_closes_and_reset_reopens(ten_rows):
    data, label = ten_rows
    it = mx.io.CSVIter(data_csv=data, data_shape=(2,), label_csv=label, batch_size=4)
    assert it.iter_next()
    it.finalize()
    assert not it._data.is_open and not it._label.is_open
    with pytest.raises(MXValueError, match="after finalize"):
        it.iter_next()
    it.reset()
    assert it.iter_next() and it.value()["label"].asnumpy().tolist() == [0, 1, 2, 3]


def test_state_dict_restores_where_the_next_pass_starts(ten_rows):
    data, label = ten_rows
    it = mx.io.CSVIter(data_csv=data, data_shape=(2,), label_csv=label, batch_size=4)
    epochs(it, 1)
    state = it.state_dict()
    fresh = mx.io.CSVIter(data_csv=data, data_shape=(2,), label_csv=label, batch_size=4)
    fresh.load_state_dict(state)
    assert epochs(fresh, 2) == epochs(it, 2)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"data_shape": (0,)}, "`data.shape`. Received: data.shape=(0,)"),
    ({"data_shape": (2,), "batch_size": 2.5}, "`batch.size`. Received: batch.size=2.5"),
    ({"data_shape": (2,), "round_batch": "maybe"}, "`round.batch`"),
    ({"data_shape": (2,), "dtype": "float64"}, "`dtype`. Received: dtype='float64'"),
])
def test_argument_errors(ten_rows, kwargs, message):
    data, _ = ten_rows
    with pytest.raises(MXValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        mx.io.CSVIter(data_csv=data, **{"batch_size": 2, **kwargs})


def test_mxnet_arguments_are_accepted(ten_rows):
    data, _ = ten_rows
    it = mx.io.CSVIter(data_csv=data, data_shape=(2,), label_csv="NULL", batch_size=2,
                       prefetch_buffer=4, dtype="float32", ctx="cpu")
    assert it.iter_next()
