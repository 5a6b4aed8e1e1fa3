"""Elementwise kernels (native/elemwise.c): axpy, and the square operator."""

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


# -- square -----------------------------------------------------------------------------------

def square(h, x):
    out = np.full_like(x, np.nan)
    h.ok(h.lib.mxc_square_forward(h.wptr(out), h.ptr(x), x.size))
    return out


@sizes
def test_square_forward(h, gen, n):
    x = gen.uniform(-3, 3, n).astype(np.float32)
    np.testing.assert_array_equal(square(h, x), x * x)


@pytest.mark.gradient_check("square")
@sizes
def test_square_backward_matches_finite_differences(h, gen, n):
    x = gen.uniform(-3, 3, n).astype(np.float32)
    r = gen.standard_normal(n).astype(np.float32)
    dinp = np.zeros_like(x)
    h.ok(h.lib.mxc_square_backward(h.wptr(dinp), h.ptr(r), h.ptr(x), n))
    h.check_fd(lambda: square(h, x), r, x, dinp, eps=1e-2, rtol=1e-3, atol=1e-3)


def test_square_backward_accumulates(h, gen):
    x, dout = gen.standard_normal(9).astype(np.float32), gen.standard_normal(9).astype(np.float32)
    start = gen.standard_normal(9).astype(np.float32)
    acc = start.copy()
    for _ in range(2):
        h.ok(h.lib.mxc_square_backward(h.wptr(acc), h.ptr(dout), h.ptr(x), 9))
    np.testing.assert_allclose(acc, start + 4 * x * dout, rtol=1e-5, atol=1e-6)


def test_square_bad_arguments(h):
    lib, NULL, c = h.lib, h.NULL, h.codes
    a = np.ones(3, np.float32)
    p, w = h.ptr(a), h.wptr(a)
    assert lib.mxc_square_forward(NULL, p, 3) == c.NULL_PTR
    assert lib.mxc_square_forward(w, NULL, 3) == c.NULL_PTR
    assert lib.mxc_square_forward(w, p, 0) == c.SHAPE
    assert lib.mxc_square_backward(NULL, p, p, 3) == c.NULL_PTR
    assert lib.mxc_square_backward(w, NULL, p, 3) == c.NULL_PTR
    assert lib.mxc_square_backward(w, p, NULL, 3) == c.NULL_PTR
    assert lib.mxc_square_backward(w, p, p, 0) == c.SHAPE
    np.testing.assert_array_equal(a, 1)  # failed calls wrote nothing
