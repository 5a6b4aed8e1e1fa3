"""Scaling of kvstore = "dist_sync" from 1 to 2 processes on this machine
(docs/DISTRIBUTED.md, "Measured on this machine"; results in bench/RESULTS.md).

The same training four ways, each on the same global batch (so the same arithmetic):
  1 process, 1 device, batch B, OPENBLAS_NUM_THREADS=1 and 2    ("1 process, k threads")
  1 process, 2 devices (threads), batch B, 2 BLAS threads      ("1 process, 2 devices")
  2 processes under mpirun, dist_sync, batch B/2 each, 1 thread  ("2 processes")
For each: seconds per epoch (median over the epochs after the first) and, for the
distributed run, the seconds spent in exchanges and the bytes each worker sent per batch.

    .venv/bin/python bench/dist_scaling.py [--net mlp|lenet] [--samples N] [--epochs E]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import lenet_data, mlp_data  # noqa: E402


def network(mx, name: str):
    data = mx.symbol.Variable("data")
    if name == "mlp":  # r_examples/mnist_competition_mlp.py
        h = mx.symbol.Activation(mx.symbol.FullyConnected(data, num_hidden=128), act_type="relu")
        h = mx.symbol.Activation(mx.symbol.FullyConnected(h, num_hidden=64), act_type="relu")
        return mx.symbol.SoftmaxOutput(mx.symbol.FullyConnected(h, num_hidden=10))
    h = data  # LeNet, r_examples/mnist_competition_lenet.py
    for filters in (20, 50):
        h = mx.symbol.Convolution(h, kernel=(5, 5), num_filter=filters)
        h = mx.symbol.Pooling(mx.symbol.Activation(h, act_type="tanh"), pool_type="max",
                              kernel=(2, 2), stride=(2, 2))
    h = mx.symbol.Activation(mx.symbol.FullyConnected(mx.symbol.Flatten(h), num_hidden=500),
                             act_type="tanh")
    return mx.symbol.SoftmaxOutput(mx.symbol.FullyConnected(h, num_hidden=10))


def worker(opts) -> None:
    """One training; prints a JSON line (rank 0 only under mpirun)."""
    from mxnet_r_compat import mx
    X, y = (mlp_data if opts.net == "mlp" else lenet_data)(opts.samples)
    devices, batch, kvstore, rank, comm = 1, opts.batch, "local", 0, None
    if opts.mode == "twin":
        devices = 2
    if opts.mode == "dist":
        kv = mx.kv.create("dist_sync")
        rank, comm, kvstore = kv.rank, kv.comm, "dist_sync"
        batch //= kv.num_workers
        X, y = X[rank::kv.num_workers], y[rank::kv.num_workers]
    ends: list[float] = []
    start = time.perf_counter()
    mx.set.seed(0)
    mx.model.FeedForward.create(
        network(mx, opts.net), X=mx.io.arrayiter(X, y, batch_size=batch), kvstore=kvstore,
        ctx=[mx.cpu(i) for i in range(devices)], num_round=opts.epochs, learning_rate=0.01,
        momentum=0.9, eval_metric=mx.metric.accuracy, verbose=False,
        epoch_end_callback=lambda i, n, env: ends.append(time.perf_counter()) or True)
    epochs = [b - a for a, b in zip([start] + ends, ends)][1:]
    if rank == 0:
        batches = len(X) // batch * opts.epochs
        print(json.dumps({"epoch_s": statistics.median(epochs), "epochs": epochs,
                          "exchange_s_per_epoch": comm.exchange_seconds / opts.epochs
                          if comm else 0.0,
                          "bytes_per_batch": comm.bytes_sent / batches if comm else 0}))


def run(opts, mode: str, threads: int, workers: int) -> dict:
    cmd = [sys.executable, __file__, "--worker", mode, "--net", opts.net, "--samples",
           str(opts.samples), "--epochs", str(opts.epochs), "--batch", str(opts.batch)]
    if workers > 1:
        cmd = [str(Path(sys.executable).parent / "mxnet-launch"), "-n", str(workers)] + cmd[1:]
    env = {**os.environ, "OPENBLAS_NUM_THREADS": str(threads)}
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--net", default="mlp", choices=("mlp", "lenet"))
    p.add_argument("--samples", type=int, default=12000)
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--batch", type=int, default=200, help="global batch (all workers)")
    p.add_argument("--worker", choices=("single", "twin", "dist"))
    opts = p.parse_args()
    if opts.worker:
        opts.mode = opts.worker
        worker(opts)
        return
    rows = [("1 process, 1 thread", "single", 1, 1), ("1 process, 2 threads", "single", 2, 1),
            ("1 process, 2 devices", "twin", 2, 1), ("2 processes (dist_sync)", "dist", 1, 2)]
    results = {name: run(opts, mode, threads, n) for name, mode, threads, n in rows}
    base = results["1 process, 1 thread"]["epoch_s"]
    print(f"| {opts.net}, {opts.samples} samples, global batch {opts.batch} | s/epoch | "
          f"speed-up | exchange s/epoch | bytes sent/batch/worker |")
    print("|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['epoch_s']:.3f} | {base / r['epoch_s']:.2f} | "
              f"{r['exchange_s_per_epoch']:.3f} | {r['bytes_per_batch']:.0f} |")


if __name__ == "__main__":
    main()
