"""The operator registry: one entry per MXNet operator the core supports (filled by the op
modules when ``ops`` is imported).

An operator is described by an :class:`Op` subclass (its parameters, argument
names, shape rule and how to bind C kernels to buffers). ``symbol`` and
``executor`` only read :data:`OPS`; they never name an operator themselves.
Every operator has a row in the C operator table (native/ops.def), found by
its name when it is registered: the row's step adapters run it on the fused
path, and its kernel's ``fill_step`` fills the step's named parameters.

Parameters are stored on graph nodes as strings, exactly as in MXNet's
symbol JSON, and parsed into Python values with :class:`Param` when a graph
is bound. :func:`format_param` writes values the way MXNet R does (doubles
with 6 significant digits, logicals as "1"/"0", shapes as "(a, b)").
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._lib import operator_table
from ..errors import MXShapeError, MXValueError

Shape = tuple[int, ...]

# -------------------------------------------------------------------------------------------
# Parameter values


def format_param(value: Any) -> str:
    """Format a parameter value as MXNet R sends it to the backend.

    Example:
        >>> format_param(2e-6), format_param(1/3), format_param(True), format_param((3, 3))
        ('2e-06', '0.333333', '1', '(3, 3)')
    """
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return _format_double(float(value))
    if isinstance(value, str):
        return value
    if isinstance(value, (tuple, list)):
        items = [str(int(v)) for v in value]
        return "(" + items[0] + ",)" if len(items) == 1 else "(" + ", ".join(items) + ")"
    raise MXValueError(f"Cannot use a value of type {type(value).__name__} as an operator "
                       f"parameter. Received: {value!r}. Expected a number, logical, string or "
                       f"shape.")


def _format_double(x: float) -> str:
    """C++ ``ostream << double`` with default precision (6 significant digits)."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return "%g" % x


def _parse_bool(text: str) -> bool:
    low = text.strip().lower()
    if low in ("1", "true"):
        return True
    if low in ("0", "false"):
        return False
    raise ValueError(text)


def _parse_int(text: str) -> int:
    """A whole number: ``"3"``, or a whole float as R formats doubles (``"1e+06"``).

    ``"1.5"`` is refused rather than truncated (dmlc's parser refuses it too).
    """
    try:
        return int(text.strip())
    except ValueError:
        value = float(text)
    if not value.is_integer():
        raise ValueError(text)
    return int(value)


def _parse_shape(text: str) -> Shape:
    inner = text.strip().strip("()[]")
    return tuple(_parse_int(t) for t in re.split(r"[,\s]+", inner) if t)


_PARSERS: dict[str, Callable[[str], Any]] = {
    "int": _parse_int,
    "float": float,
    "bool": _parse_bool,
    "str": str,
    "shape": _parse_shape,
}
_EXPECTED = {"int": "a whole number", "float": "a number", "bool": "TRUE or FALSE",
             "str": "a string", "shape": "a shape of whole numbers such as (2, 3)"}


