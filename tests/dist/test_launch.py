"""mxnet-launch (dist/launch.py): the mpirun command it builds, and the distributed tutorial
MLP (r_examples/distributed_mlp.R) run with -n 2 (docs/DISTRIBUTED.md, "Launching on a
cluster")."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mxnet_r_compat.dist import launch

from .conftest import ROOT, mpi_env

LAUNCH = os.path.join(os.path.dirname(sys.executable), "mxnet-launch")


def test_command_for_an_r_script_on_this_machine(monkeypatch):
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    cmd, env = launch.command(3, "train.R", ["--epochs", "2"])
    assert cmd[:5] == ["mpirun", "-np", "3", "--bind-to", "none"]
    assert "--oversubscribe" in cmd  # 3 workers on 2 cores
    assert ("--allow-run-as-root" in cmd) == (os.geteuid() == 0)
    assert cmd[-4:] == [os.path.join(os.path.dirname(sys.executable), "mxnet-rscript"),
                        "train.R", "--epochs", "2"]
    assert env["OPENBLAS_NUM_THREADS"] == "1" and cmd[cmd.index("-x") + 1] == \
        "OPENBLAS_NUM_THREADS"


def test_command_with_a_hostfile_keeps_the_users_threads(monkeypatch):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    cmd, env = launch.command(8, "train.py", [], hostfile="hosts")
    assert cmd[cmd.index("--hostfile") + 1] == "hosts" and "--oversubscribe" not in cmd
    assert cmd[-2:] == [sys.executable, "train.py"] and env["OPENBLAS_NUM_THREADS"] == "4"


def test_bad_worker_count_is_refused(capsys):
    with pytest.raises(SystemExit):
        launch.main(["-n", "0", "x.R"])
    assert "Invalid value for argument `-n`. Received: 0." in capsys.readouterr().err


@pytest.mark.r
def test_launch_runs_the_distributed_tutorial_mlp():
    done = subprocess.run([LAUNCH, "-n", "2", "r_examples/distributed_mlp.R"], cwd=ROOT,
                          capture_output=True, text=True, timeout=180, env=mpi_env())
    assert done.returncode == 0, done.stderr
    out = done.stdout + done.stderr
    assert out.count("[10] Train-rmse=") == 1  # rank 0 only
    assert "rank 0 of 2 done" in out and "rank 1 of 2 done" in out
