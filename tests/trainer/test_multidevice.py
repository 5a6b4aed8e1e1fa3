"""Several CPU contexts (docs/MXNET_R_BEHAVIOUR.md, "Devices"): batch split, summed gradients,
averaged model, messages."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.engine.devices import slice_ranges


@pytest.mark.parametrize("batch, n, expected", [
    (10, 3, [(0, 4), (4, 8), (8, 10)]),
    (16, 3, [(0, 6), (6, 12), (12, 16)]),
    (5, 3, [(0, 2), (2, 4), (4, 5)]),
    (2, 3, [(0, 1), (1, 2), (2, 2)]),
    (7, 1, [(0, 7)]),
])
def test_slice_ranges(batch, n, expected):
    assert slice_ranges(batch, n) == expected


def weights(model):
    return {k: v.copy() for k, v in model.arg_params.items()}


@pytest.mark.parametrize("ndev", [2, 3])
def test_devices_give_the_weights_of_one_device(train, ndev):
    one = weights(train(num_round=4, wd=1e-3))
    many = weights(train(num_round=4, wd=1e-3, ctx=[mx.cpu(i) for i in range(ndev)]))
    for name in one:
        np.testing.assert_allclose(many[name], one[name], rtol=1e-5, atol=1e-6)


def test_more_devices_than_samples_per_batch(train):
    """Batch 2 on 3 devices: the third slice is empty and binds no executor."""
    one = weights(train(num_round=2, array_batch_size=2))
    many = weights(train(num_round=2, array_batch_size=2, ctx=[mx.cpu(0), mx.cpu(1),
                                                               mx.cpu(2)]))
    for name in one:
        np.testing.assert_allclose(many[name], one[name], rtol=1e-5, atol=1e-6)


def test_messages_with_several_devices(train, stderr_lines):
    train(num_round=1, verbose=True, ctx=[mx.cpu(0), mx.cpu(1), mx.cpu(2)])
    assert stderr_lines() == ["Auto-select kvstore type = local_update_cpu",
                              "Start training with 3 devices"]


def test_one_device_in_a_list_has_no_kvstore_line(train, stderr_lines):
    train(num_round=1, verbose=True, ctx=[mx.cpu()])
    assert stderr_lines() == ["Start training with 1 devices"]


def test_metric_gets_one_update_per_device_slice(train):
    sizes = []
    metric = mx.metric.custom("n", lambda label, pred: sizes.append(len(label)) or 0.0)
    counts = []
    train(num_round=1, ctx=[mx.cpu(0), mx.cpu(1), mx.cpu(2)], eval_metric=metric,
          epoch_end_callback=lambda i, n, env: counts.append(env.train_metric[0]))
    assert sizes == [6, 6, 4] * 4
    assert counts == [12]


def test_optimizer_counters_are_shared_by_devices(train):
    opt = mx.opt.create("sgd", learning_rate=0.01)
    train(num_round=2, optimizer=opt, ctx=[mx.cpu(0), mx.cpu(1)])
    # Every device's updater counts the same index: 2 updates per batch, 8 batches.
    assert opt.num_update == 2 * 8 - 1


def test_env_lists_the_devices(train):
    seen = {}

    def grab(iteration, nbatch, env):
        seen.update(ndevice=env.ndevice, execs=len(env.train_execs), preds=len(env.preds),
                    slices=env.input_slice)

    train(num_round=1, ctx=[mx.cpu(0), mx.cpu(1)], eval_metric=mx.metric.rmse,
          epoch_end_callback=grab)
    assert seen == {"ndevice": 2, "execs": 2, "preds": 2, "slices": [(0, 8), (8, 16)]}


def test_model_averages_aux_states_over_devices(train, tiny_data, bn_net):
    checks = []

    def epoch(iteration, nbatch, env):
        execs = env.train_execs
        for name, value in env.model.aux_params.items():
            per_device = [ex.aux_arrays[name] for ex in execs]
            assert not np.allclose(per_device[0], per_device[1])  # each saw its own slice
            checks.append(np.allclose(value, np.mean(per_device, axis=0), rtol=1e-6))
        for name, value in env.model.arg_params.items():
            np.testing.assert_allclose(value, execs[0].arg_arrays[name], rtol=1e-6)

    train(symbol=bn_net, num_round=2, ctx=[mx.cpu(0), mx.cpu(1)], learning_rate=0.01,
          epoch_end_callback=epoch)
    assert checks == [True] * 4


def test_validation_runs_on_every_device(train, tiny_data):
    X, y = tiny_data
    logger_1, logger_2 = mx.metric.logger(), mx.metric.logger()
    for ctx, logger in ((mx.cpu(), logger_1), ([mx.cpu(0), mx.cpu(1)], logger_2)):
        train(num_round=2, ctx=ctx, eval_metric=mx.metric.mae,
              eval_data={"data": X[:32], "label": y[:32]},
              epoch_end_callback=mx.callback.log.train.metric(1, logger))
    # MAE is linear: the mean over two equal halves equals the mean over the whole batch.
    np.testing.assert_allclose(logger_2.eval, logger_1.eval, rtol=1e-5)


def test_dropout_on_several_devices_is_reproducible(monkeypatch):
    """Devices share one random stream; they must draw in device order, not thread order."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(256, 20))
    y = X @ rng.normal(size=20)

    def run():
        mx.set.seed(0)
        model = mx.mlp(X, y, hidden_node=[128], out_node=1, dropout=0.5, out_activation="rmse",
                       num_round=2, array_batch_size=128, ctx=[mx.cpu(0), mx.cpu(1)],
                       verbose=False, learning_rate=0.01, array_layout="rowmajor")
        return np.concatenate([v.ravel() for v in model.arg_params.values()])

    threaded = [run() for _ in range(4)]
    from mxnet_r_compat.engine import devices
    monkeypatch.setattr(devices.DeviceGroup, "run", lambda self, fn: [fn(e) for e in self.execs])
    in_order = run()
    for weights in threaded:
        np.testing.assert_array_equal(weights, in_order)
