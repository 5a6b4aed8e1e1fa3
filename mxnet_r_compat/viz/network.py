"""A network as Graphviz DOT text (``graph.viz`` in R, ``mx.viz.plot`` in R and Python).

One DOT node per operator, labelled with its type and its main parameters the way MXNet's
plots label them ("FullyConnected\\n128", "Convolution\\n5x5/1, 20", "Activation\\ntanh",
"Pooling\\nmax, 2x2/2x2"); one node per input variable (data, labels). Learned parameters
(``*_weight``, ``*_bias``, BatchNorm's ``*_gamma``/``*_beta`` and moving statistics) are
hidden unless ``hide_weights=False``. Edges run from an input to the operator that reads it;
given input shapes, each edge is labelled with the shape it carries, batch dimension left
out (backend order, "20x24x24"). R and Python build the same text here, so the same network
gives the same DOT in both. Drawing it is render.py's job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import invalid_value
from ..graph.symbol import Node, Symbol

# Fill colours by operator family (the palette of MXNet's plots).
_DATA_COLOR = "#8dd3c7"
_COLORS = {"FullyConnected": "#fb8072", "Convolution": "#fb8072", "Deconvolution": "#fb8072",
           "Activation": "#ffffb3", "LeakyReLU": "#ffffb3", "BatchNorm": "#bebada",
           "Pooling": "#80b1d3", "Concat": "#fdb462", "Flatten": "#fdb462",
           "Reshape": "#fdb462", "SoftmaxOutput": "#b3de69", "SoftmaxActivation": "#b3de69"}
_OTHER_COLOR = "#fccde5"
_PARAM_SUFFIXES = ("_weight", "_bias", "_gamma", "_beta", "_moving_mean", "_moving_var",
                   "_running_mean", "_running_var")
DIRECTIONS = {"TD": "TB", "TB": "TB", "BT": "BT", "LR": "LR", "RL": "RL"}


def _dims(values: Sequence[int]) -> str:
    return "x".join(str(int(v)) for v in values)


def node_label(node: Node) -> str:
    """The text of one node, lines joined by DOT's ``\\n`` escape.

    Example:
        >>> from mxnet_r_compat import mx
        >>> fc = mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=128)
        >>> node_label(fc.nodes()[-1])
        'FullyConnected\\\\n128'
    """
    if node.op is None:
        return node.name
    p = node.params
    if node.op == "FullyConnected":
        return f"FullyConnected\\n{p['num_hidden']}"
    if node.op in ("Convolution", "Deconvolution"):
        stride = _dims(p["stride"]) if p.get("stride") else "1"
        return f"{node.op}\\n{_dims(p['kernel'])}/{stride}, {p['num_filter']}"
    if node.op == "Pooling":
        kernel = "global" if p.get("global_pool") else _dims(p["kernel"])
        stride = _dims(p["stride"]) if p.get("stride") else "1"
        return f"Pooling\\n{p['pool_type']}, {kernel}/{stride}"
    if node.op in ("Activation", "LeakyReLU"):
        return f"{node.op}\\n{p['act_type']}"
    return node.op


def is_parameter(name: str) -> bool:
    """True for the names MXNet gives learned parameters (hidden from plots by default).

    Example:
        >>> is_parameter("fc1_weight"), is_parameter("data")
        (True, False)
    """
    return name.endswith(_PARAM_SUFFIXES)


def _quote(text: str) -> str:
    # labels already carry DOT's \n escapes: only quotes need escaping
    return '"' + text.replace('"', '\\"') + '"'


def _node_ids(nodes: list[Node]) -> dict[int, str]:
    """A DOT id per node: its name, numbered when two nodes share a name."""
    ids: dict[int, str] = {}
    seen: dict[str, int] = {}
    for node in nodes:
        count = seen.get(node.name, 0)
        seen[node.name] = count + 1
        ids[id(node)] = node.name if count == 0 else f"{node.name}#{count}"
    return ids


def _edge_shapes(symbol: Symbol, shape: Mapping[str, Sequence[int]] | None
                 ) -> dict[tuple[int, int], str]:
    """(id(node), output index) -> "CxHxW" of what that output carries, when shapes are known."""
    if not shape:
        return {}
    internals = symbol.get_internals()
    inferred = internals.infer_shape(**{k: tuple(v) for k, v in shape.items()})
    if inferred is None:
        raise invalid_value("shape", dict(shape),
                            f"the shapes of the inputs {_inputs(symbol)}, enough to infer "
                            f"every other shape")
    _, out_shapes, _ = inferred
    return {(id(node), i): _dims(s[1:]) for (node, i), s in
            zip(internals.outputs_, out_shapes, strict=True)}


def _inputs(symbol: Symbol) -> list[str]:
    return [name for name in symbol.arguments() if not is_parameter(name)]


def network_dot(symbol: Symbol, shape: Mapping[str, Sequence[int]] | None = None,
                title: str = "plot", hide_weights: bool = True, direction: str = "TD",
                size: tuple[float, float] | None = None) -> str:
    """The DOT text of a network.

    Args:
        symbol: the network.
        shape: input shapes (backend order, batch first), e.g. ``{"data": (1, 1, 28, 28)}``,
            to label each edge with the shape it carries.
        title: the graph's name.
        hide_weights: leave out learned parameters (``fc1_weight``, ``bn1_gamma``, ...).
        direction: ``"TD"`` (inputs at the top), ``"BT"``, ``"LR"`` or ``"RL"``.
        size: the largest drawing, (width, height) in inches.

    Returns:
        The DOT text, one statement per line.

    Example:
        >>> from mxnet_r_compat import mx
        >>> net = mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=2, name="fc1")
        >>> print(network_dot(net).splitlines()[-2])
          "data" -> "fc1";
    """
    if direction not in DIRECTIONS:
        raise invalid_value("direction", direction, f"one of {sorted(DIRECTIONS)}")
    nodes = symbol.nodes()
    ids = _node_ids(nodes)
    hidden = {id(n) for n in nodes if hide_weights and n.op is None and is_parameter(n.name)}
    shapes = _edge_shapes(symbol, shape)
    lines = [f"digraph {_quote(title)} {{", f"  rankdir={DIRECTIONS[direction]};",
             "  node [shape=box, style=filled, fixedsize=true, width=1.3, height=0.8034, "
             "fontsize=10];"]
    if size is not None:
        lines.append(f'  size="{size[0]:g},{size[1]:g}";')
    for node in nodes:
        if id(node) in hidden:
            continue
        if node.op is None:
            attrs = f"shape=oval, fixedsize=false, fillcolor={_quote(_DATA_COLOR)}"
        else:
            attrs = f"fillcolor={_quote(_COLORS.get(node.op, _OTHER_COLOR))}"
        lines.append(f"  {_quote(ids[id(node)])} [label={_quote(node_label(node))}, {attrs}];")
    for node in nodes:
        for child, index in node.inputs:
            if id(child) in hidden:
                continue
            label = shapes.get((id(child), index))
            suffix = f" [label={_quote(label)}]" if label else ""
            lines.append(f"  {_quote(ids[id(child)])} -> {_quote(ids[id(node)])}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def parse_size(width: Any, height: Any) -> tuple[float, float] | None:
    """(width, height) in inches from pixel counts (96 per inch), or None when either is None.

    Example:
        >>> parse_size(480, 960)
        (5.0, 10.0)
    """
    if width is None or height is None:
        return None
    return float(width) / 96.0, float(height) / 96.0
