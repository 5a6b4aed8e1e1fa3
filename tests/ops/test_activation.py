"""Activation (native/activation.c): relu, sigmoid, tanh, softrelu, softsign."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat._lib import lib

ACTS = {"relu": lib.MXC_ACT_RELU, "sigmoid": lib.MXC_ACT_SIGMOID, "tanh": lib.MXC_ACT_TANH,
        "softrelu": lib.MXC_ACT_SOFTRELU, "softsign": lib.MXC_ACT_SOFTSIGN}


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1/(1+e^-x) in float64, without overflow in the reference itself."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, e) / (1.0 + e)


def ref_forward(name: str, x: np.ndarray) -> np.ndarray:
    x = x.astype(np.float64)
    return {
        "relu": lambda: np.maximum(x, 0.0),
        "sigmoid": lambda: sigmoid(x),
        "tanh": lambda: np.tanh(x),
        "softrelu": lambda: np.logaddexp(0.0, x),
        "softsign": lambda: x / (1.0 + np.abs(x)),
    }[name]()


def ref_derivative(name: str, x: np.ndarray) -> np.ndarray:
    x = x.astype(np.float64)
    s = sigmoid(x)
    return {
        "relu": lambda: (x > 0).astype(np.float64),
        "sigmoid": lambda: s * (1.0 - s),
        "tanh": lambda: 1.0 - np.tanh(x) ** 2,
        "softrelu": lambda: s,
        "softsign": lambda: 1.0 / (1.0 + np.abs(x)) ** 2,
    }[name]()


acts = pytest.mark.parametrize("name", list(ACTS))
sizes = pytest.mark.parametrize("n", [1, 2, 17, 64])


def inputs(gen, n: int, name: str) -> np.ndarray:
    x = gen.uniform(-3.0, 3.0, n)
    if name == "relu":  # keep clear of the kink at 0, where the FD slope is neither 0 nor 1
        x = np.where(np.abs(x) < 0.2, x + np.sign(x + 1e-9) * 0.2, x)
    return x.astype(np.float32)


def forward(h, x, name):
    out = np.full_like(x, np.nan)
    h.ok(h.lib.mxc_activation_forward(h.wptr(out), h.ptr(x), x.size, ACTS[name]))
    return out


def backward(h, dinp, dout, x, out, name):
    h.ok(h.lib.mxc_activation_backward(h.wptr(dinp), h.ptr(dout), h.ptr(x), h.ptr(out), x.size,
                                       ACTS[name]))


@acts
@sizes
def test_forward_matches_numpy(h, gen, name, n):
    x = inputs(gen, n, name)
    np.testing.assert_allclose(forward(h, x, name), ref_forward(name, x), rtol=2e-6, atol=1e-7)


@acts
def test_forward_is_finite_and_exact_for_large_inputs(h, name):
    # exp(100) and exp(1000) overflow float32: no activation may let that show.
    x = np.array([-1000, -100, -30, 30, 100, 1000], np.float32)
    out = forward(h, x, name)
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out, ref_forward(name, x), rtol=1e-6, atol=1e-40)


def test_softrelu_keeps_its_tail(h):
    # log(1 + e^x) ~ e^x for x << 0: log1p must keep it instead of rounding to 0.
    x = np.array([-20.0, -50.0], np.float32)
    out = forward(h, x, "softrelu")
    np.testing.assert_allclose(out, np.exp(x.astype(np.float64)), rtol=1e-5)


@pytest.mark.gradient_check("Activation")
@acts
@sizes
def test_backward_matches_finite_differences(h, gen, name, n):
    x = inputs(gen, n, name)
    r = gen.standard_normal(n).astype(np.float32)
    dinp = np.zeros_like(x)
    backward(h, dinp, r, x, forward(h, x, name), name)
    h.check_fd(lambda: forward(h, x, name), r, x, dinp, eps=1e-3, rtol=1e-2, atol=2e-3)


@acts
def test_backward_matches_derivative(h, gen, name):
    x = np.concatenate([inputs(gen, 40, name), np.float32([-60, 60])])
    dout = gen.standard_normal(x.size).astype(np.float32)
    dinp = np.zeros_like(x)
    backward(h, dinp, dout, x, forward(h, x, name), name)
    np.testing.assert_allclose(dinp, dout * ref_derivative(name, x), rtol=1e-5, atol=1e-7)


@acts
def test_backward_accumulates(h, gen, name):
    x = inputs(gen, 9, name)
    out, dout = forward(h, x, name), gen.standard_normal(9).astype(np.float32)
    once = np.zeros_like(x)
    backward(h, once, dout, x, out, name)
    start = gen.standard_normal(9).astype(np.float32)
    acc = start.copy()
    backward(h, acc, dout, x, out, name)
    backward(h, acc, dout, x, out, name)
    np.testing.assert_allclose(acc, start + 2 * once, rtol=1e-6, atol=1e-6)


def test_bad_arguments(h):
    lib, NULL, c = h.lib, h.NULL, h.codes
    x = np.ones(4, np.float32)
    buf = np.zeros(4, np.float32)
    xp, bp = h.ptr(x), h.wptr(buf)
    assert lib.mxc_activation_forward(NULL, xp, 4, 0) == c.NULL_PTR
    assert lib.mxc_activation_forward(bp, NULL, 4, 0) == c.NULL_PTR
    assert lib.mxc_activation_forward(bp, xp, 0, 0) == c.SHAPE
    assert lib.mxc_activation_forward(bp, xp, -3, 0) == c.SHAPE
    assert lib.mxc_activation_forward(bp, xp, 4, -1) == c.VALUE
    assert lib.mxc_activation_forward(bp, xp, 4, 5) == c.VALUE
    assert lib.mxc_activation_backward(bp, xp, xp, NULL, 4, 0) == c.NULL_PTR
    assert lib.mxc_activation_backward(bp, xp, NULL, xp, 4, 0) == c.NULL_PTR
    assert lib.mxc_activation_backward(bp, NULL, xp, xp, 4, 0) == c.NULL_PTR
    assert lib.mxc_activation_backward(NULL, xp, xp, xp, 4, 0) == c.NULL_PTR
    assert lib.mxc_activation_backward(bp, xp, xp, xp, 0, 0) == c.SHAPE
    assert lib.mxc_activation_backward(bp, xp, xp, xp, 4, 7) == c.VALUE
    np.testing.assert_array_equal(buf, 0)  # failed calls wrote nothing
