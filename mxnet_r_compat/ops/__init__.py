"""The operators: the registry (registry.py) and one module per op family.

Importing this package fills :data:`OPS`. The graph and engine layers read operators only
through the registry; they never name one (docs/ARCHITECTURE.md).
"""

from . import (  # noqa: F401 (fill OPS)
    activation,
    conv,
    dense,
    dropout,
    embedding,
    leakyrelu,
    lrn,
    normalization,
    output,
    pool,
    shape_ops,
    softmax_activation,
    upsampling,
)
from .registry import (OPS, Binding, Kernel, Op, Param, Shape, format_param, get_op, prod,
                       register, require_same)

__all__ = ["OPS", "Binding", "Kernel", "Op", "Param", "Shape", "format_param", "get_op", "prod",
           "register", "require_same"]
