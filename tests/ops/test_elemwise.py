"""Elementwise kernels (native/elemwise.c): axpy."""

from __future__ import annotations

import numpy as np
import pytest

sizes = pytest.mark.parametrize("n", [1, 5, 33])


@sizes
@pytest.mark.parametrize("alpha", [1.0, -0.5, 0.0])
def test_axpy(h, gen, n, alpha):
    y = gen.uniform(0.5, 2.0, n).astype(np.float32)
    x = gen.uniform(0.5, 2.0, n).astype(np.float32)
    expect = y.astype(np.float64) + alpha * x.astype(np.float64)
    h.ok(h.lib.mxc_axpy(h.wptr(y), h.ptr(x), n, alpha))
    np.testing.assert_allclose(y, expect, rtol=1e-6)


def test_bad_arguments(h):
    lib, NULL, c = h.lib, h.NULL, h.codes
    a = np.ones(3, np.float32)
    p, w = h.ptr(a), h.wptr(a)
    assert lib.mxc_axpy(NULL, p, 3, 1.0) == c.NULL_PTR
    assert lib.mxc_axpy(w, NULL, 3, 1.0) == c.NULL_PTR
    assert lib.mxc_axpy(w, p, -1, 1.0) == c.SHAPE
    np.testing.assert_array_equal(a, 1)  # failed calls wrote nothing
