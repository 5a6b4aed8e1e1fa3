"""Loss layers (native/output.c): regression outputs and SoftmaxOutput.

Their backward ignores any head gradient, so it is checked against the exact
formulas of docs/MXNET_R_BEHAVIOUR.md, "Operators" ("Regression outputs: exact math",
"SoftmaxOutput:
exact math") rather than against finite differences of sum(out * R). Where a
layer is the gradient of a known loss (squared error, cross-entropy), that is
checked by finite differences of the loss itself.
"""

from __future__ import annotations

import numpy as np
import pytest

LINEAR, LOGISTIC, MAE = 0, 1, 2
NORM_NULL, NORM_BATCH, NORM_VALID = 0, 1, 2


def sigmoid(x: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(x.astype(np.float64)))
    return np.where(x >= 0, 1.0, e) / (1.0 + e)


# --- regression outputs ---------------------------------------------------------

REG_SHAPES = [(1, 1), (5, 1), (4, 3), (2, 7)]
reg_shapes = pytest.mark.parametrize("n,d", REG_SHAPES)
kinds = pytest.mark.parametrize("kind", [LINEAR, LOGISTIC, MAE], ids=["linear", "logistic", "mae"])


def reg_forward(h, x, kind):
    out = np.full_like(x, np.nan)
    h.ok(h.lib.mxc_regression_output_forward(h.wptr(out), h.ptr(x), x.shape[0], x.shape[1], kind))
    return out


def reg_backward(h, dinp, out, label, kind, grad_scale):
    n, d = out.shape
    h.ok(h.lib.mxc_regression_output_backward(h.wptr(dinp), h.ptr(out), h.ptr(label), n, d, kind,
                                              grad_scale))


@kinds
@reg_shapes
def test_regression_forward(h, gen, kind, n, d):
    x = gen.uniform(-5, 5, (n, d)).astype(np.float32)
    ref = sigmoid(x) if kind == LOGISTIC else x
    np.testing.assert_allclose(reg_forward(h, x, kind), ref, rtol=1e-6, atol=1e-7)


def test_logistic_forward_large_inputs(h):
    x = np.array([[-1000.0, -100.0, 100.0, 1000.0]], np.float32)
    out = reg_forward(h, x, LOGISTIC)
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out, sigmoid(x), rtol=1e-6, atol=1e-40)


@kinds
@reg_shapes
@pytest.mark.parametrize("grad_scale", [1.0, 0.5, 3.0])
def test_regression_backward_exact_formula(h, gen, kind, n, d, grad_scale):
    x = gen.uniform(-2, 2, (n, d)).astype(np.float32)
    label = gen.uniform(0, 1, (n, d)).astype(np.float32)
    out = reg_forward(h, x, kind)
    resid = out.astype(np.float64) - label
    g = np.where(resid > 0, 1.0, -1.0) if kind == MAE else resid
    dinp = np.zeros_like(x)
    reg_backward(h, dinp, out, label, kind, grad_scale)
    # Divided by d (outputs per sample), never by the batch size n.
    np.testing.assert_allclose(dinp, g * grad_scale / d, rtol=1e-6, atol=1e-7)


def test_regression_backward_is_not_divided_by_batch(h):
    out = np.array([[3.0], [1.0], [0.5], [-2.0]], np.float32)
    label = np.array([[1.0], [1.0], [1.0], [1.0]], np.float32)
    dinp = np.zeros_like(out)
    reg_backward(h, dinp, out, label, LINEAR, 1.0)
    np.testing.assert_array_equal(dinp, out - label)


def test_mae_zero_residual_maps_to_minus_one(h):
    out = np.array([[1.0, 2.0, 3.0, 4.0]], np.float32)
    label = np.array([[1.0, 1.0, 3.0, 5.0]], np.float32)
    dinp = np.zeros_like(out)
    reg_backward(h, dinp, out, label, MAE, 2.0)
    np.testing.assert_array_equal(dinp, np.float32([[-0.5, 0.5, -0.5, -0.5]]))


