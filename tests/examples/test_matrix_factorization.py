"""r_examples/matrix_factorization.R (Embedding behind BlockGrad, sum_axis, a two-input
reference-class iterator, input.names / output.names) trains as written, on the fused path,
and its Python twin prints the same numbers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "r_examples"
RSCRIPT = Path(sys.executable).with_name("mxnet-rscript")

pytestmark = pytest.mark.r


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    """The R script and its Python twin, side by side (two processes at once)."""
    env = {**os.environ, "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1"}
    cmds = {"R": [str(RSCRIPT), str(EXAMPLES / "matrix_factorization.R")],
            "py": [sys.executable, str(EXAMPLES / "matrix_factorization.py")]}
    procs = {lang: subprocess.Popen(cmd, cwd=tmp_path_factory.mktemp(f"mf_{lang}"), env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for lang, cmd in cmds.items()}
    out = {}
    try:
        for lang, proc in procs.items():
            stdout, stderr = proc.communicate(timeout=300)
            assert proc.returncode == 0, stderr
            out[lang] = subprocess.CompletedProcess(proc.args, 0, stdout, stderr)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    return out


def rmse_lines(stderr: str) -> list[float]:
    return [float(v) for v in re.findall(r"^\[\d+\] Train-rmse=(\S+)$", stderr, re.M)]


def test_matrix_factorization_trains_in_r_on_the_fused_path(runs):
    proc = runs["R"]
    rmse = rmse_lines(proc.stderr)
    assert len(rmse) == 12
    assert rmse[-1] < rmse[0] / 3 and all(b < a for a, b in pairwise(rmse))
    assert "kernel by kernel" not in proc.stderr
    assert '"user"                "user_factors_weight" "item"' in proc.stdout
    assert "factor tables: 8 60 and 8 40" in proc.stdout
    assert "predict equals the factor products: TRUE" in proc.stdout
    final = float(re.search(r"rmse of predict\(model, iterator\): (\S+)", proc.stdout)[1])
    assert final < rmse[0] / 3


def test_matrix_factorization_in_python_prints_r_numbers(runs):
    r, py = runs["R"], runs["py"]
    assert rmse_lines(py.stderr) == rmse_lines(r.stderr)
    assert "predict equals the factor products: True" in py.stdout

    def numbers(text: str) -> list[str]:
        wanted = ("mean score", "user 0, item 0", "rmse of predict")
        return [re.findall(r"\d+\.\d+", line) for line in text.splitlines()
                if any(w in line for w in wanted)]

    assert numbers(py.stdout) == numbers(r.stdout) and len(numbers(r.stdout)) == 3
