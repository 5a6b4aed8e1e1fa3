"""Elementwise functions of one array and clip (native/unary.c)."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat._lib import lib


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# name -> (numpy reference in float64, input range where the function is smooth)
FUNCTIONS = {
    "COPY": (lambda x: x, (-3, 3)),
    "NEGATIVE": (np.negative, (-3, 3)),
    "ABS": (np.abs, (-3, 3)),
    "SIGN": (np.sign, (-3, 3)),
    "SQUARE": (np.square, (-3, 3)),
    "SQRT": (np.sqrt, (0.2, 4)),
    "RSQRT": (lambda x: 1 / np.sqrt(x), (0.2, 4)),
    "EXP": (np.exp, (-3, 3)),
    "LOG": (np.log, (0.2, 4)),
    "LOG2": (np.log2, (0.2, 4)),
    "LOG10": (np.log10, (0.2, 4)),
    "EXPM1": (np.expm1, (-2, 2)),
    "LOG1P": (np.log1p, (-0.5, 3)),
    "ROUND": (lambda x: np.sign(x) * np.floor(np.abs(x) + 0.5), (-3, 3)),
    "FLOOR": (np.floor, (-3, 3)),
    "CEIL": (np.ceil, (-3, 3)),
    "TRUNC": (np.trunc, (-3, 3)),
    "SIN": (np.sin, (-3, 3)),
    "COS": (np.cos, (-3, 3)),
    "TAN": (np.tan, (-1.2, 1.2)),
    "ARCSIN": (np.arcsin, (-0.9, 0.9)),
    "ARCCOS": (np.arccos, (-0.9, 0.9)),
    "ARCTAN": (np.arctan, (-3, 3)),
    "SINH": (np.sinh, (-3, 3)),
    "COSH": (np.cosh, (-3, 3)),
    "TANH": (np.tanh, (-3, 3)),
    "RECIPROCAL": (np.reciprocal, (0.3, 3)),
    "SIGMOID": (sigmoid, (-4, 4)),
    "RELU": (lambda x: np.maximum(x, 0), (-3, 3)),
}
STEPS = {"SIGN", "ROUND", "FLOOR", "CEIL", "TRUNC"}  # zero gradient, as in MXNet

functions = pytest.mark.parametrize("name", list(FUNCTIONS))
smooth = pytest.mark.parametrize("name", [n for n in FUNCTIONS if n not in STEPS])
steps = pytest.mark.parametrize("name", sorted(STEPS))
sizes = pytest.mark.parametrize("n", [1, 6, 33])


def test_every_operator_is_tested():
    names = {n[len("MXC_UNARY_"):] for n in dir(lib)
             if n.startswith("MXC_UNARY_") and n != "MXC_UNARY_COUNT"}
    assert names == set(FUNCTIONS)
    assert len(names) == lib.MXC_UNARY_COUNT


def inputs(gen, name, n):
    lo, hi = FUNCTIONS[name][1]
    x = gen.uniform(lo, hi, n)
    # keep clear of kinks (abs, relu at 0) and jumps (round, floor, ... at whole numbers)
    x = np.where(np.abs(x) < 0.15, 0.4, x)
    frac = x - np.floor(x)
    x = np.where(np.abs(frac - 0.5) < 0.05, x + 0.2, x)
    return x.astype(np.float32)


def forward(h, x, name):
    out = np.full_like(x, np.nan)
    h.ok(h.lib.mxc_unary_forward(h.wptr(out), h.ptr(x), x.size, getattr(lib, f"MXC_UNARY_{name}")))
    return out


def backward(h, dx, dout, x, out, name):
    h.ok(h.lib.mxc_unary_backward(h.wptr(dx), h.ptr(dout), h.ptr(x), h.ptr(out), x.size,
                                  getattr(lib, f"MXC_UNARY_{name}")))


@functions
@sizes
def test_forward_matches_numpy(h, gen, name, n):
    x = inputs(gen, name, n)
    expect = FUNCTIONS[name][0](x.astype(np.float64))
    np.testing.assert_allclose(forward(h, x, name), expect, rtol=3e-6, atol=1e-7)


def test_round_takes_halves_away_from_zero(h):
    x = np.array([0.5, 1.5, 2.5, -0.5, -2.5, 2.4999], np.float32)
    np.testing.assert_array_equal(forward(h, x, "ROUND"), [1, 2, 3, -1, -3, 2])


@smooth
@sizes
def test_gradient_matches_finite_differences(h, gen, name, n):
    x = inputs(gen, name, n)
    r = gen.standard_normal(n).astype(np.float32)
    dx = np.zeros_like(x)
    backward(h, dx, r, x, forward(h, x, name), name)
    h.check_fd(lambda: forward(h, x, name), r, x, dx, 1e-2, 5e-3, 5e-3)


@smooth
def test_backward_accumulates(h, gen, name):
    x = inputs(gen, name, 5)
    r = gen.standard_normal(5).astype(np.float32)
    out = forward(h, x, name)
    once, twice = np.zeros_like(x), np.zeros_like(x)
    backward(h, once, r, x, out, name)
    backward(h, twice, r, x, out, name)
    backward(h, twice, r, x, out, name)
    np.testing.assert_allclose(twice, 2 * once, rtol=1e-6)


@steps
def test_step_functions_have_zero_gradient(h, gen, name):
    x = inputs(gen, name, 5)
    dx = np.full_like(x, 2.0)
    backward(h, dx, np.ones_like(x), x, forward(h, x, name), name)
    np.testing.assert_array_equal(dx, 2.0)


def clip(h, x, lo, hi):
    out = np.full_like(x, np.nan)
    h.ok(h.lib.mxc_clip_forward(h.wptr(out), h.ptr(x), x.size, lo, hi))
    return out


def test_clip_forward_and_gradient(h, gen):
    x = gen.uniform(-4, 4, 30).astype(np.float32)
    x = np.where(np.abs(np.abs(x) - 2) < 0.1, 0.0, x)  # away from the bounds
    np.testing.assert_array_equal(clip(h, x, -2.0, 2.0), np.clip(x, -2, 2))
    r = gen.standard_normal(30).astype(np.float32)
    dx = np.zeros_like(x)
    h.ok(h.lib.mxc_clip_backward(h.wptr(dx), h.ptr(r), h.ptr(x), 30, -2.0, 2.0))
    h.check_fd(lambda: clip(h, x, -2.0, 2.0), r, x, dx, 1e-2, 1e-3, 1e-3)


def test_clip_gradient_is_zero_at_the_bounds(h):
    x = np.array([-2, 0, 2], np.float32)
    dx = np.zeros_like(x)
    h.ok(h.lib.mxc_clip_backward(h.wptr(dx), h.ptr(np.ones_like(x)), h.ptr(x), 3, -2.0, 2.0))
    np.testing.assert_array_equal(dx, [0, 1, 0])


def test_bad_arguments(h):
    lib, NULL, c = h.lib, h.NULL, h.codes
    a = np.ones(3, np.float32)
    p, w = h.ptr(a), h.wptr(a)
    assert lib.mxc_unary_forward(NULL, p, 3, lib.MXC_UNARY_EXP) == c.NULL_PTR
    assert lib.mxc_unary_forward(w, p, 0, lib.MXC_UNARY_EXP) == c.SHAPE
    assert lib.mxc_unary_forward(w, p, 3, lib.MXC_UNARY_COUNT) == c.VALUE
    assert lib.mxc_unary_backward(w, p, p, NULL, 3, lib.MXC_UNARY_EXP) == c.NULL_PTR
    assert lib.mxc_unary_backward(w, p, p, p, 3, -1) == c.VALUE
    assert lib.mxc_clip_forward(w, p, 3, 2.0, 1.0) == c.VALUE
    assert lib.mxc_clip_backward(w, p, NULL, 3, 0.0, 1.0) == c.NULL_PTR
    np.testing.assert_array_equal(a, 1)
