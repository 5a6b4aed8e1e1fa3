"""Symbol JSON: MXNet 1.x and pre-nnvm files, the written layout, and malformed input."""

from __future__ import annotations

import contextlib
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mxnet_r_compat.errors import ModelFileError
from mxnet_r_compat.formats import symbol_json
from mxnet_r_compat.formats.symbol_json import dump_symbol_json, parse_symbol_json

# An MLP as MXNet 1.x writes it (layout of real files: ", " + newline, short arrays inline).
MLP_1X = """{
  "nodes": [
    {
      "op": "null", 
      "name": "data", 
      "inputs": []
    }, 
    {
      "op": "null", 
      "name": "fc1_weight", 
      "attrs": {"num_hidden": "128"}, 
      "inputs": []
    }, 
    {
      "op": "null", 
      "name": "fc1_bias", 
      "attrs": {"num_hidden": "128"}, 
      "inputs": []
    }, 
    {
      "op": "FullyConnected", 
      "name": "fc1", 
      "attrs": {"num_hidden": "128"}, 
      "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]
    }, 
    {
      "op": "Activation", 
      "name": "relu1", 
      "attrs": {"act_type": "relu"}, 
      "inputs": [[3, 0, 0]]
    }, 
    {
      "op": "null", 
      "name": "softmax_label", 
      "inputs": []
    }, 
    {
      "op": "SoftmaxOutput", 
      "name": "softmax", 
      "attrs": {
        "grad_scale": "1", 
        "normalization": "null"
      }, 
      "inputs": [[4, 0, 0], [5, 0, 0]]
    }
  ], 
  "arg_nodes": [0, 1, 2, 5], 
  "node_row_ptr": [0, 1, 2, 3, 4, 5, 6, 7], 
  "heads": [[6, 0, 0]], 
  "attrs": {"mxnet_version": ["int", 10900]}
}"""

# Before nnvm (MXNet < 0.9): `param` and `attr`, two-element inputs, backward_source_id.
OLD_STYLE = """{
  "nodes": [
    {"op": "null", "param": {}, "name": "data", "inputs": [], "backward_source_id": -1},
    {"op": "null", "param": {}, "name": "w", "inputs": [], "backward_source_id": -1,
     "attr": {"__lr_mult__": "2"}},
    {"op": "FullyConnected", "name": "fc",
     "param": {"no_bias": "True", "num_hidden": "10", "shared": "param"},
     "attr": {"ctx_group": "dev1", "shared": "attr"},
     "attrs": {"shared": "attrs"},
     "inputs": [[0, 0], [1, 0]], "backward_source_id": -1},
    {"op": "SliceChannel", "name": "split", "param": {"num_outputs": 2},
     "inputs": [[2, 0]], "backward_source_id": -1},
    {"op": "ElementWiseSum", "name": "sum", "param": {"num_args": 2, "scale": 0.5,
     "flag": true}, "inputs": [[3, 0], [3, 1]], "backward_source_id": -1}
  ],
  "arg_nodes": [0, 1],
  "heads": [[4, 0]]
}"""


def test_parse_mxnet_1x_file():
    graph = parse_symbol_json(MLP_1X)
    assert graph["mxnet_version"] == 10900
    assert graph["arg_nodes"] == [0, 1, 2, 5]
    assert graph["heads"] == [[6, 0]]
    assert graph["nodes"][3] == {"op": "FullyConnected", "name": "fc1",
                                 "attrs": {"num_hidden": "128"},
                                 "inputs": [[0, 0], [1, 0], [2, 0]], "num_outputs": 1}
    assert graph["nodes"][0] == {"op": "null", "name": "data", "attrs": {}, "inputs": [],
                                 "num_outputs": 1}
    assert graph["nodes"][6]["attrs"] == {"grad_scale": "1", "normalization": "null"}


def test_dump_reproduces_mxnet_layout_byte_for_byte():
    graph = parse_symbol_json(MLP_1X)
    assert dump_symbol_json(graph["nodes"], graph["heads"], graph["mxnet_version"]) == MLP_1X