@pytest.mark.parametrize("kind", [LINEAR, LOGISTIC], ids=["linear", "logistic"])
def test_regression_backward_is_gradient_of_its_loss(h, gen, kind):
    # Linear: squared error / 2; logistic: binary cross-entropy; both per output, / d.
    n, d = 3, 4
    x = gen.uniform(-2, 2, (n, d)).astype(np.float32)
    label = gen.uniform(0, 1, (n, d)).astype(np.float64)

    def loss() -> float:
        y = reg_forward(h, x, kind).astype(np.float64)
        if kind == LINEAR:
            return float(np.sum(0.5 * (y - label) ** 2) / d)
        return float(-np.sum(label * np.log(y) + (1 - label) * np.log(1 - y)) / d)

    dinp = np.zeros_like(x)
    reg_backward(h, dinp, reg_forward(h, x, kind), h.f32(label), kind, 1.0)
    np.testing.assert_allclose(dinp, h.numeric_grad(loss, x, 1e-2), rtol=1e-3, atol=1e-3)


@kinds
def test_regression_backward_accumulates(h, gen, kind):
    out = gen.uniform(0, 1, (3, 2)).astype(np.float32)
    label = gen.uniform(0, 1, (3, 2)).astype(np.float32)
    once = np.zeros_like(out)
    reg_backward(h, once, out, label, kind, 1.0)
    start = gen.standard_normal((3, 2)).astype(np.float32)
    acc = start.copy()
    reg_backward(h, acc, out, label, kind, 1.0)
    reg_backward(h, acc, out, label, kind, 1.0)
    np.testing.assert_allclose(acc, start + 2 * once, rtol=1e-6, atol=1e-6)


def test_regression_bad_arguments(h):
    lib, NULL, c = h.lib, h.NULL, h.codes
    a = np.zeros((2, 3), np.float32)
    p, w = h.ptr(a), h.wptr(a)
    assert lib.mxc_regression_output_forward(NULL, p, 2, 3, LINEAR) == c.NULL_PTR
    assert lib.mxc_regression_output_forward(w, NULL, 2, 3, LINEAR) == c.NULL_PTR
    assert lib.mxc_regression_output_forward(w, p, 0, 3, LINEAR) == c.SHAPE
    assert lib.mxc_regression_output_forward(w, p, 2, 0, LINEAR) == c.SHAPE
    assert lib.mxc_regression_output_forward(w, p, 2, 3, 3) == c.VALUE
    assert lib.mxc_regression_output_forward(w, p, 2, 3, -1) == c.VALUE
    assert lib.mxc_regression_output_backward(NULL, p, p, 2, 3, MAE, 1.0) == c.NULL_PTR
    assert lib.mxc_regression_output_backward(w, NULL, p, 2, 3, MAE, 1.0) == c.NULL_PTR
    assert lib.mxc_regression_output_backward(w, p, NULL, 2, 3, MAE, 1.0) == c.NULL_PTR
    assert lib.mxc_regression_output_backward(w, p, p, -2, 3, MAE, 1.0) == c.SHAPE
    assert lib.mxc_regression_output_backward(w, p, p, 2, 3, 9, 1.0) == c.VALUE


# --- SoftmaxOutput: forward -----------------------------------------------------

# (outer, c, inner): inner > 1 is multi_output's (N, C, spatial) view.
SM_SHAPES = [(1, 1, 1), (1, 4, 1), (5, 3, 1), (3, 7, 1), (2, 3, 4), (1, 5, 3), (3, 1, 2)]
sm_shapes = pytest.mark.parametrize("outer,c,inner", SM_SHAPES)


def ref_softmax(x: np.ndarray) -> np.ndarray:
    """Softmax over axis 1 of an (outer, c, inner) array, in float64."""
    z = x.astype(np.float64)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def sm_forward(h, x):
    out = np.full_like(x, np.nan)
    h.ok(h.lib.mxc_softmax_output_forward(h.wptr(out), h.ptr(x), *x.shape))
    return out


@sm_shapes
def test_softmax_forward_matches_numpy(h, gen, outer, c, inner):
    x = gen.uniform(-4, 4, (outer, c, inner)).astype(np.float32)
    out = sm_forward(h, x)
    np.testing.assert_allclose(out, ref_softmax(x), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-6)


def test_softmax_forward_subtracts_the_max(h):
    # Without the max subtracted exp(1000) is inf and the row becomes NaN.
    x = np.array([[1000.0, 999.0, -1000.0], [-1000.0, -1001.0, -999.0]], np.float32)[:, :, None]
    out = sm_forward(h, np.ascontiguousarray(x))
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out, ref_softmax(x), rtol=1e-5, atol=1e-30)


# --- SoftmaxOutput: backward, class-index labels --------------------------------


