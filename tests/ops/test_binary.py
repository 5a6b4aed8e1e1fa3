"""Elementwise binary operators (native/binary.c): array-array and array-scalar, both ways."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat._lib import lib

ARITH = ["ADD", "SUB", "MUL", "DIV", "POW", "MOD", "MAXIMUM", "MINIMUM"]
COMPARE = ["EQ", "NE", "GT", "GE", "LT", "LE"]
NUMPY = {"ADD": np.add, "SUB": np.subtract, "MUL": np.multiply, "DIV": np.divide,
         "POW": np.power, "MAXIMUM": np.maximum, "MINIMUM": np.minimum, "EQ": np.equal,
         "NE": np.not_equal, "GT": np.greater, "GE": np.greater_equal, "LT": np.less,
         "LE": np.less_equal}


def code(name: str) -> int:
    return getattr(lib, f"MXC_BINARY_{name}")


def mxnet_mod(a, b):
    """MXNet's modulo in float64: the divisor's sign, and 0 for a zero divisor."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(b == 0, 0.0, np.mod(a, np.where(b == 0, 1.0, b)))


def reference(name: str, a, b) -> np.ndarray:
    if name == "MOD":
        return mxnet_mod(a, b)
    return NUMPY[name](np.asarray(a, np.float64), np.asarray(b, np.float64)).astype(np.float64)