def test_parse_old_style_file():
    graph = parse_symbol_json(OLD_STYLE.encode())
    assert graph["mxnet_version"] is None
    assert graph["nodes"][1]["attrs"] == {"__lr_mult__": "2"}
    assert graph["nodes"][2]["attrs"] == {"no_bias": "True", "num_hidden": "10",
                                          "ctx_group": "dev1", "shared": "attrs"}
    assert graph["nodes"][4]["attrs"] == {"num_args": "2", "scale": "0.5", "flag": "True"}
    assert graph["nodes"][4]["inputs"] == [[3, 0], [3, 1]]
    assert [n["num_outputs"] for n in graph["nodes"]] == [1, 1, 1, 2, 1]  # inferred
    assert "backward_source_id" not in graph["nodes"][0]


def test_round_trip_is_stable_and_deterministic():
    graph = parse_symbol_json(OLD_STYLE)
    text = dump_symbol_json(graph["nodes"], graph["heads"])
    again = parse_symbol_json(text)
    assert again == {**graph, "mxnet_version": 10900}
    assert dump_symbol_json(again["nodes"], again["heads"]) == text
    assert '"node_row_ptr": [0, 1, 2, 3, 5, 6]' in text
    assert '"inputs": [[3, 0, 0], [3, 1, 0]]' in text


def test_long_arrays_are_written_one_item_per_line():
    nodes = [{"op": "null", "name": f"x{i}", "inputs": []} for i in range(11)]
    nodes.append({"op": "add_n", "name": "sum", "attrs": {"num_args": "11"},
                  "inputs": [[i, 0] for i in range(11)]})
    text = dump_symbol_json(nodes, [[11, 0]])
    assert '  "arg_nodes": [\n    0, \n    1, \n' in text
    assert '      "inputs": [\n        [0, 0, 0], \n        [1, 0, 0], \n' in text
    assert json.loads(text)["node_row_ptr"] == list(range(13))


def test_dump_accepts_numpy_integers_and_tuples():
    nodes = [{"op": "null", "name": "x", "inputs": ()},
             {"op": "relu", "name": "r", "inputs": [(np.int64(0), np.int32(0))]}]
    assert parse_symbol_json(dump_symbol_json(nodes, [(1, 0)]))["heads"] == [[1, 0]]


@pytest.mark.parametrize("nodes, heads, message", [
    ([], [[0, 0]], "refers to node 0"),
    ([{"op": "null", "name": "x", "inputs": [], "num_outputs": 2}], [[0, 0]], "exactly 1"),
    ([{"op": "null", "name": "x", "inputs": [], "num_outputs": "1"}], [[0, 0]], "num_outputs"),
    ([{"op": "null", "name": "x", "inputs": []}], [[0, 1]], "uses output 1 of node 0"),
    ([{"op": "null", "name": "x", "inputs": [], "attrs": {"a": object()}}], [[0, 0]], "JSON"),
    (["x"], [[0, 0]], "must be a dict"),
])
def test_dump_rejects_invalid_graphs(nodes, heads, message):
    with pytest.raises(ModelFileError, match=message):
        dump_symbol_json(nodes, heads)


def mutate(document: dict, path: list, value: object) -> str:
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return json.dumps(document)


