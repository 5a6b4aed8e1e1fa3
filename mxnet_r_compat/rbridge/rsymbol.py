"""Symbols as R sees them: an R ``MXSymbol`` carries its graph as MXNet JSON.

Each composition rebuilds the Python graph from its inputs' JSON. Nodes with
the same name are the same node (a network reuses ``data`` in two branches),
so inputs built separately in R join up exactly as in MXNet.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..formats.symbol_json import parse_symbol_json
from ..graph.symbol import Node, Symbol
from ..ops import format_param, get_op
from . import convert


#: The R class of a symbol: MXNet R's Rcpp class name first, so code that tests
#: ``inherits(x, "Rcpp_MXSymbol")`` works, then the S3 class our methods dispatch on
#: (docs/COMPATIBILITY.md row 16).
SYMBOL_CLASS = ["Rcpp_MXSymbol", "MXSymbol"]


def load_shared(texts: list[str]) -> list[Symbol]:
    """Symbols from JSON texts, sharing nodes that have the same name."""
    cache: dict[str, Node] = {}
    out = []
    for text in texts:
        graph = parse_symbol_json(text)
        nodes: list[Node] = []
        for entry in graph["nodes"]:
            node = cache.get(entry["name"])
            if node is None:
                op = None if entry["op"] == "null" else entry["op"]
                node = Node(op, entry["name"], entry["attrs"],
                            [(nodes[i], j) for i, j in entry["inputs"]])
                cache[entry["name"]] = node
            nodes.append(node)
        out.append(Symbol([(nodes[i], j) for i, j in graph["heads"]]))
    return out


def symbol_from_r(x: Any) -> Symbol:
    """The Python symbol of an R ``MXSymbol``."""
    if "MXSymbol" not in convert.r_class(x):
        raise TypeError("symbol needs to be MXSymbol")
    return load_shared([json_of(x)])[0]


def json_of(x: Any) -> str:
    fields = convert.named_list(x)
    return str(fields["json"][0])


def symbol_to_r(sym: Symbol) -> Any:
    """An R ``MXSymbol`` for a Python symbol."""
    import rpy2.rinterface as ri
    return convert.make_list({"json": ri.StrSexpVector([sym.tojson()])}, SYMBOL_CLASS)


def param_from_r(name: str, value: Any, op: str | None = None) -> str:
    """An R operator parameter as MXNet R formats it (docs/MXNET_R_BEHAVIOUR.md, "Conventions").

    Vectors of length != 1, and anything under a name ending in "shape", are
    shapes written in reverse (R dims → backend). With ``op``, a value that its text
    would silently change (``num_hidden = TRUE``, a shape of 1.5) is refused first.
    """
    rt = convert.RT
    spec = get_op(op).params.get(name.replace(".", "_")) if op is not None else None
    op_name = op or ""
    if value.typeof == rt.STRSXP:
        return str(value[0])
    if value.typeof == rt.LGLSXP:
        if spec is not None:  # shown as R shows it: num_hidden=TRUE
            spec.check_value(op_name, name, convert.RLiteral(convert.r_literal(value)))
        return format_param(bool(value[0]))
    if value.typeof not in (rt.REALSXP, rt.INTSXP):
        raise TypeError(f"Invalid value for parameter `{name}`: an R "
                        f"{convert.describe_r(value)} is not a number, logical or string.")
    values = list(value)
    if len(values) != 1 or name.endswith("shape"):
        shape = tuple(reversed(values))
        if spec is not None:
            spec.check_value(op_name, name, shape)
        return format_param(tuple(int(v) for v in shape))
    v = values[0]
    if value.typeof == rt.INTSXP:
        return format_param(int(v))
    return format_param(float(v)) if not float(v).is_integer() or abs(v) >= 1e15 \
        else format_param(int(v)) if np.isfinite(v) else format_param(float(v))
