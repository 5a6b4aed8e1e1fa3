"""Convolution (native/conv.c): im2col + SGEMM against a naive numpy convolution."""

from __future__ import annotations

import numpy as np
import pytest
from conv_reference import Geom, conv_backward, conv_forward

f32 = np.float32

# Every path of conv.c: plain, strided and padded, dilated, grouped, 1-D (h = kh = 1),
# pointwise (read in place), pointwise with a stride (unrolled), non-square everything,
# and padding wider than the kernel reaches (taps that never see the data).
GEOMS = {
    "plain": Geom(2, 3, 6, 5, 4, (3, 3)),
    "stride_pad": Geom(2, 2, 7, 6, 3, (3, 3), stride=(2, 2), pad=(1, 1)),
    "dilate": Geom(1, 2, 7, 7, 2, (2, 3), dilate=(2, 2), pad=(1, 0)),
    "groups": Geom(2, 4, 5, 5, 6, (3, 3), pad=(1, 1), groups=2),
    "one_d": Geom(2, 3, 1, 9, 2, (1, 4), stride=(1, 2), pad=(0, 1)),
    "pointwise": Geom(2, 3, 4, 5, 4, (1, 1)),
    "pointwise_stride": Geom(1, 2, 5, 5, 3, (1, 1), stride=(2, 2)),
    "mixed": Geom(1, 2, 6, 8, 3, (2, 3), stride=(2, 1), pad=(0, 2), dilate=(1, 2)),
    "wide_pad": Geom(1, 1, 2, 2, 2, (5, 5), pad=(2, 2)),
}
geoms = pytest.mark.parametrize("g", GEOMS.values(), ids=GEOMS.keys())
with_bias = pytest.mark.parametrize("bias", [True, False], ids=["bias", "no_bias"])


def make(gen, g: Geom, bias: bool):
    x = gen.standard_normal((g.n, g.c, g.h, g.w)).astype(f32)
    w = gen.standard_normal(g.weight_shape).astype(f32)
    b = gen.standard_normal(g.f).astype(f32) if bias else None
    return x, w, b


def workspace(h, g: Geom) -> np.ndarray:
    need = h.lib.mxc_conv2d_workspace(g.struct(h.ffi))
    assert need >= 0
    return np.full(max(need, 1), np.nan, f32)  # stale garbage must never leak into a result


def forward(h, g: Geom, x, w, b) -> np.ndarray:
    out = np.full((g.n, g.f, *g.out_hw), np.nan, f32)
    work = workspace(h, g)
    h.ok(h.lib.mxc_conv2d_forward(h.wptr(out), h.ptr(x), h.ptr(w), h.ptr(b), g.struct(h.ffi),
                                  h.wptr(work), work.size))
    return out


def backward(h, g: Geom, dx, dw, db, dout, x, w) -> None:
    work = workspace(h, g)
    h.ok(h.lib.mxc_conv2d_backward(h.wptr(dx), h.wptr(dw), h.wptr(db), h.ptr(dout), h.ptr(x),
                                   h.ptr(w), g.struct(h.ffi), h.wptr(work), work.size))


@geoms
@with_bias
def test_forward_matches_naive_convolution(h, gen, g, bias):
    x, w, b = make(gen, g, bias)
    np.testing.assert_allclose(forward(h, g, x, w, b), conv_forward(x, w, b, g),
                               rtol=1e-5, atol=1e-5)


@geoms
@pytest.mark.gradient_check("Convolution")
def test_backward_matches_finite_differences(h, gen, g):
    x, w, b = make(gen, g, True)
    r = gen.standard_normal((g.n, g.f, *g.out_hw)).astype(f32)
    dx, dw, db = np.zeros_like(x), np.zeros_like(w), np.zeros_like(b)
    backward(h, g, dx, dw, db, r, x, w)

    def fwd():
        return forward(h, g, x, w, b)

    tol = {"eps": 1e-2, "rtol": 2e-3, "atol": 2e-3}
    h.check_fd(fwd, r, x, dx, **tol)
    h.check_fd(fwd, r, w, dw, **tol)
    h.check_fd(fwd, r, b, db, **tol)


def test_lenet_shapes_match_naive_convolution(h, gen):
    # LeNet's second layer at a small batch: products big enough for OpenBLAS's blocking.
    g = Geom(3, 20, 12, 12, 50, (5, 5))
    x, w, b = make(gen, g, True)
    np.testing.assert_allclose(forward(h, g, x, w, b), conv_forward(x, w, b, g),
                               rtol=1e-4, atol=1e-4)
    dout = gen.standard_normal((g.n, g.f, *g.out_hw)).astype(f32)
    got = [np.zeros_like(x), np.zeros_like(w), np.zeros_like(b)]
    backward(h, g, *got, dout, x, w)
    for a, ref in zip(got, conv_backward(dout, x, w, g), strict=True):
        np.testing.assert_allclose(a, ref, rtol=1e-4, atol=1e-3)


