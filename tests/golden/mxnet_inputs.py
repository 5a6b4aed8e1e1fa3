"""Inputs shared by tests/golden/make_rng_golden.py (run with MXNet) and the tests that read
its references: arrays from integer arithmetic only, so numpy 1.x beside MXNet and numpy 2.x
in the project build exactly the same float32 values."""

from __future__ import annotations

import numpy as np


def lcg_array(shape: tuple[int, ...], seed: int, scale: float = 1.0) -> np.ndarray:
    """Values in [-scale, scale) from a 31-bit linear congruential sequence, as float32.

    Example:
        >>> lcg_array((2, 3), 1).dtype
        dtype('float32')
    """
    n = int(np.prod(shape))
    state = (seed * 2654435761 + 12345) % 2**31
    values = np.empty(n, np.int64)
    for i in range(n):
        state = (1103515245 * state + 12345) % 2**31
        values[i] = state >> 7  # 24 bits: exact in float32
    return (((values / 2.0**23) - 1.0) * scale).astype(np.float32).reshape(shape)


FC_CASES = [(ic, mb) for ic in (1, 2, 3, 5, 8, 13, 16, 17, 24, 40, 100, 257) for mb in (1, 7, 33)]
SGD_CASES = [(momentum, wd, clip) for momentum in (0.0, 0.9) for wd in (0.0, 1e-4)
             for clip in (-1.0, 5.0)]
METRIC_SIZES = [20, 1000, 100000]
