"""2-d matrix product with transpose flags (native/dot.c)."""

from __future__ import annotations

import numpy as np
import pytest

flags = pytest.mark.parametrize("ta,tb", [(0, 0), (1, 0), (0, 1), (1, 1)])
sizes = pytest.mark.parametrize("m,n,k", [(1, 1, 1), (3, 4, 5), (2, 1, 3)])


def stored(gen, rows, cols, transposed):
    shape = (cols, rows) if transposed else (rows, cols)
    return gen.standard_normal(shape).astype(np.float32)


def forward(h, a, b, m, n, k, ta, tb):
    out = np.full((m, n), np.nan, np.float32)
    h.ok(h.lib.mxc_dot_forward(h.wptr(out), h.ptr(a), h.ptr(b), m, n, k, ta, tb))
    return out


@flags
@sizes
def test_forward_and_gradients(h, gen, m, n, k, ta, tb):
    a, b = stored(gen, m, k, ta), stored(gen, k, n, tb)
    expect = (a.T if ta else a).astype(np.float64) @ (b.T if tb else b)
    np.testing.assert_allclose(forward(h, a, b, m, n, k, ta, tb), expect, rtol=1e-5, atol=1e-6)
    r = gen.standard_normal((m, n)).astype(np.float32)
    da, db = np.ones_like(a), np.ones_like(b)
    h.ok(h.lib.mxc_dot_backward(h.wptr(da), h.wptr(db), h.ptr(r), h.ptr(a), h.ptr(b), m, n, k,
                                ta, tb))
    f = lambda: forward(h, a, b, m, n, k, ta, tb)  # noqa: E731
    h.check_fd(f, r, a, da - 1, 1e-2, 2e-3, 2e-3)
    h.check_fd(f, r, b, db - 1, 1e-2, 2e-3, 2e-3)


def test_null_gradient_is_skipped(h, gen):
    a, b = stored(gen, 2, 3, 0), stored(gen, 3, 2, 0)
    db = np.zeros_like(b)
    r = np.ones((2, 2), np.float32)
    h.ok(h.lib.mxc_dot_backward(h.NULL, h.wptr(db), h.ptr(r), h.ptr(a), h.ptr(b), 2, 2, 3, 0, 0))
    np.testing.assert_allclose(db, a.T @ r, rtol=1e-6)


def test_bad_arguments(h):
    a = np.ones((2, 2), np.float32)
    out = np.zeros((2, 2), np.float32)
    assert h.lib.mxc_dot_forward(h.wptr(out), h.ptr(a), h.ptr(a), 2, 2, 0, 0, 0) == h.codes.SHAPE
    assert h.lib.mxc_dot_forward(h.wptr(out), h.ptr(a), h.ptr(a), 2, 2, 2, 2, 0) == h.codes.VALUE
    assert h.lib.mxc_dot_forward(h.wptr(out), h.NULL, h.ptr(a), 2, 2, 2, 0, 0) == \
        h.codes.NULL_PTR
    np.testing.assert_array_equal(out, 0)
