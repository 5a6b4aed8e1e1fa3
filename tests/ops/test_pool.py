"""Pooling (native/pool.c) against a naive reference written from MXNet's definitions."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

f32 = np.float32
MAX, AVG, SUM = 0, 1, 2
FLT_MAX = float(np.finfo(f32).max)


@dataclass(frozen=True)
class Pool:
    n: int
    c: int
    h: int
    w: int
    kernel: tuple[int, int]
    stride: tuple[int, int] = (1, 1)
    pad: tuple[int, int] = (0, 0)
    full: bool = False  # pooling_convention "full" (ceil) instead of "valid" (floor)

    @property
    def out_hw(self) -> tuple[int, int]:
        def one(size, k, s, p):
            span = size + 2 * p - k
            return 1 + (math.ceil(span / s) if self.full else span // s)
        return tuple(one(*a) for a in zip((self.h, self.w), self.kernel, self.stride, self.pad))

    def struct(self, ffi):
        oh, ow = self.out_hw
        return ffi.new("mxc_pool2d *", {
            "n": self.n, "c": self.c, "h": self.h, "w": self.w, "oh": oh, "ow": ow,
            "kh": self.kernel[0], "kw": self.kernel[1], "sh": self.stride[0],
            "sw": self.stride[1], "ph": self.pad[0], "pw": self.pad[1]})

    def windows(self, count_include_pad: bool):
        """(oy, ox, rows, cols, divisor) of every output position, windows clipped to the data."""
        oh, ow = self.out_hw
        for oy in range(oh):
            for ox in range(ow):
                spans, areas = [], []
                for o, size, k, s, p in zip((oy, ox), (self.h, self.w), self.kernel,
                                            self.stride, self.pad):
                    start = o * s - p
                    end = min(start + k, size + p)
                    lo, hi = max(start, 0), min(end, size)
                    spans.append(range(lo, hi))
                    areas.append(end - start if count_include_pad else max(hi - lo, 0))
                yield oy, ox, spans[0], spans[1], areas[0] * areas[1]


def pool_ref(x, p: Pool, kind: int, cip: bool) -> np.ndarray:
    out = np.zeros((p.n, p.c, *p.out_hw))
    for oy, ox, rows, cols, area in p.windows(cip):
        win = x[:, :, rows.start:rows.stop, cols.start:cols.stop].astype(np.float64)
        if kind == MAX:
            out[:, :, oy, ox] = win.max(axis=(2, 3)) if win.size else -FLT_MAX
        else:
            s = win.sum(axis=(2, 3))
            out[:, :, oy, ox] = s if kind == SUM else (s / area if area else 0.0)
    return out


POOLS = {
    "lenet": Pool(2, 3, 8, 8, (2, 2), (2, 2)),
    "overlap_pad_full": Pool(2, 2, 7, 6, (3, 3), (2, 2), (1, 1), full=True),
    "pad_valid": Pool(1, 2, 5, 6, (3, 2), (2, 1), (1, 1)),
    "global": Pool(2, 3, 4, 5, (4, 5)),
    "one_d": Pool(2, 2, 1, 9, (1, 3), (1, 2), (0, 1), full=True),
    "empty_windows": Pool(1, 2, 5, 5, (1, 1), (3, 3), full=True),
}
pools = pytest.mark.parametrize("p", POOLS.values(), ids=POOLS.keys())
kinds = pytest.mark.parametrize("kind,cip", [(MAX, True), (AVG, True), (AVG, False), (SUM, True)],
                                ids=["max", "avg", "avg_no_pad", "sum"])


def distinct(gen, p: Pool) -> np.ndarray:
    """Data whose values differ by >= 0.05, so a finite-difference step never changes a max."""
    size = p.n * p.c * p.h * p.w
    return (gen.permutation(size) * 0.05 - size * 0.025).astype(f32).reshape(p.n, p.c, p.h, p.w)


def forward(h, p: Pool, x, kind, cip) -> np.ndarray:
    out = np.full((p.n, p.c, *p.out_hw), np.nan, f32)
    h.ok(h.lib.mxc_pool2d_forward(h.wptr(out), h.ptr(x), p.struct(h.ffi), kind, int(cip)))
    return out


def backward(h, p: Pool, dx, dout, x, out, kind, cip) -> None:
    h.ok(h.lib.mxc_pool2d_backward(h.wptr(dx), h.ptr(dout), h.ptr(x), h.ptr(out),
                                   p.struct(h.ffi), kind, int(cip)))


def test_output_extents_follow_mxnet():
    assert POOLS["lenet"].out_hw == (4, 4)
    assert POOLS["overlap_pad_full"].out_hw == (4, 4)  # valid would give (3, 3)
    assert POOLS["pad_valid"].out_hw == (3, 7)
    assert POOLS["empty_windows"].out_hw == (3, 3)  # windows at 0, 3, 6: the last is past 5


@pools
@kinds
def test_forward_matches_reference(h, gen, p, kind, cip):
    x = gen.standard_normal((p.n, p.c, p.h, p.w)).astype(f32)
    np.testing.assert_allclose(forward(h, p, x, kind, cip), pool_ref(x, p, kind, cip),
                               rtol=1e-6, atol=1e-6)


def test_count_include_pad_changes_the_divisor(h):
    p = Pool(1, 1, 2, 2, (2, 2), (2, 2), (1, 1))  # every window holds one value and 3 pads
    x = np.array([[[[4, 8], [12, 16]]]], f32)
    np.testing.assert_array_equal(forward(h, p, x, AVG, True), [[[[1, 2], [3, 4]]]])
    np.testing.assert_array_equal(forward(h, p, x, AVG, False), x)


@pools
@kinds
@pytest.mark.gradient_check("Pooling")
def test_backward_matches_finite_differences(h, gen, p, kind, cip):
    x = distinct(gen, p)
    r = gen.standard_normal((p.n, p.c, *p.out_hw)).astype(f32)
    out = forward(h, p, x, kind, cip)
    r[out == -FLT_MAX] = 0  # empty max windows: -FLT_MAX * r would drown L's small changes
    dx = np.zeros_like(x)
    backward(h, p, dx, r, x, out, kind, cip)
    h.check_fd(lambda: forward(h, p, x, kind, cip), r, x, dx, eps=1e-2, rtol=1e-3, atol=1e-3)


def test_max_gradient_goes_to_the_first_maximum(h):
    p = Pool(1, 1, 2, 2, (2, 2))
    x = np.array([[[[1, 3], [3, 2]]]], f32)
    out = forward(h, p, x, MAX, True)
    dx = np.zeros_like(x)
    backward(h, p, dx, np.ones_like(out), x, out, MAX, True)
    np.testing.assert_array_equal(dx, [[[[0, 1], [0, 0]]]])


@kinds
def test_backward_accumulates(h, gen, kind, cip):
    p = POOLS["overlap_pad_full"]
    x = distinct(gen, p)
    out = forward(h, p, x, kind, cip)
    dout = gen.standard_normal(out.shape).astype(f32)
    once = np.zeros_like(x)
    backward(h, p, once, dout, x, out, kind, cip)
    start = gen.standard_normal(x.shape).astype(f32)
    acc = start.copy()
    backward(h, p, acc, dout, x, out, kind, cip)
    backward(h, p, acc, dout, x, out, kind, cip)
    np.testing.assert_allclose(acc, start + 2 * once, rtol=1e-6, atol=1e-6)


def test_bad_arguments(h, gen):
    lib, ffi, NULL, c = h.lib, h.ffi, h.NULL, h.codes
    p = POOLS["pad_valid"]
    x = gen.standard_normal((p.n, p.c, p.h, p.w)).astype(f32)
    out = np.zeros((p.n, p.c, *p.out_hw), f32)
    o, xp, s = h.wptr(out), h.ptr(x), p.struct(ffi)
    assert lib.mxc_pool2d_forward(o, xp, s, 3, 1) == c.VALUE
    assert lib.mxc_pool2d_forward(NULL, xp, s, MAX, 1) == c.NULL_PTR
    assert lib.mxc_pool2d_backward(h.wptr(x), h.ptr(out), NULL, NULL, s, MAX, 1) == c.NULL_PTR
    assert lib.mxc_pool2d_backward(h.wptr(x), h.ptr(out), NULL, NULL, s, AVG, 1) == c.OK
    for field, value, code in [("oh", 5, c.SHAPE), ("oh", 2, c.SHAPE), ("kh", 8, c.SHAPE),
                               ("sw", 0, c.VALUE), ("pw", -1, c.VALUE), ("c", 0, c.SHAPE)]:
        bad = p.struct(ffi)
        setattr(bad, field, value)
        assert lib.mxc_pool2d_check(bad) == code, field
        assert lib.mxc_pool2d_forward(o, xp, bad, MAX, 1) == code, field


@pytest.mark.parametrize("stride", [(1, 1), (2, 2)], ids=["general", "lenet_2x2_path"])
def test_ties_and_nan_in_max_windows(h, stride):
    # Ties: the first maximum (row-major) takes the gradient. NaN never wins a window, as in
    # the comparisons of MXNet's max pooling; a window of NaN only gives -FLT_MAX.
    nan = np.nan
    p = Pool(1, 1, 4, 4, (2, 2), stride)
    x = np.array([[[[1, 3, nan, 2],
                    [3, 2, 0, nan],
                    [nan, nan, 5, 5],
                    [nan, nan, 5, 4]]]], f32)
    out = forward(h, p, x, MAX, True)
    dx = np.zeros_like(x)
    backward(h, p, dx, np.ones_like(out), x, out, MAX, True)
    if stride == (2, 2):
        np.testing.assert_array_equal(out, [[[[3, 2], [-FLT_MAX, 5]]]])
        np.testing.assert_array_equal(dx, [[[[0, 1, 0, 1], [0, 0, 0, 0], [0, 0, 1, 0],
                                             [0, 0, 0, 0]]]])
    else:
        assert out[0, 0, 0, 0] == 3 and out[0, 0, 2, 2] == 5 and out[0, 0, 2, 0] == -FLT_MAX
        assert dx[0, 0, 0, 1] == 2  # the first 3 of windows (0, 0) and (0, 1)


@pytest.mark.parametrize("kind,cip", [(MAX, True), (AVG, False)], ids=["max_2x2", "avg_pad"])
def test_large_calls_give_the_same_bits_on_two_threads(h, gen, kind, cip):
    # Big enough to be cut into parts (native/pool.c): planes are pooled independently.
    p = Pool(40, 20, 24, 24, (2, 2), (2, 2)) if kind == MAX else \
        Pool(40, 20, 24, 24, (3, 3), (2, 2), (1, 1), full=True)
    x = gen.standard_normal((p.n, p.c, p.h, p.w)).astype(f32)
    dout = gen.standard_normal((p.n, p.c, *p.out_hw)).astype(f32)
    before = h.lib.mxc_threads_get()
    runs = []
    try:
        for threads in (1, 2):
            h.ok(h.lib.mxc_threads_set(threads))
            out = forward(h, p, x, kind, cip)
            dx = np.zeros_like(x)
            backward(h, p, dx, dout, x, out, kind, cip)
            runs.append((out, dx))
    finally:
        h.ok(h.lib.mxc_threads_set(before))
    for one, two in zip(*runs, strict=True):
        np.testing.assert_array_equal(one, two)
    np.testing.assert_allclose(runs[0][0], pool_ref(x, p, kind, cip), rtol=1e-6, atol=1e-6)
