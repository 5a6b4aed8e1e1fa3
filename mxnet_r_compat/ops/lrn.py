"""LRN: local response normalisation across channels (``native/lrn.c``).

out = x (knorm + alpha / nsize * sum of x^2 over nsize neighbouring channels)^-beta,
as MXNet 1.x. The normaliser is kept per node (``state["norm"]``) for the backward.
"""

from __future__ import annotations

from .._lib import NULL, check, fptr, lib
from ..errors import MXShapeError, MXValueError
from .registry import Binding, Kernel, Op, Param, prod, register


class LRN(Op):
    name = "LRN"
    params = {
        "alpha": Param("float", 1e-4),
        "beta": Param("float", 0.75),
        "knorm": Param("float", 2.0),
        "nsize": Param("int", required=True),
    }

    def infer_shape(self, p, ins):
        if p["nsize"] < 1:
            raise MXValueError(f"Invalid value for parameter `nsize` of LRN. Received: "
                               f"nsize={p['nsize']}. Expected nsize >= 1.")
        data = ins[0]
        if data is not None and len(data) < 2:
            raise MXShapeError(f"LRN: data needs a channel axis (axis 1). Received data of "
                               f"shape {tuple(data)}.")
        return ins, [data], []

    def state_shapes(self, p, ins):
        return {"norm": ins[0]}

    def bind(self, p, b: Binding) -> Kernel:
        return _LRNKernel(p, b)


class _LRNKernel(Kernel):
    what = "LRN"

    def __init__(self, p, b: Binding) -> None:
        shape = b.inputs[0].shape
        self.dims = (shape[0], shape[1], prod(shape[2:]))
        self.nsize, self.alpha, self.beta, self.knorm = (p["nsize"], p["alpha"], p["beta"],
                                                         p["knorm"])
        self.x, self.y = fptr(b.inputs[0]), fptr(b.outputs[0], writable=True)
        self.norm = fptr(b.state["norm"], writable=True)
        self.dy = fptr(b.out_grads[0]) if b.out_grads[0] is not None else NULL
        self.dx = fptr(b.in_grads[0], writable=True) if b.in_grads[0] is not None else NULL

    def fill_step(self, param) -> None:
        p = param.lrn
        (p.n, p.c, p.inner), p.nsize = self.dims, self.nsize
        p.alpha, p.beta, p.knorm = self.alpha, self.beta, self.knorm

    def forward(self, is_train: bool) -> None:
        rc = lib.mxc_lrn_forward(self.y, self.norm, self.x, *self.dims, self.nsize, self.alpha,
                                 self.beta, self.knorm)
        if rc:
            check(rc, "LRN forward")

    def backward(self) -> None:
        if self.dx == NULL or self.dy == NULL:
            return
        rc = lib.mxc_lrn_backward(self.dx, self.dy, self.x, self.y, self.norm, *self.dims,
                                  self.nsize, self.alpha, self.beta)
        if rc:
            check(rc, "LRN backward")


register(LRN())
