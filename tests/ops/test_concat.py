"""Concat (native/concat.c): k arrays, each viewed as (outer, width), side by side."""

from __future__ import annotations

import numpy as np
import pytest

WIDTHS = [[1], [3], [1, 2, 3], [5, 1, 4, 2], [2, 2]]
cases = pytest.mark.parametrize("widths", WIDTHS, ids=lambda w: "w" + "_".join(map(str, w)))
outers = pytest.mark.parametrize("outer", [1, 3])


def make(gen, outer, widths):
    return [gen.standard_normal((outer, w)).astype(np.float32) for w in widths]


def forward(h, arrays):
    outer, total = arrays[0].shape[0], sum(a.shape[1] for a in arrays)
    out = np.full((outer, total), np.nan, np.float32)
    inps = h.ffi.new("const float *[]", [h.ptr(a) for a in arrays])
    widths = h.ffi.new("int64_t[]", [a.shape[1] for a in arrays])
    h.ok(h.lib.mxc_concat_forward(h.wptr(out), inps, widths, len(arrays), outer))
    return out


def backward(h, grads, dout, widths):
    """grads: one array or None per input (None is passed as a NULL entry)."""
    dinps = h.ffi.new("float *[]", [h.wptr(g) for g in grads])
    w = h.ffi.new("int64_t[]", widths)
    h.ok(h.lib.mxc_concat_backward(dinps, h.ptr(dout), w, len(widths), dout.shape[0]))


@cases
@outers
def test_forward_matches_numpy(h, gen, widths, outer):
    arrays = make(gen, outer, widths)
    np.testing.assert_array_equal(forward(h, arrays), np.concatenate(arrays, axis=1))


def test_forward_of_a_middle_axis(h, gen):
    # Concat along axis 1 of (2, w_i, 3) arrays: width = w_i * 3, outer = 2.
    arrays = [gen.standard_normal((2, w, 3)).astype(np.float32) for w in (1, 4, 2)]
    flat = [a.reshape(2, -1) for a in arrays]
    out = forward(h, flat).reshape(2, 7, 3)
    np.testing.assert_array_equal(out, np.concatenate(arrays, axis=1))


@cases
@outers
def test_backward_slices_and_accumulates(h, gen, widths, outer):
    dout = gen.standard_normal((outer, sum(widths))).astype(np.float32)
    start = make(gen, outer, widths)
    grads = [s.copy() for s in start]
    backward(h, grads, dout, widths)
    backward(h, grads, dout, widths)
    blocks = np.split(dout, np.cumsum(widths)[:-1], axis=1)
    for g, s, b in zip(grads, start, blocks, strict=True):
        np.testing.assert_allclose(g, s + 2 * b, rtol=1e-6, atol=1e-6)


@pytest.mark.gradient_check("Concat")
@cases
def test_backward_matches_finite_differences(h, gen, widths):
    arrays = make(gen, 2, widths)
    r = gen.standard_normal((2, sum(widths))).astype(np.float32)
    grads = [np.zeros_like(a) for a in arrays]
    backward(h, grads, r, widths)
    for a, g in zip(arrays, grads, strict=True):
        h.check_fd(lambda: forward(h, arrays), r, a, g, eps=1e-2, rtol=1e-4, atol=1e-4)


def test_null_entries_are_skipped(h, gen):
    widths = [2, 3, 1]
    dout = gen.standard_normal((3, 6)).astype(np.float32)
    middle = np.zeros((3, 3), np.float32)
    backward(h, [None, middle, None], dout, widths)
    np.testing.assert_array_equal(middle, dout[:, 2:5])


def test_bad_arguments(h, gen):
    lib, ffi, NULL, c = h.lib, h.ffi, h.NULL, h.codes
    a, b = make(gen, 2, [2, 3])
    out = np.zeros((2, 5), np.float32)
    o = h.wptr(out)
    inps = ffi.new("const float *[]", [h.ptr(a), h.ptr(b)])
    widths = ffi.new("int64_t[]", [2, 3])
    assert lib.mxc_concat_forward(o, inps, widths, 2, 2) == c.OK
    assert lib.mxc_concat_forward(NULL, inps, widths, 2, 2) == c.NULL_PTR
    assert lib.mxc_concat_forward(o, NULL, widths, 2, 2) == c.NULL_PTR
    assert lib.mxc_concat_forward(o, inps, NULL, 2, 2) == c.NULL_PTR
    holey = ffi.new("const float *[]", [h.ptr(a), NULL])
    assert lib.mxc_concat_forward(o, holey, widths, 2, 2) == c.NULL_PTR
    assert lib.mxc_concat_forward(o, inps, widths, 0, 2) == c.SHAPE
    assert lib.mxc_concat_forward(o, inps, widths, 2, 0) == c.SHAPE
    for bad in ([0, 3], [2, -1]):
        assert lib.mxc_concat_forward(o, inps, ffi.new("int64_t[]", bad), 2, 2) == c.SHAPE

    d = h.ptr(out)
    dinps = ffi.new("float *[]", [NULL, NULL])
    assert lib.mxc_concat_backward(dinps, d, widths, 2, 2) == c.OK
    assert lib.mxc_concat_backward(NULL, d, widths, 2, 2) == c.NULL_PTR
    assert lib.mxc_concat_backward(dinps, NULL, widths, 2, 2) == c.NULL_PTR
    assert lib.mxc_concat_backward(dinps, d, NULL, 2, 2) == c.NULL_PTR
    assert lib.mxc_concat_backward(dinps, d, widths, -1, 2) == c.SHAPE
    assert lib.mxc_concat_backward(dinps, d, widths, 2, 0) == c.SHAPE
    assert lib.mxc_concat_backward(dinps, d, ffi.new("int64_t[]", [2, 0]), 2, 2) == c.SHAPE
