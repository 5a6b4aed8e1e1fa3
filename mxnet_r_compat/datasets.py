"""Small data sets for examples and tests, read from R packages.

The tutorials use ``data(BostonHousing, package="mlbench")``. To give Python
the very same numbers R's ``data.matrix`` produces (the factor ``chas``
becomes its integer codes 1/2), the table is read through ``Rscript``.
"""

from __future__ import annotations

import functools
import shutil
import subprocess

import numpy as np

from .errors import MXError

_R_INSTALL = ("apt-get install -y --no-install-recommends r-base-core r-cran-mlbench "
              "(or run `make setup`)")

_BOSTON_SCRIPT = r"""
data(BostonHousing, package = "mlbench")
x <- data.matrix(BostonHousing)
cat(paste(colnames(x), collapse = ","), "\n")
cat(sprintf("%.17g", as.vector(t(x))), sep = "\n")
"""


@functools.lru_cache(maxsize=1)
def _boston() -> tuple[list[str], np.ndarray]:
    if shutil.which("Rscript") is None:
        raise MXError(f"BostonHousing is read from R's mlbench package, and R is not installed: "
                      f"{_R_INSTALL}")
    proc = subprocess.run(["Rscript", "--vanilla", "-e", _BOSTON_SCRIPT], capture_output=True,
                          text=True, check=False, env={"LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"})
    if proc.returncode != 0:
        raise MXError(f"Could not read BostonHousing from R ({proc.stderr.strip()}); "
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
    names, table = _boston()
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
