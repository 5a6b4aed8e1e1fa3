"""``mx.io.MNISTIter``: batches from MNIST's IDX files, as MXNet's MNISTIter gives them.

The files' headers are checked (magic numbers 2051 and 2049, counts, sizes) before anything
is read, so a wrong or truncated file is a clear error. Images are kept as bytes and turned
into floats a batch at a time (pixel / 256, MXNet's scaling). The shuffle is MXNet's own:
the same seed gives the same order as MXNet 1.9 (native/idx.c); it is drawn once, when
the iterator is created. Every batch is full: like MXNet, the samples that do not fill a
last batch are left out, and ``num_pad()`` is always 0.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from .._lib import check, ffi, lib
from ..console import message
from ..errors import MXValueError, invalid_value
from .iterators import DataIter
from .native_args import bool_arg, check_dtype, int_arg, part_args, part_range, path_arg

IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049
#: MXNet scales pixels by 1/256 (src/io/iter_mnist.cc), not 1/255.
PIXEL_SCALE = np.float32(1.0 / 256.0)


def read_idx_header(path: str, arg: str, magic: int, ndim: int) -> tuple[tuple[int, ...], int]:
    """The extents of an IDX file and where its bytes start, after checking the header.

    Example:
        >>> read_idx_header("train-images-idx3-ubyte", "image", 2051, 3)  # doctest: +SKIP
        ((60000, 28, 28), 16)
    """
    try:
        with open(path, "rb") as f:
            head = f.read(4 + 4 * ndim)
            size = os.fstat(f.fileno()).st_size
    except OSError as err:
        raise invalid_value(arg, path, f"a readable MNIST file ({err.strerror})") from None
    kind = "images" if ndim == 3 else "labels"
    if head[:2] == b"\x1f\x8b":
        raise invalid_value(arg, path, f"an uncompressed IDX file of MNIST {kind} (this one is "
                            "gzip-compressed: gunzip it first)")
    found = int.from_bytes(head[:4], "big") if len(head) >= 4 else None
    if found != magic:
        raise invalid_value(arg, path, f"an IDX file of MNIST {kind}: magic number {magic}, "
                            f"found {found if found is not None else 'an empty file'}")
    if len(head) < 4 + 4 * ndim:
        raise MXValueError(f"Truncated MNIST file '{path}' (argument `{arg}`): its header needs "
                           f"{4 + 4 * ndim} bytes, the file has {size}.")
    dims = tuple(int.from_bytes(head[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    want = 4 + 4 * ndim + int(np.prod(dims))
    if size < want:
        raise MXValueError(f"Truncated MNIST file '{path}' (argument `{arg}`): its header "
                           f"announces {' x '.join(map(str, dims))} bytes of {kind}, which "
                           f"needs {want} bytes; the file has {size}.")
    return dims, 4 + 4 * ndim


class MNISTIter(DataIter):
    """Batches of MNIST images and labels from IDX files.

    Args:
        image, label: the IDX files (``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``).
        batch_size: samples per batch (128).
        shuffle: shuffle once, now, with MXNet's generator seeded by ``seed`` (TRUE).
        flat: batches of shape (batch, rows * cols) instead of (batch, 1, rows, cols).
        seed: the shuffle's seed (0).
        silent: do not print what was loaded.
        num_parts, part_index: read only part ``part_index`` of ``num_parts`` equal parts.
        data_shape: accepted and not used (MXNet R scripts pass it; the files give the shape).
        prefetch_buffer, ctx, dtype: MXNet's prefetcher arguments; accepted.

    Example:
        >>> it = MNISTIter(image="train-images-idx3-ubyte", label="train-labels-idx1-ubyte",
        ...                batch_size=100, flat=True, seed=10)          # doctest: +SKIP
        >>> it.iter_next(), it.value()["data"].shape                     # doctest: +SKIP
        (True, (100, 784))
    """

    def __init__(self, image: str = "./train-images-idx3-ubyte",
                 label: str = "./train-labels-idx1-ubyte", batch_size: int = 128,
                 shuffle: Any = True, flat: Any = False, seed: int = 0, silent: Any = False,
                 num_parts: int = 1, part_index: int = 0, data_shape: Any = None,
                 prefetch_buffer: Any = None, ctx: Any = None, dtype: Any = None) -> None:
        check_dtype(dtype)
        self.image, self.label = path_arg(image, "image"), path_arg(label, "label")
        self.batch_size = int_arg(batch_size, "batch.size", 1)
        self.shuffle, self.flat = bool_arg(shuffle, "shuffle"), bool_arg(flat, "flat")
        self.seed = int_arg(seed, "seed", -(2 ** 31)) & 0xFFFFFFFF
        parts, index = part_args(num_parts, part_index)
        self._images, self._labels = self._load(parts, index)
        n, rows, cols = self._images.shape
        self.num_data = n
        self._order = self._shuffled(n) if self.shuffle else None
        sample = (rows * cols,) if self.flat else (1, rows, cols)
        self._data_buf = np.zeros((self.batch_size, *sample), np.float32)
        self._label_buf = np.zeros(self.batch_size, np.float32)
        self._cursor = 0    # samples handed out in this pass
        self._has_batch = False
        if not bool_arg(silent, "silent"):
            shape = ",".join(map(str, self._data_buf.shape))
            shown = f"({shape})" if self.flat else f"[{shape}]"
            message(f"MNISTIter: load {n} images, shuffle={int(self.shuffle)}, shape={shown}")

    def _load(self, parts: int, index: int) -> tuple[np.ndarray, np.ndarray]:
        (n_img, rows, cols), img_at = read_idx_header(self.image, "image", IMAGE_MAGIC, 3)
        (n_lab,), lab_at = read_idx_header(self.label, "label", LABEL_MAGIC, 1)
        if n_img != n_lab:
            raise invalid_value("label", self.label, f"one label per image: '{self.image}' has "
                                f"{n_img} images, '{self.label}' has {n_lab} labels")
        start, end = part_range(n_img, parts, index)
        if end <= start:
            raise invalid_value("num.parts", parts, f"at most {n_img} parts: there are only "
                                f"{n_img} images")
        size = rows * cols
        images = np.fromfile(self.image, np.uint8, (end - start) * size,
                             offset=img_at + start * size).reshape(end - start, rows, cols)
        labels = np.fromfile(self.label, np.uint8, end - start, offset=lab_at + start)
        return images, labels

    def _shuffled(self, n: int) -> np.ndarray:
        order = np.empty(n, np.int64)
        check(lib.mxc_mnist_shuffle(ffi.cast("int64_t *", ffi.from_buffer(order)), n,
                                    self.seed), "mxc_mnist_shuffle")
        return order

    # -- the iterator protocol ---------------------------------------------------------------
    def reset(self) -> None:
        """Back to the first batch (the order stays the same)."""
        self._cursor = 0
        self._has_batch = False

    def iter_next(self) -> bool:
        """The next full batch; False when fewer than batch.size samples are left."""
        start, n = self._cursor, self.batch_size
        self._has_batch = start + n <= self.num_data
        if not self._has_batch:
            return False
        order = None if self._order is None else self._order[start:start + n]
        optr = ffi.NULL if order is None else ffi.cast("int64_t *", ffi.from_buffer(order))
        images = self._images if order is not None else self._images[start:start + n]
        labels = self._labels if order is not None else self._labels[start:start + n]
        size = self._images.shape[1] * self._images.shape[2]
        out = ffi.cast("float *", ffi.from_buffer(self._data_buf, require_writable=True))
        check(lib.mxc_u8_rows_to_f32(out, ffi.cast("uint8_t *", ffi.from_buffer(images)), optr,
                                     n, size, PIXEL_SCALE), "mxc_u8_rows_to_f32")
        out = ffi.cast("float *", ffi.from_buffer(self._label_buf, require_writable=True))
        check(lib.mxc_u8_rows_to_f32(out, ffi.cast("uint8_t *", ffi.from_buffer(labels)), optr,
                                     n, 1, 1.0), "mxc_u8_rows_to_f32")
        self._cursor += n
        return True

    def arrays(self) -> dict[str, np.ndarray]:
        """The current batch: data (batch, 1, rows, cols) or (batch, rows * cols), labels
        (batch,). Buffers are reused by the next batch."""
        if not self._has_batch:
            raise MXValueError("value() called before iter.next() returned TRUE")
        return {"data": self._data_buf, "label": self._label_buf}

    def state_dict(self) -> dict:
        """The position in the pass (the order is the seed's)."""
        return {"cursor": self._cursor}

    def load_state_dict(self, state: dict) -> None:
        self._cursor = int(state["cursor"])
        self._has_batch = False

    def info(self) -> dict:
        return {"kind": "MNISTIter", "file": self.image, "batch.size": self.batch_size,
                "num.data": self.num_data}
