"""mx.model.save -> mx.model.load -> predict, for every supported operator; and models in
MXNet's own layouts (old ``param``/``attr`` JSON, V1/V3 records, float64/float16 data)."""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import ModelFileError, MXValueError
from mxnet_r_compat.formats import atomic, params_path
from mxnet_r_compat.ops import OPS
from mxnet_r_compat.training.model import FeedForwardModel

RNG = np.random.default_rng(5)
X2 = RNG.normal(size=(7, 4)).astype(np.float32)
X3 = RNG.normal(size=(7, 2, 3)).astype(np.float32)
X4 = RNG.normal(size=(7, 2, 6, 6)).astype(np.float32)
IDX = RNG.integers(0, 9, size=(7, 3)).astype(np.float32)


def fc(x, n, name, **kw):
    return mx.symbol.FullyConnected(x, num_hidden=n, name=name, **kw)


def data():
    return mx.symbol.Variable("data")


def lro(x):
    """A regression output over a FullyConnected of x (flattening 4-D data)."""
    return mx.symbol.LinearRegressionOutput(fc(x, 2, "fc"), name="out")


S = mx.symbol


# name -> (network, input); together they use every registered operator.
NETWORKS = {
    "fc_bias": lambda: (mx.symbol.LinearRegressionOutput(fc(data(), 3, "fc"), name="out"), X2),
    "fc_no_bias": lambda: (mx.symbol.LinearRegressionOutput(fc(data(), 3, "fc", no_bias=True),
                                                            name="out"), X2),
    **{f"activation_{act}": (lambda act=act: (mx.symbol.LinearRegressionOutput(
        fc(mx.symbol.Activation(fc(data(), 5, "h"), act_type=act, name="act"), 2, "fc"),
        name="out"), X2)) for act in ("relu", "sigmoid", "tanh", "softrelu", "softsign")},
    "dropout": lambda: (mx.symbol.LinearRegressionOutput(
        fc(mx.symbol.Dropout(fc(data(), 5, "h"), p=0.4, name="dp"), 1, "fc"), name="out"), X2),
    "batchnorm": lambda: (mx.symbol.LinearRegressionOutput(
        fc(mx.symbol.BatchNorm(fc(data(), 5, "h"), fix_gamma=False, name="bn"), 1, "fc"),
        name="out"), X2),
    "batchnorm_fix_gamma": lambda: (mx.symbol.LinearRegressionOutput(
        fc(mx.symbol.BatchNorm(fc(data(), 5, "h"), name="bn"), 1, "fc"), name="out"), X2),
    "flatten": lambda: (mx.symbol.LinearRegressionOutput(
        fc(mx.symbol.Flatten(data(), name="flat"), 2, "fc"), name="out"), X3),
    "concat": lambda: (mx.symbol.LinearRegressionOutput(fc(mx.symbol.Concat(
        fc(data(), 2, "a"), fc(data(), 3, "b"), num_args=2, dim=1, name="cat"), 1, "fc"),
        name="out"), X2),
    "concat_lower": lambda: (mx.symbol.LinearRegressionOutput(fc(mx.symbol.concat(
        fc(data(), 2, "a"), fc(data(), 3, "b"), num_args=2, name="cat"), 1, "fc"),
        name="out"), X2),
    "softmax_output": lambda: (mx.symbol.SoftmaxOutput(fc(data(), 4, "fc"), name="sm"), X2),
    "softmax_alias": lambda: (mx.symbol.Softmax(fc(data(), 4, "fc"), name="sm"), X2),
    "logistic_output": lambda: (mx.symbol.LogisticRegressionOutput(fc(data(), 2, "fc"),
                                                                    name="out"), X2),
    "mae_output": lambda: (mx.symbol.MAERegressionOutput(fc(data(), 2, "fc"), name="out"), X2),
    "convolution": lambda: (lro(S.Convolution(data(), kernel=(3, 2), stride=(2, 1), pad=(1, 0),
                                              num_filter=3, name="conv")), X4),
    "deconvolution": lambda: (lro(S.Deconvolution(data(), kernel=(2, 2), stride=(2, 2),
                                                  num_filter=2, no_bias=False, name="dc")), X4),
    "pooling": lambda: (lro(S.Pooling(data(), kernel=(3, 3), stride=(2, 2), pool_type="avg",
                                      pooling_convention="full", name="pool")), X4),
    "embedding": lambda: (lro(S.Embedding(data(), input_dim=9, output_dim=2, name="emb")), IDX),
    "prelu": lambda: (lro(S.LeakyReLU(data(), act_type="prelu", name="act")), X4),
    "softmax_activation": lambda: (lro(S.SoftmaxActivation(data(), mode="channel", name="sa")),
                                   X4),
    "upsampling": lambda: (lro(S.UpSampling(data(), scale=2, sample_type="nearest",
                                            num_args=1, name="up")), X4),
    "lrn": lambda: (lro(S.LRN(data(), nsize=3, alpha=0.5, knorm=1.0, name="lrn")), X4),
    "square": lambda: (mx.symbol.LinearRegressionOutput(
        fc(mx.symbol.square(fc(data(), 3, "h"), name="sq"), 2, "fc"), name="out"), X2),
    "algebra": lambda: (mx.symbol.LinearRegressionOutput(fc(_algebra(fc(data(), 3, "h"),
                                                                      fc(data(), 3, "g")),
                                                            2, "fc"), name="out"), X2),
    "makeloss": lambda: (mx.symbol.MakeLoss(mx.symbol.abs(fc(data(), 2, "fc") - 1),
                                            name="loss"), X2),
    "layout": lambda: (lro(_layout(fc(data(), 6, "h"))), X2),
    "reductions_broadcasts": lambda: (lro(_broadcasts(fc(data(), 3, "h"), fc(data(), 3, "g"))),
                                      X2),
}


