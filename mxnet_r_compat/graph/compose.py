"""Composition: a copy of a symbol with some of its arguments replaced (``mx.apply``)."""

from __future__ import annotations

from ..errors import MXValueError
from .symbol import Node, Symbol


def compose(sym: Symbol, keys: list[str], values: list[Symbol],
            name: str | None = None) -> Symbol:
    """A copy of ``sym`` with some of its arguments replaced by other symbols (``mx.apply``).

    ``keys`` are argument names (``fc1_weight``) or, when ``sym``'s output is one operator,
    that operator's own input names (``data`` for its ``<name>_data``). Unnamed inputs (all
    keys "") replace the arguments in order. ``name`` renames the output operator.

    Example:
        >>> fc = create("FullyConnected", num_hidden=2, name="fc")   # argument fc_data
        >>> compose(fc, ["data"], [Variable("x")]).arguments()
        ['x', 'fc_weight', 'fc_bias']
    """
    args = sym.arguments()
    keys = list(keys)
    if keys and all(k == "" for k in keys):
        if len(keys) > len(args):
            raise MXValueError(f"mx.apply got {len(keys)} inputs; the symbol has only "
                               f"{len(args)} arguments ({', '.join(args)}).")
        keys = args[: len(keys)]
    elif any(k == "" for k in keys):
        raise MXValueError("Input symbols need to be either positional or key=value style, "
                           "not both")
    elif len(set(keys)) != len(keys):
        raise MXValueError("mx.apply: an argument is given twice")
    head = sym.outputs_[0][0] if len(sym.outputs_) == 1 else None
    replace: dict[str, tuple[Node, int]] = {}
    for key, value in zip(keys, values, strict=True):
        target = key
        if target not in args and head is not None and head.op is not None \
                and f"{head.name}_{key}" in args:
            target = f"{head.name}_{key}"
        if target not in args:
            raise MXValueError(f"mx.apply: `{key}` is not an argument of the symbol. "
                               f"Arguments: {', '.join(args)}.")
        replace[target] = value._single_entry(f"mx.apply input `{key}`")
    copies: dict[int, Node] = {}

    def entry(node: Node, index: int) -> tuple[Node, int]:
        if node.op is None and node.name in replace:
            return replace[node.name]
        if id(node) not in copies:
            new_name = name if name and node is head else node.name
            copies[id(node)] = Node(node.op, new_name, node.attrs,
                                    [entry(n, j) for n, j in node.inputs])
        return copies[id(node)], index

    return Symbol([entry(n, j) for n, j in sym.outputs_])
