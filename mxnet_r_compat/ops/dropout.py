"""Dropout: ``x * mask / (1 - p)`` while training (or always, with mode="always")."""

from __future__ import annotations

import numpy as np

from .._lib import NULL, check, fptr, lib
from .registry import Binding, Kernel, Op, Param, register


class Dropout(Op):
    name = "Dropout"
    uses_rng = True
    params = {
        "p": Param("float", 0.5),
        "mode": Param("str", "training", choices=("training", "always")),
        "axes": Param("shape", ()),
        "cudnn_off": Param("bool", False),
    }

    def infer_shape(self, p, ins):
        if not 0.0 <= p["p"] < 1.0:
            raise ValueError(f"Dropout: p must be in [0, 1), got {p['p']}")
        if p["axes"]:
            raise ValueError("Dropout: the `axes` parameter is not supported")
        return ins, [ins[0]], []

    def state_shapes(self, p, ins):
        return {"mask": ins[0]}

    def bind(self, p, b: Binding) -> Kernel:
        return _DropoutKernel(p, b)


class _DropoutKernel(Kernel):
    what = "Dropout"

    def __init__(self, p, b: Binding) -> None:
        self.p, self.always = float(p["p"]), p["mode"] == "always"
        self.x_arr, self.y_arr, self.mask_arr = b.inputs[0], b.outputs[0], b.state["mask"]
        self.n, self.rng = self.x_arr.size, b.rng
        self.x, self.y = fptr(self.x_arr), fptr(self.y_arr, writable=True)
        self.mask = fptr(self.mask_arr, writable=True)
        self.dy = fptr(b.out_grads[0]) if b.out_grads[0] is not None else NULL
        self.dx = fptr(b.in_grads[0], writable=True) if b.in_grads[0] is not None else NULL
        self.applied = False

    def forward(self, is_train: bool) -> None:
        self.applied = (is_train or self.always) and self.p > 0.0
        if not self.applied:
            np.copyto(self.y_arr, self.x_arr)
            return
        rc = lib.mxc_dropout_forward(self.y, self.mask, self.x, self.n, self.p, self.rng)
        if rc:
            check(rc, "Dropout forward")

    def fill_step(self, s) -> bool:
        s.op, s.dim[0], s.fparam[0], s.flag = lib.MXC_STEP_DROPOUT, self.n, self.p, int(self.always)
        s.y, s.x, s.aux, s.rng, s.dx, s.dy = self.y, self.x, self.mask, self.rng, self.dx, self.dy
        return True

    def backward(self) -> None:
        if self.dx == NULL:
            return
        if not self.applied:
            rc = lib.mxc_axpy(self.dx, self.dy, self.n, 1.0)
        else:
            rc = lib.mxc_dropout_backward(self.dx, self.dy, self.mask, self.n)
        if rc:
            check(rc, "Dropout backward")


register(Dropout())
