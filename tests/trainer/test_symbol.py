"""Symbols (docs/MXNET_R_BEHAVIOUR.md, "Conventions" and "Symbols and their JSON"): argument/output
order, automatic names, shape inference, JSON."""

from __future__ import annotations

import json

import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import MXError, MXShapeError, MXTypeError, MXValueError
from mxnet_r_compat.graph import symbol as symbol_mod


@pytest.fixture
def fresh_names():
    """Automatic names restart at 0 as in a new R session; the counters are restored after."""
    saved = dict(symbol_mod._name_counters)
    symbol_mod.reset_name_counters()
    yield
    symbol_mod._name_counters.clear()
    symbol_mod._name_counters.update(saved)


def two_layer():
    data = mx.symbol.Variable("data")
    fc1 = mx.symbol.FullyConnected(data, num_hidden=4, name="fc1")
    act = mx.symbol.Activation(fc1, act_type="relu", name="relu1")
    fc2 = mx.symbol.FullyConnected(act, num_hidden=3, name="fc2")
    return mx.symbol.SoftmaxOutput(fc2, name="softmax")


def test_arguments_are_in_depth_first_input_order():
    net = two_layer()
    assert net.arguments() == ["data", "fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias",
                               "softmax_label"]
    assert net.outputs() == ["softmax_output"]
    assert net.auxiliary_states() == []


def test_aux_states_are_not_arguments(bn_net):
    assert bn_net.arguments() == ["data", "fc1_weight", "fc1_bias", "bn_gamma", "bn_beta",
                                  "fc2_weight", "fc2_bias", "lro_label"]
    assert bn_net.auxiliary_states() == ["bn_moving_mean", "bn_moving_var"]


def test_automatic_names_count_per_operator_type(fresh_names):
    data = mx.symbol.Variable("data")
    h = mx.symbol.FullyConnected(data, num_hidden=5)
    h = mx.symbol.Activation(h, act_type="tanh")
    h = mx.symbol.FullyConnected(h, num_hidden=1)
    out = mx.symbol.LinearRegressionOutput(h)
    assert out.arguments() == ["data", "fullyconnected0_weight", "fullyconnected0_bias",
                               "fullyconnected1_weight", "fullyconnected1_bias",
                               "linearregressionoutput0_label"]
    assert out.outputs() == ["linearregressionoutput0_output"]
    assert mx.symbol.Activation(data, act_type="relu").outputs() == ["activation1_output"]


def test_mlp_symbol_names_its_label_after_the_output_op(fresh_names):
    from mxnet_r_compat.training.mlp import mlp_symbol
    net = mlp_symbol([10], 2)
    assert net.arguments()[-1] == "softmaxoutput0_label"
    assert net.arguments()[1:3] == ["fullyconnected0_weight", "fullyconnected0_bias"]


def test_r_spelled_operator_parameters_are_stored_as_backend_strings():
    data = mx.symbol.Variable("data")
    fc = mx.symbol.FullyConnected(data, **{"num.hidden": 3, "no.bias": True}, name="fc")
    assert fc.attributes() == {"num_hidden": "3", "no_bias": "1"}
    assert fc.arguments() == ["data", "fc_weight"]
    drop = mx.symbol.Dropout(data, p=1 / 3, name="d")
    # 6 significant digits (docs/MXNET_R_BEHAVIOUR.md, "Conventions")
    assert drop.attributes()["p"] == "0.333333"


def test_infer_shape_complete():
    net = two_layer()
    args, outs, aux = mx.symbol.infer.shape(net, data=(20, 13))
    assert args == {"data": (20, 13), "fc1_weight": (4, 13), "fc1_bias": (4,),
                    "fc2_weight": (3, 4), "fc2_bias": (3,), "softmax_label": (20,)}
    assert list(args) == net.arguments()
    assert outs == [(20, 3)]
    assert aux == {}


def test_infer_shape_with_aux(bn_net):
    args, outs, aux = bn_net.infer_shape(data=(8, 3))
    assert aux == {"bn_moving_mean": (4,), "bn_moving_var": (4,)}
    assert args["lro_label"] == (8,)
    assert outs == [(8, 1)]


@pytest.mark.parametrize("shapes", [{}, {"softmax_label": (20,)}, {"fc1_weight": (4, 13)}])
def test_infer_shape_is_none_when_incomplete(shapes):
    assert mx.symbol.infer.shape(two_layer(), **shapes) is None


def test_infer_shape_rejects_inconsistent_shapes():
    with pytest.raises(MXShapeError, match=r"Shape inconsistent, Provided=\(5,13\), "
                                            r"inferred shape=\(4,13\)"):
        two_layer().infer_shape(data=(20, 13), fc1_weight=(5, 13))


def test_infer_shape_wants_key_value_style():
    with pytest.raises(MXValueError, match=r"^Need to pass parameters in key=value style\.$"):
        mx.symbol.infer.shape(two_layer(), (20, 13))


def test_json_round_trip(bn_net):
    text = bn_net.tojson()
    back = mx.symbol.load.json(text)
    assert back.arguments() == bn_net.arguments()
    assert back.auxiliary_states() == bn_net.auxiliary_states()
    assert back.outputs() == bn_net.outputs()
    assert back.infer_shape(data=(8, 3)) == bn_net.infer_shape(data=(8, 3))
    assert back.tojson() == text
    graph = json.loads(text)
    assert [n["name"] for n in graph["nodes"] if n["op"] == "null"] == \
        bn_net.arguments()[:5] + ["bn_moving_mean", "bn_moving_var"] + bn_net.arguments()[5:]
    assert graph["heads"] == [[len(graph["nodes"]) - 1, 0, 0]]


def test_save_and_load_file(tmp_path):
    net = two_layer()
    path = tmp_path / "net-symbol.json"
    net.save(str(path))
    assert mx.symbol.load(str(path)).tojson() == net.tojson()


def test_group_collects_outputs():
    a = mx.symbol.FullyConnected(mx.symbol.Variable("x"), num_hidden=2, name="a")
    b = mx.symbol.Activation(mx.symbol.Variable("y"), act_type="relu", name="b")
    g = mx.symbol.Group(a, b)
    assert g.outputs() == ["a_output", "b_output"]
    assert mx.symbol.Group([a, b]).outputs() == g.outputs()
    assert g.arguments() == ["x", "a_weight", "a_bias", "y"]


def test_group_only_accepts_symbols():
    with pytest.raises(MXTypeError, match=r"^Group only accept MXSymbol as input$"):
        mx.symbol.Group(mx.symbol.Variable("x"), 3)


def test_inputs_positional_or_by_name_but_not_both():
    x, w = mx.symbol.Variable("x"), mx.symbol.Variable("w")
    by_name = mx.symbol.FullyConnected(data=x, weight=w, num_hidden=2, name="fc")
    assert by_name.arguments() == ["x", "w", "fc_bias"]
    with pytest.raises(MXValueError, match=r"^Input symbols need to be either positional or "
                                           r"key=value style, not both$"):
        mx.symbol.FullyConnected(x, weight=w, num_hidden=2)


def test_non_symbol_parameters_must_be_keywords():
    with pytest.raises(MXValueError, match=r"^Non Symbol parameters is only accepted via "
                                           r"key=value style\.$"):
        mx.symbol.FullyConnected(mx.symbol.Variable("x"), 2)


def test_unknown_operator_parameter_is_an_error():
    with pytest.raises(MXError, match=r"^Unknown parameter `num_hiden` for operator "
                                      r"FullyConnected"):
        mx.symbol.FullyConnected(mx.symbol.Variable("x"), num_hiden=2)
