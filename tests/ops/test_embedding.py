"""Embedding (native/embedding.c): row lookup with MXNet's index clipping."""

from __future__ import annotations

import numpy as np
import pytest

f32 = np.float32


def forward(h, idx, weight) -> np.ndarray:
    out = np.full((idx.size, weight.shape[1]), np.nan, f32)
    h.ok(h.lib.mxc_embedding_forward(h.wptr(out), h.ptr(idx), h.ptr(weight), idx.size,
                                     *weight.shape))
    return out


def test_forward_picks_rows(h, gen):
    weight = gen.standard_normal((5, 3)).astype(f32)
    idx = np.array([0, 4, 2, 2], f32)
    np.testing.assert_array_equal(forward(h, idx, weight), weight[[0, 4, 2, 2]])


def test_indices_are_truncated_then_clipped(h, gen):
    weight = gen.standard_normal((5, 2)).astype(f32)
    idx = np.array([-3, -0.7, 0.9, 3.99, 4.5, 5, 1e30, np.nan, -np.inf, np.inf], f32)
    rows = [0, 0, 0, 3, 4, 4, 4, 0, 0, 4]
    np.testing.assert_array_equal(forward(h, idx, weight), weight[rows])


@pytest.mark.parametrize("idx", [[1, 3, 1, 0], [7, -2, 2.5, 2]], ids=["in_range", "clipped"])
@pytest.mark.gradient_check("Embedding")
def test_backward_matches_finite_differences_and_accumulates(h, gen, idx):
    idx = np.array(idx, f32)
    weight = gen.standard_normal((4, 3)).astype(f32)
    r = gen.standard_normal((idx.size, 3)).astype(f32)
    start = gen.standard_normal(weight.shape).astype(f32)
    dw = start.copy()
    h.ok(h.lib.mxc_embedding_backward(h.wptr(dw), h.ptr(r), h.ptr(idx), idx.size, 4, 3))
    h.check_fd(lambda: forward(h, idx, weight), r, weight, dw - start, eps=1e-2, rtol=1e-4,
               atol=1e-4)


def test_bad_arguments(h):
    lib, NULL, c = h.lib, h.NULL, h.codes
    w, idx, out = np.zeros((2, 2), f32), np.zeros(3, f32), np.zeros((3, 2), f32)
    assert lib.mxc_embedding_forward(NULL, h.ptr(idx), h.ptr(w), 3, 2, 2) == c.NULL_PTR
    assert lib.mxc_embedding_forward(h.wptr(out), h.ptr(idx), h.ptr(w), 3, 0, 2) == c.SHAPE
    assert lib.mxc_embedding_backward(h.wptr(w), h.ptr(out), NULL, 3, 2, 2) == c.NULL_PTR
    assert lib.mxc_embedding_backward(h.wptr(w), h.ptr(out), h.ptr(idx), 0, 2, 2) == c.SHAPE
