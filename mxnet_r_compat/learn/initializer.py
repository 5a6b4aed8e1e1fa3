"""Parameter initialisers (docs/MXNET_R_BEHAVIOUR.md, "Initializers, contexts and random numbers").

An initialiser is a function ``(name, shape, ctx=None, allow_unknown=False)``
returning a float32 array or None. Names ending in "weight" are drawn from
the RNG; the rest follow MXNet R's defaults by name suffix.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .._args import number
from ..errors import MXValueError, invalid_argument, invalid_value
from ..ops import Shape, prod
from .random import rnorm, runif

Initializer = Callable[..., "np.ndarray | None"]

_DEFAULTS = (("bias", 0.0), ("gamma", 1.0), ("beta", 0.0), ("moving_mean", 0.0),
             ("moving_var", 1.0))


def internal_default(name: str, shape: Shape, ctx=None, allow_unknown: bool = False):
    """Zeros or ones by name suffix; None (or an error) for anything else.

    Example:
        >>> internal_default("fc1_bias", (3,))
        array([0., 0., 0.], dtype=float32)
    """
    for suffix, value in _DEFAULTS:
        if name.endswith(suffix):
            return np.full(shape, value, dtype=np.float32)
    if allow_unknown:
        return None
    raise MXValueError(f"Unkown initialization pattern for  {name}")


def uniform(scale: float) -> Initializer:
    """Weights from U(-scale, scale) (``mx.init.uniform``).

    Example:
        >>> init = uniform(0.01); init("fc_weight", (2, 3)).shape
        (2, 3)
    """
    scale = number("scale", scale, "a positive number", ok=lambda v: v > 0)

    def init(name, shape, ctx=None, allow_unknown=False):
        if name.endswith("weight"):
            return runif(shape, -scale, scale)
        return internal_default(name, shape, ctx, allow_unknown)
    return _named(init, f"mx.init.uniform({scale:g})")


def normal(sd: float) -> Initializer:
    """Weights from N(0, sd) (``mx.init.normal``).

    Example:
        >>> normal(0.1)("w_weight", (4,)).dtype
        dtype('float32')
    """
    sd = number("sd", sd, "a positive number", ok=lambda v: v > 0)

    def init(name, shape, ctx=None, allow_unknown=False):
        if name.endswith("weight"):
            return rnorm(shape, 0.0, sd)
        return internal_default(name, shape, ctx, allow_unknown)
    return _named(init, f"mx.init.normal({sd:g})")


def Xavier(rnd_type: str = "uniform", factor_type: str = "avg",  # noqa: N802 (MXNet name)
           magnitude: float = 3) -> Initializer:
    """Xavier/Glorot initialisation with MXNet R's fan rule (``mx.init.Xavier``).

    fan_out is the backend's first dim and fan_in the product of the others
    (R does not multiply fan_out by the kernel size, unlike MXNet Python).

    Example:
        >>> Xavier()("fc_weight", (10, 784)).shape
        (10, 784)
    """
    if rnd_type not in ("uniform", "gaussian"):
        raise MXValueError(f"Not supported random type: {rnd_type!r}. "
                           f"Expected \"uniform\" or \"gaussian\".")
    if factor_type not in ("avg", "in", "out"):
        raise MXValueError(f"Not supported factor type: {factor_type!r}. "
                           f"Expected \"avg\", \"in\" or \"out\".")
    magnitude = number("magnitude", magnitude, "a positive number", ok=lambda v: v > 0)

    def init(name, shape, ctx=None, allow_unknown=False):
        if not name.endswith("weight"):
            return internal_default(name, shape, ctx, allow_unknown)
        fan_out, fan_in = shape[0], prod(shape[1:])
        factor = {"avg": (fan_in + fan_out) / 2.0, "in": fan_in, "out": fan_out}[factor_type]
        scale = math.sqrt(magnitude / factor)
        return runif(shape, -scale, scale) if rnd_type == "uniform" else rnorm(shape, 0.0, scale)
    return _named(init, f'mx.init.Xavier(rnd.type = "{rnd_type}", factor.type = '
                        f'"{factor_type}", magnitude = {magnitude:g})')


def _named(init: Initializer, label: str) -> Initializer:
    init.label = label  # type: ignore[attr-defined]  # how error messages name it
    return init


def describe(initializer: Initializer) -> str:
    """How messages name an initializer: ``mx.init.uniform(0.01)``, or a function's name.

    Example:
        >>> describe(uniform(0.01))
        'mx.init.uniform(0.01)'
    """
    label = getattr(initializer, "label", None)
    if isinstance(label, str):
        return label
    return f"the initializer {getattr(initializer, '__qualname__', type(initializer).__name__)}"


def create(initializer: Initializer, shape_array: dict[str, Shape], ctx=None,
           skip_unknown: bool = True) -> dict[str, np.ndarray]:
    """Apply an initialiser to named shapes, in order (``mx.init.create``; R's ``shape.array``).

    Example:
        >>> sorted(create(uniform(0.1), {"fc_weight": (1, 2), "fc_bias": (1,), "data": (5, 2)}))
        ['fc_bias', 'fc_weight']
    """
    if not callable(initializer):
        raise invalid_value("initializer", initializer,
                            "an initializer such as mx.init.uniform(0.01)")
    out = {}
    for name, shape in shape_array.items():
        value = initializer(name, tuple(shape), ctx, skip_unknown)
        if value is not None:
            out[name] = _checked(initializer, name, tuple(shape), value)
    return out


def _checked(initializer: Initializer, name: str, shape: Shape, value) -> np.ndarray:
    """The initializer's array for ``name`` as float32 of exactly ``shape``. A plain vector
    of the right length (an R vector has no dim) fills the shape in order; any other shape,
    a transposed matrix included, is an error rather than a silent reshape."""
    try:
        array = np.asarray(value, dtype=np.float32)
    except (TypeError, ValueError):
        raise invalid_argument("initializer", f"{describe(initializer)} returned "
                               f"{type(value).__name__} for the parameter `{name}`",
                               f"a numeric array of shape {shape}") from None
    if array.shape == shape:
        return array
    if array.ndim == 1 and array.size == prod(shape):
        return array.reshape(shape)
    raise invalid_argument("initializer", f"{describe(initializer)} returned an array of "
                           f"shape {array.shape} (R dim {_r_dim(array.shape)}) for the "
                           f"parameter `{name}`", f"shape {shape} (R dim {_r_dim(shape)}), the "
                           f"parameter's shape")


def _r_dim(shape: tuple) -> str:
    return "c(" + ", ".join(str(d) for d in reversed(shape)) + ")"

