"""mx.io.MNISTIter: MXNet's batches, scaling and shuffle order; header checks."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.datasets import write_idx
from mxnet_r_compat.errors import MXValueError

# The order MXNet 1.9.1's MNISTIter hands out samples in, for (n, seed), read with
# `mx.io.MNISTIter(image=..., label=..., batch_size=b, shuffle=True, seed=seed)` over files
# whose pixels (0, 0) and (0, 1) encode each sample's index (as `indexed_files` writes them).
MXNET_ORDER = {
    (70, 0): [33, 69, 31, 5, 14, 49, 58, 53, 4, 68, 30, 62, 34, 10, 66, 12, 61, 21, 22, 11, 42,
              45, 1, 9, 59, 27, 20, 15, 60, 54, 65, 29, 17, 51, 39, 43, 50, 47, 67, 23, 36, 41,
              6, 56, 3, 32, 28, 64, 16, 63, 44, 48, 55, 19, 37, 26, 40, 52, 13, 46, 8, 0, 24,
              38, 35, 57, 25, 18, 7, 2],
    (7, 3): [6, 5, 3, 0, 4, 1],   # batch 2: the 7th sample does not fill a batch
    (1000, 10): [552, 913, 13, 538, 277, 559, 718, 875, 215, 726, 433, 453, 323, 995, 234, 785,
                 132, 272, 478, 985],
}


def indexed_files(tmp_path, n: int):
    """IDX files whose image i has pixel (0,0) = i % 256, (0,1) = i // 256, (5,5) = 255."""
    images = np.zeros((n, 28, 28), np.uint8)
    images[:, 0, 0] = np.arange(n) % 256
    images[:, 0, 1] = np.arange(n) // 256
    images[:, 5, 5] = 255
    image, label = tmp_path / f"img{n}", tmp_path / f"lab{n}"
    write_idx(str(image), images)
    write_idx(str(label), (np.arange(n) % 10).astype(np.uint8))
    return str(image), str(label)


def order_of(it) -> list[int]:
    out = []
    it.reset()
    while it.iter_next():
        data, label = it.value()["data"].asnumpy(), it.value()["label"].asnumpy()
        flat = data.reshape(data.shape[0], -1)
        idx = np.rint(flat[:, 0] * 256).astype(int) + 256 * np.rint(flat[:, 1] * 256).astype(int)
        assert (label == idx % 10).all()
        out.extend(idx.tolist())
    return out


@pytest.mark.parametrize(("n", "seed", "batch"), [(70, 0, 7), (7, 3, 2), (1000, 10, 100)])
def test_shuffle_order_is_mxnets(tmp_path, n, seed, batch):
    image, label = indexed_files(tmp_path, n)
    it = mx.io.MNISTIter(image=image, label=label, batch_size=batch, seed=seed, silent=True)
    want = MXNET_ORDER[(n, seed)]
    assert order_of(it)[:len(want)] == want


def test_same_seed_same_order_every_epoch_and_iterator(tmp_path):
    image, label = indexed_files(tmp_path, 300)
    a = mx.io.MNISTIter(image=image, label=label, batch_size=30, seed=5, silent=True)
    b = mx.io.MNISTIter(image=image, label=label, batch_size=30, seed=5, silent=True)
    c = mx.io.MNISTIter(image=image, label=label, batch_size=30, seed=6, silent=True)
    first = order_of(a)
    assert order_of(a) == first == order_of(b) != order_of(c)
    assert sorted(first) == list(range(300))


def test_shapes_scaling_and_no_partial_batch(tmp_path):
    image, label = indexed_files(tmp_path, 25)
    it = mx.io.MNISTIter(image=image, label=label, batch_size=10, shuffle=False, silent=True)
    batches = 0
    it.reset()
    while it.iter_next():
        batches += 1
        v = {k: nd.asnumpy() for k, nd in it.value().items()}
        assert v["data"].shape == (10, 1, 28, 28) and v["label"].shape == (10,)
        assert v["data"].dtype == np.float32 and it.num_pad() == 0
        assert (v["data"][:, 0, 5, 5] == np.float32(255 / 256)).all()   # MXNet scales by 1/256
    assert batches == 2                                                 # 5 samples left out
    flat = mx.io.MNISTIter(**{"image": image, "label": label, "batch.size": 10, "flat": True,
                              "shuffle": False, "silent": True, "data.shape": (784,)})
    flat.iter_next()
    assert flat.value()["data"].shape == (10, 784)
    assert flat.value()["data"].asnumpy()[3, 0] == np.float32(3 / 256)


