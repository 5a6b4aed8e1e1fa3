"""mx.model.save / mx.model.load round trips and save.checkpoint files (docs/MXNET_R_BEHAVIOUR.md,
"Prediction and model files" and "Built-in callbacks")."""

from __future__ import annotations

import os

import numpy as np

from mxnet_r_compat import mx


def test_round_trip_with_aux_states(train, tiny_data, bn_net, tmp_path):
    X, _ = tiny_data
    model = train(symbol=bn_net, num_round=2, learning_rate=0.01)
    prefix = str(tmp_path / "bn")
    mx.model.save(model, prefix, 7)
    assert sorted(os.listdir(tmp_path)) == ["bn-0007.params", "bn-symbol.json"]
    back = mx.model.load(prefix, 7)
    assert back.symbol.tojson() == model.symbol.tojson()
    assert list(back.arg_params) == list(model.arg_params)
    assert list(back.aux_params) == ["bn_moving_mean", "bn_moving_var"]
    for mine, theirs in ((model.arg_params, back.arg_params),
                         (model.aux_params, back.aux_params)):
        for name, value in mine.items():
            assert theirs[name].dtype == np.float32
            np.testing.assert_array_equal(theirs[name], value)
    np.testing.assert_array_equal(back.predict(X, array_layout="rowmajor"),
                                  model.predict(X, array_layout="rowmajor"))


def test_loaded_model_keeps_training(train, tmp_path):
    model = train(num_round=2)
    mx.model.save(model, str(tmp_path / "m"), 2)
    back = mx.model.load(str(tmp_path / "m"), 2)
    again = train(num_round=1, arg_params=back.arg_params, aux_params=back.aux_params)
    cont = train(num_round=1, arg_params=model.arg_params)
    np.testing.assert_array_equal(again.arg_params["fc_weight"], cont.arg_params["fc_weight"])


def test_tilde_in_prefix_is_expanded(train, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    mx.model.save(train(num_round=1), "~/home_model", 1)
    assert sorted(os.listdir(tmp_path)) == ["home_model-0001.params", "home_model-symbol.json"]
    assert mx.model.load("~/home_model", 1).arg_params.keys() == {"fc_weight", "fc_bias"}


def test_checkpoint_files_hold_each_epochs_model(train, tiny_data, tmp_path):
    X, _ = tiny_data
    prefix = str(tmp_path / "boston")
    snapshots = {}
    save = mx.callback.save.checkpoint(prefix)

    def epoch(iteration, nbatch, env, verbose):
        snapshots[iteration] = env.model.predict(X, array_layout="rowmajor")
        return save(iteration, nbatch, env, verbose)

    final = train(num_round=3, epoch_end_callback=epoch)
    assert sorted(os.listdir(tmp_path)) == ["boston-0001.params", "boston-0002.params",
                                            "boston-0003.params", "boston-symbol.json"]
    for it in (1, 2, 3):
        loaded = mx.model.load(prefix, it)
        np.testing.assert_array_equal(loaded.predict(X, array_layout="rowmajor"), snapshots[it])
    assert not np.array_equal(snapshots[1], snapshots[3])
    np.testing.assert_array_equal(final.predict(X, array_layout="rowmajor"), snapshots[3])
