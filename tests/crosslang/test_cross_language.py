"""R and Python runs of the same scenarios give the same numbers.

Both front ends reach the same C core and the same random stream, so the
per-epoch metrics, the final weights and predictions must agree to the last
bit (compared after R's 17-digit printing, i.e. exactly as doubles).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mxnet_r_compat.io import LayoutWarning

from . import scenarios

HERE = Path(__file__).resolve().parent
RSCRIPT = Path(sys.executable).with_name("mxnet-rscript")

pytestmark = pytest.mark.r


def _run_r(tmp_path: Path) -> dict:
    out = tmp_path / "r_results.txt"
    proc = subprocess.run([str(RSCRIPT), str(HERE / "scenarios.R"), str(out)], capture_output=True,
                          text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    results = {}
    for line in out.read_text().splitlines():
        scenario, key, *values = line.split()
        results[(scenario, key)] = [float(v) for v in values]
    return results


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    r = _run_r(tmp_path_factory.mktemp("crosslang"))
    # the tutorial's X is samples x features: the layout is detected with a warning
    with pytest.warns(LayoutWarning, match="use rowmajor"):
        py = scenarios.run_all()
    return r, py


SCENARIOS = ["tutorial", "devices", "sgd", "nag", "adam", "rmsprop", "rmsprop_plain", "adagrad",
             "adadelta", "mlp"]


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
