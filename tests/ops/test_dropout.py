"""Dropout (native/dropout.c): inverted dropout driven by an explicit mxc_rng stream."""

from __future__ import annotations

import numpy as np
import pytest

probs = pytest.mark.parametrize("p", [0.1, 0.5, 0.75])


def forward(h, x, p, rng):
    out, mask = np.full_like(x, np.nan), np.full_like(x, np.nan)
    h.ok(h.lib.mxc_dropout_forward(h.wptr(out), h.wptr(mask), h.ptr(x), x.size, p, rng))
    return out, mask


def next_raw(h, r) -> int:
    """The stream's next raw 32-bit output (engine 0's, as a one-number draw uses)."""
    out = h.ffi.new("uint32_t[1]")
    h.ok(h.lib.mxc_rng_raw(out, 1, r))
    return out[0]


def seeded(h, seed):
    r = h.ffi.new("mxc_rng *")
    h.ok(h.lib.mxc_rng_seed(r, seed))
    return r


@probs
@pytest.mark.parametrize("n", [1, 7, 1000])
def test_mask_values_and_output(h, gen, rng, p, n):
    x = gen.standard_normal(n).astype(np.float32)
    out, mask = forward(h, x, p, rng)
    scale = np.float32(1.0) / np.float32(1.0 - p)
    assert np.all((mask == 0) | (mask == scale))
    np.testing.assert_array_equal(out, x * mask)


@probs
def test_mask_follows_the_rng_uniform_stream(h, rng, p):
    # One U[0,1) draw per element, in order (chunked like every draw): kept where
    # u <= 1 - p, as MXNet's CPU Dropout.
    n = 257
    u = np.empty(n, np.float32)
    h.ok(h.lib.mxc_rng_uniform(h.wptr(u), n, 0.0, 1.0, seeded(h, 42)))
    _, mask = forward(h, np.ones(n, np.float32), p, rng)
    keep = np.float32(1.0 - p)
    np.testing.assert_array_equal(mask, np.where(u <= keep, np.float32(1.0) / keep, 0))
    # ... and the stream moved on by exactly n draws.
    ref = seeded(h, 42)
    h.ok(h.lib.mxc_rng_uniform(h.wptr(u), n, 0.0, 1.0, ref))
    assert next_raw(h, rng) == next_raw(h, ref)


def test_same_seed_same_mask_other_seed_other_mask(h):
    x = np.ones(500, np.float32)
    _, m1 = forward(h, x, 0.5, seeded(h, 7))
    _, m2 = forward(h, x, 0.5, seeded(h, 7))
    _, m3 = forward(h, x, 0.5, seeded(h, 8))
    np.testing.assert_array_equal(m1, m2)
    assert np.any(m1 != m3)


def test_consecutive_calls_draw_fresh_masks(h, rng):
    x = np.ones(500, np.float32)
    _, m1 = forward(h, x, 0.5, rng)
    _, m2 = forward(h, x, 0.5, rng)
    assert np.any(m1 != m2)


def test_p_zero_is_identity_and_draws_nothing(h, gen, rng):
    x = gen.standard_normal(33).astype(np.float32)
    out, mask = forward(h, x, 0.0, rng)
    np.testing.assert_array_equal(mask, 1)
    np.testing.assert_array_equal(out, x)
    assert next_raw(h, rng) == next_raw(h, seeded(h, 42))


@pytest.mark.parametrize("p", [0.3, 0.8])
def test_keep_rate(h, rng, p):
    n = 100_000
    _, mask = forward(h, np.ones(n, np.float32), p, rng)
    kept = np.count_nonzero(mask) / n
    assert abs(kept - (1 - p)) < 0.01  # ~6 standard deviations
    assert abs(mask.astype(np.float64).mean() - 1.0) < 0.03  # inverted dropout keeps the mean


def test_default_stream_is_usable(h):
    default, size = h.lib.mxc_rng_default(), h.ffi.sizeof("mxc_rng")
    saved = h.ffi.new("mxc_rng *")
    h.ffi.memmove(saved, default, size)  # the struct is plain data: a byte copy saves it
    try:
        h.ok(h.lib.mxc_rng_seed(default, 3))
        _, m1 = forward(h, np.ones(64, np.float32), 0.5, default)
    finally:
        h.ffi.memmove(default, saved, size)  # other tests may rely on the global stream
    _, m2 = forward(h, np.ones(64, np.float32), 0.5, seeded(h, 3))
    np.testing.assert_array_equal(m1, m2)


def backward(h, dinp, dout, mask):
    h.ok(h.lib.mxc_dropout_backward(h.wptr(dinp), h.ptr(dout), h.ptr(mask), dout.size))


@probs
def test_backward_is_dout_times_mask_and_accumulates(h, gen, rng, p):
    x = gen.standard_normal(50).astype(np.float32)
    _, mask = forward(h, x, p, rng)
    dout = gen.standard_normal(50).astype(np.float32)
    start = gen.standard_normal(50).astype(np.float32)
    dinp = start.copy()
    backward(h, dinp, dout, mask)
    np.testing.assert_array_equal(dinp, start + dout * mask)
    backward(h, dinp, dout, mask)
    np.testing.assert_allclose(dinp, start + 2 * dout * mask, rtol=1e-6, atol=1e-6)


