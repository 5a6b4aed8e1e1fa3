"""Nearest-neighbour UpSampling (native/upsampling.c)."""

from __future__ import annotations

import numpy as np
import pytest

f32 = np.float32


def forward(h, x, scale, out=None, offset=0, add=False) -> np.ndarray:
    n, c, hh, w = x.shape
    if out is None:
        out = np.full((n, c, hh * scale, w * scale), np.nan, f32)
    dst = h.ffi.cast("float *", h.wptr(out)) + offset * hh * scale * w * scale
    h.ok(h.lib.mxc_upsampling_nearest_forward(dst, h.ptr(x), n, c, hh, w, scale, out.shape[1],
                                              int(add)))
    return out


@pytest.mark.parametrize("scale", [1, 2, 3])
def test_forward_repeats_each_value(h, gen, scale):
    x = gen.standard_normal((2, 3, 2, 4)).astype(f32)
    expected = x.repeat(scale, axis=2).repeat(scale, axis=3)
    np.testing.assert_array_equal(forward(h, x, scale), expected)


def test_concat_and_sum_of_two_inputs(h, gen):
    # MXNet's num_args = 2: the second input is scaled to the first one's output size.
    a = gen.standard_normal((2, 1, 2, 2)).astype(f32)
    b = gen.standard_normal((2, 2, 1, 1)).astype(f32)
    cat = np.full((2, 3, 4, 4), np.nan, f32)
    forward(h, a, 2, cat, 0)
    forward(h, b, 4, cat, 1)
    ups = [a.repeat(2, 2).repeat(2, 3), b.repeat(4, 2).repeat(4, 3)]
    np.testing.assert_array_equal(cat, np.concatenate(ups, axis=1))
    total = forward(h, a, 2)
    b1 = b[:, :1]
    forward(h, np.ascontiguousarray(b1), 4, total, 0, add=True)
    np.testing.assert_allclose(total, ups[0] + b1.repeat(4, 2).repeat(4, 3), rtol=1e-6)


@pytest.mark.parametrize("scale,out_c,offset", [(2, 3, 0), (3, 5, 2)])
@pytest.mark.gradient_check("UpSampling")
def test_backward_matches_finite_differences_and_accumulates(h, gen, scale, out_c, offset):
    x = gen.standard_normal((2, 3, 2, 3)).astype(f32)
    shape = (2, out_c + offset, 2 * scale, 3 * scale)
    r = gen.standard_normal(shape).astype(f32)
    start = gen.standard_normal(x.shape).astype(f32)
    dx = start.copy()
    src = h.ffi.cast("float *", h.ptr(r)) + offset * 6 * scale * scale
    h.ok(h.lib.mxc_upsampling_nearest_backward(h.wptr(dx), src, 2, 3, 2, 3, scale, shape[1]))

    def fwd():
        return forward(h, x, scale, np.zeros(shape, f32), offset)

    h.check_fd(fwd, r, x, dx - start, eps=1e-2, rtol=1e-4, atol=1e-4)


def test_bad_arguments(h):
    x = np.zeros((1, 2, 2, 2), f32)
    out = np.zeros((1, 2, 4, 4), f32)
    lib, c = h.lib, h.codes
    assert lib.mxc_upsampling_nearest_forward(h.wptr(out), h.ptr(x), 1, 2, 2, 2, 0, 2, 0) == c.SHAPE
    assert lib.mxc_upsampling_nearest_forward(h.wptr(out), h.ptr(x), 1, 2, 2, 2, 2, 1, 0) == c.SHAPE
    assert lib.mxc_upsampling_nearest_backward(h.NULL, h.ptr(out), 1, 2, 2, 2, 2, 2) == c.NULL_PTR
