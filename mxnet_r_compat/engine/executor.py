"""Executor: a symbol bound to fixed buffers, with forward and backward passes.

All buffers are allocated once at bind time and each node's C kernel caches
pointers into them, so a training step only copies a batch in and calls C.
Gradients follow MXNet's ``grad.req = "write"``: they are zeroed and then
accumulated by the backward kernels.

When every operator has a fused step (native/ops.def), the executor also
compiles the whole network once into an ``mxc_graph`` (graph_compiler.py): a forward
or backward pass is then one C call making the same kernel calls in the same
order (bit-identical), and devices.py can fuse whole batches.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .._lib import ffi, lib
from ..errors import MXShapeError
from ..graph.shape_inference import infer_node_shapes
from ..graph.symbol import Node, Symbol
from ..learn import random
from ..ops import Binding, Kernel, Shape, get_op
from . import fused
from .graph_compiler import compile_graph, not_fusable


def _zeros(shape: Shape) -> np.ndarray:
    return np.zeros(shape, dtype=np.float32)


class Executor:
    """A bound network.

    Attributes:
        arg_arrays: argument name -> float32 array (inputs and weights).
        grad_arrays: argument name -> gradient array, for arguments that get one.
        aux_arrays: auxiliary state name -> array.
        outputs: the symbol's outputs after :meth:`forward`.
        uses_rng: True when a training forward draws random numbers (e.g. Dropout).
        graph: the network as one C graph (graph_compiler.py), or None (kernel by kernel).
        not_fusable: why the network has no C graph, or None.

    Example:
        >>> from mxnet_r_compat import mx
        >>> net = mx.symbol.LinearRegressionOutput(
        ...     mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=1))
        >>> ex = simple_bind(net, {"data": (4, 3)},
        ...                  no_grad={"data", "linearregressionoutput0_label"})
        >>> ex.forward(is_train=True); ex.backward()      # doctest: +SKIP
    """

    def __init__(self, symbol: Symbol, shapes: dict[str, Shape], grad_names: Iterable[str],
                 rng=None) -> None:
        self.symbol = symbol
        self.nodes = symbol.nodes()
        var_shapes, out_shapes = infer_node_shapes(symbol, shapes)
        arg_names, aux_names = symbol.arguments(), symbol.auxiliary_states()
        missing = [n for n in arg_names + aux_names if n not in var_shapes]
        if missing:
            raise MXShapeError("Need more shape information to decide the shapes of arguments: "
                               f"{', '.join(missing)}")
        grad_set = set(grad_names)
        self.arg_arrays = {n: _zeros(var_shapes[n]) for n in arg_names}
        self.aux_arrays = {n: _zeros(var_shapes[n]) for n in aux_names}
        self.grad_arrays = {n: _zeros(var_shapes[n]) for n in arg_names if n in grad_set}
        self._rng = rng if rng is not None else random.current_stream()
        self._node_out: dict[int, list[np.ndarray]] = {}
        self._node_grad: dict[int, list[np.ndarray | None]] = {}
        self._allocate_node_buffers(out_shapes, grad_set)
        self._bindings: list[Binding] = []
        self._kernels: list[Kernel] = [self._bind(n) for n in self.nodes if n.op is not None]
        self._ops = [get_op(n.op) for n in self.nodes if n.op is not None]
        # a non-differentiable op (BlockGrad) has no backward: no gradient flows through it
        self._backward_kernels = [k for k, op in zip(self._kernels, self._ops, strict=True)
                                  if op.differentiable]
        self.uses_rng = any(op.uses_rng for op in self._ops)
        self._grad_buffers = [g for gs in self._node_grad.values() for g in gs if g is not None]
        self._grad_buffers += list(self.grad_arrays.values())
        self._set_head_grads()
        self.outputs = [self._entry(n, i) for n, i in symbol.outputs_]
        self.graph = compile_graph(self._ops, self._kernels, self._bindings,
                                   self._grad_buffers, self._head_grads) \
            if fused.is_enabled() else None
        self.not_fusable = None if self.graph is not None else (
            not_fusable(self._ops, [n.name for n in self.nodes if n.op is not None])
            or ("the network has no operator" if not self._kernels
                else "the fused path is switched off"))
        self._failed = ffi.new("int64_t *")
        self._last_train = False

    # -- binding -------------------------------------------------------------------------
    def _allocate_node_buffers(self, out_shapes, grad_set: set[str]) -> None:
        needs_grad: dict[int, bool] = {}
        for node in self.nodes:
            if node.op is None:
                needs_grad[id(node)] = node.name in grad_set
                continue
            needs_grad[id(node)] = get_op(node.op).differentiable and \
                any(needs_grad[id(c)] for c, _ in node.inputs)
            shapes = out_shapes[id(node)]
            self._node_out[id(node)] = [_zeros(s) for s in shapes]
            self._node_grad[id(node)] = [_zeros(s) if needs_grad[id(node)] else None
                                         for s in shapes]
        self._needs_grad = needs_grad

    def _entry(self, node: Node, index: int) -> np.ndarray:
        if node.op is None:
            arrays = self.arg_arrays if node.name in self.arg_arrays else self.aux_arrays
            return arrays[node.name]
        return self._node_out[id(node)][index]

    def _entry_grad(self, node: Node, index: int) -> np.ndarray | None:
        if node.op is None:
            return self.grad_arrays.get(node.name)
        return self._node_grad[id(node)][index]

    def _bind(self, node: Node) -> Kernel:
        assert node.op is not None  # only operator nodes are bound
        op = get_op(node.op)
        p = node.params
        n_args = len(op.arguments(p))
        inputs = [self._entry(c, i) for c, i in node.inputs[:n_args]]
        binding = Binding(
            inputs=inputs,
            outputs=self._node_out[id(node)],
            aux=[self._entry(c, i) for c, i in node.inputs[n_args:]],
            in_grads=[self._entry_grad(c, i) for c, i in node.inputs[:n_args]],
            out_grads=self._node_grad[id(node)],
            rng=self._rng,
            state={k: _zeros(s) for k, s in op.state_shapes(p, [a.shape for a in inputs]).items()},
        )
        # Kernels keep only C pointers: the executor must own every buffer they point into
        # (a freed BatchNorm save_mean was reused by other arrays and silently overwritten).
        self._bindings.append(binding)
        return op.bind(p, binding)

    def _set_head_grads(self) -> None:
        """Non-loss heads get a head gradient of ones (loss layers ignore theirs)."""
        self._head_grads = []
        for node, i in self.symbol.outputs_:
            if node.op is not None and not get_op(node.op).is_loss:
                g = self._node_grad[id(node)][i]
                if g is not None:
                    self._head_grads.append(g)

    # -- running -------------------------------------------------------------------------
    def forward(self, is_train: bool = False) -> list[np.ndarray]:
        """Run the network on the current argument arrays; returns the outputs."""
        self._last_train = is_train
        if self.graph is not None:
            rc = lib.mxc_graph_forward(self.graph.ptr, is_train, self._failed)
            if rc:
                self.graph.raise_error(rc, self._failed[0], "forward")
            return self.outputs
        for k in self._kernels:
            k.forward(is_train)
        return self.outputs

    def backward(self) -> None:
        """Compute gradients into ``grad_arrays`` (after a training forward)."""
        if self.graph is not None:
            rc = lib.mxc_graph_backward(self.graph.ptr, self._last_train, self._failed)
            if rc:
                self.graph.raise_error(rc, self._failed[0], "backward")
            return
        for g in self._grad_buffers:
            g.fill(0.0)
        for g in self._head_grads:
            g.fill(1.0)
        for k in reversed(self._backward_kernels):
            k.backward()

    def backward_with_heads(self, heads: list[np.ndarray]) -> None:
        """Backward with the given gradients of the outputs (one per output, in order; loss
        outputs ignore theirs), kernel by kernel (MXNet's ``backward(out_grads)``)."""
        if len(heads) != len(self.symbol.outputs_):
            raise MXShapeError(f"Invalid value for argument `out_grads`. Received: {len(heads)} "
                               f"arrays. Expected {len(self.symbol.outputs_)}, one per output.")
        for g in self._grad_buffers:
            g.fill(0.0)
        for (node, i), head in zip(self.symbol.outputs_, heads, strict=True):
            head_grad = self._node_grad.get(id(node), [None] * (i + 1))[i]
            if head_grad is None or node.op is None or get_op(node.op).is_loss:
                continue
            if head.shape != head_grad.shape:
                raise MXShapeError(f"Invalid shape in `out_grads`. Received: {head.shape}. "
                                   f"Expected {head_grad.shape} (backend order).")
            np.copyto(head_grad, head)
        for k in reversed(self._backward_kernels):
            k.backward()

    def copy_params_from(self, arg_params: dict[str, np.ndarray],
                         aux_params: dict[str, np.ndarray] | None = None,
                         allow_extra: bool = False) -> None:
        """Copy parameter values in by name (MXNet's ``mx.exec.update.arg.arrays``)."""
        for src, dst in ((arg_params, self.arg_arrays), (aux_params or {}, self.aux_arrays)):
            for name, value in src.items():
                if name not in dst:
                    if allow_extra:
                        continue
                    raise MXShapeError(f"cannot find key {name} in the array arg.arrays")
                value = np.asarray(value, dtype=np.float32)
                if value.shape != dst[name].shape:
                    raise MXShapeError(
                        f"Invalid shape for parameter `{name}`. Received: {value.shape}. "
                        f"Expected {dst[name].shape} (backend order).")
                np.copyto(dst[name], value)


def simple_bind(symbol: Symbol, shapes: dict[str, Shape], no_grad: Iterable[str] = (),
                rng=None) -> Executor:
    """Bind with gradients for every argument except ``no_grad`` and names ending in
    ``data`` or ``label`` (MXNet R's ``mx.simple.bind`` rule)."""
    skip = set(no_grad)
    grads = [a for a in symbol.arguments()
             if a not in skip and not a.endswith("data") and not a.endswith("label")]
    return Executor(symbol, shapes, grads, rng=rng)