def _is_number_text(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _is_whole(value: Any) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False  # TRUE is not the number 1 here: num_hidden = TRUE is a mistake
    if isinstance(value, (int, np.integer)):
        return True
    return isinstance(value, (float, np.floating)) and float(value).is_integer()


@dataclass(frozen=True)
class Param:
    """One operator parameter: its kind, default (None = required) and allowed values."""

    kind: str
    default: Any = None
    choices: tuple[str, ...] = ()
    required: bool = False

    def check_value(self, op: str, name: str, value: Any) -> None:
        """Refuse, before it is formatted, a value that the text form would silently change:
        ``num_hidden=1.5`` (formatted "1.5", once truncated to 1) or ``num_hidden=True``."""
        items = value if self.kind == "shape" and isinstance(value, (tuple, list)) else [value]
        if self.kind in ("int", "shape") and not all(_is_whole(v) for v in items):
            raise MXValueError(f"Invalid value for parameter `{name}` of {op}. Received: "
                               f"{name}={value!r}. Expected {_EXPECTED[self.kind]}.")

    def parse(self, op: str, name: str, text: str) -> Any:
        try:
            value = _PARSERS[self.kind](text)
        except (ValueError, TypeError):
            shown = text if _is_number_text(text) else repr(text)
            raise MXValueError(f"Invalid value for parameter `{name}` of {op}. Received: "
                               f"{name}={shown}. Expected {_EXPECTED[self.kind]}.") from None
        if self.choices and value not in self.choices:
            raise MXValueError(f"Invalid value for parameter `{name}` of {op}. Received: "
                               f"{name}={text!r}. Expected one of {', '.join(self.choices)}.")
        return value


# -------------------------------------------------------------------------------------------
# Binding: the buffers one node's kernels read and write


@dataclass
class Binding:
    """Buffers of one graph node, fixed for the life of an executor.

    ``in_grads`` and ``out_grads`` entries are None where no gradient flows.
    Kernels cache C pointers into these arrays at bind time, so the arrays must
    never be replaced, only written into.
    """

    inputs: list[np.ndarray]
    outputs: list[np.ndarray]
    aux: list[np.ndarray]
    in_grads: list[np.ndarray | None]
    out_grads: list[np.ndarray | None]
    rng: Any = None  # an mxc_rng * for ops that sample
    state: dict[str, np.ndarray] = field(default_factory=dict)


class Kernel:
    """Forward and backward of one bound node (pointers cached)."""

    what = "operator"  # names the op in errors: "<what> forward"

    def forward(self, is_train: bool) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def backward(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def fill_step(self, param: Any) -> None:
        """Fill this node's named parameters in ``param``, the step's ``mxc_op_param``
        (native/graph.h): set the fields of the op family's member, e.g.
        ``param.dense.n``. The graph compiler (engine/graph_compiler.py) sets the op and
        the buffers.

        Example:
            >>> def fill_step(self, param):          # an elementwise op's kernel
            ...     param.elemwise.n = self.n
        """
        raise NotImplementedError(f"{type(self).__name__} has no fill_step, yet its op is "
                                  "fusable")

    def error_context(self, phase: str) -> str:
        """What a failed C call of ``phase`` ("forward"/"backward") is reported as."""
        return f"{self.what} {phase}"


class Op:
    """Base class of an operator description. Subclasses set the class attributes."""

    name: str = ""
    params: dict[str, Param] = {}
    is_loss: bool = False  # a loss layer: ignores head gradients, starts backward
    uses_rng: bool = False  # forward draws from the executor's random stream
    differentiable: bool = True  # False: no backward (gradients stop here)
    fusable: bool = True  # False: no C step; the network then runs kernel by kernel
    not_fusable_reason: str = ""  # why, when fusable is False (said at verbosity on)
    c_op: int = 0  # its MXC_OP_* row of native/ops.def, set by register()

    def parse_params(self, attrs: dict[str, str]) -> dict[str, Any]:
        """Typed parameter values from string attrs; unknown keys are ignored like MXNet's
        hidden attributes (``__shape__``...) only when they start with "__"."""
        # Unknown keys first (as dmlc's Parameter::Init), so a misspelt required one is named.
        unknown = [k for k in attrs if k not in self.params and not k.startswith("__")]
        if unknown:
            raise MXValueError(f"Unknown parameter `{unknown[0]}` for operator {self.name}. "
                               f"Expected one of: {', '.join(self.params) or '(none)'}.")
        out: dict[str, Any] = {}
        for key, spec in self.params.items():
            if key in attrs:
                out[key] = spec.parse(self.name, key, attrs[key])
            elif spec.required:
                raise MXValueError(f"Required parameter `{key}` of {self.name} is missing.")
            else:
                out[key] = spec.default
        return out

    def arguments(self, p: dict[str, Any]) -> list[str]:
        return ["data"]

    def aux_states(self, p: dict[str, Any]) -> list[str]:
        return []

    def outputs(self, p: dict[str, Any]) -> list[str]:
        return ["output"]

    def num_visible_outputs(self, p: dict[str, Any]) -> int:
        return len(self.outputs(p))

    def complete_params(self, params: dict[str, Any], n_inputs: int) -> dict[str, Any]:
        """Keyword parameters completed from the number of input symbols given to
        ``graph.symbol.create`` (Concat's ``num_args``); most operators need nothing."""
        return params

    def data_shape_from_params(self, p: dict[str, Any],
                               shapes: dict[str, Shape]) -> Shape | None:
        """A data shape (a batch of 1) that this operator's parameter shapes (by argument
        name) imply whatever the data's rank, or None. It lets ``mx.model.load`` check a
        params file against its symbol without knowing the data (training/pair_check.py)."""
        return None

    def class_labels(self, p: dict[str, Any]) -> tuple[int, float | None] | None:
        """``(argument index, ignored label)`` when one argument takes class indices in
        [0, classes) that training checks before the first batch; None otherwise."""
        return None

    def infer_shape(self, p: dict[str, Any], ins: list[Shape | None]
                    ) -> tuple[list[Shape | None], list[Shape | None], list[Shape]]:
        """Complete the input shapes and give (inputs, outputs, aux) shapes.

        Returns unknown (None) outputs only when the inputs are not known yet."""
        raise NotImplementedError

    def state_shapes(self, p: dict[str, Any], ins: list[Shape]) -> dict[str, Shape]:
        """Extra per-node buffers (dropout mask, saved statistics)."""
        return {}

    def bind(self, p: dict[str, Any], b: Binding) -> Kernel:  # pragma: no cover - interface
        raise NotImplementedError


OPS: dict[str, Op] = {}


_C_OPS = operator_table()


def register(op: Op, *aliases: str) -> Op:
    """Add an operator to the registry under its name and any aliases, and tie it to its
    row of the C operator table (native/ops.def) by that name.

    Example:
        >>> register(Square())           # doctest: +SKIP  (ops/elemwise.py does this)
    """
    if op.name not in _C_OPS:
        raise RuntimeError(f"operator {op.name} has no row in native/ops.def")
    if op.fusable == bool(op.not_fusable_reason):
        raise RuntimeError(f"operator {op.name}: give not_fusable_reason exactly when "
                           "fusable is False")
    op.c_op = _C_OPS[op.name]
    for key in (op.name, *aliases):
        if key in OPS:
            raise RuntimeError(f"operator {key} registered twice")
        OPS[key] = op
    return op


def get_op(name: str) -> Op:
    """The operator called ``name``, or a clear error naming what is supported."""
    try:
        return OPS[name]
    except KeyError:
        raise MXValueError(f"Operator {name} is not supported by mxnet_r_compat. Supported: "
                           f"{', '.join(sorted(OPS))}.") from None


def require_same(op: str, what: str, provided: Shape, inferred: Shape) -> None:
    """MXNet's shape-consistency error."""
    if tuple(provided) != tuple(inferred):
        raise MXShapeError(f"{op}: Shape inconsistent, Provided={_fmt(provided)}, "
                           f"inferred shape={_fmt(inferred)} ({what})")


def _fmt(shape: Sequence[int]) -> str:
    return "(" + ",".join(str(int(s)) for s in shape) + ")"


def prod(shape: Sequence[int]) -> int:
    """Product of the extents (1 for an empty shape)."""
    out = 1
    for s in shape:
        out *= int(s)
    return out

