"""One run of the equivalence test (tests/dist/test_equivalence.py): an MLP trained either by
N workers with kvstore="dist_sync" (under mpirun; worker k takes shard k) or by one process
with the devices mx.cpu(0..N-1), device k taking shard k's rows of every batch.

Usage: mlp_worker.py dist|twin N OUT_PREFIX [sgd|adam] [kernel] [rounds=R] [checkpoint=P]
  [resume=P]  ("kernel": kernel by kernel, engine/fused.py's switch off; the others are
  FeedForward.create's num_round, checkpoint and resume)
Writes OUT_PREFIX-<rank>.npz (dist) or OUT_PREFIX-twin.npz: the weights and metric history.
"""

from __future__ import annotations

import sys

import numpy as np

from mxnet_r_compat import mx
from mxnet_r_compat.engine import fused

BATCH, BATCHES, FEATURES = 8, 3, 6  # per worker (per device in the twin)


def shard(k: int) -> tuple[np.ndarray, np.ndarray]:
    """Shard k's samples: fixed by k alone, so each worker can build its own."""
    rs = np.random.RandomState(100 + k)
    x = rs.normal(size=(BATCH * BATCHES, FEATURES)).astype(np.float32)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(np.float32)
    return x, y


def interleave(parts: list[np.ndarray]) -> np.ndarray:
    """Batch j of the result is batch j of part 0, then of part 1, ...: device k's slice of
    every batch is shard k's batch (engine/devices.py slice_ranges)."""
    return np.concatenate([np.concatenate([p[j * BATCH:(j + 1) * BATCH] for p in parts])
                           for j in range(BATCHES)])


def network():
    data = mx.symbol.Variable("data")
    fc1 = mx.symbol.FullyConnected(data, num_hidden=5, name="fc1")
    act = mx.symbol.Activation(fc1, act_type="relu")
    fc2 = mx.symbol.FullyConnected(act, num_hidden=2, name="fc2")
    return mx.symbol.SoftmaxOutput(fc2, name="sm")


def main() -> None:
    mode, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    optimizer = sys.argv[4] if len(sys.argv) > 4 else "sgd"
    opts = {"learning_rate": 0.1, "momentum": 0.9} if optimizer == "sgd" else \
        {"learning_rate": 0.01}
    mx.set.seed(0)
    if mode == "dist":
        kv = mx.kv.create("dist_sync")
        x, y = shard(kv.rank)
        ex, ey = shard(50 + kv.rank)
        ctx, batch, name = mx.cpu(), BATCH, f"{out}-{kv.rank}.npz"
        kvstore = "dist_sync"
    else:
        parts = [shard(k) for k in range(n)]
        evals = [shard(50 + k) for k in range(n)]
        x, y = interleave([p[0] for p in parts]), interleave([p[1] for p in parts])
        ex, ey = interleave([p[0] for p in evals]), interleave([p[1] for p in evals])
        ctx, batch, name = [mx.cpu(k) for k in range(n)], BATCH * n, f"{out}-twin.npz"
        kvstore = "local"
    train = mx.io.arrayiter(x, y, batch_size=batch, shuffle=False)
    evaluation = mx.io.arrayiter(ex, ey, batch_size=batch, shuffle=False)
    extra = dict(a.split("=", 1) for a in sys.argv[5:] if "=" in a)
    with fused.enabled("kernel" not in sys.argv[5:]):
        model = mx.model.FeedForward.create(
            network(), X=train, eval_data=evaluation, ctx=ctx,
            num_round=int(extra.pop("rounds", 3)), kvstore=kvstore, optimizer=optimizer,
            eval_metric=mx.metric.accuracy, initializer=mx.init.uniform(0.5), verbose=False,
            **extra, **opts)
    arrays = {k: np.asarray(v) for k, v in model.arg_params.items()}
    history = np.array([h["value"] for h in model.history])
    np.savez(name, history=history, **arrays)


if __name__ == "__main__":
    main()
