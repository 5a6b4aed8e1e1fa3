"""FullyConnected: ``out = flatten(x) . W^T + b`` (docs/MXNET_R_BEHAVIOUR.md, "Operators")."""

from __future__ import annotations

from typing import Any

from .._lib import NULL, check, fptr, lib
from .registry import Binding, Kernel, Op, Param, prod, register, require_same


class FullyConnected(Op):
    name = "FullyConnected"
    params = {
        "num_hidden": Param("int", required=True),
        "no_bias": Param("bool", False),
        "flatten": Param("bool", True),
    }

    def arguments(self, p: dict[str, Any]) -> list[str]:
        return ["data", "weight"] if p["no_bias"] else ["data", "weight", "bias"]

    def infer_shape(self, p, ins):
        data = ins[0]
        if data is None:
            return ins, [None], []
        if p["num_hidden"] < 1:
            raise ValueError(f"FullyConnected: num_hidden must be >= 1, got {p['num_hidden']}")
        if p["flatten"]:
            d_in, out = prod(data[1:]), (data[0], p["num_hidden"])
        else:
            d_in, out = data[-1], (*data[:-1], p["num_hidden"])
        want = [data, (p["num_hidden"], d_in), (p["num_hidden"],)][: len(ins)]
        for name, given, shape in zip(("data", "weight", "bias"), ins, want):
            if given is not None:
                require_same(self.name, name, given, shape)
        return want, [out], []

    def data_shape_from_params(self, p, shapes):
        weight = shapes.get("weight")  # (num_hidden, features): the data flattens to that
        return (1, weight[1]) if weight is not None and len(weight) == 2 else None

    def bind(self, p, b: Binding) -> Kernel:
        return _DenseKernel(p, b)


class _DenseKernel(Kernel):
    what = "FullyConnected"

    def __init__(self, p: dict[str, Any], b: Binding) -> None:
        x, w = b.inputs[0], b.inputs[1]
        self.d_out, self.d_in = w.shape
        self.n = x.size // self.d_in
        self.x, self.w = fptr(x), fptr(w)
        self.b = fptr(b.inputs[2]) if len(b.inputs) > 2 else NULL
        self.out = fptr(b.outputs[0], writable=True)
        self.dout = fptr(b.out_grads[0]) if b.out_grads[0] is not None else NULL
        self.dx, self.dw, self.db = (fptr(g, writable=True) if g is not None else NULL
                                     for g in (*b.in_grads, None)[:3])

    def forward(self, is_train: bool) -> None:
        rc = lib.mxc_dense_forward(self.out, self.x, self.w, self.b, self.n, self.d_in, self.d_out)
        if rc:
            check(rc, "FullyConnected forward")

    def fill_step(self, param) -> None:
        p = param.dense
        p.n, p.d_in, p.d_out = self.n, self.d_in, self.d_out

    def backward(self) -> None:
        rc = lib.mxc_dense_backward(self.dx, self.dw, self.db, self.dout, self.x, self.w,
                                    self.n, self.d_in, self.d_out)
        if rc:
            check(rc, "FullyConnected backward")


register(FullyConnected())