def test_num_parts_reads_mxnets_slice(tmp_path):
    image, label = indexed_files(tmp_path, 70)
    it = mx.io.MNISTIter(image=image, label=label, batch_size=7, shuffle=False, silent=True,
                         num_parts=3, part_index=1)
    assert order_of(it) == list(range(23, 44))   # samples 23..45, three full batches


def test_loading_message_unless_silent(tmp_path, capfd):
    image, label = indexed_files(tmp_path, 70)
    mx.io.MNISTIter(image=image, label=label, batch_size=7, flat=True)
    mx.io.MNISTIter(image=image, label=label, batch_size=7, shuffle=0, silent=0)
    mx.io.MNISTIter(image=image, label=label, batch_size=7, silent=True)
    assert capfd.readouterr().err.splitlines() == [
        "MNISTIter: load 70 images, shuffle=1, shape=(7,784)",
        "MNISTIter: load 70 images, shuffle=0, shape=[7,1,28,28]"]


def test_bad_files_are_clear_errors(tmp_path):
    image, label = indexed_files(tmp_path, 20)
    with pytest.raises(MXValueError, match="magic number 2051, found 2049"):
        mx.io.MNISTIter(image=label, label=label, silent=True)
    with pytest.raises(MXValueError, match="magic number 2049, found 2051"):
        mx.io.MNISTIter(image=image, label=image, silent=True)
    with open(image, "rb") as f:
        data = f.read()
    short = tmp_path / "short"
    short.write_bytes(data[:-100])
    with pytest.raises(MXValueError) as err:
        mx.io.MNISTIter(image=str(short), label=label, silent=True)
    assert str(err.value) == (f"Truncated MNIST file '{short}' (argument `image`): its header "
                              f"announces 20 x 28 x 28 bytes of images, which needs 15696 "
                              f"bytes; the file has 15596.")
    head = tmp_path / "head"
    head.write_bytes(data[:10])
    with pytest.raises(MXValueError, match="its header needs 16 bytes, the file has 10"):
        mx.io.MNISTIter(image=str(head), label=label, silent=True)
    zipped = tmp_path / "zipped"
    zipped.write_bytes(gzip.compress(data))
    with pytest.raises(MXValueError, match="gzip-compressed: gunzip it first"):
        mx.io.MNISTIter(image=str(zipped), label=label, silent=True)
    _, other = indexed_files(tmp_path, 21)
    with pytest.raises(MXValueError, match="one label per image: .* has 20 images, .* has 21"):
        mx.io.MNISTIter(image=image, label=other, silent=True)
    with pytest.raises(MXValueError, match="No such file or directory"):
        mx.io.MNISTIter(image=str(tmp_path / "none"), label=label, silent=True)


def test_argument_errors(tmp_path):
    image, label = indexed_files(tmp_path, 20)
    with pytest.raises(MXValueError, match=r"`part.index`. Received: part.index=2. Expected "
                                           r"0 <= part.index < num.parts \(2\)"):
        mx.io.MNISTIter(image=image, label=label, num_parts=2, part_index=2)
    with pytest.raises(MXValueError, match="`batch.size`. Received: batch.size=0"):
        mx.io.MNISTIter(image=image, label=label, batch_size=0)
    with pytest.raises(MXValueError, match="`dtype`"):
        mx.io.MNISTIter(image=image, label=label, dtype="float16")
    with pytest.raises(TypeError, match="unknown argument `shufle`. Did you mean `shuffle`"):
        mx.io.MNISTIter(image=image, label=label, shufle=True)
    it = mx.io.MNISTIter(image=image, label=label, silent=True)
    with pytest.raises(MXValueError, match="value\\(\\) called before iter.next"):
        it.value()
