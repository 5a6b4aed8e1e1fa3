"""Axis permutation (native/transpose.c)."""

from __future__ import annotations

import numpy as np
import pytest

CASES = [((5,), (0,)), ((3, 4), (1, 0)), ((2, 3, 4), (2, 0, 1)), ((2, 3, 4), (0, 2, 1)),
         ((2, 1, 3, 2), (3, 1, 0, 2)), ((3, 4), (0, 1))]
cases = pytest.mark.parametrize("shape,axes", CASES, ids=lambda c: str(c))


def forward(h, x, axes):
    out = np.full(tuple(x.shape[a] for a in axes), np.nan, np.float32)
    h.ok(h.lib.mxc_transpose_forward(h.wptr(out), h.ptr(x), x.ndim,
                                     h.ffi.new("int64_t[]", list(x.shape)),
                                     h.ffi.new("int64_t[]", list(axes))))
    return out


@cases
def test_forward_matches_numpy(h, gen, shape, axes):
    x = gen.standard_normal(shape).astype(np.float32)
    np.testing.assert_array_equal(forward(h, x, axes), np.transpose(x, axes))


@cases
def test_gradient_matches_finite_differences_and_accumulates(h, gen, shape, axes):
    x = gen.standard_normal(shape).astype(np.float32)
    r = gen.standard_normal(tuple(shape[a] for a in axes)).astype(np.float32)
    dx = np.ones_like(x)
    for _ in range(2):
        h.ok(h.lib.mxc_transpose_backward(h.wptr(dx), h.ptr(r), x.ndim,
                                          h.ffi.new("int64_t[]", list(shape)),
                                          h.ffi.new("int64_t[]", list(axes))))
    h.check_fd(lambda: forward(h, x, axes), r, x, (dx - 1) / 2, 1e-2, 1e-4, 1e-4)


def test_bad_axes(h):
    x = np.ones((2, 3), np.float32)
    out = np.zeros((3, 2), np.float32)
    shape = h.ffi.new("int64_t[]", [2, 3])
    for axes in ([0, 0], [0, 2], [-1, 0]):
        assert h.lib.mxc_transpose_forward(h.wptr(out), h.ptr(x), 2, shape,
                                           h.ffi.new("int64_t[]", axes)) == h.codes.VALUE
    assert h.lib.mxc_transpose_forward(h.wptr(out), h.ptr(x), 2, shape, h.NULL) == \
        h.codes.NULL_PTR
    np.testing.assert_array_equal(out, 0)
