"""R and Python runs of the same scenarios give the same numbers.

Both front ends reach the same C core and the same random stream, so the
per-epoch metrics, the final weights and predictions must agree to the last
bit (compared after R's 17-digit printing, i.e. exactly as doubles). The R side
runs on both hosts (tests/conftest.py): mxnet-rscript and plain Rscript.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from mxnet_r_compat.io import LayoutWarning

from . import scenarios

HERE = Path(__file__).resolve().parent

pytestmark = pytest.mark.r


def _run_r(tmp_path: Path, r_host) -> dict:
    out = tmp_path / "r_results.txt"
    proc = subprocess.run(r_host.argv(str(HERE / "scenarios.R"), str(out)), capture_output=True,
                          text=True, timeout=300, cwd=tmp_path, env=r_host.env())
    assert proc.returncode == 0, proc.stderr
    results = {}
    for line in out.read_text().splitlines():
        scenario, key, *values = line.split()
        results[(scenario, key)] = [float(v) for v in values]
    return results


@pytest.fixture(scope="module")
def python_results():
    with pytest.warns(LayoutWarning, match="Auto detect layout"):  # as R: layout "auto"
        return scenarios.run_all()


@pytest.fixture(scope="module")
def both(tmp_path_factory, r_host, python_results):
    """R's numbers (on each host: mxnet-rscript, plain Rscript) and Python's."""
    return _run_r(tmp_path_factory.mktemp("crosslang"), r_host), python_results


SCENARIOS = ["tutorial", "devices", "sgd", "nag", "adam", "rmsprop", "rmsprop_plain", "adagrad",
             "adadelta", "mlp", "conv"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_same_numbers_in_r_and_python(both, scenario):
    r, py = both
    keys = sorted(k for k in py if k[0] == scenario)
    assert keys == sorted(k for k in r if k[0] == scenario)
    assert len(py[(scenario, "train")]) >= 4  # the logger really recorded every epoch
    for key in keys:
        np.testing.assert_array_equal(np.array(r[key]), np.float64(np.array(py[key])),
                                      err_msg=f"{key} differs between R and Python")


def test_scenarios_learn_something(both):
    _, py = both
    for scenario in ("sgd", "adam", "rmsprop", "adagrad"):
        train = py[(scenario, "train")]
        assert train[-1] < train[0], f"{scenario}: training RMSE did not drop: {train}"