def ref_softmax_grad(p, label, *, batch, grad_scale=1.0, use_ignore=False, ignore_label=-1.0,
                     normalization=NORM_NULL, smooth_alpha=0.0):
    """The formula of docs/MXNET_R_BEHAVIOUR.md, "Operators", on (outer, c, inner) probabilities and
    (outer, inner) labels."""
    p = p.astype(np.float64)
    _, c, inner = p.shape
    k = np.trunc(label).astype(np.int64)
    onehot = np.arange(c)[None, :, None] == k[:, None, :]
    off = smooth_alpha / (c - 1) if c > 1 else 0.0
    g = p - np.where(onehot, 1.0 - smooth_alpha, off)
    ignored = np.trunc(label) == np.trunc(ignore_label)
    if use_ignore:
        g = g * ~ignored[:, None, :]
    scale = {
        NORM_NULL: grad_scale / inner,
        NORM_BATCH: grad_scale / (batch * inner),
        NORM_VALID: grad_scale / max(1, int((~ignored).sum())),
    }[normalization]
    return g * scale


def sm_backward(h, dinp, out, label, *, batch, grad_scale=1.0, use_ignore=False,
                ignore_label=-1.0, normalization=NORM_NULL, smooth_alpha=0.0):
    return h.lib.mxc_softmax_output_backward(
        h.wptr(dinp), h.ptr(out), h.ptr(label), *out.shape, batch, grad_scale, int(use_ignore),
        ignore_label, normalization, smooth_alpha)


def case(gen, outer, c, inner):
    out = ref_softmax(gen.standard_normal((outer, c, inner))).astype(np.float32)
    label = gen.integers(0, c, (outer, inner)).astype(np.float32)
    return out, label


def test_softmax_backward_by_hand(h):
    out = np.float32([[0.2, 0.3, 0.5]])[:, :, None]
    label = np.float32([[2.0]])
    dinp = np.zeros_like(out)
    h.ok(sm_backward(h, dinp, out, label, batch=1))
    np.testing.assert_allclose(dinp.ravel(), [0.2, 0.3, -0.5], atol=1e-7)
    dinp[:] = 0
    h.ok(sm_backward(h, dinp, out, label, batch=1, smooth_alpha=0.1))
    np.testing.assert_allclose(dinp.ravel(), [0.15, 0.25, -0.4], atol=1e-7)


@sm_shapes
@pytest.mark.parametrize("normalization", [NORM_NULL, NORM_BATCH, NORM_VALID],
                         ids=["null", "batch", "valid"])
@pytest.mark.parametrize("smooth_alpha", [0.0, 0.2])
def test_softmax_backward_matches_formula(h, gen, outer, c, inner, normalization, smooth_alpha):
    out, label = case(gen, outer, c, inner)
    kw = {"batch": outer, "grad_scale": 1.5, "normalization": normalization,
          "smooth_alpha": smooth_alpha}
    dinp = np.zeros_like(out)
    h.ok(sm_backward(h, dinp, out, label, **kw))
    np.testing.assert_allclose(dinp, ref_softmax_grad(out, label, **kw), rtol=1e-6, atol=1e-7)


def test_multi_output_divides_null_and_batch_by_spatial_size(h, gen):
    outer, c, inner = 2, 3, 4
    out, label = case(gen, outer, c, inner)
    raw = ref_softmax_grad(out, label, batch=outer)  # null: already / inner
    for norm, expect in [(NORM_NULL, raw), (NORM_BATCH, raw / outer),
                         (NORM_VALID, raw * inner / (outer * inner))]:
        dinp = np.zeros_like(out)
        h.ok(sm_backward(h, dinp, out, label, batch=outer, normalization=norm))
        np.testing.assert_allclose(dinp, expect, rtol=1e-6, atol=1e-7)
    unscaled = out.astype(np.float64) - (np.arange(c)[None, :, None] == label[:, None, :])
    np.testing.assert_allclose(raw, unscaled / inner)


@pytest.mark.parametrize("normalization", [NORM_NULL, NORM_BATCH, NORM_VALID],
                         ids=["null", "batch", "valid"])
