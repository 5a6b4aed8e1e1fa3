"""Elementwise kernels (native/elemwise.c): axpy, array-array and array-scalar arithmetic."""

from __future__ import annotations

import numpy as np
import pytest

ADD, SUB, MUL, DIV, POW = range(5)
NUMPY_OPS = {ADD: np.add, SUB: np.subtract, MUL: np.multiply, DIV: np.divide, POW: np.power}
binary_ops = pytest.mark.parametrize("op", [ADD, SUB, MUL, DIV], ids=["add", "sub", "mul", "div"])
sizes = pytest.mark.parametrize("n", [1, 5, 33])


def operands(gen, n):
    # Positive and away from 0, so div and pow stay well defined in both directions.
    a = gen.uniform(0.5, 2.0, n).astype(np.float32)
    b = gen.uniform(0.5, 2.0, n).astype(np.float32)
    return a, b


@sizes
@pytest.mark.parametrize("alpha", [1.0, -0.5, 0.0])
def test_axpy(h, gen, n, alpha):
    y, x = operands(gen, n)
    expect = y.astype(np.float64) + alpha * x.astype(np.float64)
    h.ok(h.lib.mxc_axpy(h.wptr(y), h.ptr(x), n, alpha))
    np.testing.assert_allclose(y, expect, rtol=1e-6)


@binary_ops
@sizes
def test_binary(h, gen, op, n):
    a, b = operands(gen, n)
    out = np.full_like(a, np.nan)
    h.ok(h.lib.mxc_binary_forward(h.wptr(out), h.ptr(a), h.ptr(b), n, op))
    np.testing.assert_allclose(out, NUMPY_OPS[op](a.astype(np.float64), b), rtol=1e-6)


@pytest.mark.parametrize("op", [ADD, SUB, MUL, DIV, POW], ids=["add", "sub", "mul", "div", "pow"])
@pytest.mark.parametrize("reverse", [0, 1], ids=["a_op_s", "s_op_a"])
def test_scalar(h, gen, op, reverse):
    a, _ = operands(gen, 9)
    s = 1.5
    out = np.full_like(a, np.nan)
    h.ok(h.lib.mxc_scalar_forward(h.wptr(out), h.ptr(a), s, a.size, op, reverse))
    a64 = a.astype(np.float64)
    expect = NUMPY_OPS[op](s, a64) if reverse else NUMPY_OPS[op](a64, s)
    np.testing.assert_allclose(out, expect, rtol=2e-6)


def test_bad_arguments(h):
    lib, NULL, c = h.lib, h.NULL, h.codes
    a = np.ones(3, np.float32)
    p, w = h.ptr(a), h.wptr(a)
    assert lib.mxc_axpy(NULL, p, 3, 1.0) == c.NULL_PTR
    assert lib.mxc_axpy(w, NULL, 3, 1.0) == c.NULL_PTR
    assert lib.mxc_axpy(w, p, -1, 1.0) == c.SHAPE
    assert lib.mxc_binary_forward(NULL, p, p, 3, ADD) == c.NULL_PTR
    assert lib.mxc_binary_forward(w, NULL, p, 3, ADD) == c.NULL_PTR
    assert lib.mxc_binary_forward(w, p, NULL, 3, ADD) == c.NULL_PTR
    assert lib.mxc_binary_forward(w, p, p, -1, ADD) == c.SHAPE
    assert lib.mxc_binary_forward(w, p, p, 3, POW) == c.VALUE  # pow is scalar-only
    assert lib.mxc_binary_forward(w, p, p, 3, -1) == c.VALUE
    assert lib.mxc_scalar_forward(NULL, p, 1.0, 3, ADD, 0) == c.NULL_PTR
    assert lib.mxc_scalar_forward(w, NULL, 1.0, 3, ADD, 0) == c.NULL_PTR
    assert lib.mxc_scalar_forward(w, p, 1.0, -1, ADD, 0) == c.SHAPE
    assert lib.mxc_scalar_forward(w, p, 1.0, 3, 5, 0) == c.VALUE
    np.testing.assert_array_equal(a, 1)  # failed calls wrote nothing