def operands(gen, name: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Inputs where every operator is smooth: positive (pow, log in its gradient), no ties
    (maximum, minimum), and a / b away from whole numbers (the floor in mod's gradient)."""
    a = gen.uniform(0.6, 2.0, n)
    b = gen.uniform(0.6, 2.0, n)
    if name in ("MAXIMUM", "MINIMUM"):
        b = np.where(np.abs(a - b) < 0.1, a + 0.3, b)
    if name == "MOD":
        a = gen.uniform(-5.0, 5.0, n)
        b = gen.choice([-1.7, -0.7, 0.7, 1.7], n)
        frac = a / b - np.floor(a / b)
        a = np.where((frac < 0.1) | (frac > 0.9), (np.floor(a / b) + 0.5) * b, a)
    return a.astype(np.float32), b.astype(np.float32)


def forward(h, a, b, name):
    out = np.full_like(a, np.nan)
    h.ok(h.lib.mxc_elemwise_binary_forward(h.wptr(out), h.ptr(a), h.ptr(b), a.size, code(name)))
    return out


def scalar_forward(h, a, s, name, reverse):
    out = np.full_like(a, np.nan)
    h.ok(h.lib.mxc_binary_scalar_forward(h.wptr(out), h.ptr(a), a.size, s, code(name), reverse))
    return out


arith = pytest.mark.parametrize("name", ARITH)
compare = pytest.mark.parametrize("name", COMPARE)
sizes = pytest.mark.parametrize("n", [1, 7, 40])
directions = pytest.mark.parametrize("reverse", [0, 1], ids=["a_op_s", "s_op_a"])


@arith
@sizes
def test_forward_matches_numpy(h, gen, name, n):
    a, b = operands(gen, name, n)
    np.testing.assert_allclose(forward(h, a, b, name), reference(name, a, b), rtol=2e-6)


@compare
def test_comparisons_give_ones_and_zeros(h, name):
    a = np.array([1, 2, 3, -1, 0, 5], np.float32)
    b = np.array([1, 3, 2, -1, -0.0, 4], np.float32)
    out = forward(h, a, b, name)
    np.testing.assert_array_equal(out, reference(name, a, b))
    assert set(np.unique(out)) <= {0.0, 1.0}


def test_mod_follows_mxnet():
    a = np.array([5, -5, 5, -5, 5.5, 7, -7, 0], np.float32)
    b = np.array([3, 3, -3, -3, 2, 0, 0, 3], np.float32)
    out = np.full_like(a, np.nan)
    from mxnet_r_compat._lib import fptr
    assert lib.mxc_elemwise_binary_forward(fptr(out, True), fptr(a), fptr(b), a.size,
                                           lib.MXC_BINARY_MOD) == 0
    np.testing.assert_array_equal(out, [2, 1, -1, -2, 1.5, 0, 0, 0])


@arith
@directions
def test_scalar_forward_matches_numpy(h, gen, name, reverse):
    a, _ = operands(gen, name, 9)
    s = np.float32(-1.7 if name == "MOD" else 1.3)
    expect = reference(name, s, a) if reverse else reference(name, a, s)
    np.testing.assert_allclose(scalar_forward(h, a, s, name, reverse), expect, rtol=2e-6)


@compare
@directions
def test_scalar_comparisons(h, name, reverse):
    a = np.array([-1, 0, 1, 2], np.float32)
    expect = reference(name, 1.0, a) if reverse else reference(name, a, 1.0)
    np.testing.assert_array_equal(scalar_forward(h, a, 1.0, name, reverse), expect)


def test_output_may_be_an_input(h, gen):
    a, b = operands(gen, "MUL", 6)
    expect = a * b
    h.ok(h.lib.mxc_elemwise_binary_forward(h.wptr(a), h.ptr(a), h.ptr(b), a.size,
                                           code("MUL")))
    np.testing.assert_array_equal(a, expect)


# -- gradients ---------------------------------------------------------------------------------

TOL = {"POW": 2e-2, "DIV": 1e-2}


@arith
@sizes
def test_gradients_match_finite_differences(h, gen, name, n):
    a, b = operands(gen, name, n)
    r = gen.standard_normal(n).astype(np.float32)
    da, db = np.zeros_like(a), np.zeros_like(b)
    h.ok(h.lib.mxc_elemwise_binary_backward(h.wptr(da), h.wptr(db), h.ptr(r), h.ptr(a),
                                            h.ptr(b), n, code(name)))
    tol = TOL.get(name, 5e-3)
    h.check_fd(lambda: forward(h, a, b, name), r, a, da, 1e-2, tol, tol)
    h.check_fd(lambda: forward(h, a, b, name), r, b, db, 1e-2, tol, tol)


@arith
@directions
def test_scalar_gradients_match_finite_differences(h, gen, name, reverse):
    a, _ = operands(gen, name, 8)
    s = np.float32(1.7 if name == "MOD" else 1.3)
    r = gen.standard_normal(a.size).astype(np.float32)
    da = np.zeros_like(a)
    h.ok(h.lib.mxc_binary_scalar_backward(h.wptr(da), h.ptr(r), h.ptr(a), a.size, s,
                                          code(name), reverse))
    tol = TOL.get(name, 5e-3)
    h.check_fd(lambda: scalar_forward(h, a, s, name, reverse), r, a, da, 1e-2, tol, tol)


@arith
def test_backward_accumulates_and_skips_null(h, gen, name):
    a, b = operands(gen, name, 5)
    r = gen.standard_normal(5).astype(np.float32)
    once, twice = np.zeros_like(a), np.zeros_like(a)
    for target, times in ((once, 1), (twice, 2)):
        for _ in range(times):
            h.ok(h.lib.mxc_elemwise_binary_backward(h.wptr(target), h.NULL, h.ptr(r),
                                                    h.ptr(a), h.ptr(b), 5, code(name)))
    np.testing.assert_allclose(twice, 2 * once, rtol=1e-6)


@compare
def test_comparisons_have_zero_gradient(h, gen, name):
    a, b = operands(gen, "ADD", 4)
    da, db = np.full_like(a, 3.0), np.full_like(b, 3.0)
    h.ok(h.lib.mxc_elemwise_binary_backward(h.wptr(da), h.wptr(db), h.ptr(a), h.ptr(a),
                                            h.ptr(b), 4, code(name)))
    np.testing.assert_array_equal(da, 3.0)
    np.testing.assert_array_equal(db, 3.0)


def test_bad_arguments(h):
    lib, NULL, c = h.lib, h.NULL, h.codes
    a = np.ones(3, np.float32)
    p, w = h.ptr(a), h.wptr(a)
    add = code("ADD")
    assert lib.mxc_elemwise_binary_forward(NULL, p, p, 3, add) == c.NULL_PTR
    assert lib.mxc_elemwise_binary_forward(w, p, NULL, 3, add) == c.NULL_PTR
    assert lib.mxc_elemwise_binary_forward(w, p, p, 0, add) == c.SHAPE
    assert lib.mxc_elemwise_binary_forward(w, p, p, 3, lib.MXC_BINARY_COUNT) == c.VALUE
    assert lib.mxc_elemwise_binary_forward(w, p, p, 3, -1) == c.VALUE
    assert lib.mxc_elemwise_binary_backward(w, w, NULL, p, p, 3, add) == c.NULL_PTR
    assert lib.mxc_binary_scalar_forward(w, p, 3, 1.0, add, 2) == c.VALUE
    assert lib.mxc_binary_scalar_forward(w, NULL, 3, 1.0, add, 0) == c.NULL_PTR
    assert lib.mxc_binary_scalar_backward(NULL, p, p, 3, 1.0, add, 0) == c.NULL_PTR
    assert lib.mxc_binary_scalar_backward(w, p, p, -2, 1.0, add, 0) == c.SHAPE
    np.testing.assert_array_equal(a, 1)  # failed calls wrote nothing
