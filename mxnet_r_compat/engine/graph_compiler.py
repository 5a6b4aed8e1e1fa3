"""The graph compiler: a bound network as one ``mxc_graph`` (native/graph.h).

:func:`compile_graph` turns an executor's kernels into one ``mxc_step`` per node, naming its
operator's row of the C operator table (native/ops.def), its buffers by role (filled here from
the node's binding) and its parameters by name (filled by the op's own kernel, ``fill_step``),
so this module names no operator. A forward or backward pass of the graph is then one C call
making the same kernel calls in the same order as the per-kernel path (bit-identical).
:func:`not_fusable` says why a network has no graph.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._lib import NULL, check, ffi, fptr
from ..ops import Binding, Kernel, Op


class CompiledGraph:
    """A network's kernels as one ``mxc_graph`` (native/graph.h); owns the C arrays."""

    def __init__(self, kernels: list[Kernel], steps, keep: list, zero: list[np.ndarray],
                 ones: list[np.ndarray]) -> None:
        self.kernels, self.steps, self._keep = kernels, steps, keep
        self._zero = ffi.new("float *[]", [fptr(g, writable=True) for g in zero] or [NULL])
        self._zero_n = ffi.new("int64_t[]", [g.size for g in zero] or [0])
        self._ones = ffi.new("float *[]", [fptr(g, writable=True) for g in ones] or [NULL])
        self._ones_n = ffi.new("int64_t[]", [g.size for g in ones] or [0])
        self.ptr = ffi.new("mxc_graph *")
        g = self.ptr
        g.steps, g.n_steps = steps, len(kernels)
        g.zero, g.zero_n, g.n_zero = self._zero, self._zero_n, len(zero)
        g.ones, g.ones_n, g.n_ones = self._ones, self._ones_n, len(ones)

    def raise_error(self, rc: int, step: int, phase: str) -> None:
        """The error the failing kernel's own Python call raises."""
        kernel = self.kernels[step] if 0 <= step < len(self.kernels) else None
        check(rc, kernel.error_context(phase) if kernel is not None else f"network {phase}")


def not_fusable(ops: Sequence[Op], names: Sequence[str]) -> str | None:
    """Why these nodes (ops with their node names) cannot run as one C graph, or None.

    Example:
        >>> not_fusable([], [])   # no node: nothing to say
    """
    for op, name in zip(ops, names):
        if not op.fusable:
            return f"operator {op.name} (node `{name}`) has no fused step: {op.not_fusable_reason}"
    return None


def _pointers(arrays: Sequence[np.ndarray | None]) -> list:
    return [NULL if a is None else fptr(a) for a in arrays]


def _fill_step(step: Any, op: Op, kernel: Kernel, b: Binding, pool: list) -> None:
    """One node's step: its op's row, its buffers by role, its kernel's parameters."""
    step.op, step.rng = op.c_op, b.rng if b.rng is not None else NULL
    roles = (("inputs", "n_inputs", b.inputs), ("in_grads", None, b.in_grads),
             ("outputs", "n_outputs", b.outputs), ("out_grads", None, b.out_grads),
             ("aux", "n_aux", b.aux), ("state", "n_state", list(b.state.values())))
    for field, count, arrays in roles:
        ptrs = ffi.new("float *[]", _pointers(arrays) or [NULL])
        pool.append(ptrs)
        setattr(step, field, ptrs)
        if count is not None:
            setattr(step, count, len(arrays))
    kernel.fill_step(step.param)


def compile_graph(ops: Sequence[Op], kernels: list[Kernel], bindings: Sequence[Binding],
                  zero: list[np.ndarray], ones: list[np.ndarray]) -> CompiledGraph | None:
    """The C graph of these kernels (in order, each with its op and binding), or None when
    one op has no fused step or there is no node.

    Example:
        >>> graph = compile_graph(ops, kernels, bindings, grads, heads)   # doctest: +SKIP
    """
    if not kernels or any(not op.fusable for op in ops):
        return None
    steps = ffi.new("mxc_step[]", len(kernels))
    pool: list = []
    for i, (op, kernel, b) in enumerate(zip(ops, kernels, bindings)):
        _fill_step(steps[i], op, kernel, b, pool)
    return CompiledGraph(kernels, steps, pool, zero, ones)
