"""The operators: the registry (registry.py) and one module per op family.

Importing this package imports every module in it, and each op module registers its operators
in :data:`OPS`; a new op family needs only its own file (docs/ARCHITECTURE.md, "Adding an
operator"). Every operator has a row in the C operator table (native/ops.def), found by its
name when it is registered. The graph and engine layers read operators only through the
registry; they never name one (docs/ARCHITECTURE.md).
"""

import importlib
import pkgutil

from .registry import (OPS, Binding, Kernel, Op, Param, Shape, format_param, get_op, prod,
                       register, require_same)

__all__ = ["OPS", "Binding", "Kernel", "Op", "Param", "Shape", "format_param", "get_op", "prod",
           "register", "require_same"]


def _import_op_modules() -> None:
    """Import every op module of this package: each registers its operators in OPS.

    The registry is imported above, before any op module; op modules import only from
    ``.registry`` and lower layers, so this adds no import cycle (tests/test_architecture.py).
    """
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        if module != "registry":
            importlib.import_module(f"{__name__}.{module}")


_import_op_modules()
