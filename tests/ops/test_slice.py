"""Boxes of an array: slice (crop, slice_axis), slice_assign, choose_element_0index
(native/slice.c)."""

from __future__ import annotations

import numpy as np
import pytest

BOXES = [((6,), (1,), (4,)), ((3, 4), (0, 1), (3, 3)), ((3, 4), (1, 0), (2, 4)),
         ((2, 3, 4), (0, 1, 1), (2, 3, 3)), ((2, 3, 4), (1, 0, 0), (2, 3, 4)),
         ((2, 2, 3, 2), (0, 1, 1, 0), (1, 2, 3, 1))]
boxes = pytest.mark.parametrize("shape,begin,end", BOXES, ids=lambda c: str(c))


def region(begin, end):
    return tuple(slice(b, e) for b, e in zip(begin, end, strict=True))


def dims(h, *values):
    return [h.ffi.new("int64_t[]", list(v)) for v in values]


def slice_forward(h, x, begin, end):
    out = np.full(tuple(e - b for b, e in zip(begin, end, strict=True)), np.nan, np.float32)
    h.ok(h.lib.mxc_slice_forward(h.wptr(out), h.ptr(x), x.ndim, *dims(h, x.shape, begin, end)))
    return out


def assign_forward(h, lhs, rhs, begin, end):
    out = np.full_like(lhs, np.nan)
    h.ok(h.lib.mxc_slice_assign_forward(h.wptr(out), h.ptr(lhs), h.ptr(rhs), lhs.ndim,
                                        *dims(h, lhs.shape, begin, end)))
    return out


@boxes
def test_slice_matches_numpy_and_its_gradient(h, gen, shape, begin, end):
    x = gen.standard_normal(shape).astype(np.float32)
    out = slice_forward(h, x, begin, end)
    np.testing.assert_array_equal(out, x[region(begin, end)])
    r = gen.standard_normal(out.shape).astype(np.float32)
    dx = np.zeros_like(x)
    h.ok(h.lib.mxc_slice_backward(h.wptr(dx), h.ptr(r), x.ndim, *dims(h, shape, begin, end)))
    h.check_fd(lambda: slice_forward(h, x, begin, end), r, x, dx, 1e-2, 1e-4, 1e-4)


@boxes
def test_slice_assign_matches_numpy_and_its_gradients(h, gen, shape, begin, end):
    lhs = gen.standard_normal(shape).astype(np.float32)
    rhs = gen.standard_normal(tuple(e - b for b, e in zip(begin, end, strict=True)))
    rhs = rhs.astype(np.float32)
    expect = lhs.copy()
    expect[region(begin, end)] = rhs
    np.testing.assert_array_equal(assign_forward(h, lhs, rhs, begin, end), expect)
    r = gen.standard_normal(shape).astype(np.float32)
    dl, dr = np.ones_like(lhs), np.ones_like(rhs)
    h.ok(h.lib.mxc_slice_assign_backward(h.wptr(dl), h.wptr(dr), h.ptr(r), lhs.ndim,
                                         *dims(h, shape, begin, end)))
    f = lambda: assign_forward(h, lhs, rhs, begin, end)  # noqa: E731
    h.check_fd(f, r, lhs, dl - 1, 1e-2, 1e-4, 1e-4)
    h.check_fd(f, r, rhs, dr - 1, 1e-2, 1e-4, 1e-4)


def test_slice_assign_in_place(h):
    x = np.zeros((2, 3), np.float32)
    rhs = np.array([[7, 8]], np.float32)
    h.ok(h.lib.mxc_slice_assign_forward(h.wptr(x), h.ptr(x), h.ptr(rhs), 2,
                                        *dims(h, (2, 3), (1, 1), (2, 3))))
    np.testing.assert_array_equal(x, [[0, 0, 0], [0, 7, 8]])


@pytest.mark.parametrize("begin,end", [((0, 0), (3, 3)), ((0, 2), (2, 2)), ((-1, 0), (1, 1)),
                                        ((0, 0), (2, 4))])
def test_bad_boxes(h, begin, end):
    x = np.ones((2, 3), np.float32)
    out = np.zeros(12, np.float32)
    assert h.lib.mxc_slice_forward(h.wptr(out), h.ptr(x), 2, *dims(h, (2, 3), begin, end)) \
        == h.codes.SHAPE
    np.testing.assert_array_equal(out, 0)


def choose(h, x, index):
    out = np.full(x.shape[0], np.nan, np.float32)
    h.ok(h.lib.mxc_choose_element_forward(h.wptr(out), h.ptr(x), h.ptr(index), *x.shape))
    return out


def test_choose_element_and_its_gradient(h, gen):
    x = gen.standard_normal((5, 4)).astype(np.float32)
    index = np.array([0, 3, 1, 1, 2], np.float32)
    np.testing.assert_array_equal(choose(h, x, index), x[np.arange(5), index.astype(int)])
    r = gen.standard_normal(5).astype(np.float32)
    dx = np.zeros_like(x)
    h.ok(h.lib.mxc_choose_element_backward(h.wptr(dx), h.ptr(r), h.ptr(index), 5, 4))
    h.check_fd(lambda: choose(h, x, index), r, x, dx, 1e-2, 1e-4, 1e-4)


@pytest.mark.parametrize("bad", [4.0, -1.0, 1.5, np.nan])
def test_choose_element_rejects_bad_indices(h, bad):
    x = np.ones((2, 4), np.float32)
    index = np.array([0, bad], np.float32)
    out = np.zeros(2, np.float32)
    assert h.lib.mxc_choose_element_forward(h.wptr(out), h.ptr(x), h.ptr(index), 2, 4) == \
        h.codes.VALUE
    np.testing.assert_array_equal(out, 0)
