"""SoftmaxActivation: a softmax that passes the head gradient back (``native/softmax_act.c``).

mode "instance": over all values of a sample; mode "channel": over axis 1 at
every position.
"""

from __future__ import annotations

from .._lib import NULL, check, fptr, lib
from .registry import Binding, Kernel, Op, Param, prod, register


class SoftmaxActivation(Op):
    name = "SoftmaxActivation"
    params = {"mode": Param("str", "instance", choices=("instance", "channel"))}

    def infer_shape(self, p, ins):
        return ins, [ins[0]], []

    def bind(self, p, b: Binding) -> Kernel:
        return _SoftmaxActivationKernel(p, b)


class _SoftmaxActivationKernel(Kernel):
    what = "SoftmaxActivation"

    def __init__(self, p, b: Binding) -> None:
        shape = b.inputs[0].shape
        if p["mode"] == "channel" and len(shape) > 1:
            self.dims = (shape[0], shape[1], prod(shape[2:]))
        else:
            self.dims = (shape[0], prod(shape[1:]), 1)
        self.x, self.y = fptr(b.inputs[0]), fptr(b.outputs[0], writable=True)
        self.dy = fptr(b.out_grads[0]) if b.out_grads[0] is not None else NULL
        self.dx = fptr(b.in_grads[0], writable=True) if b.in_grads[0] is not None else NULL

    def fill_step(self, param) -> None:
        p = param.softmax_act
        p.outer, p.c, p.inner = self.dims

    def forward(self, is_train: bool) -> None:
        rc = lib.mxc_softmax_act_forward(self.y, self.x, *self.dims)
        if rc:
            check(rc, "SoftmaxActivation forward")

    def backward(self) -> None:
        if self.dx == NULL or self.dy == NULL:
            return
        rc = lib.mxc_softmax_act_backward(self.dx, self.dy, self.y, *self.dims)
        if rc:
            check(rc, "SoftmaxActivation backward")


register(SoftmaxActivation())
