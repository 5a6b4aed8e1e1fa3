"""r_examples/ndarray_basics.R and its Python twin print the same numbers, and those numbers
are numpy's float32 results; r_examples/ndarray_loop.R (MXNet's basic_bench.R loop) runs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.r

ROOT = Path(__file__).resolve().parents[2]
RSCRIPT = str(Path(sys.executable).with_name("mxnet-rscript"))
VALUE_LINES = ("chain:", "m >= 3:", "sqrt(m):", "sum, max, mean:", "broadcast.add:", "dot:",
               "crop:", "plus.scalar:", "copyto * 3:", "rnorm:")
f32 = np.float32


def run(cmd: list[str], tmp_path: Path) -> str:
    env = {**os.environ, "LANG": "C.UTF-8"}
    proc = subprocess.run(cmd, cwd=tmp_path, env=env, text=True, capture_output=True,
                          timeout=180, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def values(stdout: str) -> dict[str, list[float]]:
    out = {}
    for line in stdout.splitlines():
        for label in VALUE_LINES:
            if line.startswith(label):
                out[label] = [float(v) for v in line[len(label):].split()]
    return out


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("examples")
    r = run([RSCRIPT, str(ROOT / "r_examples" / "ndarray_basics.R")], tmp)
    py = run([sys.executable, str(ROOT / "r_examples" / "ndarray_basics.py")], tmp)
    return values(r), values(py), r


def test_r_and_python_print_the_same_numbers(outputs):
    r, py, _ = outputs
    assert set(r) == set(VALUE_LINES)
    assert r == py


def test_the_numbers_are_float32_results(outputs):
    printed, _, stdout = outputs
    r = {k: np.array(v).astype(f32) for k, v in printed.items()}  # %.9g: exact for float32
    a = np.array([1, 2, 3], f32)
    a = f32(7) * (f32(10) / ((a + f32(1)) * f32(2) - f32(5)))
    chain = f32(1) - a + (f32(2) * a) / (a + f32(0.5))
    np.testing.assert_array_equal(r["chain:"], chain)
    m = np.array([[1, 2], [3, 4], [5, 6]], f32)       # matrix(1:6, nrow = 2), backend order
    np.testing.assert_array_equal(r["sqrt(m):"], np.sqrt(m).reshape(-1))
    np.testing.assert_array_equal(r["sum, max, mean:"], [21, 6, 3.5])
    np.testing.assert_array_equal(r["dot:"], (m.T @ m).reshape(-1))
    mat = (np.array([[1, 2], [3, 4]], f32) * f32(3) + f32(5)) / f32(10) + f32(1)
    np.testing.assert_array_equal(r["plus.scalar:"], mat.reshape(-1))
    assert "loaded: m z TRUE" in stdout
    np.testing.assert_array_equal(r["copyto * 3:"], (m * f32(3)).reshape(-1))
    assert "as.array gives: matrix array" in stdout
    assert '[1] "cpu(1)"' in stdout or "cpu(1)" in stdout.splitlines()
    assert "[1] TRUE" in stdout


def test_the_basic_bench_loop_runs(tmp_path):
    out = run([RSCRIPT, str(ROOT / "r_examples" / "ndarray_loop.R")], tmp_path)
    lines = out.splitlines()
    assert "1000 iterations" in lines[-1] and "us per operation" in lines[-1]
    y = f32(0)
    for _ in range(1000):
        y = y + f32(1) * f32(0.01)
    assert f"{y:.4f}" in out and lines[0].strip() == "[,1]"
