"""LRN (native/lrn.c): normalisation over a window of channels."""

from __future__ import annotations

import numpy as np
import pytest

f32 = np.float32


def reference(x, nsize, alpha, beta, knorm) -> np.ndarray:
    x = x.astype(np.float64)
    c, half = x.shape[1], nsize // 2
    sq = np.zeros_like(x)
    for k in range(c):
        sq[:, k] = (x[:, max(k - half, 0):min(k + half + 1, c)] ** 2).sum(axis=1)
    return x * (knorm + alpha / nsize * sq) ** -beta


def forward(h, x, nsize, alpha, beta, knorm, norm=None) -> np.ndarray:
    out = np.full_like(x, np.nan)
    norm = np.full_like(x, np.nan) if norm is None else norm
    h.ok(h.lib.mxc_lrn_forward(h.wptr(out), h.wptr(norm), h.ptr(x), x.shape[0], x.shape[1],
                               x.shape[2], nsize, alpha, beta, knorm))
    return out


params = pytest.mark.parametrize("nsize,alpha,beta,knorm", [(5, 1e-4, 0.75, 2.0),
                                                            (3, 0.5, 0.6, 1.0), (1, 2.0, 1.5, 1.5),
                                                            (4, 0.3, 0.75, 1.0)],
                                 ids=["mxnet_defaults", "strong", "single_channel", "even"])


@params
def test_forward_matches_reference(h, gen, nsize, alpha, beta, knorm):
    x = gen.standard_normal((2, 6, 5)).astype(f32)
    np.testing.assert_allclose(forward(h, x, nsize, alpha, beta, knorm),
                               reference(x, nsize, alpha, beta, knorm), rtol=1e-5, atol=1e-6)


@params
@pytest.mark.gradient_check("LRN")
def test_backward_matches_finite_differences_and_accumulates(h, gen, nsize, alpha, beta, knorm):
    x = gen.standard_normal((2, 6, 3)).astype(f32)
    r = gen.standard_normal(x.shape).astype(f32)
    norm = np.zeros_like(x)
    out = forward(h, x, nsize, alpha, beta, knorm, norm)
    start = gen.standard_normal(x.shape).astype(f32)
    dx = start.copy()
    h.ok(h.lib.mxc_lrn_backward(h.wptr(dx), h.ptr(r), h.ptr(x), h.ptr(out), h.ptr(norm), 2, 6, 3,
                                nsize, alpha, beta))
    h.check_fd(lambda: forward(h, x, nsize, alpha, beta, knorm), r, x, dx - start, eps=1e-2,
               rtol=2e-3, atol=2e-3)


def test_bad_arguments(h):
    x = np.ones((1, 2, 2), f32)
    lib, c = h.lib, h.codes
    assert lib.mxc_lrn_forward(h.wptr(x), h.NULL, h.ptr(x), 1, 2, 2, 3, 1e-4, 0.75, 2) == c.NULL_PTR
    assert lib.mxc_lrn_forward(h.wptr(x), h.wptr(x), h.ptr(x), 1, 2, 2, 0, 1e-4, 0.75, 2) == c.SHAPE
    assert lib.mxc_lrn_backward(h.wptr(x), h.ptr(x), h.ptr(x), h.ptr(x), h.NULL, 1, 2, 2, 3,
                                1e-4, 0.75) == c.NULL_PTR
