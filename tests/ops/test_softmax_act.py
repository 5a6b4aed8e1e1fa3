"""SoftmaxActivation (native/softmax_act.c): softmax over an axis with a head gradient."""

from __future__ import annotations

import numpy as np
import pytest

f32 = np.float32
shapes = pytest.mark.parametrize("outer,c,inner", [(3, 5, 1), (2, 3, 4), (1, 1, 3)],
                                 ids=["instance", "channel", "one_class"])


def forward(h, x) -> np.ndarray:
    out = np.full_like(x, np.nan)
    h.ok(h.lib.mxc_softmax_act_forward(h.wptr(out), h.ptr(x), *x.shape))
    return out


@shapes
def test_forward_is_softmax_over_the_middle_axis(h, gen, outer, c, inner):
    x = (gen.standard_normal((outer, c, inner)) * 3).astype(f32)
    e = np.exp(x.astype(np.float64) - x.max(axis=1, keepdims=True))
    np.testing.assert_allclose(forward(h, x), e / e.sum(axis=1, keepdims=True), rtol=1e-5)


@shapes
@pytest.mark.gradient_check("SoftmaxActivation")
def test_backward_matches_finite_differences_and_accumulates(h, gen, outer, c, inner):
    x = gen.standard_normal((outer, c, inner)).astype(f32)
    r = gen.standard_normal(x.shape).astype(f32)
    start = gen.standard_normal(x.shape).astype(f32)
    dx = start.copy()
    h.ok(h.lib.mxc_softmax_act_backward(h.wptr(dx), h.ptr(r), h.ptr(forward(h, x)), *x.shape))
    h.check_fd(lambda: forward(h, x), r, x, dx - start, eps=1e-2, rtol=1e-3, atol=1e-4)


def test_bad_arguments(h):
    x = np.zeros((2, 2, 2), f32)
    assert h.lib.mxc_softmax_act_backward(h.NULL, h.ptr(x), h.ptr(x), 2, 2, 2) == h.codes.NULL_PTR
    assert h.lib.mxc_softmax_act_backward(h.wptr(x), h.ptr(x), h.ptr(x), 2, 0, 2) == h.codes.SHAPE
    assert h.lib.mxc_softmax_act_forward(h.wptr(x), h.ptr(x), 0, 2, 2) == h.codes.SHAPE
