"""graph.viz and mx.viz.plot from R (R/viz.R): the same DOT text as Python for the same
network, an SVG or PNG drawn when Graphviz's dot is installed, and the DOT text printed after
a one-line note when it is not (a PATH without dot)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from mxnet_r_compat import mx

from .conftest import TIMEOUT, write_script

NETS = r"""
mlp <- mx.symbol.Variable("data")
mlp <- mx.symbol.FullyConnected(mlp, name = "fc1", num_hidden = 128)
mlp <- mx.symbol.Activation(mlp, name = "relu1", act_type = "relu")
mlp <- mx.symbol.FullyConnected(mlp, name = "fc2", num_hidden = 2)
mlp <- mx.symbol.SoftmaxOutput(mlp, name = "sm")
lenet <- mx.symbol.Variable("data")
lenet <- mx.symbol.Convolution(lenet, kernel = c(5, 5), num_filter = 20, name = "conv1")
lenet <- mx.symbol.Activation(lenet, act_type = "tanh", name = "tanh1")
lenet <- mx.symbol.Pooling(lenet, pool_type = "max", kernel = c(2, 2), stride = c(2, 2),
                           name = "pool1")
lenet <- mx.symbol.Convolution(lenet, kernel = c(5, 5), num_filter = 50, name = "conv2")
lenet <- mx.symbol.Activation(lenet, act_type = "tanh", name = "tanh2")
lenet <- mx.symbol.Pooling(lenet, pool_type = "max", kernel = c(2, 2), stride = c(2, 2),
                           name = "pool2")
lenet <- mx.symbol.Flatten(lenet, name = "flat")
lenet <- mx.symbol.FullyConnected(lenet, num_hidden = 500, name = "fc1")
lenet <- mx.symbol.Activation(lenet, act_type = "tanh", name = "tanh3")
lenet <- mx.symbol.FullyConnected(lenet, num_hidden = 10, name = "fc2")
lenet <- mx.symbol.SoftmaxOutput(lenet, name = "sm")
"""

SCRIPT = NETS + r"""
emit("mlp", graph.viz(mlp))
emit("lenet.shape", mx.viz.plot(lenet, file = "lenet.svg", shape = list(data = c(28, 28, 1, 1))))
emit("lenet.vector", mx.viz.plot(lenet, file = "lenet.png", shape = c(28, 28, 1, 1)))
emit("weights", mx.viz.plot(mlp, file = "mlp.dot", hide.weights = FALSE, direction = "LR"))
emit("sized", graph.viz(mlp, type = "vis", graph.width.px = 480, graph.height.px = 960))
emit("svg", grepl("<svg", paste(readLines("lenet.svg"), collapse = "\n")))
emit("png", readBin("lenet.png", "raw", 4))
emit("bad.type", msg(graph.viz(mlp, type = "plotly")))
emit("bad.symbol", msg(graph.viz("data")))
emit("bad.file", msg(mx.viz.plot(mlp, file = "net.docx")))
"""


def mlp() -> mx.symbol.Symbol:
    """NETS' mlp, built in Python."""
    net = mx.symbol.FullyConnected(mx.symbol.Variable("data"), name="fc1", num_hidden=128)
    net = mx.symbol.Activation(net, name="relu1", act_type="relu")
    net = mx.symbol.FullyConnected(net, name="fc2", num_hidden=2)
    return mx.symbol.SoftmaxOutput(net, name="sm")


def lenet() -> mx.symbol.Symbol:
    """NETS' lenet, built in Python."""
    net = mx.symbol.Variable("data")
    for i, filters in ((1, 20), (2, 50)):
        net = mx.symbol.Convolution(net, kernel=(5, 5), num_filter=filters, name=f"conv{i}")
        net = mx.symbol.Activation(net, act_type="tanh", name=f"tanh{i}")
        net = mx.symbol.Pooling(net, pool_type="max", kernel=(2, 2), stride=(2, 2),
                                name=f"pool{i}")
    net = mx.symbol.Flatten(net, name="flat")
    net = mx.symbol.FullyConnected(net, num_hidden=500, name="fc1")
    net = mx.symbol.Activation(net, act_type="tanh", name="tanh3")
    net = mx.symbol.FullyConnected(net, num_hidden=10, name="fc2")
    return mx.symbol.SoftmaxOutput(net, name="sm")


def dot_of(value: str) -> str:
    """emit() writes newlines as the two characters \\n; DOT's own \\n escapes stay as they are
    (they are followed by a label character, never by the two spaces of a new statement)."""
    text = value.replace("\\n  ", "\n  ").replace("\\n}", "\n}")
    return text[:-2] + "\n" if text.endswith("}\\n") else text


@pytest.fixture(scope="module")
def r(run_r_module):
    run = run_r_module(SCRIPT)
    assert run.returncode == 0, run.stderr
    return run


def test_r_gives_pythons_dot_text(r):
    assert dot_of(r["mlp"]) == mx.viz.network_dot(mlp())
    assert dot_of(r["lenet.shape"]) == dot_of(r["lenet.vector"]) == \
        mx.viz.network_dot(lenet(), shape={"data": (1, 1, 28, 28)})
    assert dot_of(r["weights"]) == mx.viz.network_dot(mlp(), hide_weights=False, direction="LR")
    assert '  size="5,10";' in dot_of(r["sized"]).splitlines()


def test_files_are_drawn_and_named(r):
    assert r["svg"] == "TRUE"
    assert r["png"] == "89 50 4e 47"
    assert (r.cwd / "mlp.dot").read_text() == mx.viz.network_dot(mlp(), hide_weights=False,
                                                                 direction="LR")
    lines = r.stderr.splitlines()
    assert "mx.viz.plot: wrote the graph to lenet.svg" in lines
    assert sum(line.startswith("graph.viz: wrote the graph to /") and line.endswith(".svg")
               for line in lines) == 2


def test_errors_name_the_argument(r):
    assert r["bad.type"] == ('Invalid value for argument `type`. Received: type="plotly". '
                             'Expected "graph" or "vis".')
    assert r["bad.symbol"] == "only for MXSymbol type"
    assert "argument `file`" in r["bad.file"]


def path_without_dot(directory: Path) -> str:
    """A directory of links to every program on PATH except Graphviz's dot."""
    for entry in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(entry):
            continue
        for name in os.listdir(entry):
            link = directory / name
            if name != "dot" and not link.exists():
                link.symlink_to(os.path.join(entry, name))
    return str(directory)


def test_without_graphviz_the_dot_text_is_printed(r_host, rapi_env, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    env = r_host.env({**rapi_env, "PATH": path_without_dot(bin_dir)})
    script = write_script(tmp_path, NETS + 'graph.viz(mlp)\nmx.viz.plot(mlp, file = "mlp.svg")\n')
    proc = subprocess.run(r_host.argv(str(script)), env=env, cwd=tmp_path, text=True,
                          capture_output=True, timeout=TIMEOUT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == 2 * mx.viz.network_dot(mlp())  # shown once each, not auto-printed
    note = "Graphviz's dot is not installed (Debian: apt-get install graphviz), so here is " \
           "the graph as DOT text:"
    assert proc.stderr.splitlines().count(note) == 2
    assert not (tmp_path / "mlp.svg").exists()
