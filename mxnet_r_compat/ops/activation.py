"""Activation: relu, sigmoid, tanh, softrelu, softsign, elementwise."""

from __future__ import annotations

from .._lib import NULL, check, fptr, lib
from .registry import Binding, Kernel, Op, Param, register

ACT_TYPES = {"relu": 0, "sigmoid": 1, "tanh": 2, "softrelu": 3, "softsign": 4}


class Activation(Op):
    name = "Activation"
    params = {"act_type": Param("str", required=True, choices=tuple(ACT_TYPES))}

    def infer_shape(self, p, ins):
        return ins, [ins[0]], []

    def bind(self, p, b: Binding) -> Kernel:
        return _ActivationKernel(ACT_TYPES[p["act_type"]], b)


class _ActivationKernel(Kernel):
    what = "Activation"

    def __init__(self, act: int, b: Binding) -> None:
        self.act, self.n = act, b.inputs[0].size
        self.x, self.y = fptr(b.inputs[0]), fptr(b.outputs[0], writable=True)
        self.dy = fptr(b.out_grads[0]) if b.out_grads[0] is not None else NULL
        self.dx = fptr(b.in_grads[0], writable=True) if b.in_grads[0] is not None else NULL

    def forward(self, is_train: bool) -> None:
        rc = lib.mxc_activation_forward(self.y, self.x, self.n, self.act)
        if rc:
            check(rc, "Activation forward")

    def fill_step(self, s) -> bool:
        s.op, s.kind, s.dim[0] = lib.MXC_STEP_ACTIVATION, self.act, self.n
        s.y, s.x, s.dx, s.dy = self.y, self.x, self.dx, self.dy
        return True

    def backward(self) -> None:
        if self.dx == NULL:
            return
        rc = lib.mxc_activation_backward(self.dx, self.dy, self.x, self.y, self.n, self.act)
        if rc:
            check(rc, "Activation backward")


register(Activation())