def _layout(h):
    """Reshape, transpose, expand_dims, Cast, SliceChannel, BlockGrad, broadcast_to/axis, sum
    on a (batch, 6) input."""
    r = S.transpose(S.Reshape(h, shape=(0, 2, 3), name="rs"), axes=(0, 2, 1), name="tr")
    e = S.Cast(S.expand_dims(r, axis=1, name="ed"), dtype="float32", name="cast")
    parts = S.SliceChannel(e, num_outputs=2, axis=3, squeeze_axis=True, name="sl")
    b = S.broadcast_to(S.BlockGrad(parts[0], name="bg"), shape=(0, 2, 0), name="bt")
    c = S.broadcast_axis(parts[1], axis=1, size=2, name="ba")
    return S.sum(b * c, axis=1, name="s")


def _broadcasts(h, g):
    """Every broadcast operator against a (1, 3) row, the reductions and sqrt/exp/log."""
    row = S.mean(g, axis=0, keepdims=True, name="row")
    grown = S.broadcast_maximum(S.broadcast_add(h, row), S.broadcast_sub(h, row))
    grown = S.broadcast_minimum(S.broadcast_mul(grown, row), S.broadcast_div(h, S.exp(row)))
    powered = S.broadcast_power(S.sqrt(S.abs(grown) + 1), row)
    peaks = S.max(h, axis=1, keepdims=True) - S.min(g, axis=1, keepdims=True)
    return S.broadcast_add(S.log(powered + 1), peaks)


def _algebra(h, g):
    """Every elementwise and scalar operator of symbol algebra, kept finite."""
    mixed = (h + g) * (h - g) / (g * g + 1)
    return (2 - mixed * 3 + mixed / 4) ** 2 - 1.5 / (h * h + 1) + 2 ** (mixed / 10) - 0.5


def random_model(symbol, x) -> FeedForwardModel:
    """Random weights, and aux states far from their defaults (so that a lost one shows)."""
    arg_shapes, _, aux_shapes = symbol.infer_shape(data=x.shape)
    rng = np.random.default_rng(11)
    arg = {n: rng.normal(size=s).astype(np.float32) for n, s in arg_shapes.items()
           if n != "data" and not n.endswith("label")}
    aux = {n: rng.uniform(0.5, 2.0, size=s).astype(np.float32) for n, s in aux_shapes.items()}
    return FeedForwardModel(symbol, arg, aux)


def test_the_networks_cover_every_registered_operator():
    used = set()
    for build in NETWORKS.values():
        used |= {node["op"] for node in json.loads(build()[0].tojson())["nodes"]}
    assert {op.name for op in OPS.values()} <= used  # aliases are written as the real name


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_save_load_predict_round_trip(name, tmp_path):
    symbol, x = NETWORKS[name]()
    model = random_model(symbol, x)
    prefix = str(tmp_path / name)
    mx.model.save(model, prefix, 3)
    back = mx.model.load(prefix, 3)
    assert back.symbol.tojson() == symbol.tojson()
    assert list(back.arg_params) == list(model.arg_params)
    assert list(back.aux_params) == list(model.aux_params)
    for mine, theirs in ((model.arg_params, back.arg_params), (model.aux_params, back.aux_params)):
        for key, value in mine.items():
            np.testing.assert_array_equal(theirs[key], value)
    expected = model.predict(x, array_layout="rowmajor")
    np.testing.assert_array_equal(back.predict(x, array_layout="rowmajor"), expected)
    # The weights matter for the prediction, so an equal prediction says they survived.
    zeroed = FeedForwardModel(symbol, {k: v * 0 for k, v in model.arg_params.items()},
                              model.aux_params)
    assert not np.array_equal(zeroed.predict(x, array_layout="rowmajor"), expected)


