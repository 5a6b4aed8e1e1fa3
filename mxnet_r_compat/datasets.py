"""Small data sets for examples and tests, read from R packages.

The tutorials use ``data(BostonHousing, package="mlbench")`` and ``data(Sonar, ...)``. To
give Python the very same numbers R's ``data.matrix`` produces (the factors ``chas`` and
``Class`` become their integer codes 1/2), the tables are read through ``Rscript``.
"""

from __future__ import annotations

import functools
import shutil
import subprocess

import numpy as np

from .errors import MXError

_R_INSTALL = ("apt-get install -y --no-install-recommends r-base-core r-cran-mlbench "
              "(or run `make setup`)")

# data.matrix() of one mlbench table, printed exactly: the column names, then the values by row.
_MLBENCH_SCRIPT = r"""
data(%s, package = "mlbench")
x <- data.matrix(%s)
cat(paste(colnames(x), collapse = ","), "\n")
cat(sprintf("%%.17g", as.vector(t(x))), sep = "\n")
"""


@functools.lru_cache(maxsize=2)
def _mlbench(table: str) -> tuple[list[str], np.ndarray]:
    if shutil.which("Rscript") is None:
        raise MXError(f"{table} is read from R's mlbench package, and R is not installed: "
                      f"{_R_INSTALL}")
    proc = subprocess.run(["Rscript", "--vanilla", "-e", _MLBENCH_SCRIPT % (table, table)],
                          capture_output=True, text=True, check=False,
                          env={"LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"})
    if proc.returncode != 0:
        raise MXError(f"Could not read {table} from R ({proc.stderr.strip()}); "
                      f"install mlbench: {_R_INSTALL}")
    lines = proc.stdout.split("\n")
    names = lines[0].strip().split(",")
    values = np.array([float(v) for v in lines[1:] if v.strip()])
    return names, values.reshape(-1, len(names))


def boston_housing() -> tuple[np.ndarray, list[str]]:
    """``data.matrix(BostonHousing)`` as a float64 array (506 x 14) and its column names.

    Example:
        >>> table, names = boston_housing()      # doctest: +SKIP
        >>> table.shape, names[-1]
        ((506, 14), 'medv')
    """
    names, table = _mlbench("BostonHousing")
    return table.copy(), list(names)


def boston_tutorial_split() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The tutorial's split: every third row (R's ``seq(1, 506, 3)``) trains.

    Returns ``train_x, train_y, test_x, test_y`` exactly as the R tutorial builds them.

    Example:
        >>> train_x, train_y, test_x, test_y = boston_tutorial_split()   # doctest: +SKIP
        >>> train_x.shape, test_x.shape
        ((169, 13), (337, 13))
    """
    table, _ = boston_housing()
    train = np.arange(0, 506, 3)
    test = np.setdiff1d(np.arange(506), train)
    return table[train, :13], table[train, 13], table[test, :13], table[test, 13]


def sonar_tutorial_split() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """mlbench's Sonar as the Five Minutes tutorial splits it: rows 1-50 and 100-150 (R's
    ``c(1:50, 100:150)``) train; the class (M, R) becomes the label 0/1
    (``as.numeric(Sonar[,61]) - 1``).

    Returns ``train_x, train_y, test_x, test_y`` (60 features per row).

    Example:
        >>> train_x, train_y, test_x, test_y = sonar_tutorial_split()   # doctest: +SKIP
        >>> train_x.shape, test_x.shape
        ((101, 60), (107, 60))
    """
    _, table = _mlbench("Sonar")
    x, y = table[:, :60].copy(), table[:, 60] - 1
    train = np.r_[np.arange(0, 50), np.arange(99, 150)]
    test = np.setdiff1d(np.arange(len(table)), train)
    return x[train], y[train], x[test], y[test]


# -------------------------------------------------------------------------------------------
# Synthetic handwritten digits in MNIST's file formats (for the MNIST tutorials and tests)

# Digits 0-9 as 5 x 7 bitmaps, one string per row.
_GLYPHS = (
    (" ### ", "#   #", "#  ##", "# # #", "##  #", "#   #", " ### "),
    ("  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "),
    (" ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####"),
    ("#####", "   # ", "  #  ", "   # ", "    #", "#   #", " ### "),
    ("   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # "),
    ("#####", "#    ", "#### ", "    #", "    #", "#   #", " ### "),
    ("  ## ", " #   ", "#    ", "#### ", "#   #", "#   #", " ### "),
    ("#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   "),
    (" ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### "),
    (" ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  "),
)


def synthetic_digits(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` 28 x 28 greyscale digit images (uint8) and their labels 0-9, MNIST-like.

    Each image is a 5 x 7 glyph drawn 3 pixels per dot, shifted by a few pixels at random,
    with random stroke brightness and background noise: easy to learn, not trivial.

    Example:
        >>> images, labels = synthetic_digits(100, seed=1)
        >>> images.shape, images.dtype, sorted(set(labels.tolist())) == list(range(10))
        ((100, 28, 28), dtype('uint8'), True)
    """
    rng = np.random.default_rng(seed)
    glyphs = np.array([[[c == "#" for c in row] for row in g] for g in _GLYPHS], np.float64)
    big = glyphs.repeat(3, axis=1).repeat(3, axis=2)            # (10, 21, 15)
    labels = rng.integers(0, 10, n).astype(np.uint8)
    images = rng.uniform(0, 40, (n, 28, 28))
    for i, label in enumerate(labels):
        top, left = rng.integers(1, 7), rng.integers(4, 10)     # near the centre, as MNIST
        stroke = big[label] * rng.uniform(150, 255)
        images[i, top:top + 21, left:left + 15] = np.maximum(
            images[i, top:top + 21, left:left + 15], stroke)
    return np.clip(images, 0, 255).astype(np.uint8), labels


def write_idx(path: str, array: np.ndarray) -> None:
    """Write a uint8 array as an IDX file (MNIST's format: magic 0x0000080<ndim>, big-endian
    extents, then the bytes).

    Example:
        >>> write_idx("t10k-labels-idx1-ubyte", labels)      # doctest: +SKIP
    """
    array = np.ascontiguousarray(array, np.uint8)
    header = (0x0800 + array.ndim).to_bytes(4, "big") + b"".join(
        int(d).to_bytes(4, "big") for d in array.shape)
    with open(path, "wb") as f:
        f.write(header)
        f.write(array.tobytes())


def write_mnist_csv(path: str, images: np.ndarray, labels: np.ndarray | None,
                    header: bool) -> None:
    """Write digits as CSV, one image per row: Kaggle's layout (``header=True``: a
    ``label,pixel0,...`` header; no label column when ``labels`` is None) or pjreddie's
    (``header=False``: label then 784 pixels).

    Example:
        >>> write_mnist_csv("data/train.csv", images, labels, header=True)   # doctest: +SKIP
    """
    flat = images.reshape(len(images), -1).astype(np.int64)
    table = flat if labels is None else np.column_stack([labels.astype(np.int64), flat])
    names = [f"pixel{i}" for i in range(flat.shape[1])]
    with open(path, "w") as f:
        if header:
            f.write(",".join(names if labels is None else ["label", *names]) + "\n")
        np.savetxt(f, table, fmt="%d", delimiter=",")
