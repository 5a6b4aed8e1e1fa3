"""The two ways to run R code on mxnet_r_compat, timed: plain Rscript (library(mxnet) hosts
Python through reticulate) and mxnet-rscript (Python hosts R through rpy2).

Whole processes (median wall time of RUNS runs after one warm-up): R alone, library(mxnet)
alone, library(mxnet) plus the first call into Python, and the Callback Function tutorial
(r_examples/callback_function.R). Then the cost of an R closure called as a batch callback,
inside training, on each host: (T(with callback) - T(without)) / number of calls, median of
REPS runs in one process.

Plain Rscript uses the package `make setup` installed (rbridge/rinstall.py), so run
`make setup` first.

Run: .venv/bin/python bench/hosts.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MXNET_RSCRIPT = str(Path(sys.executable).with_name("mxnet-rscript"))
TUTORIAL = str(ROOT / "r_examples" / "callback_function.R")
FIRST_CALL = 'library(mxnet); invisible(mx.symbol.Variable("data"))'

# One process: trains the tutorial network for EPOCHS epochs (17 batches each), with and without
# a trivial R batch callback, REPS times; prints the per-call cost in microseconds.
CALLBACK_R = r"""
library(mxnet)
data(BostonHousing, package = "mlbench")
X <- data.matrix(BostonHousing[, -14]); y <- BostonHousing[, 14]
lro <- mx.symbol.LinearRegressionOutput(mx.symbol.FullyConnected(mx.symbol.Variable("data"),
                                                                 num_hidden = 1))
fit <- function(cb) system.time(mx.model.FeedForward.create(lro, X = X, y = y,
  num.round = 60, array.batch.size = 5, learning.rate = 1e-7, verbose = FALSE,
  array.layout = "rowmajor", batch.end.callback = cb))[["elapsed"]]
calls <- 60 * ceiling(nrow(X) / 5)
invisible(fit(NULL)); invisible(fit(function(iteration, nbatch, env) NULL))
per_call <- replicate(7, (fit(function(iteration, nbatch, env) NULL) - fit(NULL)) / calls * 1e6)
cat("RESULT", median(per_call), "\n")
"""


def wall(cmd: list[str], runs: int, cwd: Path) -> float:
    """Median wall time of ``cmd`` over ``runs`` runs, after one warm-up run."""
    times = []
    for i in range(runs + 1):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
        if i:
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def callback_us(cmd: list[str], cwd: Path) -> float:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT"))
    return float(line.split()[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs, {runs} runs each")
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        rows = [
            ("Rscript -e 'invisible(0)' (R alone)", ["Rscript", "-e", "invisible(0)"]),
            ("Rscript -e 'library(mxnet)'", ["Rscript", "-e", "library(mxnet)"]),
            ("Rscript -e 'library(mxnet); <first call into Python>'",
             ["Rscript", "-e", FIRST_CALL]),
            ("mxnet-rscript -e 'library(mxnet); <first call into Python>'",
             [MXNET_RSCRIPT, "-e", FIRST_CALL]),
            ("Rscript r_examples/callback_function.R", ["Rscript", TUTORIAL]),
            ("mxnet-rscript r_examples/callback_function.R", [MXNET_RSCRIPT, TUTORIAL]),
        ]
        for name, cmd in rows:
            print(f"  {name:<62} {wall(cmd, runs, cwd):6.2f} s", flush=True)
        script = cwd / "callback.R"
        script.write_text(CALLBACK_R)
        for name, cmd in (("Rscript", ["Rscript", str(script)]),
                          ("mxnet-rscript", [MXNET_RSCRIPT, str(script)])):
            print(f"  trivial R batch callback in training, {name:<14} "
                  f"{callback_us(cmd, cwd):6.1f} us per call", flush=True)
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
