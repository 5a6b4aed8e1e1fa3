"""Shape inference over a symbol graph, from the shapes of some arguments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import MXShapeError
from ..ops import Shape, get_op

if TYPE_CHECKING:
    from .symbol import Node, Symbol


def infer_node_shapes(symbol: Symbol, known: dict[str, Shape]
                      ) -> tuple[dict[str, Shape], dict[int, list[Shape | None]]]:
    """Propagate shapes through the graph.

    Returns the shapes of the variables (arguments and aux states) that could be
    determined, and the output shapes of every op node (by ``id(node)``).
    Unknown names in ``known`` are an error naming them.
    """
    nodes = symbol.nodes()
    names = {n.name for n in nodes if n.op is None}
    extra = [k for k in known if k not in names]
    if extra:
        raise MXShapeError(f"Shape given for `{extra[0]}`, which is not an argument of the "
                           f"network. Arguments: {', '.join(symbol.arguments())}.")
    var_shapes: dict[str, Shape] = dict(known)
    out_shapes: dict[int, list[Shape | None]] = {}
    for _ in range(2):  # a second pass picks up shapes learned late (rare)
        for node in nodes:
            if node.op is not None:
                _infer_node(node, var_shapes, out_shapes)
    return var_shapes, out_shapes


def _infer_node(node: Node, var_shapes: dict[str, Shape],
                out_shapes: dict[int, list[Shape | None]]) -> None:
    assert node.op is not None  # variables have no shape rule
    op = get_op(node.op)
    p = node.params
    n_args = len(op.arguments(p))
    ins = [_entry_shape(c, i, var_shapes, out_shapes) for c, i in node.inputs]
    try:
        new_ins, outs, aux = op.infer_shape(p, ins[:n_args])
    except ValueError as err:
        if isinstance(err, MXShapeError):
            raise
        raise MXShapeError(f"{node.name} ({node.op}): {err}") from None
    for (child, _), shape in zip(node.inputs, list(new_ins) + list(aux)):
        if child.op is None and shape is not None:
            old = var_shapes.get(child.name)
            if old is not None and tuple(old) != tuple(shape):
                raise MXShapeError(f"{node.name} ({node.op}): Shape inconsistent, "
                                   f"Provided={_fmt(old)}, inferred shape={_fmt(shape)} "
                                   f"for `{child.name}`")
            var_shapes[child.name] = tuple(shape)
    out_shapes[id(node)] = [None if s is None else tuple(s) for s in outs]


def _entry_shape(node: Node, index: int, var_shapes, out_shapes) -> Shape | None:
    if node.op is None:
        return var_shapes.get(node.name)
    shapes = out_shapes.get(id(node))
    return None if shapes is None else shapes[index]


def _fmt(shape: Shape) -> str:
    return "(" + ",".join(str(s) for s in shape) + ")"


def infer_shapes(symbol: Symbol, known: dict[str, Shape]):
    """``(arg_shapes, out_shapes, aux_shapes)`` in backend order, or None if incomplete."""
    var_shapes, out_shapes = infer_node_shapes(symbol, known)
    args = symbol.arguments()
    auxs = symbol.auxiliary_states()
    outs = []
    for node, i in symbol.outputs_:
        outs.append(var_shapes.get(node.name) if node.op is None else out_shapes[id(node)][i])
    if any(a not in var_shapes for a in args + auxs) or any(o is None for o in outs):
        return None
    return ({a: var_shapes[a] for a in args}, outs, {a: var_shapes[a] for a in auxs})