@geoms
def test_backward_matches_naive_gradients(h, gen, g):
    x, w, b = make(gen, g, True)
    dout = gen.standard_normal((g.n, g.f, *g.out_hw)).astype(f32)
    got = [np.zeros_like(x), np.zeros_like(w), np.zeros_like(b)]
    backward(h, g, *got, dout, x, w)
    for a, ref in zip(got, conv_backward(dout, x, w, g), strict=True):
        np.testing.assert_allclose(a, ref, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["plain", "pointwise", "groups"])
def test_backward_accumulates(h, gen, name):
    g = GEOMS[name]
    x, w, b = make(gen, g, True)
    dout = gen.standard_normal((g.n, g.f, *g.out_hw)).astype(f32)
    once = [np.zeros_like(x), np.zeros_like(w), np.zeros_like(b)]
    backward(h, g, *once, dout, x, w)
    start = [gen.standard_normal(a.shape).astype(f32) for a in once]
    acc = [s.copy() for s in start]
    backward(h, g, *acc, dout, x, w)
    backward(h, g, *acc, dout, x, w)
    for a, s, o in zip(acc, start, once, strict=True):
        np.testing.assert_allclose(a, s + 2 * o, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("wanted", ["dx", "dw", "db"])
def test_null_gradient_outputs_are_skipped(h, gen, wanted):
    g = GEOMS["stride_pad"]
    x, w, b = make(gen, g, True)
    dout = gen.standard_normal((g.n, g.f, *g.out_hw)).astype(f32)
    full = {"dx": np.zeros_like(x), "dw": np.zeros_like(w), "db": np.zeros_like(b)}
    backward(h, g, full["dx"], full["dw"], full["db"], dout, x, w)
    only = {k: (np.zeros_like(v) if k == wanted else None) for k, v in full.items()}
    backward(h, g, only["dx"], only["dw"], only["db"], dout, x, w)
    np.testing.assert_array_equal(only[wanted], full[wanted])


def test_im2col_is_the_transpose_of_col2im(h, gen):
    # <im2col(x), c> == <x, col2im(c)> for every x, c: the two are adjoint.
    g = GEOMS["mixed"]
    s = g.struct(h.ffi)
    oh, ow = g.out_hw
    x = gen.standard_normal((g.c, g.h, g.w)).astype(f32)
    c = gen.standard_normal((g.c * g.kernel[0] * g.kernel[1], oh * ow)).astype(f32)
    col = np.full_like(c, np.nan)
    h.ok(h.lib.mxc_im2col(h.wptr(col), h.ptr(x), g.c, s))
    back = np.zeros_like(x)
    h.ok(h.lib.mxc_col2im_add(h.wptr(back), h.ptr(c), g.c, s))
    assert np.isclose(np.sum(col.astype(np.float64) * c), np.sum(back.astype(np.float64) * x))


def test_im2col_layout(h):
    # One channel 3x3, kernel 2x2, pad 1 on the left only through pw: rows are taps (ki, kj).
    g = Geom(1, 1, 3, 3, 1, (2, 2), pad=(0, 1))
    x = np.arange(1, 10, dtype=f32).reshape(1, 3, 3)
    col = np.full((4, 2 * 4), np.nan, f32)
    h.ok(h.lib.mxc_im2col(h.wptr(col), h.ptr(x), 1, g.struct(h.ffi)))
    expected = [[0, 1, 2, 3, 0, 4, 5, 6],  # tap (0, 0): x[y, x - 1]
                [1, 2, 3, 0, 4, 5, 6, 0],  # tap (0, 1): x[y, x]
                [0, 4, 5, 6, 0, 7, 8, 9],  # tap (1, 0): x[y + 1, x - 1]
                [4, 5, 6, 0, 7, 8, 9, 0]]  # tap (1, 1)
    np.testing.assert_array_equal(col, expected)


def test_workspace_size(h):
    # slots (min(parts, 4)) column matrices + parts (min(n, 16)) weight-gradient sums
    lib, ffi = h.lib, h.ffi
    assert lib.mxc_conv2d_workspace(GEOMS["plain"].struct(ffi)) == 2 * (3 * 9 * 4 * 3 + 4 * 27)
    assert lib.mxc_conv2d_workspace(GEOMS["groups"].struct(ffi)) == 2 * (2 * 9 * 25 + 6 * 18)
    assert lib.mxc_conv2d_workspace(GEOMS["pointwise"].struct(ffi)) == 2 * 4 * 3
    assert lib.mxc_conv2d_workspace(GEOMS["pointwise_stride"].struct(ffi)) == 2 * 9 + 3 * 2
    lenet = Geom(100, 20, 12, 12, 50, (5, 5))
    assert lib.mxc_conv2d_workspace(lenet.struct(ffi)) == 4 * 500 * 64 + 16 * 50 * 500
    big = Geom(2, 64, 224, 224, 64, (3, 3), pad=(1, 1))  # one slot: its columns pass 2^24
    assert lib.mxc_conv2d_workspace(big.struct(ffi)) == 64 * 9 * 224 * 224 + 2 * 64 * 64 * 9


def test_pointwise_forward_needs_no_workspace(h, gen):
    g = GEOMS["pointwise"]
    x, w, b = make(gen, g, True)
    out = np.zeros((g.n, g.f, *g.out_hw), f32)
    h.ok(h.lib.mxc_conv2d_forward(h.wptr(out), h.ptr(x), h.ptr(w), h.ptr(b), g.struct(h.ffi),
                                  h.NULL, 0))
    np.testing.assert_allclose(out, conv_forward(x, w, b, g), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("threads", [2, 3])
def test_the_bits_do_not_depend_on_the_thread_count(h, gen, threads):
    g = Geom(37, 3, 6, 6, 4, (3, 3), pad=(1, 1))  # 37 samples: 16 parts of 2 and 3 samples
    x, w, b = make(gen, g, True)
    dout = gen.standard_normal((g.n, g.f, *g.out_hw)).astype(f32)
    before = h.lib.mxc_threads_get()
    runs = []
    try:
        for n in (1, threads):
            h.ok(h.lib.mxc_threads_set(n))
            got = [np.zeros_like(x), np.zeros_like(w), np.zeros_like(b)]
            backward(h, g, *got, dout, x, w)
            runs.append([forward(h, g, x, w, b), *got])
    finally:
        h.ok(h.lib.mxc_threads_set(before))
    for one, many in zip(*runs, strict=True):
        np.testing.assert_array_equal(one, many)


def test_bad_arguments(h, gen):
    lib, ffi, NULL, c = h.lib, h.ffi, h.NULL, h.codes
    g = GEOMS["stride_pad"]
    x, w, b = make(gen, g, True)
    out = np.zeros((g.n, g.f, *g.out_hw), f32)
    work = workspace(h, g)
    o, xp, wp, bp, wk = h.wptr(out), h.ptr(x), h.ptr(w), h.ptr(b), h.wptr(work)
    s = g.struct(ffi)
    assert lib.mxc_conv2d_forward(o, xp, wp, bp, s, wk, work.size) == c.OK
    assert lib.mxc_conv2d_forward(NULL, xp, wp, bp, s, wk, work.size) == c.NULL_PTR
    assert lib.mxc_conv2d_forward(o, xp, wp, bp, NULL, wk, work.size) == c.NULL_PTR
    assert lib.mxc_conv2d_forward(o, xp, wp, bp, s, NULL, work.size) == c.NULL_PTR
    assert lib.mxc_conv2d_forward(o, xp, wp, bp, s, wk, 2 * 18 * 12 - 1) == c.SHAPE
    assert lib.mxc_conv2d_forward(o, xp, wp, bp, s, wk, 2 * 18 * 12) == c.OK
    dwp = h.wptr(np.zeros_like(w))
    assert lib.mxc_conv2d_backward(NULL, dwp, NULL, h.ptr(out), xp, wp, s, wk,
                                   work.size - 1) == c.SHAPE
    assert lib.mxc_conv2d_backward(NULL, NULL, NULL, NULL, xp, wp, s, wk, work.size) == c.NULL_PTR
    # db alone needs no workspace.
    db = np.zeros(g.f, f32)
    assert lib.mxc_conv2d_backward(NULL, NULL, h.wptr(db), h.ptr(out), xp, wp, s, NULL, 0) == c.OK
    for field, value, code in [("oh", 3, c.SHAPE), ("ow", 4, c.SHAPE), ("n", 0, c.SHAPE),
                               ("sh", 0, c.VALUE), ("dw", 0, c.VALUE), ("ph", -1, c.VALUE),
                               ("groups", 0, c.VALUE), ("groups", 3, c.VALUE),
                               ("kh", 0, c.VALUE)]:
        bad = g.struct(ffi)
        setattr(bad, field, value)
        assert lib.mxc_conv2d_check(bad) == code, field
        assert lib.mxc_conv2d_workspace(bad) == -1, field
        assert lib.mxc_conv2d_forward(o, xp, wp, bp, bad, wk, work.size) == code, field
