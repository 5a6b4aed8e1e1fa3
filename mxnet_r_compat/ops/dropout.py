"""Dropout: ``x * mask / (1 - p)`` while training (or always, with mode="always").

With ``axes``, one mask value is shared along those axes (MXNet's variational
dropout): the mask has extent 1 there and is broadcast.
"""

from __future__ import annotations

import numpy as np

from .._lib import NULL, check, ffi, fptr, lib
from ..errors import MXValueError
from .registry import Binding, Kernel, Op, Param, Shape, register

MAX_NDIM = lib.MXC_MAX_NDIM  # the fused step's room for the shapes (native/dropout.h)


def mask_shape(data: Shape, axes: tuple[int, ...]) -> Shape:
    """The data's shape with extent 1 on the shared axes (negative axes count from the end).

    Example:
        >>> mask_shape((8, 3, 4, 4), (2, 3))
        (8, 3, 1, 1)
    """
    out = list(data)
    if axes and len(data) > MAX_NDIM:
        raise MXValueError(f"Invalid value for parameter `axes` of Dropout. Received: "
                           f"axes={tuple(axes)} on {len(data)}-D data. Expected data of at "
                           f"most {MAX_NDIM} dimensions when axes is given.")
    for a in axes:
        if not -len(data) <= a < len(data):
            raise MXValueError(f"Invalid value for parameter `axes` of Dropout. Received: "
                               f"axes={tuple(axes)}. Expected axes of {len(data)}-D data, "
                               f"in [{-len(data)}, {len(data) - 1}].")
        out[a] = 1
    return tuple(out)


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
        if ins[0] is not None:
            mask_shape(ins[0], p["axes"])
        return ins, [ins[0]], []

    def state_shapes(self, p, ins):
        return {"mask": mask_shape(ins[0], p["axes"])}

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
        self.shared = self.mask_arr.shape != self.x_arr.shape  # `axes`: a broadcast mask
        if self.shared:
            self.ndim = self.x_arr.ndim
            self.shape = ffi.new("int64_t[]", self.x_arr.shape)
            self.mask_shape = ffi.new("int64_t[]", self.mask_arr.shape)

    def forward(self, is_train: bool) -> None:
        self.applied = (is_train or self.always) and self.p > 0.0
        if not self.applied:
            np.copyto(self.y_arr, self.x_arr)
            return
        if self.shared:
            rc = lib.mxc_dropout_shared_forward(self.y, self.mask, self.x, self.shape,
                                                self.mask_shape, self.ndim, self.p, self.rng)
        else:
            rc = lib.mxc_dropout_forward(self.y, self.mask, self.x, self.n, self.p, self.rng)
        if rc:
            check(rc, "Dropout forward")

    def fill_step(self, param) -> None:
        p = param.dropout
        p.n, p.p, p.always = self.n, self.p, int(self.always)
        p.ndim = self.ndim if self.shared else 0
        if self.shared:
            for i, (d, m) in enumerate(zip(self.x_arr.shape, self.mask_arr.shape)):
                p.shape[i], p.mask_shape[i] = d, m

    def backward(self) -> None:
        if self.dx == NULL:
            return
        if not self.applied:
            rc = lib.mxc_axpy(self.dx, self.dy, self.n, 1.0)
        elif self.shared:
            rc = lib.mxc_dropout_shared_backward(self.dx, self.dy, self.mask, self.shape,
                                                 self.mask_shape, self.ndim)
        else:
            rc = lib.mxc_dropout_backward(self.dx, self.dy, self.mask, self.n)
        if rc:
            check(rc, "Dropout backward")


register(Dropout())