@pytest.mark.parametrize("inner", [1, 3])
def test_use_ignore_zeroes_ignored_rows(h, gen, normalization, inner):
    outer, c = 6, 4
    out, label = case(gen, outer, c, inner)
    label[1, :] = -1.0
    label[4, 0] = -1.0
    kw = {"batch": outer, "use_ignore": True, "ignore_label": -1.0,
          "normalization": normalization, "smooth_alpha": 0.1}
    dinp = np.zeros_like(out)
    h.ok(sm_backward(h, dinp, out, label, **kw))
    assert np.all(dinp[1] == 0) and np.all(dinp[4, :, 0] == 0)
    assert np.all(dinp[0] != 0)
    np.testing.assert_allclose(dinp, ref_softmax_grad(out, label, **kw), rtol=1e-6, atol=1e-7)


def test_valid_counts_labels_not_equal_to_ignore_label(h, gen):
    # 2 of 5 labels equal ignore_label = 3, so "valid" divides by 3.
    out, _ = case(gen, 5, 4, 1)
    label = np.float32([[3], [0], [3], [1], [2]])
    dinp = np.zeros_like(out)
    h.ok(sm_backward(h, dinp, out, label, batch=5, grad_scale=2.0, use_ignore=True,
                     ignore_label=3.0, normalization=NORM_VALID))
    onehot = np.arange(4)[None, :, None] == label[:, None, :]
    expect = (out - onehot) * 2.0 / 3
    expect[[0, 2]] = 0
    np.testing.assert_allclose(dinp, expect, rtol=1e-6, atol=1e-7)


def test_valid_count_ignores_use_ignore_flag(h, gen):
    # As in MXNet: without use_ignore the rows still get gradients, but the
    # "valid" count still leaves out labels equal to ignore_label.
    out, _ = case(gen, 4, 3, 1)
    label = np.float32([[0], [0], [1], [2]])
    dinp = np.zeros_like(out)
    h.ok(sm_backward(h, dinp, out, label, batch=4, use_ignore=False, ignore_label=0.0,
                     normalization=NORM_VALID))
    onehot = np.arange(3)[None, :, None] == label[:, None, :]
    np.testing.assert_allclose(dinp, (out - onehot) / 2, rtol=1e-6, atol=1e-7)


def test_valid_with_every_label_ignored_is_zero_not_nan(h, gen):
    out, _ = case(gen, 3, 4, 1)
    label = np.full((3, 1), -1.0, np.float32)
    dinp = np.zeros_like(out)
    h.ok(sm_backward(h, dinp, out, label, batch=3, use_ignore=True, normalization=NORM_VALID))
    np.testing.assert_array_equal(dinp, 0)


def test_labels_are_truncated(h, gen):
    out, _ = case(gen, 3, 4, 1)
    dinp_t, dinp_i = np.zeros_like(out), np.zeros_like(out)
    h.ok(sm_backward(h, dinp_t, out, np.float32([[1.7], [-0.5], [3.99]]), batch=3))
    h.ok(sm_backward(h, dinp_i, out, np.float32([[1.0], [0.0], [3.0]]), batch=3))
    np.testing.assert_array_equal(dinp_t, dinp_i)


@pytest.mark.parametrize("bad", [4.0, -1.0, 7.5, float("nan"), 1e30])
def test_out_of_range_label_is_an_error(h, gen, bad):
    out, label = case(gen, 3, 4, 2)
    label[1, 1] = bad
    dinp = np.zeros_like(out)
    assert sm_backward(h, dinp, out, label, batch=3) == h.codes.VALUE
    np.testing.assert_array_equal(dinp, 0)  # checked before anything is written


def test_ignored_label_may_be_out_of_range(h, gen):
    out, label = case(gen, 3, 4, 1)
    label[2, 0] = 255.0
    dinp = np.zeros_like(out)
    h.ok(sm_backward(h, dinp, out, label, batch=3, use_ignore=True, ignore_label=255.0))
    assert np.all(dinp[2] == 0)


def test_softmax_backward_is_cross_entropy_gradient(h, gen):
    # grad of -sum(log p[label]) w.r.t. the input, through the C forward.
    outer, c, inner = 3, 5, 2
    x = gen.standard_normal((outer, c, inner)).astype(np.float32)
    label = gen.integers(0, c, (outer, inner)).astype(np.float32)
    o_idx, i_idx = np.meshgrid(np.arange(outer), np.arange(inner), indexing="ij")
    k = label.astype(np.int64)

    def loss() -> float:
        return float(-np.sum(np.log(sm_forward(h, x)[o_idx, k, i_idx].astype(np.float64))))

    dinp = np.zeros_like(x)
    # null normalisation divides multi_output by inner; undo that with grad_scale.
    h.ok(sm_backward(h, dinp, sm_forward(h, x), label, batch=outer, grad_scale=float(inner)))
    np.testing.assert_allclose(dinp, h.numeric_grad(loss, x, 1e-2), rtol=1e-3, atol=1e-3)


