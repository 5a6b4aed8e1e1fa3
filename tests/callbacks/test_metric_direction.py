"""Metrics declare their direction and how they aggregate; callbacks with mode = "auto"
use the direction."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import MXValueError
from mxnet_r_compat.training.callbacks.base import maximizing


@pytest.mark.parametrize(("metric", "maximize"), [
    ("accuracy", True), ("top_k_accuracy", True), ("logistic_acc", True), ("rmse", False),
    ("mse", False), ("mae", False), ("rmsle", False), ("logloss", False), ("Perplexity", False)])
def test_builtin_directions(make_env, metric, maximize):
    m = getattr(mx.metric, metric)
    assert m.maximize is maximize
    assert maximizing("auto", make_env(metric=m)) is maximize
    assert maximizing("min", make_env(metric=m)) is False
    assert maximizing("max", make_env(metric=m)) is True


def test_custom_declares_direction_and_aggregation():
    m = mx.metric.custom("r2", lambda label, pred: 0.0, maximize=True, aggregate="epoch")
    assert (m.maximize, m.aggregate) == (True, "epoch")
    m = mx.metric.custom("mae", lambda label, pred: 0.0)
    assert (m.maximize, m.aggregate) == (False, "batch")
    with pytest.raises(MXValueError, match="`aggregate`"):
        mx.metric.custom("x", lambda label, pred: 0.0, aggregate="sample")


def test_batch_aggregate_is_the_mean_of_per_call_values():
    # MXNet's rule: a batch of 1 sample counts as much as a batch of 3
    m = mx.metric.custom("mse", lambda label, pred: float(np.mean((label - pred) ** 2)))
    s = m.update(np.array([1.0]), np.array([0.0]), m.init())                 # value 1
    s = m.update(np.array([3.0, 3.0, 3.0]), np.zeros(3), s)                  # value 9
    assert m.get(s).value == 5.0


def test_epoch_aggregate_weights_by_samples():
    # feval returns the batch's SUM; the epoch value is the total over the samples
    m = mx.metric.custom("mse", lambda label, pred: float(np.sum((label - pred) ** 2)),
                         aggregate="epoch")
    s = m.update(np.array([1.0]), np.array([0.0]), m.init())                 # sum 1
    s = m.update(np.array([3.0, 3.0, 3.0]), np.zeros(3), s)                  # sum 27
    assert m.get(s).value == 7.0                                             # 28 / 4


def test_epoch_aggregate_in_training_equals_the_batch_rule_for_equal_batches(fit):
    sse = mx.metric.custom("mse", lambda label, pred: float(
        np.sum((label.ravel() - pred.ravel()) ** 2)), aggregate="epoch")
    per_sample = fit(num_round=2, eval_metric=sse)
    per_batch = fit(num_round=2, eval_metric=mx.metric.mse)
    np.testing.assert_allclose([h["value"] for h in per_sample.history],
                               [h["value"] for h in per_batch.history], rtol=1e-6)


def test_early_stopping_reads_the_declared_direction_in_training(fit, diverging_eval):
    neg = mx.metric.custom("neg_rmse", lambda label, pred: -float(
        np.sqrt(np.mean((label.ravel() - pred.ravel()) ** 2))), maximize=True)
    es = mx.callback.early.stopping(patience=2)
    fit(eval_data=diverging_eval, num_round=8, eval_metric=neg, epoch_end_callback=es)
    assert (es.best_epoch, es.stopped_epoch) == (2, 4)   # the same epochs as for rmse
