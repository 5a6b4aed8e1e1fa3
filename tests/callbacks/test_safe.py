"""mx.callback.safe: a failing callback warns (or is disabled) and training goes on."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import CallbackError, MXValueError
from mxnet_r_compat.training.callbacks import CallbackWarning


def flaky(log):
    def cb(iteration, nbatch, env):
        log.append(iteration)
        if iteration >= 2:
            raise OSError("disk full")
        return True
    return cb


def test_warn_keeps_training(fit):
    log = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = fit(num_round=4, epoch_end_callback=mx.callback.safe(flaky(log)))
    messages = [str(w.message) for w in caught if w.category is CallbackWarning]
    assert log == [1, 2, 3, 4] and len(messages) == 3
    assert messages[0] == ("Callback safe(cb) failed in epoch 2: OSError: disk full; "
                           "training continues.")
    assert [h["iteration"] for h in model.history] == [1, 2, 3, 4]


def test_disable_warns_once_and_stops_calling(fit):
    log = []
    cb = mx.callback.safe(flaky(log), on_error="disable")
    with pytest.warns(CallbackWarning, match="disabled for the rest of training"):
        model = fit(num_round=4, epoch_end_callback=cb)
    assert log == [1, 2] and cb.failures == 1 and len(model.history) == 4


def test_abort_fails_like_an_unwrapped_callback(fit):
    with pytest.raises(CallbackError, match="disk full"):
        fit(num_round=4, epoch_end_callback=mx.callback.safe(flaky([]), on_error="abort"))


def test_batch_callbacks_too(fit):
    with pytest.warns(CallbackWarning, match=r"in epoch 1, batch 3"):
        model = fit(num_round=1, batch_end_callback=mx.callback.safe(
            lambda i, n, env: 1 / (n - 3)))
    assert len(model.history) == 1


def test_ctrl_c_is_never_swallowed():
    def interrupted(iteration, nbatch, env):
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        mx.callback.safe(interrupted)(1, 0, None)


def test_the_wrapped_object_keeps_working(fit, diverging_eval):
    es = mx.callback.early.stopping(patience=2, restore_best=True)
    wrapped = mx.callback.safe(es)
    model = fit(eval_data=diverging_eval, num_round=8, epoch_end_callback=wrapped)
    assert es.best_epoch == 2 and es.stopped_epoch == 4        # started, called, stopped
    state = wrapped.state_dict()   # the state passes through the wrapper
    assert (state["best_epoch"], state["stopped_epoch"], state["wait"]) == (2, 4, 2)
    np.testing.assert_array_equal(model.arg_params["fc_weight"],
                                  es.state_dict()["best_params"]["arg"]["fc_weight"])


def test_bad_policy():
    with pytest.raises(MXValueError, match="`on.error`"):
        mx.callback.safe(print, on_error="ignore")
    with pytest.raises(MXValueError, match="`cb`"):
        mx.callback.safe(None)
