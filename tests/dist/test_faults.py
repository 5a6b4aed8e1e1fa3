"""Faults and coordination of a distributed run (docs/DISTRIBUTED.md, "Faults"): a worker that
raises or dies stops the others with an error naming it, the last checkpoint stays loadable,
workers that disagree fail at the start, a stop decided on rank 0 stops every worker at the
same batch, and only rank 0 prints and writes files. The workers are tests/dist/fault_worker.py.
"""

from __future__ import annotations

from pathlib import Path

from mxnet_r_compat import mx

from .conftest import HERE, PYTHON

WORKER = str(HERE / "fault_worker.py")


def _last_batch(prefix: str, rank: int) -> list[int]:
    return [int(v) for v in Path(f"{prefix}-{rank}.txt").read_text().split()]


def test_a_worker_that_raises_stops_the_others_naming_it(mpirun, tmp_path):
    prefix = str(tmp_path / "raise")
    done = mpirun(2, PYTHON, WORKER, "raise", prefix)
    assert done.returncode != 0
    assert ("DistributedError: Rank 1 failed: CallbackError: Error in batch.end.callback "
            "(epoch 2, batch 2): RuntimeError: a failure on purpose") in done.stderr
    assert _last_batch(prefix, 0) == [2, 2, 0, 2]  # rank 0 stopped at the same batch


def test_a_killed_worker_stops_the_others_and_the_checkpoint_loads(mpirun, tmp_path):
    prefix = str(tmp_path / "kill")
    done = mpirun(2, PYTHON, WORKER, "kill", prefix)
    assert done.returncode != 0
    assert ("Rank 0: stopped by the launcher (SIGTERM) while waiting for rank 1" in done.stderr
            or "Rank 0: no answer from rank 1" in done.stderr), done.stderr
    assert f"The last complete epoch is 1 (checkpoint prefix '{prefix}-ck0'" in done.stderr
    model = mx.model.load(f"{prefix}-ck0", 1)  # rank 0's checkpoint of epoch 1
    assert set(model.arg_params) == {"fullyconnected0_weight", "fullyconnected0_bias"}
    assert not list(tmp_path.glob("kill-ck1*"))  # rank 1 writes no files


def test_workers_with_different_batch_sizes_fail_at_the_start(mpirun, tmp_path):
    prefix = str(tmp_path / "batch")
    done = mpirun(2, PYTHON, WORKER, "batch", prefix)
    assert done.returncode != 0
    assert "Rank 1 and rank 0 differ in their batch size (5 vs 10)" in done.stderr
    assert not Path(f"{prefix}-0.txt").exists()  # before the first batch


def test_rank0_stop_reaches_every_worker_and_only_rank0_prints_and_writes(mpirun, tmp_path):
    prefix = str(tmp_path / "stop")
    done = mpirun(2, PYTHON, WORKER, "stop", prefix)
    assert done.returncode == 0, done.stderr
    assert _last_batch(prefix, 0) == _last_batch(prefix, 1)[:2] + [0, 2]
    assert _last_batch(prefix, 1) == [2, 2, 1, 2]
    assert done.stderr.count("[1] Train-accuracy=") == 1
    assert done.stderr.count("Start training with 1 devices") == 1
    assert sorted(p.name for p in tmp_path.glob("stop-ck*")) == [
        "stop-ck0-0001.params", "stop-ck0-0001.state", "stop-ck0-symbol.json"]
