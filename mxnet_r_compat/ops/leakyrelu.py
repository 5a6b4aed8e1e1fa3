"""LeakyReLU: leaky, elu, selu, gelu, prelu (learned slope) and rrelu (random slope).

``native/leakyrelu.c``. PReLU's gamma has one value per channel (axis 1), or a
single shared value when given with shape (1,). RReLU draws one slope per value
from U[lower_bound, upper_bound) while training and uses their mean otherwise.
"""

from __future__ import annotations

import numpy as np

from .._lib import NULL, check, fptr, lib
from ..errors import MXShapeError
from .registry import Binding, Kernel, Op, Param, prod, register

KINDS = {"leaky": 0, "elu": 1, "selu": 2, "gelu": 3}


class LeakyReLU(Op):
    name = "LeakyReLU"
    uses_rng = True  # rrelu draws its slopes from the executor's stream
    params = {
        "act_type": Param("str", "leaky",
                          choices=("leaky", "elu", "prelu", "rrelu", "selu", "gelu")),
        "slope": Param("float", 0.25),
        "lower_bound": Param("float", 0.125),
        "upper_bound": Param("float", 0.334),
    }

    def arguments(self, p):
        return ["data", "gamma"] if p["act_type"] == "prelu" else ["data"]

    def infer_shape(self, p, ins):
        data = ins[0]
        if data is None or p["act_type"] != "prelu":
            return ins, [data], []
        if len(data) < 2:
            raise MXShapeError(f"LeakyReLU: prelu needs data with a channel axis (axis 1). "
                               f"Received data of shape {tuple(data)}.")
        gamma = ins[1]
        if gamma is not None and tuple(gamma) not in ((data[1],), (1,)):
            raise MXShapeError(f"LeakyReLU: Shape inconsistent, Provided={tuple(gamma)}, "
                               f"inferred shape=({data[1]},) (gamma; (1,) is also accepted)")
        return [data, gamma or (data[1],)], [data], []

    def state_shapes(self, p, ins):
        return {"mask": ins[0]} if p["act_type"] == "rrelu" else {}

    def bind(self, p, b: Binding) -> Kernel:
        if p["act_type"] == "prelu":
            return _PReLUKernel(b)
        return _LeakyKernel(p, b)


def _grad_ptrs(b: Binding, index: int):
    dy = fptr(b.out_grads[0]) if b.out_grads[0] is not None else NULL
    dx = fptr(b.in_grads[index], writable=True) if b.in_grads[index] is not None else NULL
    return dy, dx


class _LeakyKernel(Kernel):
    """leaky, elu, selu, gelu; and rrelu, random while training."""

    what = "LeakyReLU"

    def __init__(self, p, b: Binding) -> None:
        self.random = p["act_type"] == "rrelu"
        self.lower, self.upper = p["lower_bound"], p["upper_bound"]
        if self.random:  # inference slope: the mean, computed in float32 as MXNet does
            self.kind = KINDS["leaky"]
            self.slope = float((np.float32(self.lower) + np.float32(self.upper)) / np.float32(2))
            self.mask, self.rng = fptr(b.state["mask"], writable=True), b.rng
        else:
            self.kind, self.slope = KINDS[p["act_type"]], p["slope"]
        self.n = b.inputs[0].size
        self.x, self.y = fptr(b.inputs[0]), fptr(b.outputs[0], writable=True)
        self.dy, self.dx = _grad_ptrs(b, 0)
        self.drawn = False  # whether the last forward drew slopes (training rrelu)

    def fill_step(self, param) -> None:
        p = param.leakyrelu
        p.mode = lib.MXC_LRELU_MODE_RRELU if self.random else lib.MXC_LRELU_MODE_PLAIN
        p.kind, p.n, p.slope, p.lower, p.upper = (self.kind, self.n, self.slope, self.lower,
                                                  self.upper)

    def forward(self, is_train: bool) -> None:
        self.drawn = self.random and is_train
        if self.drawn:
            rc = lib.mxc_rrelu_forward(self.y, self.mask, self.x, self.n, self.lower, self.upper,
                                       self.rng)
        else:
            rc = lib.mxc_leakyrelu_forward(self.y, self.x, self.n, self.kind, self.slope)
        if rc:
            check(rc, "LeakyReLU forward")

    def backward(self) -> None:
        if self.dx == NULL or self.dy == NULL:
            return
        if self.drawn:
            rc = lib.mxc_rrelu_backward(self.dx, self.dy, self.x, self.mask, self.n)
        else:
            rc = lib.mxc_leakyrelu_backward(self.dx, self.dy, self.x, self.y, self.n, self.kind,
                                            self.slope)
        if rc:
            check(rc, "LeakyReLU backward")


class _PReLUKernel(Kernel):
    what = "LeakyReLU"

    def __init__(self, b: Binding) -> None:
        shape = b.inputs[0].shape
        self.outer, self.c, self.inner = shape[0], shape[1], prod(shape[2:])
        self.gamma_n = b.inputs[1].size
        self.x, self.gamma = fptr(b.inputs[0]), fptr(b.inputs[1])
        self.y = fptr(b.outputs[0], writable=True)
        self.dy, self.dx = _grad_ptrs(b, 0)
        self.dgamma = _grad_ptrs(b, 1)[1]

    def fill_step(self, param) -> None:
        p = param.leakyrelu
        p.mode, p.outer, p.c, p.inner, p.gamma_n = (lib.MXC_LRELU_MODE_PRELU, self.outer, self.c,
                                                    self.inner, self.gamma_n)

    def forward(self, is_train: bool) -> None:
        rc = lib.mxc_prelu_forward(self.y, self.x, self.gamma, self.outer, self.c, self.inner,
                                   self.gamma_n)
        if rc:
            check(rc, "LeakyReLU forward")

    def backward(self) -> None:
        if self.dy == NULL or (self.dx == NULL and self.dgamma == NULL):
            return
        rc = lib.mxc_prelu_backward(self.dx, self.dgamma, self.dy, self.x, self.gamma, self.outer,
                                    self.c, self.inner, self.gamma_n)
        if rc:
            check(rc, "LeakyReLU backward")


register(LeakyReLU())
