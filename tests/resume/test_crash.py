"""A process killed (SIGKILL) in the middle of writing a checkpoint leaves the previous
checkpoint intact, and resuming from it still gives the weights of one uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.training import resume

from .common import assert_same_weights, train

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

# The child trains to epoch 5 with checkpoints and kills itself halfway through writing
# one file of epoch 3's checkpoint: the bytes are on disk in the temporary file, unsynced.
CHILD = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, sys.argv[3])
    from common import train
    from mxnet_r_compat.formats import atomic, checkpoint_files, state_file

    def dying_write(path, data):
        if path.endswith(sys.argv[2]):
            with atomic.atomic_writer(path) as handle:
                handle.write(data[: len(data) // 2])
                handle.flush()
                os.kill(os.getpid(), signal.SIGKILL)
        atomic.atomic_write_bytes(path, data)

    def dying_pair(files):  # the .params is written with the symbol file, as one pair
        for path, data in files:
            if path.endswith(sys.argv[2]):
                dying_write(path, data)
        atomic.atomic_write_files(files)

    state_file.atomic_write_bytes = dying_write
    checkpoint_files.atomic_write_files = dying_pair
    train(5, checkpoint=sys.argv[1])
""")


@pytest.mark.parametrize("victim", ["-0003.params", "-0003.state"])
def test_kill_mid_checkpoint_keeps_the_previous_one(victim, tmp_path):
    prefix = str(tmp_path / "run")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    child = subprocess.run([sys.executable, "-c", CHILD, prefix, victim, str(HERE)], env=env,
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr
    names = sorted(os.listdir(tmp_path))
    assert any(n.startswith(f".run{victim}.tmp-") for n in names)  # the half-written file
    assert "run-0003.state" not in names
    assert resume.checkpoint_epochs(prefix) == [1, 2]
    assert mx.model.load(prefix, 2).arg_params.keys() == {"fc1_weight", "fc1_bias", "bn_gamma",
                                                          "bn_beta", "fc2_weight", "fc2_bias"}
    resumed = train(5, seed=77, checkpoint=prefix, resume=True)
    assert_same_weights(train(5), resumed)
    assert resume.checkpoint_epochs(prefix) == [1, 2, 3, 4, 5]
