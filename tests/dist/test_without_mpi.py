"""The package without mpi4py: it imports and trains as before, and only asking for a
distributed store fails, saying what to install (dist/comm.py ``mpi``)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
sys.modules["mpi4py"] = None  # as if mpi4py were not installed
import numpy as np
from mxnet_r_compat import mx
from mxnet_r_compat.errors import DistributedError
net = mx.symbol.LinearRegressionOutput(mx.symbol.FullyConnected(mx.symbol.Variable("data"),
                                                                num_hidden=1))
mx.model.FeedForward.create(net, X=np.ones((4, 2), np.float32), y=np.ones(4), num_round=1,
                            verbose=False)
print("trained", "mpi4py.MPI" in sys.modules)
try:
    mx.kv.create("dist_sync")
except DistributedError as err:
    print(err)
"""


def test_training_without_mpi4py_and_the_error_for_dist_sync():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "trained False"
    assert lines[1].startswith('kvstore = "dist_sync" needs mpi4py, which is not installed in '
                               f"this Python ({sys.executable}). Run `make setup`")
