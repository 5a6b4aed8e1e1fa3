"""Initial parameters, and the ``arg.params``/``aux.params`` a caller passes to override them."""

from __future__ import annotations

import numpy as np

from .. import io
from ..errors import (MXShapeError, MXTypeError, MXValueError, arg_name, invalid_shape,
                      invalid_value, word)
from ..graph.symbol import Symbol
from ..learn import initializer as init_mod


def init_params(symbol: Symbol, input_shape: dict, output_shape: dict,
                initializer, ctx=None) -> tuple[dict, dict]:
    """Initial ``(arg_params, aux_params)`` for the given data and label shapes.

    Weights are drawn in argument order (``mx.model.init.params``; the argument
    names are R's ``input.shape`` / ``output.shape``, named lists of shapes).
    """
    if not isinstance(symbol, Symbol):
        raise MXTypeError("symbol needs to be MXSymbol")
    shapes = symbol.infer_shape(**input_shape, **output_shape)
    if shapes is None:
        raise MXShapeError("Not enough information to get shapes")
    arg_shapes, _, aux_shapes = shapes
    arg_params = init_mod.create(initializer, arg_shapes, ctx, skip_unknown=True)
    aux_params = init_mod.create(initializer, aux_shapes, ctx, skip_unknown=False)
    return arg_params, aux_params


def init_params_checked(symbol: Symbol, input_shapes: dict, output_shapes: dict, initializer,
                         from_iterator: bool) -> tuple[dict, dict]:
    try:
        return init_params(symbol, input_shapes, output_shapes,
                           initializer or init_mod.uniform(0.01))
    except MXShapeError as err:
        raise _label_shape_error(symbol, input_shapes, output_shapes, err,
                                 "X" if from_iterator else "y") from err


def check_param_overrides(symbol: Symbol, given: dict | None, initial: dict, kind: str,
                           allow_extra: bool, check_finite: bool = True) -> dict:
    if given is None:
        return initial
    if not isinstance(given, dict):
        raise invalid_value(kind, type(given).__name__, "a named list/dict of arrays")
    names = symbol.arguments() if kind == "arg.params" else symbol.auxiliary_states()
    out = {}
    for name, value in given.items():
        if name not in names:
            if allow_extra:
                continue
            params = [n for n in names if n in initial]
            raise MXValueError(f"Invalid value for argument `{arg_name(kind)}`. Received: an "
                               f"entry named `{name}`, which is not a parameter of the network "
                               f"(cannot find key {name} in the array arg.arrays). Expected "
                               f"names among "
                               f"{', '.join(params) or 'none'}; use "
                               f"{arg_name('allow.extra.params')}={word('TRUE')} to drop the "
                               f"others.")
        value = io.as_numeric(value, f"{kind}${name}")
        if name in initial and value.shape != initial[name].shape:
            want = initial[name].shape
            raise MXShapeError(f"Invalid value for argument `{arg_name(kind)}`. Received: "
                               f"`{name}` of shape {value.shape} (R dim "
                               f"{_r_dim(value.shape)}). Expected shape {want} (R dim "
                               f"{_r_dim(want)}), as the network and the data define it.")
        if check_finite:
            io.check_finite(value, f"{kind}${name}")
        out[name] = value
    return out


def _r_dim(shape: tuple) -> str:
    """A backend shape as R's dim: ``(1, 3)`` -> ``c(3, 1)``."""
    return "c(" + ", ".join(str(d) for d in reversed(shape)) + ")"


def _values(shape: tuple) -> str:
    n = int(np.prod(shape[1:])) if len(shape) > 1 else 1
    return f"{n} value{'s' if n != 1 else ''}"


def _label_shape_error(symbol: Symbol, input_shapes: dict, output_shapes: dict,
                       err: MXShapeError, arg: str) -> MXShapeError:
    """Name the label argument when shape inference fails because of the label's shape."""
    try:
        alone = symbol.infer_shape(**input_shapes)
    except (MXShapeError, ValueError):
        return err
    if alone is None:
        return err
    for name, given in output_shapes.items():
        want = alone[0].get(name)
        if want is not None and tuple(want) != tuple(given):
            return invalid_shape(arg, f"labels of shape {tuple(given)} per batch "
                                 f"({_values(given)} per sample)",
                                 f"shape {tuple(want)} per batch ({_values(want)} per sample) "
                                 f"for the network's label `{name}` ({err})")
    return err
