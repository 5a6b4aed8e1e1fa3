"""FullyConnected (native/dense.c): out = inp . w^T + b, and its accumulating backward."""

from __future__ import annotations

import numpy as np
import pytest

# (n, d_in, d_out): N=1 (the sgemv path), D=1 on either side, odd sizes.
SHAPES = [(1, 1, 1), (1, 5, 3), (4, 1, 3), (3, 5, 1), (7, 13, 11), (2, 3, 4)]
shapes = pytest.mark.parametrize("n,d_in,d_out", SHAPES)
with_bias = pytest.mark.parametrize("bias", [True, False], ids=["bias", "no_bias"])


def make(gen, n, d_in, d_out, bias):
    x = gen.standard_normal((n, d_in)).astype(np.float32)
    w = gen.standard_normal((d_out, d_in)).astype(np.float32)
    b = gen.standard_normal(d_out).astype(np.float32) if bias else None
    return x, w, b


def forward(h, x, w, b):
    n, d_in = x.shape
    out = np.full((n, w.shape[0]), np.nan, np.float32)  # garbage BLAS must not read
    h.ok(h.lib.mxc_dense_forward(h.wptr(out), h.ptr(x), h.ptr(w), h.ptr(b), n, d_in, w.shape[0]))
    return out


def backward(h, dinp, dw, db, dout, x, w):
    n, d_in = x.shape
    h.ok(h.lib.mxc_dense_backward(h.wptr(dinp), h.wptr(dw), h.wptr(db), h.ptr(dout), h.ptr(x),
                                  h.ptr(w), n, d_in, w.shape[0]))


@shapes
@with_bias
def test_forward_matches_numpy(h, gen, n, d_in, d_out, bias):
    x, w, b = make(gen, n, d_in, d_out, bias)
    ref = x.astype(np.float64) @ w.astype(np.float64).T
    if bias:
        ref += b
    np.testing.assert_allclose(forward(h, x, w, b), ref, rtol=1e-5, atol=1e-5)


def test_forward_large_shape_uses_blas_blocking(h, gen):
    # Big enough for OpenBLAS to split the product into blocks.
    x, w, b = make(gen, 67, 129, 65, True)
    ref = x.astype(np.float64) @ w.astype(np.float64).T + b
    np.testing.assert_allclose(forward(h, x, w, b), ref, rtol=1e-4, atol=1e-4)


@pytest.mark.gradient_check("FullyConnected")
@shapes
@with_bias
def test_backward_matches_finite_differences(h, gen, n, d_in, d_out, bias):
    x, w, b = make(gen, n, d_in, d_out, bias)
    r = gen.standard_normal((n, d_out)).astype(np.float32)
    dinp, dw = np.zeros_like(x), np.zeros_like(w)
    db = np.zeros_like(b) if bias else None
    backward(h, dinp, dw, db, r, x, w)

    def fwd():
        return forward(h, x, w, b)

    tol = {"eps": 1e-2, "rtol": 1e-3, "atol": 1e-3}
    h.check_fd(fwd, r, x, dinp, **tol)
    h.check_fd(fwd, r, w, dw, **tol)
    if bias:
        h.check_fd(fwd, r, b, db, **tol)


@shapes
def test_backward_matches_closed_form(h, gen, n, d_in, d_out):
    x, w, _ = make(gen, n, d_in, d_out, False)
    dout = gen.standard_normal((n, d_out)).astype(np.float32)
    dinp, dw, db = np.zeros_like(x), np.zeros_like(w), np.zeros(d_out, np.float32)
    backward(h, dinp, dw, db, dout, x, w)
    x64, w64, g64 = (a.astype(np.float64) for a in (x, w, dout))
    np.testing.assert_allclose(dinp, g64 @ w64, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(dw, g64.T @ x64, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(db, g64.sum(axis=0), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("n", [1, 5])
def test_backward_accumulates(h, gen, n):
    x, w, _ = make(gen, n, 6, 4, False)
    dout = gen.standard_normal((n, 4)).astype(np.float32)
    once = [np.zeros_like(x), np.zeros_like(w), np.zeros(4, np.float32)]
    backward(h, *once, dout, x, w)
    start = [gen.standard_normal(g.shape).astype(np.float32) for g in once]
    acc = [s.copy() for s in start]
    backward(h, *acc, dout, x, w)
    backward(h, *acc, dout, x, w)
    for a, s, g in zip(acc, start, once, strict=True):
        np.testing.assert_allclose(a, s + 2 * g, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("wanted", ["dinp", "dw", "db"])
def test_null_gradient_outputs_are_skipped(h, gen, wanted):
    x, w, _ = make(gen, 3, 5, 4, False)
    dout = gen.standard_normal((3, 4)).astype(np.float32)
    full = {"dinp": np.zeros_like(x), "dw": np.zeros_like(w), "db": np.zeros(4, np.float32)}
    backward(h, full["dinp"], full["dw"], full["db"], dout, x, w)
    only = {k: (np.zeros_like(v) if k == wanted else None) for k, v in full.items()}
    backward(h, only["dinp"], only["dw"], only["db"], dout, x, w)
    np.testing.assert_array_equal(only[wanted], full[wanted])


def test_bad_arguments(h, gen):
    lib, NULL, c = h.lib, h.NULL, h.codes
    x, w, b = make(gen, 2, 3, 4, True)
    out = np.zeros((2, 4), np.float32)
    o, xp, wp, bp = h.wptr(out), h.ptr(x), h.ptr(w), h.ptr(b)
    assert lib.mxc_dense_forward(NULL, xp, wp, bp, 2, 3, 4) == c.NULL_PTR
    assert lib.mxc_dense_forward(o, NULL, wp, bp, 2, 3, 4) == c.NULL_PTR
    assert lib.mxc_dense_forward(o, xp, NULL, bp, 2, 3, 4) == c.NULL_PTR
    assert lib.mxc_dense_forward(o, xp, wp, NULL, 2, 3, 4) == c.OK  # no_bias
    for ext in [(0, 3, 4), (2, 0, 4), (2, 3, 0), (-1, 3, 4), (2**31, 3, 4)]:
        assert lib.mxc_dense_forward(o, xp, wp, bp, *ext) == c.SHAPE
    dout = np.zeros((2, 4), np.float32)
    dp = h.ptr(dout)
    assert lib.mxc_dense_backward(NULL, NULL, NULL, NULL, xp, wp, 2, 3, 4) == c.NULL_PTR
    assert lib.mxc_dense_backward(NULL, NULL, NULL, dp, NULL, wp, 2, 3, 4) == c.NULL_PTR
    assert lib.mxc_dense_backward(NULL, NULL, NULL, dp, xp, NULL, 2, 3, 4) == c.NULL_PTR
    assert lib.mxc_dense_backward(NULL, NULL, NULL, dp, xp, wp, 2, 3, 0) == c.SHAPE
    assert lib.mxc_dense_backward(NULL, NULL, NULL, dp, xp, wp, 2, 3, 4) == c.OK
