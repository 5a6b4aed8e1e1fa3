"""Reductions over axes, argmax and argmin (native/reduce.c)."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat._lib import lib

NUMPY = {"SUM": np.sum, "MEAN": np.mean, "MAX": np.max, "MIN": np.min}
CASES = [((6,), (0,)), ((3, 4), (0,)), ((3, 4), (1,)), ((3, 4), (0, 1)),
         ((2, 3, 4), (0, 2)), ((2, 3, 4), (1,)), ((2, 1, 3, 2), (1, 3)), ((4, 5), ()),
         ((2, 3, 4, 5), (0, 1, 3))]
cases = pytest.mark.parametrize("shape,axes", CASES, ids=lambda c: str(c))
ops = pytest.mark.parametrize("name", list(NUMPY))


def call(h, x, axes, name, grad=None, dx=None):
    shape = h.ffi.new("int64_t[]", list(x.shape))
    reduced = h.ffi.new("int[]", [int(d in axes) for d in range(x.ndim)])
    kept = [s for d, s in enumerate(x.shape) if d not in axes]
    op = getattr(lib, f"MXC_REDUCE_{name}")
    out = np.full(kept or [1], np.nan, np.float32)
    h.ok(h.lib.mxc_reduce_forward(h.wptr(out), h.ptr(x), x.ndim, shape, reduced, op))
    if grad is not None:
        h.ok(h.lib.mxc_reduce_backward(h.wptr(dx), h.ptr(grad), h.ptr(x), h.ptr(out), x.ndim,
                                       shape, reduced, op))
    return out


@cases
@ops
def test_forward_matches_numpy(h, gen, shape, axes, name):
    x = gen.standard_normal(shape).astype(np.float32)
    expect = NUMPY[name](x.astype(np.float64), axis=axes).reshape(-1)
    np.testing.assert_allclose(call(h, x, axes, name).reshape(-1), expect, rtol=2e-6,
                               atol=1e-6)


@cases
@ops
def test_gradient_matches_finite_differences(h, gen, shape, axes, name):
    x = gen.permutation(np.arange(np.prod(shape))).reshape(shape).astype(np.float32) / 7
    kept = [s for d, s in enumerate(shape) if d not in axes] or [1]
    r = gen.standard_normal(kept).astype(np.float32)
    dx = np.zeros_like(x)
    call(h, x, axes, name, r, dx)
    h.check_fd(lambda: call(h, x, axes, name), r, x, dx, 1e-2, 2e-3, 2e-3)


def test_max_gradient_is_shared_by_ties(h):
    x = np.array([[1, 3, 3], [2, 0, 1]], np.float32)
    dx = np.zeros_like(x)
    call(h, x, (1,), "MAX", np.array([1.0, 5.0], np.float32), dx)
    np.testing.assert_array_equal(dx, [[0, 1, 1], [5, 0, 0]])


def test_sum_accumulates_in_double(h):
    x = np.full(1 << 20, 0.1, np.float32)
    out = call(h, x, (0,), "SUM")
    assert out[0] == np.float32(np.sum(x.astype(np.float64)))


def test_max_propagates_nan(h):
    x = np.array([1, np.nan, 3], np.float32)
    assert np.isnan(call(h, x, (0,), "MAX")[0])


def test_backward_accumulates(h, gen):
    x = gen.standard_normal((3, 4)).astype(np.float32)
    r = gen.standard_normal(4).astype(np.float32)
    dx = np.ones_like(x)
    call(h, x, (0,), "MEAN", r, dx)
    call(h, x, (0,), "MEAN", r, dx)
    np.testing.assert_allclose(dx, 1 + 2 * np.broadcast_to(r / 3, (3, 4)), rtol=1e-6)


@pytest.mark.parametrize("shape,axis", [((7,), 0), ((3, 4), 0), ((3, 4), 1), ((2, 5, 3), 1)])
@pytest.mark.parametrize("which", ["argmax", "argmin"])
def test_argmax_argmin_match_numpy(h, gen, shape, axis, which):
    x = gen.standard_normal(shape).astype(np.float32)
    outer = int(np.prod(shape[:axis]))
    inner = int(np.prod(shape[axis + 1:]))
    out = np.full(outer * inner, np.nan, np.float32)
    fn = getattr(h.lib, f"mxc_{which}_forward")
    h.ok(fn(h.wptr(out), h.ptr(x), outer, shape[axis], inner))
    np.testing.assert_array_equal(out, getattr(np, which)(x, axis=axis).reshape(-1))


def test_argmax_takes_the_first_of_ties(h):
    x = np.array([[1, 4, 4], [2, 2, 0]], np.float32)
    out = np.zeros(2, np.float32)
    h.ok(h.lib.mxc_argmax_forward(h.wptr(out), h.ptr(x), 2, 3, 1))
    np.testing.assert_array_equal(out, [1, 0])


def test_bad_arguments(h):
    x = np.ones((2, 3), np.float32)
    out = np.zeros(3, np.float32)
    shape = h.ffi.new("int64_t[]", [2, 3])
    bad = h.ffi.new("int64_t[]", [2, 0])
    red = h.ffi.new("int[]", [1, 0])
    f = h.lib.mxc_reduce_forward
    assert f(h.wptr(out), h.ptr(x), 2, shape, h.NULL, 0) == h.codes.NULL_PTR
    assert f(h.wptr(out), h.ptr(x), 2, bad, red, 0) == h.codes.SHAPE
    assert f(h.wptr(out), h.ptr(x), 2, shape, red, lib.MXC_REDUCE_COUNT) == h.codes.VALUE
    assert h.lib.mxc_argmax_forward(h.wptr(out), h.ptr(x), 1, 0, 3) == h.codes.SHAPE
    np.testing.assert_array_equal(out, 0)
