"""Does a ``.params`` file belong to a ``-symbol.json``? Checked by ``mx.model.load``.

A symbol from one run and weights from another used to load without complaint, and
``predict`` then blamed X ("neither 3 nor 40 features per sample fit the model"). Checked
here, from the files alone:

- every variable the network uses as a weight, bias, gamma or beta (the names MXNet R's
  initializers treat as parameters) is in the params file, and every auxiliary state too;
- the shapes fit the network: the data shape that the parameters imply (a
  FullyConnected layer reading the data fixes its feature count: ``Op.data_shape_from_params``)
  is run through shape inference, and every parameter must have the shape it infers.

Entries of the params file that the network does not use are allowed, as in MXNet
(``predict(..., allow.extra.params = TRUE)`` uses such files).
"""

from __future__ import annotations

import numpy as np

from ..errors import MXShapeError
from ..graph.roles import Variable, variables
from ..graph.symbol import Symbol
from ..ops import Shape, get_op

LEARNED = frozenset({"weight", "bias", "gamma", "beta"})


def mismatch(symbol: Symbol, arg_params: dict[str, np.ndarray],
             aux_params: dict[str, np.ndarray]) -> str | None:
    """Why ``arg_params``/``aux_params`` cannot be the weights of ``symbol``, or None.

    Example:
        >>> from mxnet_r_compat.graph.symbol import create, Variable as Var
        >>> fc = create("FullyConnected", Var("data"), num_hidden=2, name="fc")
        >>> mismatch(fc, {"fc_weight": np.zeros((3, 4)), "fc_bias": np.zeros(3)}, {})
        '`fc_weight` has shape (3, 4) in the params file; the network needs (2, 4)'
    """
    found = variables(symbol)
    auxiliary = set(symbol.auxiliary_states())
    for v in found:
        if v.name in auxiliary and v.name not in aux_params:
            return f"the network's auxiliary state `{v.name}` ({v.describe()}) is missing"
        if v.name not in auxiliary and v.argument_kinds() & LEARNED and v.name not in arg_params:
            return f"the network's parameter `{v.name}` ({v.describe()}) is missing"
    data_shapes = _implied_data_shapes(found, arg_params)
    if data_shapes is None:
        return None  # nothing fixes the data's shape: the shapes cannot be checked here
    try:
        inferred = symbol.infer_shape(**data_shapes)
    except (MXShapeError, ValueError) as err:
        return f"their shapes do not fit together ({err})"
    if inferred is None:
        return None
    arg_shapes, _, aux_shapes = inferred
    for shapes, params in ((arg_shapes, arg_params), (aux_shapes, aux_params)):
        for name, shape in shapes.items():
            if name in params and tuple(params[name].shape) != tuple(shape):
                return (f"`{name}` has shape {tuple(params[name].shape)} in the params file; "
                        f"the network needs {tuple(shape)}")
    return None


def _implied_data_shapes(found: list[Variable], arg_params: dict) -> dict[str, Shape] | None:
    """A shape for every input variable (not a parameter, not a label), from the layers
    that read it; None unless every input gets one."""
    inputs = [v for v in found if v.name not in arg_params and not v.argument_kinds() & LEARNED
              and "label" not in v.argument_kinds()]
    shapes: dict[str, Shape] = {}
    for v in inputs:
        for consumer, _ in v.uses:
            if consumer.op is None:
                continue
            op = get_op(consumer.op)
            names = op.arguments(consumer.params)
            given = {arg: tuple(arg_params[child.name].shape)
                     for arg, (child, _) in zip(names, consumer.inputs)
                     if child.op is None and child.name in arg_params}
            implied = op.data_shape_from_params(consumer.params, given)
            if implied is not None:
                shapes[v.name] = implied
                break
    return shapes if inputs and len(shapes) == len(inputs) else None
