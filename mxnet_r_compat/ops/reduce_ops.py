"""Reductions as symbols: ``sum`` (alias ``sum_axis``), ``mean``, ``max`` (``max_axis``) and
``min`` (``min_axis``) over ``axis`` with ``keepdims`` and ``exclude``.

They run the NDArray kernels of native/reduce.h (sums accumulated in double); the axes
follow the NDArray functions' rules (``ops/shape_rules.py``): no ``axis`` (or an empty one)
reduces over every axis into a shape (1,), negative axes count from the end.
"""

from __future__ import annotations

from typing import Any

from .._lib import NULL, check, ffi, fptr, lib
from ..errors import MXShapeError
from . import shape_rules
from .registry import Binding, Kernel, Op, Param, Shape, register

MAX_NDIM = lib.MXC_MAX_NDIM  # the fused step's room for a shape (native/reshape.h)


def _axes(op: str, p: dict[str, Any], ndim: int) -> tuple[int, ...]:
    axis = p["axis"] if p["axis"] else None
    return shape_rules.reduce_axes(op, ndim, axis, p["exclude"])


class Reduce(Op):
    """One reduction (``MXC_REDUCE_<kind>``) of one input.

    Example:
        >>> from mxnet_r_compat import mx
        >>> s = mx.symbol.sum(mx.symbol.Variable("x"), axis=1, keepdims=True)
        >>> s.infer_shape(x=(2, 3))[1]
        [(2, 1)]
    """

    def __init__(self, name: str, code: int) -> None:
        self.name, self.code = name, code
        self.params = {"axis": Param("shape", ()), "keepdims": Param("bool", False),
                       "exclude": Param("bool", False)}

    def infer_shape(self, p, ins):
        data = ins[0]
        if data is None:
            return ins, [None], []
        if len(data) > MAX_NDIM:
            raise MXShapeError(f"{self.name}: at most {MAX_NDIM} axes are supported. "
                               f"Received an input of shape {data}.")
        axes = _axes(self.name, p, len(data))
        return ins, [shape_rules.reduced_shape(data, axes, p["keepdims"])], []

    def bind(self, p, b: Binding) -> Kernel:
        return _ReduceKernel(self, p, b)


class _ReduceKernel(Kernel):
    def __init__(self, op: Reduce, p: dict[str, Any], b: Binding) -> None:
        shape: Shape = b.inputs[0].shape
        self.what, self.code = op.name, op.code
        axes = _axes(op.name, p, len(shape))
        self.ndim, self.shape_list = len(shape), list(shape)
        self.flags = [int(d in axes) for d in range(len(shape))]
        self.shape = ffi.new("int64_t[]", self.shape_list)
        self.reduced = ffi.new("int[]", self.flags)
        self.x, self.y = fptr(b.inputs[0]), fptr(b.outputs[0], writable=True)
        self.dy = fptr(b.out_grads[0]) if b.out_grads[0] is not None else NULL
        self.dx = fptr(b.in_grads[0], writable=True) if b.in_grads[0] is not None else NULL

    def forward(self, is_train: bool) -> None:
        check(lib.mxc_reduce_forward(self.y, self.x, self.ndim, self.shape, self.reduced,
                                     self.code), f"{self.what} forward")

    def backward(self) -> None:
        if self.dx != NULL and self.dy != NULL:
            check(lib.mxc_reduce_backward(self.dx, self.dy, self.x, self.y, self.ndim,
                                          self.shape, self.reduced, self.code),
                  f"{self.what} backward")

    def fill_step(self, param: Any) -> None:
        r = param.reshape
        r.ndim, r.kind = self.ndim, self.code
        for d in range(self.ndim):
            r.shape[d], r.reduced[d] = self.shape_list[d], self.flags[d]


register(Reduce("sum", lib.MXC_REDUCE_SUM), "sum_axis")
register(Reduce("mean", lib.MXC_REDUCE_MEAN))
register(Reduce("max", lib.MXC_REDUCE_MAX), "max_axis")
register(Reduce("min", lib.MXC_REDUCE_MIN), "min_axis")
