"""The Callback Function tutorial: its Python twin runs, and the tutorial model converges."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mxnet_r_compat import mx

SCRIPT = Path(__file__).resolve().parents[2] / "r_examples" / "callback_function.py"


@pytest.fixture(scope="module")
def tutorial_run(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("tutorial")
    proc = subprocess.run([sys.executable, str(SCRIPT)], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    return proc, cwd


def runs(stderr: str) -> list[list[str]]:
    """stderr split into the five trainings (each begins with the Start line)."""
    blocks = stderr.split("Start training with 1 devices\n")[1:]
    return [b.splitlines() for b in blocks]


def test_script_runs_all_five_trainings(tutorial_run):
    proc, cwd = tutorial_run
    assert proc.returncode == 0, proc.stderr
    blocks = runs(proc.stderr)
    assert len(blocks) == 5
    for block in blocks[:4]:
        assert sum(line.startswith("[10] Validation-rmse=") for line in block) == 1
    # 2: the checkpoint callback wrote every epoch (message + blank line each).
    assert [line for line in blocks[1] if line.startswith("Model")] == \
        [f"Model checkpoint saved to boston-{k:04d}.params" for k in range(1, 11)]
    assert sorted(os.listdir(cwd)) == sorted(
        [f"boston-{k:04d}.params" for k in range(1, 11)] + ["boston-symbol.json"])
    # 3: batch-level logging every 5 batches (9 batches per epoch).
    assert sum(line.startswith("Batch [5] Train-rmse=") for line in blocks[2]) == 10
    # 5: the user's early stop (validation RMSE < 10) ends training before epoch 10.
    trained = [line for line in blocks[4] if re.match(r"\[\d+\] Train-rmse=", line)]
    assert 0 < len(trained) < 10


def test_script_logger_values(tutorial_run):
    proc, _ = tutorial_run
    train = re.search(r"logger\.train: \[(.*)\]", proc.stdout)
    evals = re.search(r"logger\.eval: +\[(.*)\]", proc.stdout)
    assert train and evals
    assert len(train.group(1).split(",")) == len(evals.group(1).split(",")) == 6
    block = runs(proc.stderr)[3]
    printed = [float(line.split("=")[1]) for line in block if "] Train-rmse=" in line]
    assert [float(v) for v in train.group(1).split(",")] == pytest.approx(printed[:6],
                                                                           abs=5e-7)


def tutorial_model(boston, seed, **kw):
    train_x, train_y, test_x, test_y = boston
    data = mx.symbol.Variable("data")
    lro = mx.symbol.LinearRegressionOutput(mx.symbol.FullyConnected(data, num_hidden=1))
    logger = mx.metric.logger()
    mx.set.seed(seed)
    mx.model.FeedForward.create(
        lro, X=train_x, y=train_y, eval_data={"data": test_x, "label": test_y},
        ctx=mx.cpu(), num_round=10, array_batch_size=20, learning_rate=2e-6, momentum=0.9,
        eval_metric=mx.metric.rmse, array_layout="rowmajor", verbose=False,
        epoch_end_callback=mx.callback.log.train.metric(1, logger), **kw)
    return logger


def test_script_first_run_equals_the_api_with_seed_0(tutorial_run, boston):
    proc, _ = tutorial_run
    first = runs(proc.stderr)[0]
    printed = [float(line.split("=")[1]) for line in first if "] Validation-rmse=" in line]
    assert printed == pytest.approx(tutorial_model(boston, 0).eval, rel=1e-13)


def test_tutorial_converges_over_seeds(boston):
    """Validation RMSE after 10 epochs. MXNet R gave 8.20-9.51 over 11 seeds.

    The float64 re-derivation of MXNet R's training loop (test_parity) reproduces every seed
    here; over 200 seeds 88% land in [7.5, 10.5] (mean 8.96, sd 1.0), so a fixed seed
    list can hold a few above 10.5 (here seeds 3 and 5).
    """
    final = np.array([tutorial_model(boston, seed).eval[-1] for seed in range(10)])
    assert np.isfinite(final).all() and final.max() < 12.0
    assert np.sum((final >= 7.5) & (final <= 10.5)) >= 8
    assert 8.2 <= np.median(final) <= 9.51
