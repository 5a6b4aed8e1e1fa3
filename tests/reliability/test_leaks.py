"""Issue 6, item 4: repeated trainings do not accumulate memory on the Python side (buffers,
executors, thread pools and callbacks of a finished run are all released). The C core itself
allocates nothing; `make leakcheck` (tools/leakcheck.sh) checks it under LeakSanitizer."""

from __future__ import annotations

import gc
import threading
import tracemalloc

import numpy as np

from mxnet_r_compat import mx

from .conftest import softmax_net


def _train_once(X, y, net):
    mx.set.seed(0)
    return mx.model.FeedForward.create(
        net, X, y, array_layout="rowmajor", num_round=2, array_batch_size=20,
        learning_rate=0.1, verbose=False, eval_metric=mx.metric.accuracy,
        eval_data={"data": X[:40], "label": y[:40]}, ctx=[mx.cpu(0), mx.cpu(1)],
        epoch_end_callback=lambda i, n, env: True)


def test_repeated_trainings_do_not_grow_memory():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 10)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.float32)
    net = softmax_net(2, dropout=0.2)
    for _ in range(3):  # warm-up: caches, lazily imported modules
        _train_once(X, y, net)
    gc.collect()
    threads = threading.active_count()
    tracemalloc.start()
    try:
        _train_once(X, y, net)
        gc.collect()
        before, _ = tracemalloc.get_traced_memory()
        for _ in range(20):
            _train_once(X, y, net)
        gc.collect()
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # One training allocates well over 100 kB (executors for 2 devices, eval executors,
    # optimizer state); 20 leaked runs would show as megabytes.
    assert after - before < 64 * 1024, f"{(after - before) / 1024:.0f} kB kept by 20 runs"
    assert threading.active_count() == threads  # every device thread pool was shut down
