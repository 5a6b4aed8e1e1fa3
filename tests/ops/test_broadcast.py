"""Broadcast binary operators (native/broadcast.c): shapes that differ by axes of extent 1."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat._lib import lib

# (a shape, b shape), already of one ndim as the caller pads them
SHAPES = [((2, 3), (1, 3)), ((4, 1), (1, 5)), ((2, 3, 4), (2, 1, 4)), ((1, 1), (3, 2)),
          ((3, 1, 2), (1, 4, 1)), ((5,), (1,)), ((2, 2), (2, 2)), ((1, 3, 1, 2), (2, 1, 4, 1))]
OPS = ["ADD", "SUB", "MUL", "DIV", "POW", "MAXIMUM", "MINIMUM"]
NUMPY = {"ADD": np.add, "SUB": np.subtract, "MUL": np.multiply, "DIV": np.divide,
         "POW": np.power, "MAXIMUM": np.maximum, "MINIMUM": np.minimum,
         "GT": np.greater, "EQ": np.equal, "LE": np.less_equal}

shapes = pytest.mark.parametrize("sa,sb", SHAPES, ids=lambda s: "x".join(map(str, s)))
ops = pytest.mark.parametrize("name", OPS)


def out_shape(sa, sb):
    return tuple(max(x, y) for x, y in zip(sa, sb, strict=True))


def operands(gen, sa, sb):
    a = gen.uniform(0.6, 2.0, sa).astype(np.float32)
    b = gen.uniform(0.6, 2.0, sb).astype(np.float32)
    return a, b


def shape_arrays(h, *shapes):
    return [h.ffi.new("int64_t[]", list(s)) for s in shapes]


def forward(h, a, b, name):
    so = out_shape(a.shape, b.shape)
    out = np.full(so, np.nan, np.float32)
    pso, psa, psb = shape_arrays(h, so, a.shape, b.shape)
    h.ok(h.lib.mxc_broadcast_binary_forward(h.wptr(out), h.ptr(a), h.ptr(b), len(so), pso, psa,
                                            psb, getattr(lib, f"MXC_BINARY_{name}")))
    return out


def backward(h, da, db, dout, a, b, name):
    so = dout.shape
    pso, psa, psb = shape_arrays(h, so, a.shape, b.shape)
    h.ok(h.lib.mxc_broadcast_binary_backward(h.wptr(da), h.wptr(db), h.ptr(dout), h.ptr(a),
                                             h.ptr(b), len(so), pso, psa, psb,
                                             getattr(lib, f"MXC_BINARY_{name}")))


@shapes
@pytest.mark.parametrize("name", list(NUMPY))
def test_forward_matches_numpy(h, gen, sa, sb, name):
    a, b = operands(gen, sa, sb)
    expect = NUMPY[name](a.astype(np.float64), b.astype(np.float64))
    np.testing.assert_allclose(forward(h, a, b, name), expect, rtol=2e-6)


@shapes
@ops
def test_gradients_sum_over_broadcast_axes(h, gen, sa, sb, name):
    a, b = operands(gen, sa, sb)
    if name in ("MAXIMUM", "MINIMUM"):  # a and b on interleaved grids: never within eps
        a = (gen.integers(3, 10, sa) * 0.2 + 0.1).astype(np.float32)
        b = (gen.integers(3, 10, sb) * 0.2).astype(np.float32)
    r = gen.standard_normal(out_shape(sa, sb)).astype(np.float32)
    da, db = np.zeros_like(a), np.zeros_like(b)
    backward(h, da, db, r, a, b, name)
    tol = 2e-2 if name == "POW" else 5e-3
    h.check_fd(lambda: forward(h, a, b, name), r, a, da, 1e-2, tol, tol)
    h.check_fd(lambda: forward(h, a, b, name), r, b, db, 1e-2, tol, tol)


def test_backward_accumulates_and_skips_null(h, gen):
    a, b = operands(gen, (2, 3), (1, 3))
    r = gen.standard_normal((2, 3)).astype(np.float32)
    db = np.ones_like(b)
    pso, psa, psb = shape_arrays(h, (2, 3), (2, 3), (1, 3))
    for _ in range(2):
        h.ok(h.lib.mxc_broadcast_binary_backward(h.NULL, h.wptr(db), h.ptr(r), h.ptr(a),
                                                 h.ptr(b), 2, pso, psa, psb, lib.MXC_BINARY_MUL))
    np.testing.assert_allclose(db, 1 + 2 * (r * a).sum(axis=0, keepdims=True), rtol=1e-5)


def test_bad_shapes(h):
    a = np.ones((2, 3), np.float32)
    out = np.zeros((2, 3), np.float32)
    add = lib.MXC_BINARY_ADD

    def call(so, sa, sb, ndim=2):
        pso, psa, psb = shape_arrays(h, so, sa, sb)
        return h.lib.mxc_broadcast_binary_forward(h.wptr(out), h.ptr(a), h.ptr(a), ndim, pso,
                                                  psa, psb, add)

    assert call((2, 3), (2, 3), (2, 2)) == h.codes.SHAPE  # 2 is neither 3 nor 1
    assert call((2, 3), (2, 0), (2, 3)) == h.codes.SHAPE
    assert call((2, 3), (2, 3), (2, 3), ndim=0) == h.codes.SHAPE
    assert call((2, 3), (2, 3), (2, 3), ndim=9) == h.codes.SHAPE
    pso, psa, psb = shape_arrays(h, (2, 3), (2, 3), (2, 3))
    assert h.lib.mxc_broadcast_binary_forward(h.wptr(out), h.ptr(a), h.ptr(a), 2, pso, psa,
                                              psb, 99) == h.codes.VALUE
    assert h.lib.mxc_broadcast_binary_forward(h.NULL, h.ptr(a), h.ptr(a), 2, pso, psa,
                                              psb, add) == h.codes.NULL_PTR
    np.testing.assert_array_equal(out, 0)
