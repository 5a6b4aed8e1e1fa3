"""Exact resume, serialisation and failing checkpoints from R, in child processes.

resume.R trains to 6 and to 3 with ``checkpoint=`` in one process; a second process
resumes to 6 with another seed. On both hosts: mxnet-rscript and plain Rscript. Weights are
compared exactly (17 significant digits are
enough to give back every double, hence every float32).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent

pytestmark = pytest.mark.r


def run_r(mode: str, directory: Path, r_host) -> dict[tuple[str, str], np.ndarray]:
    proc = subprocess.run(r_host.argv(str(HERE / "resume.R"), mode, str(directory)),
                          capture_output=True, text=True, timeout=300, env=r_host.env())
    assert proc.returncode == 0, proc.stderr
    out = {}
    for line in (directory / f"{mode}.txt").read_text().splitlines():
        tag, name, *numbers = line.split()
        out[(tag, name)] = np.array([float(v) for v in numbers])
    return out


@pytest.fixture(scope="module")
def results(tmp_path_factory, r_host):
    """Both processes on one host (tests/conftest.py: mxnet-rscript, then plain Rscript)."""
    directory = tmp_path_factory.mktemp("resume_r")
    first = run_r("first", directory, r_host)
    return directory, first, run_r("second", directory, r_host)


def group(values: dict, tag: str) -> dict[str, np.ndarray]:
    return {name: v for (t, name), v in values.items() if t == tag}


@pytest.mark.parametrize("opt", ["sgd", "adam"])
def test_resumed_in_a_new_r_process_equals_one_run(results, opt):
    _, first, second = results
    full, resumed = group(first, f"{opt}_full"), group(second, f"{opt}_resumed")
    assert list(full) == ["fc1_weight", "fc1_bias", "bn_gamma", "bn_beta", "fc2_weight",
                          "fc2_bias", "bn_moving_mean", "bn_moving_var"]
    assert list(resumed) == list(full)
    for name in full:
        np.testing.assert_array_equal(resumed[name], full[name], err_msg=name)


def test_checkpoint_files_written_from_r(results):
    directory, _, _ = results
    names = sorted(p.name for p in directory.iterdir() if p.name.startswith("sgd"))
    assert names == ["sgd-0001.params", "sgd-0001.state", "sgd-0002.params", "sgd-0002.state",
                     "sgd-0003.params", "sgd-0003.state", "sgd-symbol.json"]


def test_serialize_survives_saverds_readrds(results):
    _, first, _ = results
    rds = group(first, "rds")
    assert rds["original"].size == 23 and np.ptp(rds["original"]) > 0
    np.testing.assert_array_equal(rds["serialized"], rds["original"])
    np.testing.assert_array_equal(rds["unserialized"], rds["original"])


def test_failed_save_checkpoint_names_the_path_and_keeps_the_model(results):
    directory, first, _ = results
    message = (directory / "save_checkpoint_error.txt").read_text()
    assert f"Cannot write '{directory}/gone/m-symbol.json'" in message
    assert "does not exist" in message and "mx.model.last()" in message
    epoch2, last = group(first, "epoch2"), group(first, "last")
    assert list(last) == list(epoch2)
    for name in epoch2:
        np.testing.assert_array_equal(last[name], epoch2[name], err_msg=name)


def test_failed_checkpoint_warns_and_training_finishes(results):
    directory, first, _ = results
    warnings = (directory / "checkpoint_warnings.txt").read_text().splitlines()
    assert len(warnings) == 3
    assert all(f"Cannot write '{directory}/gone/m-symbol.json'" in w for w in warnings)
    assert [w.split("checkpoint of epoch ")[1][0] for w in warnings] == ["2", "3", "4"]
    warned, plain = group(first, "warned"), group(first, "plain4")
    for name in plain:
        np.testing.assert_array_equal(warned[name], plain[name], err_msg=name)
