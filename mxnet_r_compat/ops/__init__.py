"""The operators: the registry (registry.py) and one module per op family.

Importing this package fills :data:`OPS`. The graph and engine layers read operators only
through the registry; they never name one (docs/ARCHITECTURE.md).
"""

from . import activation, dense, dropout, normalization, output, shape_ops  # noqa: F401 (fill OPS)
from .registry import (OPS, Binding, Kernel, Op, Param, Shape, format_param, get_op, prod,
                       register, require_same)

__all__ = ["OPS", "Binding", "Kernel", "Op", "Param", "Shape", "format_param", "get_op", "prod",
           "register", "require_same"]
