"""Executors own every buffer their C kernels point into."""

from __future__ import annotations

import gc

import numpy as np

from mxnet_r_compat import mx
from mxnet_r_compat.engine.executor import simple_bind


def test_kernel_state_buffers_stay_alive(bn_net):
    """BatchNorm's saved mean/invstd are written through cached pointers at every
    training forward; other arrays allocated after binding must never be hit."""
    ex = simple_bind(bn_net, {"data": (8, 3)})
    mx.set.seed(0)
    for name in ("fc1_weight", "fc2_weight"):
        ex.arg_arrays[name][...] = mx.runif(ex.arg_arrays[name].shape, -1, 1)
    ex.arg_arrays["bn_gamma"][...] = 1.0
    ex.arg_arrays["data"][...] = np.arange(24, dtype=np.float32).reshape(8, 3) / 10
    gc.collect()
    others = [np.full(4, 123.0, np.float32) for _ in range(500)]
    for _ in range(3):
        ex.forward(is_train=True)
        ex.backward()
    assert all((a == 123.0).all() for a in others)
    # The moving mean saw the same batch mean three times (momentum 0.9, from 0).
    batch_mean = (ex.arg_arrays["data"] @ ex.arg_arrays["fc1_weight"].T).mean(axis=0)
    np.testing.assert_allclose(ex.aux_arrays["bn_moving_mean"], batch_mean * (1 - 0.9 ** 3),
                               rtol=1e-4, atol=1e-6)