def test_batchnorm_aux_states_are_used_by_the_loaded_model(tmp_path):
    symbol, x = NETWORKS["batchnorm"]()
    model = random_model(symbol, x)
    mx.model.save(model, str(tmp_path / "bn"), 1)
    back = mx.model.load(str(tmp_path / "bn"), 1)
    moved = FeedForwardModel(symbol, back.arg_params,
                             {k: v + 1 for k, v in back.aux_params.items()})
    assert not np.array_equal(moved.predict(x, array_layout="rowmajor"),
                              back.predict(x, array_layout="rowmajor"))


# --- models in MXNet's own layouts ------------------------------------------------------------

# An MXNet 0.8-style file: `param` and `attr` keys, `backward_source_id`, no node_row_ptr.
OLD_JSON = {
    "nodes": [
        {"op": "null", "param": {}, "name": "data", "inputs": [], "backward_source_id": -1},
        {"op": "null", "param": {}, "name": "fc1_weight", "inputs": [],
         "backward_source_id": -1, "attr": {"__lr_mult__": "1"}},
        {"op": "null", "param": {}, "name": "fc1_bias", "inputs": [], "backward_source_id": -1},
        {"op": "FullyConnected", "param": {"no_bias": "False", "num_hidden": "3"},
         "name": "fc1", "inputs": [[0, 0], [1, 0], [2, 0]], "backward_source_id": -1},
        {"op": "Activation", "param": {"act_type": "tanh"}, "name": "act1",
         "inputs": [[3, 0]], "backward_source_id": -1},
        {"op": "null", "param": {}, "name": "fc2_weight", "inputs": [], "backward_source_id": -1},
        {"op": "FullyConnected", "param": {"no_bias": "True", "num_hidden": "1"},
         "name": "fc2", "inputs": [[4, 0], [5, 0]], "backward_source_id": -1},
        {"op": "null", "param": {}, "name": "out_label", "inputs": [], "backward_source_id": -1},
        {"op": "LinearRegressionOutput", "param": {"grad_scale": "1"}, "name": "out",
         "inputs": [[6, 0], [7, 0]], "backward_source_id": -1},
    ],
    "arg_nodes": [0, 1, 2, 5, 7],
    "heads": [[8, 0]],
}

