"""Metrics (docs/MXNET_R_BEHAVIOUR.md, "Metrics"): built-ins against numpy, mean of per-call values,
NaN, custom metrics."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mxnet_r_compat import mx

rng = np.random.default_rng(7)
N, C = 12, 6
PROBS = rng.dirichlet(np.ones(C), size=N).astype(np.float32)
CLASSES = rng.integers(0, C, size=N).astype(np.float32)
REG_PRED = rng.uniform(0.5, 3.0, size=(N, 1)).astype(np.float32)
REG_LABEL = rng.uniform(0.5, 3.0, size=N).astype(np.float32)
BIN_PRED = rng.uniform(0.0, 1.0, size=(N, 1)).astype(np.float32)
BIN_LABEL = rng.integers(0, 2, size=N).astype(np.float32)


def f64(a):
    return np.asarray(a, dtype=np.float64)


def top5(label, pred):
    ranks = np.argsort(-f64(pred), axis=1)[:, :5]
    return np.mean([label[i] in ranks[i] for i in range(len(label))])


def perplexity(label, pred):
    lab = label.astype(int)
    keep = lab != -1
    p = f64(pred)[np.arange(len(lab)), np.where(keep, lab, 0)]
    return math.exp(-np.sum(np.log(p) * keep) / np.sum(keep))


CASES = [
    ("accuracy", "accuracy", CLASSES, PROBS,
     lambda l, p: np.mean(l == np.argmax(p, axis=1))),
    ("top_k_accuracy", "top_k_accuracy", CLASSES, PROBS, top5),
    ("mse", "mse", REG_LABEL, REG_PRED, lambda l, p: np.mean((f64(l) - f64(p).ravel()) ** 2)),
    ("rmse", "rmse", REG_LABEL, REG_PRED,
     lambda l, p: math.sqrt(np.mean((f64(l) - f64(p).ravel()) ** 2))),
    ("mae", "mae", REG_LABEL, REG_PRED, lambda l, p: np.mean(np.abs(f64(l) - f64(p).ravel()))),
    ("rmsle", "rmsle", REG_LABEL, REG_PRED,
     lambda l, p: math.sqrt(np.mean((np.log1p(f64(p).ravel()) - np.log1p(f64(l))) ** 2))),
    ("logloss", "logloss", BIN_LABEL, BIN_PRED,
     lambda l, p: -np.mean(f64(l) * np.log(f64(p).ravel())
                           + (1 - f64(l)) * np.log(1 - f64(p).ravel()))),
    ("logistic_acc", "accuracy", BIN_LABEL, BIN_PRED,
     lambda l, p: np.mean(l == (p.ravel() > 0.5))),
    ("Perplexity", "Perplexity", CLASSES, PROBS, perplexity),
]


@pytest.mark.parametrize("attr, name, label, pred, reference", CASES,
                         ids=[c[0] for c in CASES])
def test_builtin_against_numpy(attr, name, label, pred, reference):
    metric = getattr(mx.metric, attr)
    state = metric.update(label, pred, metric.init())
    result = metric.get(state)
    assert result.name == name
    assert result.value == pytest.approx(reference(label, pred), rel=1e-6)
    # Built-in values are float32 numbers, as MXNet's NDArray results were.
    assert result.value == float(np.float32(result.value))


def test_accuracy_ties_pick_the_first_maximum():
    pred = np.array([[0.5, 0.5], [0.2, 0.8]], np.float32)
    state = mx.metric.accuracy.update(np.array([0.0, 1.0]), pred, mx.metric.accuracy.init())
    assert mx.metric.accuracy.get(state).value == 1.0


def test_perplexity_masks_label_minus_one():
    label = CLASSES.copy()
    label[:3] = -1
    m = mx.metric.Perplexity
    assert m.get(m.update(label, PROBS, m.init())).value == \
        pytest.approx(perplexity(label, PROBS), rel=1e-6)


def test_logloss_clips_predictions():
    """Clipped to [1e-15, 1 - 1e-15] (in double precision; see docs/COMPATIBILITY.md)."""
    m = mx.metric.logloss
    value = m.get(m.update(np.array([1.0, 0.0]), np.array([[0.0], [1.0]]), m.init())).value
    expected = -(math.log(1e-15) + math.log(1 - (1 - 1e-15))) / 2
    assert math.isfinite(value)
    assert value == pytest.approx(expected, rel=1e-6)


def test_value_is_mean_of_per_call_values_not_per_sample():
    m = mx.metric.rmse
    big = (np.zeros(10), np.full((10, 1), 2.0))  # rmse 2 over 10 samples
    small = (np.zeros(2), np.full((2, 1), 4.0))  # rmse 4 over 2 samples
    state = m.update(*small, m.update(*big, m.init()))
    assert state.tolist() == [2.0, 6.0]  # R's c(count, sum)
    assert m.get(state).value == 3.0  # not the per-sample rmse sqrt((10*4+2*16)/12)


def test_nan_before_any_update():
    for metric in (mx.metric.rmse, mx.metric.accuracy, mx.metric.custom("x", lambda l, p: 1)):
        state = metric.init()
        assert state.tolist() == [0.0, 0.0]
        assert math.isnan(metric.get(state).value)


def test_get_result_reads_like_an_r_list():
    m = mx.metric.mae
    r = m.get(m.update(np.array([1.0]), np.array([[3.0]]), m.init()))
    assert (r.name, r.value) == ("mae", 2.0)
    assert (r["name"], r["value"]) == ("mae", 2.0)


def test_custom_metric_gets_numpy_label_and_pred():
    seen = []

    def feval(label, pred):
        seen.append((type(label), label.shape, pred.shape))
        return float(np.max(np.abs(label - pred.ravel())))

    m = mx.metric.custom("maxerr", feval)
    state = m.update(np.array([1.0, 2.0]), np.array([[1.5], [4.0]]), m.init())
    state = m.update(np.array([0.0]), np.array([[1.0]]), state)
    assert seen[0] == (np.ndarray, (2,), (2, 1))
    assert m.get(state).name == "maxerr"
    assert m.get(state).value == pytest.approx((2.0 + 1.0) / 2)


def test_training_metric_is_mean_of_batch_values_with_padding(train, tiny_data):
    """Each batch's value (padded slots included) enters once; the epoch value is their mean."""
    calls = []

    def feval(label, pred):
        calls.append((label.copy(), pred.copy()))
        return float(np.sqrt(np.mean((label - pred.ravel()) ** 2)))

    logger = mx.metric.logger()
    train(num_round=2, eval_metric=mx.metric.custom("myrmse", feval),
          epoch_end_callback=mx.callback.log.train.metric(1, logger))
    assert len(calls) == 8  # 4 batches x 2 epochs, one device
    assert all(lab.shape == (16,) and pred.shape == (16, 1) for lab, pred in calls)
    for epoch in range(2):
        values = [float(np.sqrt(np.mean((lab - p.ravel()) ** 2)))
                  for lab, p in calls[4 * epoch:4 * epoch + 4]]
        assert logger.train[epoch] == pytest.approx(np.mean(values), rel=1e-12)
    # The last batch has 2 real samples and 14 stale ones from batch 3.
    np.testing.assert_array_equal(calls[3][0][2:], calls[2][0][2:])


def test_predictions_enter_the_metric_before_the_update(train, tiny_data):
    X, _ = tiny_data
    w0, b0 = np.array([[0.1, 0.2, 0.3]], np.float32), np.array([0.5], np.float32)
    preds = []
    mx.set.seed(1)
    order = mx.io.arrayiter(X, np.zeros(50), batch_size=16, shuffle=True).order
    train(num_round=1, arg_params={"fc_weight": w0, "fc_bias": b0},
          eval_metric=mx.metric.custom("p", lambda l, p: preds.append(p.copy()) or 0.0))
    first = X[order[:16]].astype(np.float32) @ w0.T + b0
    np.testing.assert_allclose(preds[0], first, rtol=1e-6)


def test_eval_metric_must_be_a_metric(train):
    with pytest.raises(ValueError, match="eval.metric"):
        train(eval_metric="rmse")
