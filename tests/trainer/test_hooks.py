"""Callback hooks (docs/MXNET_R_BEHAVIOUR.md, "Training loop" and "Callback environment"): exact
call sequence, env fields and their staleness,
verbose, stopping, env state, errors."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import CallbackError

MISSING = "<not passed>"


class Recorder:
    """A batch and an epoch callback that record what they see at every call."""

    def __init__(self, stop_at: int | None = None) -> None:
        self.calls: list[dict] = []
        self.stop_at = stop_at

    def _snap(self, slot, iteration, nbatch, env, verbose):
        return {
            "slot": slot, "iteration": iteration, "nbatch": nbatch, "verbose": verbose,
            "env_iteration": env.iteration, "env_nbatch": env.nbatch,
            "train_metric": None if env.train_metric is None else env.train_metric.copy(),
            "eval_metric": None if env.eval_metric is None else env.eval_metric.copy(),
            "has_eval_metric": "eval.metric" in env,
            "model": env.model,
            "weight": None if env.model is None else env.model.arg_params["fc_weight"].copy(),
            "result": env.result, "arg_params": env["arg.params"],
            "npreds": None if env.preds is None else len(env.preds),
        }

    def batch(self, iteration, nbatch, env, verbose=MISSING):
        self.calls.append(self._snap("batch", iteration, nbatch, env, verbose))

    def epoch(self, iteration, nbatch, env, verbose=MISSING):
        self.calls.append(self._snap("epoch", iteration, nbatch, env, verbose))
        return not (self.stop_at is not None and iteration == self.stop_at)

    def of(self, slot, iteration=None):
        return [c for c in self.calls
                if c["slot"] == slot and (iteration is None or c["iteration"] == iteration)]


@pytest.fixture
def recorded(train, tiny_data):
    """Three epochs of 4 batches, eval on 20 samples (2 batches), rmse, logger."""
    X, y = tiny_data
    rec, logger = Recorder(), mx.metric.logger()

    def epoch(iteration, nbatch, env, verbose=MISSING):
        mx.callback.log.train.metric(1, logger)(iteration, nbatch, env, verbose=False)
        return rec.epoch(iteration, nbatch, env, verbose)

    model = train(num_round=3, eval_data={"data": X[:20], "label": y[:20]},
                  eval_metric=mx.metric.rmse, batch_end_callback=rec.batch,
                  epoch_end_callback=epoch)
    return rec, logger, model


def test_exact_hook_sequence(recorded):
    rec, _, _ = recorded
    expected = []
    for it in (1, 2, 3):
        expected += [("batch", it, k) for k in (1, 2, 3, 4)] + [("epoch", it, 0)]
    assert [(c["slot"], c["iteration"], c["nbatch"]) for c in rec.calls] == expected


def test_counters_in_env(recorded):
    rec, _, _ = recorded
    for c in rec.calls:
        assert c["env_iteration"] == c["iteration"]
        if c["slot"] == "batch":
            assert c["env_nbatch"] == c["nbatch"]
            assert c["train_metric"][0] == c["nbatch"]  # running state: one update per batch
        else:
            assert c["env_nbatch"] == 4  # the number of training batches in the epoch
            assert c["train_metric"][0] == 4


def test_first_epoch_batches_see_no_model_and_no_eval_metric(recorded):
    rec, _, _ = recorded
    for c in rec.of("batch", 1):
        assert c["model"] is None and c["eval_metric"] is None and not c["has_eval_metric"]
        assert c["result"] is None
        assert c["npreds"] == 1


def test_later_batches_see_the_previous_epochs_model_and_eval_state(recorded):
    rec, logger, _ = recorded
    for it in (2, 3):
        prev = rec.of("epoch", it - 1)[0]
        for c in rec.of("batch", it):
            assert c["model"] is prev["model"]
            np.testing.assert_array_equal(c["weight"], prev["weight"])
            np.testing.assert_array_equal(c["eval_metric"], prev["eval_metric"])
            assert c["result"].name == "rmse"
            assert c["result"].value == logger.eval[it - 2]


def test_epoch_callback_sees_this_epochs_model_and_eval_state(recorded):
    rec, logger, model = recorded
    epochs = rec.of("epoch")
    assert len({id(c["model"]) for c in epochs}) == 3
    for k, c in enumerate(epochs):
        assert c["eval_metric"][0] == 2  # two validation batches
        assert c["result"].value == logger.eval[k]  # the last get() was the Validation one
    assert epochs[-1]["model"] is model
    assert mx.model.last() is model


def test_arg_params_in_env_are_the_initial_ones(recorded):
    rec, _, model = recorded
    first = rec.calls[0]["arg_params"]
    assert all(c["arg_params"] is first for c in rec.calls)
    assert not np.allclose(first["fc_weight"], model.arg_params["fc_weight"])


def test_verbose_reaches_only_epoch_callbacks_that_accept_it(train):
    got = {}

    def three_args(iteration, nbatch, env):
        got.setdefault("three", 0)
        got["three"] += 1

    def with_kwargs(iteration, nbatch, env, **kwargs):
        got["kwargs"] = kwargs

    for verbose in (True, False):
        rec = Recorder()
        train(num_round=1, verbose=verbose, batch_end_callback=rec.batch,
              epoch_end_callback=rec.epoch)
        assert [c["verbose"] for c in rec.of("batch")] == [MISSING] * 4
        assert [c["verbose"] for c in rec.of("epoch")] == [verbose]
    train(num_round=2, epoch_end_callback=three_args, batch_end_callback=three_args)
    assert got["three"] == 2 + 8
    train(num_round=1, epoch_end_callback=with_kwargs)
    assert got["kwargs"] == {"verbose": False}


def test_false_stops_after_that_epoch_and_returns_its_model(train):
    rec = Recorder(stop_at=2)
    model = train(num_round=5, batch_end_callback=rec.batch, epoch_end_callback=rec.epoch)
    assert [c["iteration"] for c in rec.of("epoch")] == [1, 2]
    assert len(rec.of("batch")) == 8
    stopped = rec.of("epoch", 2)[0]
    assert model is stopped["model"]
    np.testing.assert_array_equal(model.arg_params["fc_weight"], stopped["weight"])


@pytest.mark.parametrize("value, epochs", [(None, 3), (True, 3), (np.True_, 3),
                                           (np.False_, 1), (False, 1)])
def test_epoch_callback_return_values(train, value, epochs):
    seen = []
    train(num_round=3, epoch_end_callback=lambda i, n, env: seen.append(i) or value)
    assert len(seen) == epochs


def test_invalid_return_value_is_an_error(train):
    with pytest.raises(CallbackError, match=r"epoch\.end\.callback returned 'no' in epoch 1"):
        train(num_round=3, epoch_end_callback=lambda i, n, env: "no")


def test_batch_callback_return_value_is_ignored(train):
    rec = Recorder()
    train(num_round=2, batch_end_callback=lambda i, n, env: False, epoch_end_callback=rec.epoch)
    assert len(rec.of("epoch")) == 2


def test_env_state_persists_for_the_whole_run(train):
    counts = []

    def batch(iteration, nbatch, env):
        env.my_count = (env["my.count"] or 0) + 1

    def epoch(iteration, nbatch, env):
        counts.append((env.my_count, env["my.count"], env.get("my_count")))

    train(num_round=3, batch_end_callback=batch, epoch_end_callback=epoch)
    assert counts == [(4, 4, 4), (8, 8, 8), (12, 12, 12)]


def test_env_reads_with_both_spellings_and_unset_fields_are_none(train):
    seen = {}

    def epoch(iteration, nbatch, env):
        seen["same"] = env["train.metric"] is env.train_metric
        seen["metric"] = env.metric.get(env.train_metric)
        seen["unset"] = (env.updaters, env["arg.blocks"], env.eval_metric, env.count)
        seen["begin"] = (env.begin_round, env["end.round"], env.ndevice)

    train(num_round=2, eval_metric=mx.metric.mae, epoch_end_callback=epoch)
    assert seen["same"]
    assert seen["metric"].name == "mae" and seen["metric"].value > 0
    assert seen["unset"] == (None, None, None, None)
    assert seen["begin"] == (1, 2, 1)


def test_eval_data_without_metric_never_sets_eval_metric(train, tiny_data):
    X, y = tiny_data
    seen = []
    train(num_round=1, eval_data={"data": X, "label": y},
          epoch_end_callback=lambda i, n, env: seen.append("eval.metric" in env))
    assert seen == [False]


def test_begin_round_numbers_the_epochs(train):
    rec = Recorder()
    train(begin_round=3, num_round=4, batch_end_callback=rec.batch, epoch_end_callback=rec.epoch)
    assert [c["iteration"] for c in rec.of("epoch")] == [3, 4]
    assert rec.calls[0]["iteration"] == 3


def test_callback_error_names_the_slot_and_keeps_the_model(train):
    def batch(iteration, nbatch, env):
        if iteration == 2 and nbatch == 3:
            raise ZeroDivisionError("boom")

    rec = Recorder()
    with pytest.raises(CallbackError, match=r"^Error in batch\.end\.callback \(epoch 2, batch 3\)"
                                            r": ZeroDivisionError: boom$") as info:
        train(num_round=3, batch_end_callback=batch, epoch_end_callback=rec.epoch)
    err = info.value
    assert (err.slot, err.iteration, err.nbatch) == ("batch.end.callback", 2, 3)
    assert err.model is rec.of("epoch", 1)[0]["model"]
    assert isinstance(err.__cause__, ZeroDivisionError)
    assert mx.model.last() is err.model
