"""BatchNorm (native/batchnorm.c) over axis c of data viewed as (outer, c, inner)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

EPS, MOMENTUM = 1e-3, 0.9  # MXNet's defaults

# (outer, c, inner): N=1 (one value per channel when inner=1), C=1, odd sizes, spatial.
SHAPES = [(4, 3, 1), (1, 3, 1), (1, 2, 3), (3, 1, 1), (2, 3, 5), (5, 2, 2)]
shapes = pytest.mark.parametrize("outer,c,inner", SHAPES)


@dataclass
class BN:
    """One BatchNorm's inputs, parameters and auxiliary states."""

    x: np.ndarray
    gamma: np.ndarray
    beta: np.ndarray
    moving_mean: np.ndarray
    moving_var: np.ndarray


def make(gen, outer, c, inner) -> BN:
    f = np.float32
    return BN(x=(gen.standard_normal((outer, c, inner)) * 2 + 1).astype(f),
              gamma=gen.uniform(0.5, 1.5, c).astype(f), beta=gen.standard_normal(c).astype(f),
              moving_mean=gen.standard_normal(c).astype(f),
              moving_var=gen.uniform(0.5, 2.0, c).astype(f))


def forward(h, bn: BN, *, fix_gamma=False, use_global_stats=False, is_train=True):
    """Runs the C forward; returns out, save_mean, save_invstd (moving_* updated in bn)."""
    outer, c, inner = bn.x.shape
    out = np.full_like(bn.x, np.nan)
    save_mean, save_invstd = np.full(c, np.nan, np.float32), np.full(c, np.nan, np.float32)
    h.ok(h.lib.mxc_batchnorm_forward(
        h.wptr(out), h.wptr(save_mean), h.wptr(save_invstd), h.wptr(bn.moving_mean),
        h.wptr(bn.moving_var), h.ptr(bn.x), h.ptr(bn.gamma), h.ptr(bn.beta), outer, c, inner,
        EPS, MOMENTUM, int(fix_gamma), int(use_global_stats), int(is_train)))
    return out, save_mean, save_invstd


def backward(h, grads, dout, bn: BN, save_mean, save_invstd, *, fix_gamma=False,
             use_global_stats=False):
    dinp, dgamma, dbeta = grads
    h.ok(h.lib.mxc_batchnorm_backward(
        h.wptr(dinp), h.wptr(dgamma), h.wptr(dbeta), h.ptr(dout), h.ptr(bn.x), h.ptr(bn.gamma),
        h.ptr(save_mean), h.ptr(save_invstd), *bn.x.shape, int(fix_gamma),
        int(use_global_stats)))


def normalise(x, mean, var, gamma, beta):
    shape = (1, -1, 1)
    return ((x.astype(np.float64) - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + EPS)
            * gamma.reshape(shape) + beta.reshape(shape))


# --- forward ---------------------------------------------------------------------


