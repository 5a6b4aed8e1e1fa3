"""LeakyReLU (native/leakyrelu.c): leaky, elu, selu, gelu, prelu and rrelu."""

from __future__ import annotations

import math

import numpy as np
import pytest

f32 = np.float32
LEAKY, ELU, SELU, GELU = 0, 1, 2, 3
SELU_ALPHA, SELU_LAMBDA = 1.6732632423543772848, 1.0507009873554804934


def reference(x: np.ndarray, kind: int, slope: float) -> np.ndarray:
    x = x.astype(np.float64)
    neg = {LEAKY: slope * x, ELU: slope * np.expm1(x), SELU: SELU_ALPHA * np.expm1(x)}
    if kind == GELU:
        return 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))
    out = np.where(x > 0, x, neg[kind])
    return SELU_LAMBDA * out if kind == SELU else out


kinds = pytest.mark.parametrize("kind,slope", [(LEAKY, 0.25), (LEAKY, -0.5), (ELU, 0.7),
                                               (SELU, 0.0), (GELU, 0.0)],
                                ids=["leaky", "leaky_negative_slope", "elu", "selu", "gelu"])


def data(gen, n=40) -> np.ndarray:
    x = gen.standard_normal(n).astype(f32) * 2
    return np.where(np.abs(x) < 0.05, 0.5, x).astype(f32)  # keep FD steps off the kink at 0


def forward(h, x, kind, slope) -> np.ndarray:
    out = np.full_like(x, np.nan)
    h.ok(h.lib.mxc_leakyrelu_forward(h.wptr(out), h.ptr(x), x.size, kind, slope))
    return out


@kinds
def test_forward_matches_reference(h, gen, kind, slope):
    x = data(gen)
    np.testing.assert_allclose(forward(h, x, kind, slope), reference(x, kind, slope),
                               rtol=1e-5, atol=1e-6)


@kinds
@pytest.mark.gradient_check("LeakyReLU")
def test_backward_matches_finite_differences_and_accumulates(h, gen, kind, slope):
    x, r = data(gen), gen.standard_normal(40).astype(f32)
    out = forward(h, x, kind, slope)
    start = gen.standard_normal(40).astype(f32)
    dx = start.copy()
    h.ok(h.lib.mxc_leakyrelu_backward(h.wptr(dx), h.ptr(r), h.ptr(x), h.ptr(out), 40, kind, slope))
    h.check_fd(lambda: forward(h, x, kind, slope), r, x, dx - start, eps=1e-3, rtol=1e-2,
               atol=1e-3)


def prelu(h, x, gamma) -> np.ndarray:
    out = np.full_like(x, np.nan)
    outer, c, inner = x.shape
    h.ok(h.lib.mxc_prelu_forward(h.wptr(out), h.ptr(x), h.ptr(gamma), outer, c, inner, gamma.size))
    return out


@pytest.mark.parametrize("shared", [False, True], ids=["per_channel", "shared"])
@pytest.mark.gradient_check("LeakyReLU")
def test_prelu_forward_and_gradients(h, gen, shared):
    x = data(gen, 2 * 3 * 4).reshape(2, 3, 4)
    gamma = gen.uniform(0.1, 0.5, 1 if shared else 3).astype(f32)
    g = gamma[0] if shared else gamma[None, :, None]
    np.testing.assert_allclose(prelu(h, x, gamma), np.where(x > 0, x, g * x), rtol=1e-6)
    r = gen.standard_normal(x.shape).astype(f32)
    dx, dgamma = np.zeros_like(x), np.zeros_like(gamma)
    h.ok(h.lib.mxc_prelu_backward(h.wptr(dx), h.wptr(dgamma), h.ptr(r), h.ptr(x), h.ptr(gamma),
                                  2, 3, 4, gamma.size))
    tol = {"eps": 1e-3, "rtol": 1e-3, "atol": 1e-3}
    h.check_fd(lambda: prelu(h, x, gamma), r, x, dx, **tol)
    h.check_fd(lambda: prelu(h, x, gamma), r, gamma, dgamma, **tol)


def test_rrelu_draws_slopes_from_the_stream_and_backward_uses_them(h, gen, rng):
    x = data(gen, 1000)
    out, mask = np.full_like(x, np.nan), np.full_like(x, np.nan)
    h.ok(h.lib.mxc_rrelu_forward(h.wptr(out), h.wptr(mask), h.ptr(x), x.size, 0.125, 0.334, rng))
    expected = np.zeros(x.size, f32)
    fresh = h.ffi.new("mxc_rng *")
    h.ok(h.lib.mxc_rng_seed(fresh, 42))  # the rng fixture's seed: the same stream
    h.ok(h.lib.mxc_rng_uniform(h.wptr(expected), x.size, 0.125, 0.334, fresh))
    np.testing.assert_array_equal(mask, expected)
    assert mask.min() >= 0.125 and mask.max() < 0.334
    np.testing.assert_array_equal(out, np.where(x > 0, x, mask * x))
    r = gen.standard_normal(x.size).astype(f32)
    dx = np.ones_like(x)
    h.ok(h.lib.mxc_rrelu_backward(h.wptr(dx), h.ptr(r), h.ptr(x), h.ptr(mask), x.size))
    np.testing.assert_allclose(dx, 1 + np.where(x > 0, r, mask * r), rtol=1e-6)


def test_bad_arguments(h, rng):
    lib, NULL, c = h.lib, h.NULL, h.codes
    x = np.zeros(4, f32)
    p, wp = h.ptr(x), h.wptr(x.copy())
    assert lib.mxc_leakyrelu_forward(wp, p, 4, 4, 0.1) == c.VALUE
    assert lib.mxc_leakyrelu_forward(wp, NULL, 4, LEAKY, 0.1) == c.NULL_PTR
    assert lib.mxc_leakyrelu_backward(wp, p, p, p, 0, LEAKY, 0.1) == c.SHAPE
    assert lib.mxc_prelu_forward(wp, p, p, 1, 4, 1, 2) == c.SHAPE  # gamma_n neither 1 nor c
    assert lib.mxc_prelu_backward(NULL, NULL, p, p, NULL, 1, 4, 1, 4) == c.NULL_PTR
    assert lib.mxc_rrelu_forward(wp, wp, p, 4, 0.5, 0.25, rng) == c.VALUE
    assert lib.mxc_rrelu_forward(wp, wp, p, 4, 0.1, 0.2, NULL) == c.NULL_PTR
