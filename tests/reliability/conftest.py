"""Fixtures for the reliability tests (docs/RELIABILITY.md lists every case and its test).

Python cases call ``mx.model.FeedForward.create`` / ``predict`` in-process. R cases run one
script in a child process, once under ``mxnet-rscript`` and once under plain ``Rscript``;
each script checks many cases (tryCatch + conditionMessage) to pay R's start-up once. Every
wait on a child is bounded.
"""

from __future__ import annotations

import os
import subprocess
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from mxnet_r_compat import mx

#: Upper bound for any child process (R start-up is ~1 s; a loaded CI machine is slower).
CHILD_TIMEOUT = 90


def linreg():
    """data -> FullyConnected(1, "fc") -> LinearRegressionOutput("lro")."""
    fc = mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=1, name="fc")
    return mx.symbol.LinearRegressionOutput(fc, name="lro")


def softmax_net(classes: int = 3, dropout: float | None = None):
    """data -> FC(8) -> relu -> [Dropout] -> FC(classes) -> SoftmaxOutput("sm")."""
    h = mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=8, name="fc1")
    h = mx.symbol.Activation(h, act_type="relu", name="relu1")
    if dropout is not None:
        h = mx.symbol.Dropout(h, p=dropout, name="drop")
    out = mx.symbol.FullyConnected(h, num_hidden=classes, name="fc2")
    return mx.symbol.SoftmaxOutput(out, name="sm")


@pytest.fixture
def data() -> tuple[np.ndarray, np.ndarray]:
    """40 samples x 3 features and a linear target (float32-exact)."""
    rng = np.random.default_rng(7)
    X = rng.normal(size=(40, 3)).astype(np.float32).astype(np.float64)
    y = X @ np.array([1.0, -2.0, 0.5]) + 1.0
    return X, y.astype(np.float32).astype(np.float64)


@pytest.fixture
def fit(data) -> Callable[..., object]:
    """``fit(**kw)``: a quiet, seeded linear regression; any argument can be overridden."""
    def run(**kw):
        X, y = data
        args = dict(symbol=linreg(), X=X, y=y, array_layout="rowmajor", num_round=3,
                    array_batch_size=10, learning_rate=0.05, verbose=False)
        args.update(kw)
        mx.set.seed(args.pop("seed", 0))
        return mx.model.FeedForward.create(**args)
    return run


@dataclass
class Child:
    returncode: int
    stdout: str
    stderr: str


def child_env() -> dict[str, str]:
    env = dict(os.environ, LANG="C.UTF-8")
    for name in ("MXNET_R_COMPAT_ENTRY_MODULES", "MXNET_R_COMPAT_TRACEBACK", "R_LIBS_USER"):
        env.pop(name, None)
    return env


@pytest.fixture
def run_r(tmp_path: Path, r_host) -> Callable[..., Child]:
    """Run R code (dedented) as a script in a child, on each host in turn (``r_host``,
    tests/conftest.py): ``mxnet-rscript``, then plain ``Rscript`` with ``library(mxnet)``."""
    def run(code: str, timeout: float = CHILD_TIMEOUT) -> Child:
        script = tmp_path / "script.R"
        script.write_text(textwrap.dedent(code).lstrip("\n"), encoding="utf-8")
        proc = subprocess.run(r_host.argv(str(script)), env=r_host.env(child_env()),
                              cwd=tmp_path, capture_output=True, text=True, timeout=timeout)
        return Child(proc.returncode, proc.stdout, proc.stderr)
    return run


def parse_cases(stdout: str) -> dict[str, str]:
    """``CASE <name>\\t<message>`` lines (a message may continue on following lines)."""
    cases: dict[str, str] = {}
    current = None
    for line in stdout.splitlines():
        if line.startswith("CASE "):
            current, _, text = line[5:].partition("\t")
            cases[current] = text
        elif current is not None and not line.startswith("DONE"):
            cases[current] += "\n" + line
    return cases


#: R preamble shared by the R scripts: the same tiny problem as the ``data`` fixture shape.
R_PREAMBLE = r"""
library(mxnet)
net <- mx.symbol.LinearRegressionOutput(
  mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1, name = "fc"),
  name = "lro")
set.seed(7)
X <- matrix(rnorm(120), 40, 3)
y <- as.vector(X %*% c(1, -2, 0.5) + 1)
fit <- function(...) {
  args <- list(symbol = net, X = X, y = y, array.layout = "rowmajor", num.round = 3,
               array.batch.size = 10, learning.rate = 0.05, verbose = FALSE)
  over <- list(...)
  for (k in names(over)) args[k] <- list(over[[k]])
  mx.set.seed(0)
  do.call(mx.model.FeedForward.create, args)
}
case <- function(name, expr) {
  msg <- tryCatch({ force(expr); "NO ERROR" }, error = function(e) conditionMessage(e))
  cat("CASE ", name, "\t", msg, "\n", sep = "")
}
"""
