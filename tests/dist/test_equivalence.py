"""N workers with kvstore="dist_sync", worker k training on shard k, end with the weights and
metric history of one process training on devices mx.cpu(0..N-1) with shard k's rows of
every batch on device k: bit for bit (docs/DISTRIBUTED.md, "Bit-identical to several
devices"). The runs are tests/dist/mlp_worker.py."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from mxnet_r_compat import mx

from .conftest import HERE, PYTHON, RSCRIPT, mpi_env

WORKER = str(HERE / "mlp_worker.py")


def _twin(n: int, prefix: str, *options: str) -> dict[str, np.ndarray]:
    subprocess.run([PYTHON, WORKER, "twin", str(n), prefix, *options], check=True,
                   env=mpi_env(), timeout=120)
    return dict(np.load(f"{prefix}-twin.npz"))


@pytest.mark.parametrize("n, options", [(2, ("sgd",)), (3, ("adam", "kernel"))])
def test_workers_equal_their_multi_device_twin(mpirun, tmp_path, n, options):
    prefix = str(tmp_path / "run")
    done = mpirun(n, PYTHON, WORKER, "dist", str(n), prefix, *options)
    assert done.returncode == 0, done.stderr
    twin = _twin(n, prefix, *options)
    assert len(twin["history"]) == 6  # train and validation accuracy of 3 epochs
    for rank in range(n):
        worker = dict(np.load(f"{prefix}-{rank}.npz"))
        assert worker.keys() == twin.keys()
        for name, value in twin.items():
            np.testing.assert_array_equal(worker[name], value, err_msg=f"rank {rank}: {name}")


@pytest.mark.r
@pytest.mark.parametrize("n", [2, 3])
def test_r_workers_equal_their_multi_device_twin(mpirun, tmp_path, n):
    """The same from R: `mpirun -np N mxnet-rscript x.R`, each worker taking its part with
    mx.io.arrayiter(num.parts =, part.index = kv$rank)."""
    script, prefix = str(HERE / "mlp_worker.R"), str(tmp_path / "r")
    done = mpirun(n, RSCRIPT, script, "dist", str(n), prefix)
    assert done.returncode == 0, done.stderr
    subprocess.run([RSCRIPT, script, "twin", str(n), prefix], check=True, env=mpi_env(),
                   timeout=120)
    twin = mx.nd.load(f"{prefix}-twin.params")
    twin_history = Path(f"{prefix}-twin.history").read_text()
    assert len(twin_history.split()) == 6
    for rank in range(n):
        assert Path(f"{prefix}-{rank}.history").read_text() == twin_history
        worker = mx.nd.load(f"{prefix}-{rank}.params")
        assert worker.keys() == twin.keys()
        for name in twin:
            np.testing.assert_array_equal(np.asarray(worker[name]), np.asarray(twin[name]),
                                          err_msg=f"rank {rank}: {name}")


def test_a_resumed_distributed_run_equals_the_uninterrupted_one(mpirun, tmp_path):
    """2 epochs with a checkpoint (written by rank 0), then resume to 3: the weights and
    history of 3 epochs in one go (its multi-device twin, equal to the distributed run
    above). Rank 1 reads rank 0's checkpoint and keeps its own data."""
    prefix, checkpoint = str(tmp_path / "run"), str(tmp_path / "ck")
    first = mpirun(2, PYTHON, WORKER, "dist", "2", prefix, "sgd", "rounds=2",
                   f"checkpoint={checkpoint}")
    assert first.returncode == 0, first.stderr
    resumed = mpirun(2, PYTHON, WORKER, "dist", "2", prefix, "sgd", "rounds=3",
                     f"resume={checkpoint}")
    assert resumed.returncode == 0, resumed.stderr
    assert "Warning" not in resumed.stderr, resumed.stderr
    twin = _twin(2, prefix, "sgd")
    for rank in range(2):
        worker = dict(np.load(f"{prefix}-{rank}.npz"))
        for name in twin:  # the history too: the resumed run restores the first two epochs'
            np.testing.assert_array_equal(worker[name], twin[name], err_msg=name)
