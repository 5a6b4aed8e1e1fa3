"""mx.viz.plot / mx.viz.network_dot: a network as Graphviz DOT text, drawn by Graphviz's
``dot`` when it is on PATH (tools/setup.sh installs it), printed as text when it is not."""

from __future__ import annotations

import re
import shutil

import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import MXValueError

NODE = re.compile(r'^  "([^"]+)" \[label="([^"]*)"')
EDGE = re.compile(r'^  "([^"]+)" -> "([^"]+)"(?: \[label="([^"]*)"\])?;$')


def parse_dot(text: str) -> tuple[dict[str, str], list[tuple[str, str, str | None]]]:
    """Nodes (id -> label) and edges (from, to, label) of our DOT text."""
    nodes = {m[1]: m[2] for line in text.splitlines() if (m := NODE.match(line))}
    edges = [(m[1], m[2], m[3]) for line in text.splitlines() if (m := EDGE.match(line))]
    return nodes, edges


def mlp() -> mx.symbol.Symbol:
    net = mx.symbol.Variable("data")
    net = mx.symbol.FullyConnected(net, name="fc1", num_hidden=128)
    net = mx.symbol.Activation(net, name="relu1", act_type="relu")
    net = mx.symbol.FullyConnected(net, name="fc2", num_hidden=2)
    return mx.symbol.SoftmaxOutput(net, name="sm")


def lenet() -> mx.symbol.Symbol:
    net = mx.symbol.Variable("data")
    net = mx.symbol.Convolution(net, kernel=(5, 5), num_filter=20, name="conv1")
    net = mx.symbol.Activation(net, act_type="tanh", name="tanh1")
    net = mx.symbol.Pooling(net, pool_type="max", kernel=(2, 2), stride=(2, 2), name="pool1")
    net = mx.symbol.Convolution(net, kernel=(5, 5), num_filter=50, name="conv2")
    net = mx.symbol.Activation(net, act_type="tanh", name="tanh2")
    net = mx.symbol.Pooling(net, pool_type="max", kernel=(2, 2), stride=(2, 2), name="pool2")
    net = mx.symbol.Flatten(net, name="flat")
    net = mx.symbol.FullyConnected(net, num_hidden=500, name="fc1")
    net = mx.symbol.Activation(net, act_type="tanh", name="tanh3")
    net = mx.symbol.FullyConnected(net, num_hidden=10, name="fc2")
    return mx.symbol.SoftmaxOutput(net, name="sm")


def test_mlp_nodes_and_edges():
    nodes, edges = parse_dot(mx.viz.network_dot(mlp()))
    assert nodes == {"data": "data", "fc1": "FullyConnected\\n128",
                     "relu1": "Activation\\nrelu", "fc2": "FullyConnected\\n2",
                     "sm_label": "sm_label", "sm": "SoftmaxOutput"}
    assert edges == [("data", "fc1", None), ("fc1", "relu1", None), ("relu1", "fc2", None),
                     ("fc2", "sm", None), ("sm_label", "sm", None)]


def test_lenet_labels_and_edge_shapes():
    nodes, edges = parse_dot(mx.viz.network_dot(lenet(), shape={"data": (1, 1, 28, 28)}))
    assert nodes["conv1"] == "Convolution\\n5x5/1, 20"
    assert nodes["conv2"] == "Convolution\\n5x5/1, 50"
    assert nodes["tanh1"] == "Activation\\ntanh"
    assert nodes["pool1"] == nodes["pool2"] == "Pooling\\nmax, 2x2/2x2"
    assert nodes["flat"] == "Flatten" and nodes["fc1"] == "FullyConnected\\n500"
    assert not any(n.endswith(("_weight", "_bias")) for n in nodes)
    assert edges[:8] == [("data", "conv1", "1x28x28"), ("conv1", "tanh1", "20x24x24"),
                         ("tanh1", "pool1", "20x24x24"), ("pool1", "conv2", "20x12x12"),
                         ("conv2", "tanh2", "50x8x8"), ("tanh2", "pool2", "50x8x8"),
                         ("pool2", "flat", "50x4x4"), ("flat", "fc1", "800")]


def test_weights_shown_on_request():
    nodes, edges = parse_dot(mx.viz.network_dot(mlp(), hide_weights=False))
    assert {"fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias"} <= set(nodes)
    assert ("fc1_weight", "fc1", None) in edges and ("fc2_bias", "fc2", None) in edges


def test_direction_and_duplicate_names():
    a = mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=3, name="same")
    b = mx.symbol.FullyConnected(a, num_hidden=3, name="same")
    text = mx.viz.network_dot(b, direction="LR")
    assert "  rankdir=LR;" in text.splitlines()
    assert parse_dot(text)[1] == [("data", "same", None), ("same", "same#1", None)]


@pytest.mark.parametrize("kwargs, arg", [({"direction": "up"}, "direction"),
                                         ({"shape": {"sm_label": (3,)}}, "shape")])
def test_bad_arguments_name_the_argument(kwargs, arg):
    with pytest.raises(MXValueError, match=f"argument `{arg}`"):
        mx.viz.network_dot(mlp(), **kwargs)


def test_plot_draws_with_dot(tmp_path, capsys):
    assert shutil.which("dot"), "Graphviz's dot is missing: run `make setup` (Debian graphviz)"
    svg, png = tmp_path / "net.svg", tmp_path / "net.png"
    text = mx.viz.plot(lenet(), file=str(svg))
    mx.viz.plot_network(mlp(), file=str(png))
    assert text == mx.viz.network_dot(lenet())
    assert "<svg" in svg.read_text() and "Convolution" in svg.read_text()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.splitlines() == [f"mx.viz.plot: wrote the graph to {svg}",
                                    f"mx.viz.plot: wrote the graph to {png}"]


def test_plot_without_file_writes_a_temporary_svg(capsys):
    mx.viz.plot(mlp())
    path = capsys.readouterr().err.strip().rsplit(" ", 1)[1]
    with open(path) as drawn:
        assert path.endswith(".svg") and "<svg" in drawn.read()


def test_plot_prints_dot_text_without_graphviz(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH where there is no dot
    text = mx.viz.plot(mlp(), file=str(tmp_path / "net.svg"))
    out = capsys.readouterr()
    assert out.out == text == mx.viz.network_dot(mlp())
    assert out.err.startswith("Graphviz's dot is not installed") and out.err.count("\n") == 1
    assert not (tmp_path / "net.svg").exists()
    mx.viz.plot(mlp(), file=str(tmp_path / "net.dot"))  # the text needs no Graphviz
    assert (tmp_path / "net.dot").read_text() == text


def test_plot_rejects_unknown_file_types(tmp_path):
    with pytest.raises(MXValueError, match="argument `file`"):
        mx.viz.plot(mlp(), file=str(tmp_path / "net.docx"))
