"""A worker of the fault and coordination tests (tests/dist/test_faults.py), under mpirun.

Usage: fault_worker.py MODE OUT_PREFIX, MODE one of
  raise     rank 1's batch callback raises at epoch 2, batch 2
  kill      rank 1 kills itself (SIGKILL) at epoch 2, batch 2
  batch     rank 1 uses another batch size
  stop      rank 0's batch callback asks to stop at epoch 2, batch 2, rank 1's never does;
            verbose on, and a checkpoint prefix of each rank's own
Each rank writes OUT_PREFIX-<rank>.txt: the (epoch, batch) its batch callbacks saw last.
"""

from __future__ import annotations

import os
import signal
import sys

import numpy as np

from mxnet_r_compat import mx


def main() -> None:
    mode, out = sys.argv[1], sys.argv[2]
    kv = mx.kv.create("dist_sync")
    rank = kv.rank
    rs = np.random.RandomState(rank)
    x = rs.normal(size=(40, 4)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.float32)
    batch = 5 if mode == "batch" and rank == 1 else 10
    seen = []

    def on_batch(iteration, nbatch, env):
        seen.append((iteration, nbatch))
        with open(f"{out}-{rank}.txt", "w") as f:
            f.write(f"{iteration} {nbatch} {env['rank']} {env['num.workers']}\n")
        if (iteration, nbatch) == (2, 2):
            if mode == "raise" and rank == 1:
                raise RuntimeError("a failure on purpose")
            if mode == "kill" and rank == 1:
                os.kill(os.getpid(), signal.SIGKILL)
            if mode == "stop" and rank == 0:
                return {"stop": True, "reason": "enough"}
        return True

    net = mx.symbol.SoftmaxOutput(mx.symbol.FullyConnected(mx.symbol.Variable("data"),
                                                           num_hidden=2), name="sm")
    mx.set.seed(0)
    mx.model.FeedForward.create(
        net, X=mx.io.arrayiter(x, y, batch_size=batch), ctx=mx.cpu(), num_round=3,
        kvstore="dist_sync", learning_rate=0.1, eval_metric=mx.metric.accuracy,
        batch_end_callback=on_batch, verbose=mode == "stop",
        checkpoint=f"{out}-ck{rank}" if mode in ("stop", "kill") else None)


if __name__ == "__main__":
    main()