BAD_FIELDS = [
    (["nodes"], {}, "`nodes` of the top level must be a list"),
    (["nodes", 0], [], "node 0 must be a JSON object"),
    (["nodes", 0, "op"], 3, "`op` of node 0 must be a str"),
    (["nodes", 1, "name"], None, "`name` of node 1 must be a str"),
    (["nodes", 3, "inputs"], [[4, 0, 0]], "refers to node 4.*earlier nodes"),
    (["nodes", 3, "inputs"], [[3, 0, 0]], "refers to node 3"),
    (["nodes", 3, "inputs"], [[-1, 0, 0]], "refers to node -1"),
    (["nodes", 3, "inputs"], [[0, 0, 0, 0]], "must be \\[node_id"),
    (["nodes", 3, "inputs"], [[0, True]], "must be \\[node_id"),
    (["nodes", 3, "inputs"], [[0, 1.0]], "must be \\[node_id"),
    (["nodes", 3, "inputs"], [[0, 1]], "uses output 1 of node 0"),
    (["nodes", 3, "inputs"], {}, "`inputs` must be a list"),
    (["nodes", 0, "inputs"], [[0, 0]], "refers to node 0"),
    (["nodes", 1, "inputs"], [[0, 0]], "variable .* has inputs"),
    (["nodes", 3, "attrs"], {"num_hidden": [128]}, "value of 'num_hidden' must be a string"),
    (["nodes", 3, "attrs"], "x", "`attrs` must be a JSON object"),
    (["heads"], [], "`heads` is empty"),
    (["heads"], [[7, 0, 0]], "head 0 refers to node 7"),
    (["heads"], [[6, -1, 0]], "negative"),
    (["arg_nodes"], [0, 3], "node 3, which is not a variable"),
    (["arg_nodes"], [99], "`arg_nodes`"),
    (["node_row_ptr"], [0, 1, 2], "`node_row_ptr` must be 8 integers"),
    (["node_row_ptr"], [0, 1, 2, 3, 4, 5, 7, 8], "node 5 .* has 2 outputs"),
    (["attrs"], {"mxnet_version": ["str", "1.9"]}, "`mxnet_version`"),
    (["attrs"], [], "top-level `attrs`"),
]


@pytest.mark.parametrize("path, value, message", BAD_FIELDS)
def test_malformed_fields_are_reported(path, value, message):
    with pytest.raises(ModelFileError, match=message):
        parse_symbol_json(mutate(json.loads(MLP_1X), path, value))


@pytest.mark.parametrize("text, message", [
    ("", "not valid JSON"),
    ("{\"nodes\": [", "not valid JSON"),
    ("[1, 2]", "top level must be a JSON object"),
    ('{"heads": []}', "no `nodes`"),
    ('{"nodes": [], "heads": [[0, 0]]}', "refers to node 0"),
    ('{"nodes": [{"op": "null", "name": "x", "inputs": []}]}', "no `heads`"),
    ('{"nodes": [{"op": "null", "name": "x", "attrs": {"a": NaN}}], "heads": [[0, 0]]}', "NaN"),
    (b"\xff\xfe", "not UTF-8"),
    ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
    ('{"nodes": [' + "9" * 5000 + "]}", "not valid JSON"),
    (42, "str or bytes"),
])
def test_malformed_text_is_reported(text, message):
    with pytest.raises(ModelFileError, match=message):
        parse_symbol_json(text)


def test_too_many_nodes_is_refused_before_validation():
    text = '{"nodes": [' + ",".join(["0"] * (symbol_json.MAX_NODES + 1)) + '], "heads": []}'
    with pytest.raises(ModelFileError, match="1000001 nodes is more than the limit"):
        parse_symbol_json(text)


def test_oversized_text_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(symbol_json, "MAX_TEXT_CHARS", 1000)
    monkeypatch.setattr(symbol_json.json, "loads", lambda *a, **k: pytest.fail("parsed"))
    with pytest.raises(ModelFileError, match="more than the limit 1000"):
        parse_symbol_json(" " * 1001)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_fuzz_mutations_raise_only_model_file_error(data):
    text = list(MLP_1X)
    alphabet = st.sampled_from(list('[]{}",:0123456789-ne ') + ["null", "true", "1e9"])
    for _ in range(data.draw(st.integers(1, 6))):
        text[data.draw(st.integers(0, len(text) - 1))] = data.draw(alphabet)
    try:
        graph = parse_symbol_json("".join(text))
    except ModelFileError:
        return
    dump_symbol_json(graph["nodes"], graph["heads"])  # whatever parses can be written back


@settings(max_examples=300, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.sampled_from(["nodes", "heads", "op", "name", "inputs",
                                                       "attrs", "arg_nodes", "node_row_ptr"]),
                                      inner, max_size=4),
                    max_leaves=20))
def test_fuzz_random_documents_raise_only_model_file_error(document):
    with contextlib.suppress(ModelFileError):
        parse_symbol_json(json.dumps(document))
