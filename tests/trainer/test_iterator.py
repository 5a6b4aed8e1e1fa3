"""The array iterator (docs/MXNET_R_BEHAVIOUR.md, "Array iterator"): batches, stale padding, shuffle
once, num.pad, reset."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import MXShapeError, MXValueError
from mxnet_r_compat.io import init_iter


def fisher_yates(u: np.ndarray) -> np.ndarray:
    """Spec 11's swap loop over uniforms u, written out here."""
    order = np.arange(len(u))
    for i in range(len(u) - 1, 0, -1):
        j = int(np.floor(float(u[i]) * (i + 1)))
        if j < i:
            order[i], order[j] = order[j], order[i]
    return order


def all_batches(it):
    out = []
    while it.iter_next():
        v = it.value()
        out.append((v["data"].asnumpy(), v["label"].asnumpy(), it.num_pad()))
    return out


@pytest.fixture
def test_io_data():
    """MXNet R's test_io: X = 1:100 per sample (one feature), y = round((1:100)/10)."""
    X = np.arange(1, 101, dtype=np.float64).reshape(100, 1)
    y = np.round(np.arange(1, 101) / 10)
    return X, y


def test_test_io_expectation_pads_with_samples_71_to_90(test_io_data):
    X, y = test_io_data
    it = mx.io.arrayiter(X, y, batch_size=30, shuffle=False)
    batches = all_batches(it)
    assert len(batches) == 4
    assert [pad for _, _, pad in batches] == [0, 0, 0, 20]
    data, label, _ = batches[-1]
    r_samples = list(range(91, 101)) + list(range(71, 91))  # R's 1-based sample numbers
    assert data[:, 0].tolist() == r_samples
    assert label.tolist() == np.round(np.array(r_samples) / 10).tolist()


def test_batches_have_full_size_and_float32(test_io_data):
    X, y = test_io_data
    for data, label, _ in all_batches(mx.io.arrayiter(X, y, batch_size=30)):
        assert data.shape == (30, 1) and label.shape == (30,)
        assert data.dtype == np.float32 and label.dtype == np.float32


def test_exact_multiple_has_no_padding(test_io_data):
    X, y = test_io_data
    batches = all_batches(mx.io.arrayiter(X, y, batch_size=20))
    assert len(batches) == 5 and all(pad == 0 for _, _, pad in batches)


def test_single_short_batch_pads_with_zeros():
    it = mx.io.arrayiter(np.ones((3, 2)), np.array([1.0, 2.0, 3.0]), batch_size=5)
    (data, label, pad), = all_batches(it)
    assert pad == 2
    assert label.tolist() == [1, 2, 3, 0, 0]
    assert data[3:].tolist() == [[0, 0], [0, 0]]


def test_matrix_label_batches():
    y = np.arange(14.0).reshape(7, 2)
    batches = all_batches(mx.io.arrayiter(np.zeros((7, 3)), y, batch_size=4))
    assert batches[0][1].shape == (4, 2)
    assert batches[1][1].tolist() == [[8, 9], [10, 11], [12, 13], [6, 7]]


def test_reset_rewinds_to_the_same_batches(test_io_data):
    X, y = test_io_data
    mx.set.seed(5)
    it = mx.io.arrayiter(X, y, batch_size=30, shuffle=True)
    first = all_batches(it)
    assert not it.iter_next()
    it.reset()
    second = all_batches(it)
    assert len(first) == len(second) == 4
    for (d1, l1, p1), (d2, l2, p2) in zip(first, second):
        np.testing.assert_array_equal(d1, d2)
        np.testing.assert_array_equal(l1, l2)
        assert p1 == p2


def test_shuffle_is_fisher_yates_over_n_uniforms_drawn_at_creation(test_io_data):
    X, y = test_io_data
    mx.set.seed(11)
    u = mx.runif(100)
    after = mx.runif(3)
    mx.set.seed(11)
    it = mx.io.arrayiter(X, y, batch_size=30, shuffle=True)
    # Creation consumed exactly 100 uniforms.
    np.testing.assert_array_equal(mx.runif(3), after)
    order = fisher_yates(u)
    assert sorted(order.tolist()) == list(range(100)) and order.tolist() != list(range(100))
    batches = all_batches(it)
    seen = np.concatenate([d[:, 0] for d, _, _ in batches[:3]] + [batches[3][0][:10, 0]])
    assert seen.tolist() == (order + 1).tolist()
    # Padding after shuffling: slots 10..29 of the last batch repeat batch 3's slots.
    np.testing.assert_array_equal(batches[3][0][10:], batches[2][0][10:])


def test_no_shuffle_draws_no_random_numbers(test_io_data):
    X, y = test_io_data
    mx.set.seed(2)
    expected = mx.runif(2)
    mx.set.seed(2)
    mx.io.arrayiter(X, y, batch_size=30)
    np.testing.assert_array_equal(mx.runif(2), expected)


def test_value_before_iter_next_is_an_error(test_io_data):
    with pytest.raises(MXValueError):
        mx.io.arrayiter(*test_io_data, batch_size=30).value()


def test_num_pad_is_zero_before_the_last_batch(test_io_data):
    it = mx.io.arrayiter(*test_io_data, batch_size=30)
    pads = []
    while it.iter_next():
        pads.append(it.num_pad())
    assert pads == [0, 0, 0, 20]


def test_extract_drops_padding_in_iterator_order(test_io_data):
    X, y = test_io_data
    mx.set.seed(4)
    it = mx.io.arrayiter(X, y, batch_size=30, shuffle=True)
    data = mx.io.extract(it, "data")
    assert isinstance(data, mx.nd.NDArray) and data.shape == (100, 1)
    data = data.asnumpy()
    assert sorted(data[:, 0].tolist()) == list(range(1, 101))
    assert mx.io.extract(it, "label").asnumpy().tolist() == np.round(data[:, 0] / 10).tolist()


def test_row_major_data_is_reported():
    with pytest.raises(MXShapeError, match=r"^Seems X, y was passed in a Row major way, MXNetR "
                                           r"adopts a column major convention\.\nPlease pass in "
                                           r"transpose of X instead$"):
        mx.io.arrayiter(np.zeros((3, 10)), np.zeros(10), batch_size=2)


def test_inconsistent_data_and_label():
    with pytest.raises(MXShapeError, match=r"^Data and label shape in-consistent"):
        mx.io.arrayiter(np.zeros((10, 3)), np.zeros(9), batch_size=2)


def test_trainer_batch_size_counts_every_label_element():
    """mx.model.init.iter uses min(length(y), batch.size): a matrix y counts all its values."""
    it = init_iter(np.zeros((5, 2), np.float32), np.zeros((5, 3)), 128, is_train=False)
    assert it.batch_size == 15
    assert init_iter(np.zeros((5, 2), np.float32), np.zeros(5), 128, is_train=False) \
        .batch_size == 5
    assert init_iter(np.zeros((50, 2), np.float32), np.zeros(50), 16, is_train=False) \
        .batch_size == 16


def test_trainer_iterator_needs_y():
    with pytest.raises(MXValueError, match=r"^Need to provide parameter y for training with R "
                                           r"arrays\.$"):
        init_iter(np.zeros((5, 2), np.float32), None, 2, is_train=True)
