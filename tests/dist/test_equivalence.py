"""N workers with kvstore="dist_sync", worker k training on shard k, end with the weights and
metric history of one process training on devices mx.cpu(0..N-1) with shard k's rows of
every batch on device k: bit for bit (docs/DISTRIBUTED.md, "Bit-identical to several
devices"). The runs are tests/dist/mlp_worker.py."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from .conftest import HERE, PYTHON, mpi_env

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
