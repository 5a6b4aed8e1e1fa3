"""Fixtures for the R API tests (tests/rapi): MXNet R scripts run through ``mxnet-rscript``
and through plain ``Rscript`` (the ``r_host`` fixture of tests/conftest.py).

R embeds once per process, so each test runs R code in a child ``mxnet-rscript`` or
``Rscript`` (the commands users run), with the real entry points. A child costs about a
second, so every test batches
many checks into one script: the R side prints ``key<TAB>value`` lines with :data:`PRELUDE`'s
``emit()``, and the test asserts on the parsed values (so a failure shows what R computed).

The children share one R package install in a temporary MXNET_R_COMPAT_RLIB. When R or rpy2
is missing every test FAILS with the install command; nothing is skipped.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
RSCRIPT = str(Path(sys.executable).with_name("mxnet-rscript"))
TIMEOUT = 120

#: Loaded before every test script: library(mxnet), the Boston data and emit().
PRELUDE = r"""
library(mxnet)
.fmt <- function(v) {
  if (is.null(v)) return("NULL")
  if (is.numeric(v)) return(paste(sprintf("%.17g", as.vector(v)), collapse = " "))
  if (is.logical(v)) return(paste(ifelse(is.na(v), "NA", ifelse(v, "TRUE", "FALSE")),
                                   collapse = " "))
  gsub("\n", "\\\\n", paste(as.character(v), collapse = " "))
}
emit <- function(key, value) cat(key, "\t", .fmt(value), "\n", sep = "")
msg <- function(expr) tryCatch(expr, error = conditionMessage)  # the error message, or the value
data(BostonHousing, package = "mlbench")
train.x <- data.matrix(BostonHousing[seq(1, 506, 3), -14])
train.y <- BostonHousing[seq(1, 506, 3), 14]
test.x <- data.matrix(BostonHousing[-seq(1, 506, 3), -14])
test.y <- BostonHousing[-seq(1, 506, 3), 14]
lro <- mx.symbol.LinearRegressionOutput(
  mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1, name = "fc1"),
  name = "lro")
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.r)


@dataclass
class RRun:
    """A finished child: exit status, streams and the ``emit()``-ed values."""

    returncode: int
    stdout: str
    stderr: str
    values: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None

    def __getitem__(self, key: str) -> str:
        assert key in self.values, \
            f"R did not emit {key!r}.\nstdout:\n{self.stdout}\nstderr:\n{self.stderr}"
        return self.values[key]

    def nums(self, key: str) -> list[float]:
        return [float(v) for v in self[key].split()]

    def num(self, key: str) -> float:
        (value,) = self.nums(key)
        return value


def parse_values(stdout: str) -> dict[str, str]:
    out = {}
    for line in stdout.splitlines():
        if "\t" in line:
            key, value = line.split("\t", 1)
            out[key] = value
    return out


@pytest.fixture(scope="session")
def rapi_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment of a child: a private R library shared by the session, C.UTF-8."""
    from mxnet_r_compat.rbridge.session import RSetupError, check_environment

    try:
        check_environment()
    except RSetupError as e:
        pytest.fail(f"the R API tests need R and rpy2:\n{e}", pytrace=False)
    env = dict(os.environ)
    env.update(MXNET_R_COMPAT_RLIB=str(tmp_path_factory.mktemp("rlib")), LANG="C.UTF-8")
    for name in ("MXNET_R_COMPAT_TRACEBACK", "MXNET_R_COMPAT_VERBOSE",
                 "MXNET_R_COMPAT_ENTRY_MODULES", "R_LIBS", "R_LIBS_USER"):
        env.pop(name, None)
    return env


def write_script(directory: Path, code: str, name: str = "script.R") -> Path:
    path = directory / name
    path.write_text(PRELUDE + textwrap.dedent(code), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def run_r_module(rapi_env, tmp_path_factory, r_host) -> Callable[[str], RRun]:
    """Run R code (after :data:`PRELUDE`) in a fresh directory; usable by module fixtures.

    Runs on each host in turn (``r_host``, tests/conftest.py): mxnet-rscript, plain Rscript.
    """

    def run(code: str) -> RRun:
        cwd = tmp_path_factory.mktemp("rapi")
        script = write_script(cwd, code)
        proc = subprocess.run(r_host.argv(str(script)), env=r_host.env(rapi_env), cwd=cwd,
                              text=True, capture_output=True, timeout=TIMEOUT)
        return RRun(proc.returncode, proc.stdout, proc.stderr, parse_values(proc.stdout), cwd)

    return run
