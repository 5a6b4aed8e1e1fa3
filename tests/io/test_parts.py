"""num_parts / part_index of the array iterator and CSVIter (one part per worker of a
distributed run, docs/DISTRIBUTED.md): contiguous parts split as MNISTIter splits
(io/native_args.py part_range), together every sample once."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import MXValueError


def _labels(it) -> list[float]:
    out = []
    it.reset()
    while it.iter_next():
        n = len(it.arrays()["label"]) - it.num_pad()
        out += it.arrays()["label"][:n].tolist()
    return out


@pytest.mark.parametrize("parts", [1, 2, 3, 4])
def test_array_parts_cover_the_samples_once_in_order(parts):
    x, y = np.arange(22.0).reshape(11, 2), np.arange(11.0)
    seen = [_labels(mx.io.arrayiter(x, y, batch_size=2, num_parts=parts, part_index=k))
            for k in range(parts)]
    assert [v for s in seen for v in s] == y.tolist()
    assert [len(s) for s in seen] == [b - a for a, b in (
        (int(11 / parts * k), int(11 / parts * (k + 1))) for k in range(parts))]


def test_csv_parts_equal_the_array_parts(tmp_path):
    x, y = np.arange(26.0).reshape(13, 2), np.arange(13.0)
    np.savetxt(tmp_path / "x.csv", x, delimiter=",", fmt="%g")
    np.savetxt(tmp_path / "y.csv", y, fmt="%g")
    for k in range(3):
        csv = mx.io.CSVIter(data_csv=str(tmp_path / "x.csv"), data_shape=(2,),
                            label_csv=str(tmp_path / "y.csv"), batch_size=2, num_parts=3,
                            part_index=k, round_batch=False)
        array = mx.io.arrayiter(x, y, batch_size=2, num_parts=3, part_index=k)
        assert _labels(csv) == _labels(array)
        csv.reset()
        assert csv.iter_next() and csv.arrays()["data"][0].tolist() == \
            x[int(13 / 3 * k)].tolist()


def test_part_arguments_are_checked(tmp_path):
    with pytest.raises(MXValueError, match=r"`part.index`.*Received: part.index=2.*"
                                           r"0 <= part.index < num.parts \(2\)"):
        mx.io.arrayiter(np.ones((4, 2)), np.ones(4), num_parts=2, part_index=2)
    with pytest.raises(MXValueError, match=r"`num.parts`.*at most 3 parts"):
        mx.io.arrayiter(np.ones((3, 2)), np.ones(3), num_parts=5, part_index=0)