@pytest.mark.gradient_check("Dropout")
def test_backward_matches_finite_differences_for_a_fixed_mask(h, gen):
    # With the stream re-seeded for every forward the mask is fixed, so the op is linear in x.
    x = gen.standard_normal((3, 5)).astype(np.float32)
    r = gen.standard_normal((3, 5)).astype(np.float32)
    _, mask = forward(h, x, 0.4, seeded(h, 11))
    dinp = np.zeros_like(x)
    backward(h, dinp, r, mask)
    h.check_fd(lambda: forward(h, x, 0.4, seeded(h, 11))[0], r, x, dinp,
               eps=1e-2, rtol=1e-4, atol=1e-4)


def test_bad_arguments(h, rng):
    lib, NULL, c = h.lib, h.NULL, h.codes
    a = np.ones(4, np.float32)
    o, m, p = h.wptr(a.copy()), h.wptr(a.copy()), h.ptr(a)
    assert lib.mxc_dropout_forward(NULL, m, p, 4, 0.5, rng) == c.NULL_PTR
    assert lib.mxc_dropout_forward(o, NULL, p, 4, 0.5, rng) == c.NULL_PTR
    assert lib.mxc_dropout_forward(o, m, NULL, 4, 0.5, rng) == c.NULL_PTR
    assert lib.mxc_dropout_forward(o, m, p, 4, 0.5, NULL) == c.NULL_PTR
    assert lib.mxc_dropout_forward(o, m, p, 0, 0.5, rng) == c.SHAPE
    for bad_p in [1.0, 1.5, -0.1, float("nan")]:
        assert lib.mxc_dropout_forward(o, m, p, 4, bad_p, rng) == c.VALUE
    assert lib.mxc_dropout_backward(NULL, p, p, 4) == c.NULL_PTR
    assert lib.mxc_dropout_backward(o, NULL, p, 4) == c.NULL_PTR
    assert lib.mxc_dropout_backward(o, p, NULL, 4) == c.NULL_PTR
    assert lib.mxc_dropout_backward(o, p, p, -1) == c.SHAPE


# --- shared masks (MXNet's `axes`) ------------------------------------------------------------


def shared(h, x, mask_shape, p, rng):
    out, mask = np.full_like(x, np.nan), np.full(mask_shape, np.nan, np.float32)
    shape = h.ffi.new("int64_t[]", x.shape)
    mshape = h.ffi.new("int64_t[]", mask_shape)
    h.ok(h.lib.mxc_dropout_shared_forward(h.wptr(out), h.wptr(mask), h.ptr(x), shape, mshape,
                                          x.ndim, p, rng))
    return out, mask, shape, mshape


@pytest.mark.parametrize("mask_shape", [(2, 3, 1, 1), (1, 3, 4, 1), (2, 1, 4, 5), (1, 1, 1, 1),
                                        (2, 3, 4, 5)], ids=["spatial", "batch_w", "channel",
                                                            "all", "none"])
def test_shared_mask_is_drawn_like_a_small_mask_and_broadcast(h, gen, rng, mask_shape):
    x = gen.standard_normal((2, 3, 4, 5)).astype(np.float32)
    out, mask, shape, mshape = shared(h, x, mask_shape, 0.5, rng)
    _, plain = forward(h, np.ones(int(np.prod(mask_shape)), np.float32), 0.5, seeded(h, 42))
    np.testing.assert_array_equal(mask.reshape(-1), plain)  # same draws as an unshared mask
    np.testing.assert_array_equal(out, x * mask)
    dout = gen.standard_normal(x.shape).astype(np.float32)
    dx = np.ones_like(x)
    h.ok(h.lib.mxc_dropout_shared_backward(h.wptr(dx), h.ptr(dout), h.ptr(mask), shape, mshape,
                                           x.ndim))
    np.testing.assert_array_equal(dx, 1 + dout * mask)


def test_shared_bad_arguments(h, rng):
    x = np.zeros((2, 3), np.float32)
    out, mask = np.zeros_like(x), np.zeros_like(x)
    shape, bad = h.ffi.new("int64_t[]", [2, 3]), h.ffi.new("int64_t[]", [2, 2])
    lib, c = h.lib, h.codes
    args = (h.wptr(out), h.wptr(mask), h.ptr(x))
    assert lib.mxc_dropout_shared_forward(*args, shape, bad, 2, 0.5, rng) == c.SHAPE
    assert lib.mxc_dropout_shared_forward(*args, shape, shape, 0, 0.5, rng) == c.SHAPE
    assert lib.mxc_dropout_shared_forward(*args, shape, shape, 2, 1.0, rng) == c.VALUE
    assert lib.mxc_dropout_shared_forward(*args, shape, h.NULL, 2, 0.5, rng) == c.NULL_PTR
    assert lib.mxc_dropout_shared_backward(h.wptr(out), h.ptr(x), h.ptr(mask), shape, bad,
                                           2) == c.SHAPE
