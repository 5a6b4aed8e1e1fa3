"""What each variable of a network is used as: its role (``the weight of FullyConnected
`fc1```), and the names that several distinct variables share.

Arrays are bound by name, so two distinct ``mx.symbol.Variable`` nodes with one name
share one array. Passing the same variable to two layers is how weights are shared on
purpose; two variables that happen to have the same name (two layers both named "fc", or
a hand-written ``Variable("data")`` used as a weight) share it by accident. The trainer
refuses or warns about those (training/checks.py) and ``mx.model.load`` uses the roles to
check a params file against its symbol (training/persistence.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..ops import get_op
from .symbol import Node, Symbol


@dataclass
class Variable:
    """One variable node and where it is used: ``(consumer node, argument name)`` pairs."""

    node: Node
    uses: list[tuple[Node, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.node.name

    def argument_kinds(self) -> set[str]:
        """The argument names it is passed as (``{"weight"}``, ``{"data"}``...)."""
        return {argument for _, argument in self.uses}

    def describe(self) -> str:
        """``the weight of FullyConnected `fc1``` (its first use), or ``an unused variable``.

        Example:
            >>> from mxnet_r_compat.graph.symbol import create, Variable as Var
            >>> fc = create("FullyConnected", Var("x"), num_hidden=2, name="fc1")
            >>> variables(fc)[1].describe()
            'the weight of FullyConnected `fc1`'
        """
        if not self.uses:
            return "an output of the network"
        consumer, argument = self.uses[0]
        return f"the {argument} of {consumer.op} `{consumer.name}`"


def variables(symbol: Symbol) -> list[Variable]:
    """Every variable node of ``symbol`` with its uses, in topological order.

    Example:
        >>> from mxnet_r_compat.graph.symbol import create, Variable as Var
        >>> fc = create("FullyConnected", Var("x"), num_hidden=2, name="fc1")
        >>> [(v.name, sorted(v.argument_kinds())) for v in variables(fc)]
        [('x', ['data']), ('fc1_weight', ['weight']), ('fc1_bias', ['bias'])]
    """
    found: dict[int, Variable] = {}
    for node in symbol.nodes():
        if node.op is None:
            found.setdefault(id(node), Variable(node))
            continue
        op = get_op(node.op)
        names = op.arguments(node.params) + op.aux_states(node.params)
        for index, (child, _) in enumerate(node.inputs):
            if child.op is None:
                argument = names[index] if index < len(names) else f"input {index + 1}"
                found.setdefault(id(child), Variable(child)).uses.append((node, argument))
    return list(found.values())


def shared_names(symbol: Symbol) -> dict[str, list[Variable]]:
    """Names carried by more than one distinct variable node, with those variables.

    Example:
        >>> from mxnet_r_compat.graph.symbol import create, Variable as Var
        >>> a = create("FullyConnected", Var("x"), num_hidden=2, name="fc")
        >>> b = create("FullyConnected", a, num_hidden=2, name="fc")
        >>> sorted(shared_names(b))
        ['fc_bias', 'fc_weight']
    """
    by_name: dict[str, list[Variable]] = {}
    for variable in variables(symbol):
        by_name.setdefault(variable.name, []).append(variable)
    return {name: found for name, found in by_name.items() if len(found) > 1}