def test_softmax_backward_accumulates(h, gen):
    out, label = case(gen, 4, 3, 2)
    once = np.zeros_like(out)
    h.ok(sm_backward(h, once, out, label, batch=4, normalization=NORM_BATCH))
    start = gen.standard_normal(out.shape).astype(np.float32)
    acc = start.copy()
    h.ok(sm_backward(h, acc, out, label, batch=4, normalization=NORM_BATCH))
    h.ok(sm_backward(h, acc, out, label, batch=4, normalization=NORM_BATCH))
    np.testing.assert_allclose(acc, start + 2 * once, rtol=1e-6, atol=1e-6)


def test_softmax_bad_arguments(h):
    lib, NULL, c = h.lib, h.NULL, h.codes
    a = np.zeros((2, 3, 1), np.float32)
    lab = np.zeros((2, 1), np.float32)
    p, w, lp = h.ptr(a), h.wptr(a), h.ptr(lab)
    assert lib.mxc_softmax_output_forward(NULL, p, 2, 3, 1) == c.NULL_PTR
    assert lib.mxc_softmax_output_forward(w, NULL, 2, 3, 1) == c.NULL_PTR
    for ext in [(0, 3, 1), (2, 0, 1), (2, 3, 0)]:
        assert lib.mxc_softmax_output_forward(w, p, *ext) == c.SHAPE
    args = (2, 3, 1, 2, 1.0, 0, -1.0, NORM_NULL, 0.0)
    assert lib.mxc_softmax_output_backward(NULL, p, lp, *args) == c.NULL_PTR
    assert lib.mxc_softmax_output_backward(w, NULL, lp, *args) == c.NULL_PTR
    assert lib.mxc_softmax_output_backward(w, p, NULL, *args) == c.NULL_PTR
    assert lib.mxc_softmax_output_backward(w, p, lp, 2, 3, 1, 0, 1.0, 0, -1.0, 0, 0.0) == c.SHAPE
    assert lib.mxc_softmax_output_backward(w, p, lp, 2, 0, 1, 2, 1.0, 0, -1.0, 0, 0.0) == c.SHAPE
    assert lib.mxc_softmax_output_backward(w, p, lp, 2, 3, 1, 2, 1.0, 0, -1.0, 3, 0.0) == c.VALUE
    assert lib.mxc_softmax_output_backward(w, p, lp, 2, 3, 1, 2, 1.0, 0, -1.0, -1, 0.0) == c.VALUE
    assert lib.mxc_softmax_output_backward(w, p, lp, *args) == c.OK


# --- SoftmaxOutput: backward, probability labels --------------------------------


@pytest.mark.parametrize("n", [1, 6, 15])
@pytest.mark.parametrize("grad_scale", [1.0, 0.25])
def test_probability_labels(h, gen, n, grad_scale):
    out = gen.uniform(0, 1, n).astype(np.float32)
    label = gen.uniform(0, 1, n).astype(np.float32)
    start = gen.standard_normal(n).astype(np.float32)
    dinp = start.copy()
    h.ok(h.lib.mxc_softmax_output_backward_prob(h.wptr(dinp), h.ptr(out), h.ptr(label), n,
                                                grad_scale))
    expect = start + (out.astype(np.float64) - label) * grad_scale
    np.testing.assert_allclose(dinp, expect, rtol=1e-6, atol=1e-7)


def test_probability_labels_bad_arguments(h):
    lib, NULL, c = h.lib, h.NULL, h.codes
    a = np.zeros(3, np.float32)
    p, w = h.ptr(a), h.wptr(a)
    assert lib.mxc_softmax_output_backward_prob(NULL, p, p, 3, 1.0) == c.NULL_PTR
    assert lib.mxc_softmax_output_backward_prob(w, NULL, p, 3, 1.0) == c.NULL_PTR
    assert lib.mxc_softmax_output_backward_prob(w, p, NULL, 3, 1.0) == c.NULL_PTR
    assert lib.mxc_softmax_output_backward_prob(w, p, p, 0, 1.0) == c.SHAPE
