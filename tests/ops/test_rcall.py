"""R's .C() entry points (native/rcall.c): float64 buffers in, the float32 kernels' results
out, exactly, and the status word."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat._lib import ffi, lib


def dptr(a: np.ndarray):
    assert a.dtype == np.float64 and a.flags.c_contiguous
    return ffi.cast("double *", ffi.from_buffer(a, require_writable=True))


def ints(*values):
    return [ffi.new("int *", v) for v in values]


def run(fn, *args):
    status = ffi.new("int *", -1)
    fn(status, *args)
    return status[0]


def f32_result(kernel, *arrays):
    """What the float32 kernel gives for the same inputs, as float64."""
    return kernel(*[a.astype(np.float32) for a in arrays]).astype(np.float64)


@pytest.mark.parametrize("n", [1, 2, 5, 64])
def test_binary_equals_the_float32_kernel(gen, n):
    a, b = gen.standard_normal(n), gen.standard_normal(n)
    out = np.full(n, np.nan)
    (pn, op) = ints(n, lib.MXC_BINARY_DIV)
    assert run(lib.mxc_r_elemwise_binary, dptr(out), dptr(a.copy()), dptr(b.copy()), pn, op) == 0
    np.testing.assert_array_equal(out, f32_result(np.divide, a, b))


@pytest.mark.parametrize("reverse", [0, 1])
def test_scalar_equals_the_float32_kernel(gen, reverse):
    a = gen.standard_normal(9)
    out = np.full(9, np.nan)
    pn, op, rev = ints(9, lib.MXC_BINARY_SUB, reverse)
    s = ffi.new("double *", 0.1)
    assert run(lib.mxc_r_binary_scalar, dptr(out), dptr(a.copy()), pn, s, op, rev) == 0
    a32, s32 = a.astype(np.float32), np.float32(0.1)
    np.testing.assert_array_equal(out, (s32 - a32 if reverse else a32 - s32).astype(np.float64))


def test_unary_clip_and_rounding(gen):
    x = gen.uniform(0.5, 3, 7)
    out = np.full(7, np.nan)
    pn, op = ints(7, lib.MXC_UNARY_SQRT)
    assert run(lib.mxc_r_unary, dptr(out), dptr(x.copy()), pn, op) == 0
    np.testing.assert_array_equal(out, np.sqrt(x.astype(np.float32)).astype(np.float64))
    lo, hi = ffi.new("double *", 1.0), ffi.new("double *", 2.0)
    assert run(lib.mxc_r_clip, dptr(out), dptr(x.copy()), pn, lo, hi) == 0
    np.testing.assert_array_equal(out, np.clip(x.astype(np.float32), 1, 2).astype(np.float64))
    y = x.copy()
    assert run(lib.mxc_r_to_float32, dptr(y), pn) == 0
    np.testing.assert_array_equal(y, x.astype(np.float32).astype(np.float64))


@pytest.mark.parametrize("name", ["SUM", "MEAN", "MAX", "MIN"])
def test_reduce_all(gen, name):
    x = gen.standard_normal(11)
    out = np.full(1, np.nan)
    pn, op = ints(11, getattr(lib, f"MXC_REDUCE_{name}"))
    assert run(lib.mxc_r_reduce_all, dptr(out), dptr(x.copy()), pn, op) == 0
    x32 = x.astype(np.float32).astype(np.float64)
    expect = {"SUM": np.sum, "MEAN": np.mean, "MAX": np.max, "MIN": np.min}[name](x32)
    assert out[0] == np.float64(np.float32(expect))


def test_status_reports_errors(gen):
    x = np.ones(3)
    out = np.zeros(3)
    pn, bad_op, zero = ints(3, 99, 0)
    assert run(lib.mxc_r_unary, dptr(out), dptr(x), pn, bad_op) == lib.MXC_ERR_VALUE
    assert run(lib.mxc_r_unary, dptr(out), dptr(x), zero, bad_op) == lib.MXC_ERR_SHAPE
    assert run(lib.mxc_r_unary, ffi.NULL, dptr(x), pn, bad_op) == lib.MXC_ERR_NULL_PTR
    lo, hi = ffi.new("double *", 2.0), ffi.new("double *", 1.0)
    assert run(lib.mxc_r_clip, dptr(out), dptr(x), pn, lo, hi) == lib.MXC_ERR_VALUE
    np.testing.assert_array_equal(out, 0)
