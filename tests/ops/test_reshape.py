"""Operators that only move data (native/reshape.c): Flatten's copy and its backward."""

from __future__ import annotations

import numpy as np
import pytest

sizes = pytest.mark.parametrize("n", [1, 6, 35])


def forward(h, x):
    out = np.full(x.size, np.nan, np.float32)
    h.ok(h.lib.mxc_reshape_forward(h.wptr(out), h.ptr(x), x.size))
    return out


@sizes
def test_forward_copies_in_row_major_order(h, gen, n):
    x = gen.standard_normal((n, 2, 3)).astype(np.float32)
    np.testing.assert_array_equal(forward(h, x), x.reshape(-1))


@pytest.mark.gradient_check("Flatten")
@sizes
def test_backward_matches_finite_differences(h, gen, n):
    x = gen.standard_normal((n, 4)).astype(np.float32)
    r = gen.standard_normal(x.size).astype(np.float32)
    dinp = np.zeros(x.size, np.float32)
    h.ok(h.lib.mxc_reshape_backward(h.wptr(dinp), h.ptr(r), x.size))
    h.check_fd(lambda: forward(h, x), r, x, dinp.reshape(x.shape), eps=1e-2, rtol=1e-4,
               atol=1e-4)


def test_backward_accumulates(h, gen):
    start = gen.standard_normal(7).astype(np.float32)
    dout = gen.standard_normal(7).astype(np.float32)
    acc = start.copy()
    for _ in range(2):
        h.ok(h.lib.mxc_reshape_backward(h.wptr(acc), h.ptr(dout), 7))
    np.testing.assert_allclose(acc, start + 2 * dout, rtol=1e-6, atol=1e-6)


def test_bad_arguments(h):
    lib, NULL, c = h.lib, h.NULL, h.codes
    a = np.ones(3, np.float32)
    p, w = h.ptr(a), h.wptr(a)
    assert lib.mxc_reshape_forward(NULL, p, 3) == c.NULL_PTR
    assert lib.mxc_reshape_forward(w, NULL, 3) == c.NULL_PTR
    assert lib.mxc_reshape_forward(w, p, 0) == c.SHAPE
    assert lib.mxc_reshape_backward(NULL, p, 3) == c.NULL_PTR
    assert lib.mxc_reshape_backward(w, NULL, 3) == c.NULL_PTR
    assert lib.mxc_reshape_backward(w, p, 0) == c.SHAPE
    np.testing.assert_array_equal(a, 1)  # failed calls wrote nothing
