"""Helpers of the distributed-training tests: mpirun on loopback (docs/DISTRIBUTED.md)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
RSCRIPT = str(Path(PYTHON).parent / "mxnet-rscript")


def mpi_env() -> dict[str, str]:
    """mpirun may run as root here (a container); one BLAS thread per worker."""
    return {**os.environ, "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
            "OPENBLAS_NUM_THREADS": "1", "OMPI_MCA_rmaps_base_oversubscribe": "1"}


@pytest.fixture
def mpirun():
    """``mpirun(n, *command, timeout=)``: the finished process (stdout and stderr as text)."""
    if shutil.which("mpirun") is None:
        pytest.fail("mpirun is missing: run `make setup` (it installs openmpi-bin)")

    def run(n: int, *command: str, timeout: float = 120, env: dict | None = None):
        return subprocess.run(["mpirun", "-np", str(n), *command], capture_output=True,
                              text=True, timeout=timeout, env={**mpi_env(), **(env or {})},
                              cwd=ROOT)
    return run