@shapes
@pytest.mark.parametrize("fix_gamma", [False, True])
def test_training_forward_uses_batch_stats(h, gen, outer, c, inner, fix_gamma):
    bn = make(gen, outer, c, inner)
    mm0, mv0 = bn.moving_mean.astype(np.float64), bn.moving_var.astype(np.float64)
    out, save_mean, save_invstd = forward(h, bn, fix_gamma=fix_gamma)
    x = bn.x.astype(np.float64)
    mean, var = x.mean(axis=(0, 2)), x.var(axis=(0, 2))  # biased variance
    gamma = np.ones(c) if fix_gamma else bn.gamma
    np.testing.assert_allclose(out, normalise(x, mean, var, gamma, bn.beta), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(save_mean, mean, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(save_invstd, 1 / np.sqrt(var + EPS), rtol=1e-5)
    np.testing.assert_allclose(bn.moving_mean, mm0 * MOMENTUM + mean * (1 - MOMENTUM),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(bn.moving_var, mv0 * MOMENTUM + var * (1 - MOMENTUM),
                               rtol=1e-5, atol=1e-6)


def test_variance_is_biased(h):
    # One channel holding 1 and 3: biased variance 1, unbiased 2.
    bn = BN(x=np.float32([[[1.0, 3.0]]]), gamma=np.float32([1.0]), beta=np.float32([0.0]),
            moving_mean=np.float32([0.0]), moving_var=np.float32([0.0]))
    _, save_mean, save_invstd = forward(h, bn)
    assert save_mean[0] == 2.0
    np.testing.assert_allclose(save_invstd, [1 / np.sqrt(1.0 + EPS)], rtol=1e-6)
    np.testing.assert_allclose(bn.moving_var, [0.1], rtol=1e-6)


@shapes
@pytest.mark.parametrize("mode", ["inference", "global_stats"])
def test_moving_stats_forward(h, gen, outer, c, inner, mode):
    # Inference, and training with use_global_stats: normalise with the moving
    # statistics, leave them unchanged, and report them through save_*.
    bn = make(gen, outer, c, inner)
    mm0, mv0 = bn.moving_mean.copy(), bn.moving_var.copy()
    flags = {"is_train": False} if mode == "inference" else {"use_global_stats": True}
    out, save_mean, save_invstd = forward(h, bn, **flags)
    ref = normalise(bn.x, mm0.astype(np.float64), mv0.astype(np.float64), bn.gamma, bn.beta)
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(bn.moving_mean, mm0)
    np.testing.assert_array_equal(bn.moving_var, mv0)
    np.testing.assert_array_equal(save_mean, mm0)
    np.testing.assert_allclose(save_invstd, 1 / np.sqrt(mv0.astype(np.float64) + EPS), rtol=1e-6)


def test_fix_gamma_ignores_gamma_values(h, gen):
    bn = make(gen, 3, 2, 4)
    out1, _, _ = forward(h, bn, fix_gamma=True)
    bn.gamma[:] = [5.0, -7.0]
    bn.moving_mean[:] = 0
    out2, _, _ = forward(h, bn, fix_gamma=True)
    np.testing.assert_array_equal(out1, out2)


# --- backward --------------------------------------------------------------------

FD = {"eps": 1e-2, "rtol": 2e-3, "atol": 2e-3}


def fd_forward(h, bn: BN, **flags):
    """A forward for finite differences: moving stats are reset so every call sees the same."""
    mm, mv = bn.moving_mean.copy(), bn.moving_var.copy()

    def run():
        bn.moving_mean[:], bn.moving_var[:] = mm, mv
        return forward(h, bn, **flags)[0]

    return run


@pytest.mark.gradient_check("BatchNorm")
@shapes
@pytest.mark.parametrize("fix_gamma", [False, True])
def test_training_backward_matches_finite_differences(h, gen, outer, c, inner, fix_gamma):
    bn = make(gen, outer, c, inner)
    run = fd_forward(h, bn, fix_gamma=fix_gamma)
    _, save_mean, save_invstd = forward(h, bn, fix_gamma=fix_gamma)
    r = gen.standard_normal(bn.x.shape).astype(np.float32)
    sentinel = np.float32([42.0] * c)
    grads = (np.zeros_like(bn.x), sentinel.copy(), np.zeros(c, np.float32))
    backward(h, grads, r, bn, save_mean, save_invstd, fix_gamma=fix_gamma)
    dinp, dgamma, dbeta = grads
    h.check_fd(run, r, bn.x, dinp, **FD)
    h.check_fd(run, r, bn.beta, dbeta, **FD)
    if fix_gamma:
        np.testing.assert_array_equal(dgamma, sentinel)  # untouched
    else:
        h.check_fd(run, r, bn.gamma, dgamma - sentinel, **FD)


@pytest.mark.gradient_check("BatchNorm")
@shapes
def test_global_stats_backward_matches_finite_differences(h, gen, outer, c, inner):
    # With use_global_stats the mean and variance are constants of the forward.
    bn = make(gen, outer, c, inner)
    run = fd_forward(h, bn, use_global_stats=True)
    _, save_mean, save_invstd = forward(h, bn, use_global_stats=True)
    r = gen.standard_normal(bn.x.shape).astype(np.float32)
    grads = (np.zeros_like(bn.x), np.zeros(c, np.float32), np.zeros(c, np.float32))
    backward(h, grads, r, bn, save_mean, save_invstd, use_global_stats=True)
    for arr, grad in zip((bn.x, bn.gamma, bn.beta), grads, strict=True):
        h.check_fd(run, r, arr, grad, **FD)


def test_backward_accumulates(h, gen):
    bn = make(gen, 3, 2, 4)
    _, sm, si = forward(h, bn)
    dout = gen.standard_normal(bn.x.shape).astype(np.float32)
    once = (np.zeros_like(bn.x), np.zeros(2, np.float32), np.zeros(2, np.float32))
    backward(h, once, dout, bn, sm, si)
    start = [gen.standard_normal(g.shape).astype(np.float32) for g in once]
    acc = tuple(s.copy() for s in start)
    backward(h, acc, dout, bn, sm, si)
    backward(h, acc, dout, bn, sm, si)
    for a, s, g in zip(acc, start, once, strict=True):
        np.testing.assert_allclose(a, s + 2 * g, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("wanted", [0, 1, 2], ids=["dinp", "dgamma", "dbeta"])
def test_null_gradient_outputs_are_skipped(h, gen, wanted):
    bn = make(gen, 3, 2, 4)
    _, sm, si = forward(h, bn)
    dout = gen.standard_normal(bn.x.shape).astype(np.float32)
    full = (np.zeros_like(bn.x), np.zeros(2, np.float32), np.zeros(2, np.float32))
    backward(h, full, dout, bn, sm, si)
    only = tuple(np.zeros_like(g) if i == wanted else None for i, g in enumerate(full))
    backward(h, only, dout, bn, sm, si)
    np.testing.assert_array_equal(only[wanted], full[wanted])


def test_bad_arguments(h, gen):
    lib, NULL, c = h.lib, h.NULL, h.codes
    bn = make(gen, 2, 3, 2)
    out, s1, s2 = np.zeros_like(bn.x), np.zeros(3, np.float32), np.zeros(3, np.float32)
    ptrs = [h.wptr(out), h.wptr(s1), h.wptr(s2), h.wptr(bn.moving_mean), h.wptr(bn.moving_var),
            h.ptr(bn.x), h.ptr(bn.gamma), h.ptr(bn.beta)]
    hyper = (EPS, MOMENTUM, 0, 0, 1)
    assert lib.mxc_batchnorm_forward(*ptrs, 2, 3, 2, *hyper) == c.OK
    for k in range(len(ptrs)):
        args = ptrs[:k] + [NULL] + ptrs[k + 1:]
        assert lib.mxc_batchnorm_forward(*args, 2, 3, 2, *hyper) == c.NULL_PTR
    for ext in [(0, 3, 2), (2, 0, 2), (2, 3, 0)]:
        assert lib.mxc_batchnorm_forward(*ptrs, *ext, *hyper) == c.SHAPE
    assert lib.mxc_batchnorm_forward(*ptrs, 2, 3, 2, -1e-3, MOMENTUM, 0, 0, 1) == c.VALUE
    assert lib.mxc_batchnorm_forward(*ptrs, 2, 3, 2, float("nan"), MOMENTUM, 0, 0, 1) == c.VALUE

    bptrs = [h.ptr(out), h.ptr(bn.x), h.ptr(bn.gamma), h.ptr(s1), h.ptr(s2)]
    assert lib.mxc_batchnorm_backward(NULL, NULL, NULL, *bptrs, 2, 3, 2, 0, 0) == c.OK
    for k in range(len(bptrs)):
        args = bptrs[:k] + [NULL] + bptrs[k + 1:]
        assert lib.mxc_batchnorm_backward(NULL, NULL, NULL, *args, 2, 3, 2, 0, 0) == c.NULL_PTR
    assert lib.mxc_batchnorm_backward(NULL, NULL, NULL, *bptrs, 2, 3, -2, 0, 0) == c.SHAPE
