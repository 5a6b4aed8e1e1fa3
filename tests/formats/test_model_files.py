"""``<prefix>-<iteration>.params``: names, order and the arg:/aux: split of mx.model.save/load."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat.errors import ModelFileError, MXValueError
from mxnet_r_compat.formats import (load_ndarray_list, load_params, params_path, save_ndarray_list,
                                    save_params)


@pytest.mark.parametrize("iteration, name", [(10, "m-0010.params"), (0, "m-0000.params"),
                                             (12345, "m-12345.params"), (7.0, "m-0007.params"),
                                             (np.int64(3), "m-0003.params")])
def test_params_path_uses_sprintf_04d(iteration, name):
    assert params_path("m", iteration) == name


def test_params_path_expands_home(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert params_path("~/m", 1) == f"{tmp_path}/m-0001.params"


@pytest.mark.parametrize("iteration", [1.5, "1", True, None])
def test_params_path_rejects_non_whole_iterations(iteration):
    with pytest.raises(MXValueError, match="Invalid value for argument `iteration`"):
        params_path("m", iteration)


def test_save_writes_arg_then_aux_names_in_dict_order(tmp_path):
    prefix = tmp_path / "mlp"
    arg = {"fc1_weight": np.ones((4, 3)), "fc1_bias": np.zeros(4), "a_first": np.ones(1)}
    aux = {"bn_moving_var": np.full(2, 2.0), "bn_moving_mean": np.zeros(2)}
    path = save_params(prefix, 2, arg, aux)
    assert path == f"{prefix}-0002.params"
    _, names = load_ndarray_list(path)
    assert names == ["arg:fc1_weight", "arg:fc1_bias", "arg:a_first",
                     "aux:bn_moving_var", "aux:bn_moving_mean"]
    arg_back, aux_back = load_params(prefix, 2)
    assert list(arg_back) == list(arg) and list(aux_back) == list(aux)
    for original, back in [(arg, arg_back), (aux, aux_back)]:
        for name in original:
            np.testing.assert_array_equal(back[name], original[name].astype(np.float32))


def test_load_ignores_other_names_and_missing_kinds(tmp_path):
    save_ndarray_list(tmp_path / "m-0001.params", [np.ones(1), np.zeros(2), np.ones(3)],
                      ["arg:w", "other", "argument"])
    arg, aux = load_params(tmp_path / "m", 1)
    assert list(arg) == ["w"] and aux == {}


def test_unnamed_file_gives_empty_params(tmp_path):
    save_ndarray_list(tmp_path / "m-0001.params", [np.ones(1)])
    assert load_params(tmp_path / "m", 1) == ({}, {})


def test_duplicate_names_are_an_error(tmp_path):
    save_ndarray_list(tmp_path / "m-0001.params", [np.ones(1), np.zeros(1)], ["aux:m", "aux:m"])
    with pytest.raises(ModelFileError, match="'aux:m' appears twice"):
        load_params(tmp_path / "m", 1)


def test_non_string_parameter_names_are_rejected(tmp_path):
    with pytest.raises(MXValueError, match="Invalid value for argument `aux_params`"):
        save_params(tmp_path / "m", 1, {}, {3: np.ones(1)})
