"""Helpers shared by the benchmark workers (ours, numpy and MXNet's, which runs in its own venv).

Only the standard library and numpy: the MXNet venv imports this file too.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def timed(fn, reps: int, warmup: int = 1) -> list[float]:
    """Wall times of ``reps`` calls of ``fn`` after ``warmup`` untimed ones."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def boston():
    """The tutorial split that bench/run.py saved once (train_x, train_y, test_x, test_y)."""
    d = np.load(HERE / "out" / "boston.npz")
    return d["train_x"], d["train_y"], d["test_x"], d["test_y"]


def mlp_data(n: int = 60000, d: int = 784, classes: int = 10, seed: int = 0):
    """Synthetic MNIST-sized data, drawn in float32 (no float64 temporary in the peak RSS);
    every implementation trains on exactly these arrays."""
    rs = np.random.default_rng(seed)
    X = rs.standard_normal((n, d), dtype=np.float32)
    y = rs.integers(0, classes, n).astype(np.float32)
    return X, y


def lenet_data(n: int = 6000, classes: int = 10, seed: int = 0):
    """Synthetic MNIST-shaped images (n, 1, 28, 28) in float32 and their labels; every
    implementation trains LeNet on exactly these arrays."""
    rs = np.random.default_rng(seed)
    X = rs.standard_normal((n, 1, 28, 28), dtype=np.float32)
    y = rs.integers(0, classes, n).astype(np.float32)
    return X, y