# MXNet 1.x layout with `attrs`, variables carrying a copy of their consumer's attrs, and
# hidden keys; BatchNorm with aux states.
NEW_JSON = {
    "nodes": [
        {"op": "null", "name": "data", "inputs": []},
        {"op": "null", "name": "fc_weight", "inputs": [],
         "attrs": {"num_hidden": "3", "__init__": "[\"xavier\", {}]"}},
        {"op": "null", "name": "fc_bias", "attrs": {"num_hidden": "3"}, "inputs": []},
        {"op": "FullyConnected", "name": "fc", "attrs": {"num_hidden": "3"},
         "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]},
        {"op": "null", "name": "bn_gamma", "attrs": {"fix_gamma": "False"}, "inputs": []},
        {"op": "null", "name": "bn_beta", "attrs": {"fix_gamma": "False"}, "inputs": []},
        {"op": "null", "name": "bn_moving_mean", "attrs": {"__init__": "[\"zero\", {}]"},
         "inputs": []},
        {"op": "null", "name": "bn_moving_var", "attrs": {"__init__": "[\"one\", {}]"},
         "inputs": []},
        {"op": "BatchNorm", "name": "bn", "attrs": {"fix_gamma": "False", "eps": "0.001"},
         "inputs": [[3, 0, 0], [4, 0, 0], [5, 0, 0], [6, 0, 1], [7, 0, 1]]},
        {"op": "null", "name": "sm_label", "inputs": []},
        {"op": "SoftmaxOutput", "name": "sm", "attrs": {"normalization": "null"},
         "inputs": [[8, 0, 0], [9, 0, 0]]},
    ],
    "arg_nodes": [0, 1, 2, 4, 5, 6, 7, 9],
    "node_row_ptr": [0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13],
    "heads": [[10, 0, 0]],
    "attrs": {"mxnet_version": ["int", 10600]},
}


def record(magic: int, values: np.ndarray, flag: int, stype: bool = True) -> bytes:
    """One array record as MXNet writes it (V1 has no storage type)."""
    shape = values.shape
    head = struct.pack("<I", magic) + (struct.pack("<i", 0) if stype else b"")
    head += struct.pack(f"<i{len(shape)}q", len(shape), *shape) + struct.pack("<iii", 1, 0, flag)
    return head + values.tobytes()


def params_file(records: list[bytes], names: list[str]) -> bytes:
    out = struct.pack("<QQQ", 0x112, 0, len(records)) + b"".join(records)
    out += struct.pack("<Q", len(names))
    for name in names:
        out += struct.pack("<Q", len(name.encode())) + name.encode()
    return out


def write_checkpoint(prefix: str, symbol_json: dict, records: list[bytes], names: list[str]):
    atomic.atomic_write_bytes(f"{prefix}-symbol.json", json.dumps(symbol_json).encode())
    atomic.atomic_write_bytes(params_path(prefix, 10), params_file(records, names))


def test_old_style_json_and_v1_float64_float16_records_load_and_predict(tmp_path):
    rng = np.random.default_rng(3)
    w1 = rng.normal(size=(3, 4))                       # float64 on disk (flag 1)
    b1 = rng.normal(size=3).astype(np.float16)          # float16 on disk (flag 2)
    w2 = rng.normal(size=(1, 3)).astype(np.float32)
    write_checkpoint(str(tmp_path / "old"), OLD_JSON,
                     [record(0xF993FAC8, w1, 1, stype=False),
                      record(0xF993FAC9, b1, 2), record(0xF993FACA, w2, 0),
                      record(0xF993FAC9, np.ones(2, np.float32), 0)],
                     ["arg:fc1_weight", "arg:fc1_bias", "arg:fc2_weight", "optimizer:state"])
    model = mx.model.load(str(tmp_path / "old"), 10)
    assert list(model.arg_params) == ["fc1_weight", "fc1_bias", "fc2_weight"]
    assert all(v.dtype == np.float32 for v in model.arg_params.values())
    w1f, b1f = w1.astype(np.float32), b1.astype(np.float32)
    expected = np.tanh(X2 @ w1f.T + b1f) @ w2.T
    np.testing.assert_allclose(model.predict(X2, array_layout="rowmajor"), expected, rtol=1e-5,
                               atol=1e-6)


def test_mxnet_1x_json_with_batchnorm_aux_states_loads_and_predicts(tmp_path):
    rng = np.random.default_rng(4)
    w, b = rng.normal(size=(3, 4)).astype(np.float32), rng.normal(size=3).astype(np.float32)
    gamma, beta = np.float32([1.5, 0.5, 2.0]), np.float32([0.1, -0.2, 0.3])
    mean, var = np.float32([0.2, -0.1, 0.4]), np.float32([1.5, 0.7, 2.5])
    names = ["arg:fc_weight", "arg:fc_bias", "arg:bn_gamma", "arg:bn_beta",
             "aux:bn_moving_mean", "aux:bn_moving_var"]
    write_checkpoint(str(tmp_path / "new"), NEW_JSON,
                     [record(0xF993FAC9, a, 0) for a in (w, b, gamma, beta, mean, var)], names)
    model = mx.model.load(str(tmp_path / "new"), 10)
    assert list(model.aux_params) == ["bn_moving_mean", "bn_moving_var"]
    h = X2 @ w.T + b
    h = (h - mean) / np.sqrt(var + np.float32(1e-3)) * gamma + beta
    e = np.exp(h - h.max(axis=1, keepdims=True))
    np.testing.assert_allclose(model.predict(X2, array_layout="rowmajor"),
                               e / e.sum(axis=1, keepdims=True), rtol=1e-5, atol=1e-6)


def test_unsupported_operator_is_named(tmp_path):
    document = json.loads(json.dumps(NEW_JSON))
    document["nodes"][8]["op"] = "RNN"
    write_checkpoint(str(tmp_path / "rnn"), document, [], [])
    with pytest.raises(MXValueError, match="Operator RNN is not supported"):
        mx.model.load(str(tmp_path / "rnn"), 10)


def test_sparse_weights_are_named(tmp_path):
    row_sparse = struct.pack("<Ii", 0xF993FAC9, 1) + struct.pack("<iq", 1, 0) + \
        struct.pack("<iq", 1, 3) + struct.pack("<iii", 1, 0, 0) + struct.pack("<iiq", 6, 1, 0)
    write_checkpoint(str(tmp_path / "sp"), OLD_JSON, [row_sparse], ["arg:fc1_weight"])
    with pytest.raises(ModelFileError, match=r"array 0 \('arg:fc1_weight'\).*row_sparse"):
        mx.model.load(str(tmp_path / "sp"), 10)
