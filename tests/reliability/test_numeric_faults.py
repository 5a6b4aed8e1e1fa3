"""Issue 6, item 2: training that diverges stops at the first non-finite loss or weight,
says where (epoch, batch, parameter), and returns the last finite model; check.finite=FALSE
turns the guard off. Python and R."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.training.trainer import NonFiniteWarning

from .conftest import R_PREAMBLE

LR = 100.0  # diverges on the fixture data in epoch 5 (finite through epoch 4)


def first_nonfinite(fit) -> tuple[int, int, str]:
    """(epoch, batch, parameter) where an unguarded run first has a non-finite weight."""
    seen: list[tuple[int, int, str]] = []

    def watch(iteration, nbatch, env):
        if seen:
            return
        for name, value in env.train_execs[0].arg_arrays.items():
            if name.endswith(("weight", "bias")) and not np.isfinite(value).all():
                seen.append((iteration, nbatch, name))
                return

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit(num_round=20, learning_rate=LR, check_finite=False, batch_end_callback=watch)
    assert seen, "the run did not diverge: the test needs a larger learning rate"
    return seen[0]


def test_divergence_stops_at_the_first_nonfinite_weight_and_says_where(fit):
    epoch, batch, param = first_nonfinite(fit)
    assert epoch >= 2, "diverging in epoch 1 would not show that a finite model is kept"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = fit(num_round=20, learning_rate=LR)
    (w,) = [w for w in caught if issubclass(w.category, NonFiniteWarning)]
    text = str(w.message)
    m = re.search(r"non-finite value \(NaN or Inf\) in (parameter `(\w+)`|the network's output) "
                  r"at epoch (\d+), batch (\d+); returning the model of epoch (\d+)", text)
    assert m, text
    _, name, e, b, kept = m.groups()
    assert (int(e), int(b)) <= (epoch, batch)  # the output may go non-finite first
    if name is not None:
        assert (int(e), int(b), name) == (epoch, batch, param)
    assert int(kept) == int(e) - 1
    assert "check_finite=False" in text
    assert model.stop_reason.startswith("non-finite value")
    # the returned model is the last finite one: exactly the model of epoch kept
    reference = fit(num_round=int(kept), learning_rate=LR)
    for k, v in reference.arg_params.items():
        np.testing.assert_array_equal(model.arg_params[k], v)
        assert np.isfinite(model.arg_params[k]).all()
    assert mx.model.last() is not None
    for k, v in reference.arg_params.items():
        np.testing.assert_array_equal(mx.model.last().arg_params[k], v)


def test_divergence_in_the_first_epoch_returns_the_initial_parameters(fit):
    with pytest.warns(NonFiniteWarning, match=r"at epoch 1, batch \d+; returning the initial "
                                              r"parameters"):
        model = fit(num_round=5, learning_rate=1e20)
    assert all(np.isfinite(v).all() for v in model.arg_params.values())


def test_check_finite_false_trains_on(fit):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = fit(num_round=20, learning_rate=LR, check_finite=False)
    assert not [w for w in caught if issubclass(w.category, NonFiniteWarning)]
    assert model.stop_reason is None
    assert not all(np.isfinite(v).all() for v in model.arg_params.values())


def test_r_divergence_warns_and_returns_a_finite_model(run_r):
    result = run_r(R_PREAMBLE + r"""
        m <- withCallingHandlers(fit(num.round = 20, learning.rate = 100),
                                 warning = function(w) {
                                   cat("WARNING ", conditionMessage(w), "\n", sep = "")
                                   invokeRestart("muffleWarning") })
        cat("FINITE", all(is.finite(as.array(m$arg.params$fc_weight))), "\n")
        m2 <- suppressWarnings(fit(num.round = 20, learning.rate = 100, check.finite = FALSE))
        cat("UNGUARDED", all(is.finite(as.array(m2$arg.params$fc_weight))), "\n")
        """)
    assert result.returncode == 0, result.stderr
    assert re.search(r"WARNING Training stopped: non-finite value \(NaN or Inf\) in .* at epoch "
                     r"\d+, batch \d+; returning the model of epoch \d+", result.stdout), \
        result.stdout
    assert "FINITE TRUE" in result.stdout
    assert "UNGUARDED FALSE" in result.stdout


def test_nan_from_a_data_iterator_is_caught_at_the_first_batch(fit, data):
    """Iterators are not scanned before training; the guard stops at the first batch."""
    X, y = data
    X = X.copy()
    X[3, 1] = np.nan
    it = mx.io.arrayiter(X, y, batch_size=10)
    with pytest.warns(NonFiniteWarning, match=r"at epoch 1, batch 1; returning the initial "
                                              r"parameters"):
        model = fit(X=it, y=None, num_round=3)
    assert all(np.isfinite(v).all() for v in model.arg_params.values())
    # predict accepts NaN input: NaN in, NaN out (only for the samples that have one)
    out = model.predict(X, array_layout="rowmajor")
    assert np.isnan(out[3]).all() and np.isfinite(np.delete(out, 3, axis=0)).all()
