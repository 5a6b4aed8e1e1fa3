"""Deconvolution (native/deconv.c) against the naive numpy transpose of a convolution."""

from __future__ import annotations

import numpy as np
import pytest
from conv_reference import Geom, deconv_backward, deconv_forward, deconv_geom

f32 = np.float32

# deconv_geom(n, in_channels, in (h, w), num_filter, kernel, stride, pad, dilate, adj, groups)
GEOMS = {
    "plain": deconv_geom(2, 3, (4, 3), 2, (3, 3)),
    "stride_pad": deconv_geom(2, 2, (3, 4), 3, (3, 3), stride=(2, 2), pad=(1, 1)),
    "adj": deconv_geom(1, 2, (3, 3), 2, (3, 3), stride=(2, 2), pad=(1, 1), adj=(1, 1)),
    "adj_one_side": deconv_geom(1, 2, (3, 2), 3, (4, 3), stride=(3, 2), adj=(2, 0)),
    "dilate": deconv_geom(1, 2, (3, 3), 2, (2, 3), dilate=(2, 2)),
    "groups": deconv_geom(2, 4, (3, 3), 6, (3, 3), stride=(2, 1), pad=(1, 1), groups=2),
    "one_d": deconv_geom(2, 3, (1, 5), 2, (1, 4), stride=(1, 2), pad=(0, 1)),
    "pointwise": deconv_geom(2, 3, (3, 4), 2, (1, 1)),
}
geoms = pytest.mark.parametrize("g", GEOMS.values(), ids=GEOMS.keys())


def make(gen, g: Geom, bias: bool = True):
    x = gen.standard_normal((g.n, g.f, *g.out_hw)).astype(f32)
    w = gen.standard_normal(g.weight_shape).astype(f32)
    b = gen.standard_normal(g.c).astype(f32) if bias else None
    return x, w, b


def workspace(h, g: Geom) -> np.ndarray:
    return np.full(max(h.lib.mxc_conv2d_workspace(g.struct(h.ffi)), 1), np.nan, f32)


def forward(h, g: Geom, x, w, b) -> np.ndarray:
    out = np.full((g.n, g.c, g.h, g.w), np.nan, f32)
    work = workspace(h, g)
    h.ok(h.lib.mxc_deconv2d_forward(h.wptr(out), h.ptr(x), h.ptr(w), h.ptr(b), g.struct(h.ffi),
                                    h.wptr(work), work.size))
    return out


def backward(h, g: Geom, dx, dw, db, dout, x, w) -> None:
    work = workspace(h, g)
    h.ok(h.lib.mxc_deconv2d_backward(h.wptr(dx), h.wptr(dw), h.wptr(db), h.ptr(dout), h.ptr(x),
                                     h.ptr(w), g.struct(h.ffi), h.wptr(work), work.size))


def test_output_extents_follow_mxnet():
    # s (in - 1) + d (k - 1) + 1 - 2 p + adj
    assert (GEOMS["stride_pad"].h, GEOMS["stride_pad"].w) == (5, 7)
    assert (GEOMS["adj"].h, GEOMS["adj"].w) == (6, 6)
    assert (GEOMS["adj_one_side"].h, GEOMS["adj_one_side"].w) == (12, 5)


@geoms
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no_bias"])
def test_forward_matches_naive_transpose(h, gen, g, bias):
    x, w, b = make(gen, g, bias)
    np.testing.assert_allclose(forward(h, g, x, w, b), deconv_forward(x, w, b, g),
                               rtol=1e-5, atol=1e-5)


@geoms
@pytest.mark.gradient_check("Deconvolution")
def test_backward_matches_finite_differences(h, gen, g):
    x, w, b = make(gen, g)
    r = gen.standard_normal((g.n, g.c, g.h, g.w)).astype(f32)
    dx, dw, db = np.zeros_like(x), np.zeros_like(w), np.zeros_like(b)
    backward(h, g, dx, dw, db, r, x, w)

    def fwd():
        return forward(h, g, x, w, b)

    tol = {"eps": 1e-2, "rtol": 2e-3, "atol": 2e-3}
    h.check_fd(fwd, r, x, dx, **tol)
    h.check_fd(fwd, r, w, dw, **tol)
    h.check_fd(fwd, r, b, db, **tol)


@geoms
def test_backward_matches_naive_gradients_and_accumulates(h, gen, g):
    x, w, b = make(gen, g)
    dout = gen.standard_normal((g.n, g.c, g.h, g.w)).astype(f32)
    start = [gen.standard_normal(a.shape).astype(f32) for a in (x, w, b)]
    got = [s.copy() for s in start]
    backward(h, g, *got, dout, x, w)
    for a, s, ref in zip(got, start, deconv_backward(dout, x, w, g), strict=True):
        np.testing.assert_allclose(a, s + ref, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("wanted", ["dx", "dw", "db"])
def test_null_gradient_outputs_are_skipped(h, gen, wanted):
    g = GEOMS["groups"]
    x, w, b = make(gen, g)
    dout = gen.standard_normal((g.n, g.c, g.h, g.w)).astype(f32)
    full = {"dx": np.zeros_like(x), "dw": np.zeros_like(w), "db": np.zeros_like(b)}
    backward(h, g, full["dx"], full["dw"], full["db"], dout, x, w)
    only = {k: (np.zeros_like(v) if k == wanted else None) for k, v in full.items()}
    backward(h, g, only["dx"], only["dw"], only["db"], dout, x, w)
    np.testing.assert_array_equal(only[wanted], full[wanted])


def test_bad_arguments(h, gen):
    lib, ffi, NULL, c = h.lib, h.ffi, h.NULL, h.codes
    g = GEOMS["adj"]
    x, w, b = make(gen, g)
    out = np.zeros((g.n, g.c, g.h, g.w), f32)
    work = workspace(h, g)
    o, xp, wp, bp, wk, s = h.wptr(out), h.ptr(x), h.ptr(w), h.ptr(b), h.wptr(work), g.struct(ffi)
    assert lib.mxc_deconv2d_forward(o, xp, wp, NULL, s, wk, work.size) == c.OK
    assert lib.mxc_deconv2d_forward(o, NULL, wp, bp, s, wk, work.size) == c.NULL_PTR
    assert lib.mxc_deconv2d_forward(o, xp, wp, bp, s, NULL, work.size) == c.NULL_PTR
    col = 2 * 9 * 3 * 3  # one column matrix: (c / groups) kh kw oh ow
    assert lib.mxc_deconv2d_forward(o, xp, wp, bp, s, wk, col - 1) == c.SHAPE
    assert lib.mxc_deconv2d_forward(o, xp, wp, bp, s, wk, col) == c.OK
    assert lib.mxc_deconv2d_backward(h.wptr(x), NULL, NULL, o, xp, wp, s, wk, 1) == c.SHAPE
    db = np.zeros(g.c, f32)  # db alone needs no workspace
    assert lib.mxc_deconv2d_backward(NULL, NULL, h.wptr(db), o, xp, wp, s, NULL, 0) == c.OK
    # adj == stride: the output is one row too tall for this input.
    bad = deconv_geom(1, 2, (3, 3), 2, (3, 3), stride=(2, 2), pad=(1, 1), adj=(2, 0))
    assert lib.mxc_deconv2d_forward(o, xp, wp, bp, bad.struct(ffi), wk, work.size) == c.SHAPE
