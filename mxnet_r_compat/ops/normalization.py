"""BatchNorm over one axis, with moving statistics kept as auxiliary states."""

from __future__ import annotations

from .._lib import NULL, check, fptr, lib
from .registry import Binding, Kernel, Op, Param, prod, register, require_same


class BatchNorm(Op):
    name = "BatchNorm"
    params = {
        "eps": Param("float", 1e-3),
        "momentum": Param("float", 0.9),
        "fix_gamma": Param("bool", True),
        "use_global_stats": Param("bool", False),
        "output_mean_var": Param("bool", False),
        "axis": Param("int", 1),
        "cudnn_off": Param("bool", False),
    }

    def arguments(self, p):
        return ["data", "gamma", "beta"]

    def aux_states(self, p):
        return ["moving_mean", "moving_var"]

    def infer_shape(self, p, ins):
        data = ins[0]
        if data is None:
            return ins, [None], [None, None]
        if p["output_mean_var"]:
            raise ValueError("BatchNorm: output_mean_var=True is not supported")
        axis = p["axis"] % len(data)
        c = (data[axis],)
        for name, given in zip(("gamma", "beta"), ins[1:]):
            if given is not None:
                require_same(self.name, name, given, c)
        return [data, c, c], [data], [c, c]

    def state_shapes(self, p, ins):
        c = (ins[0][p["axis"] % len(ins[0])],)
        return {"save_mean": c, "save_invstd": c}

    def bind(self, p, b: Binding) -> Kernel:
        return _BatchNormKernel(p, b)


class _BatchNormKernel(Kernel):
    def __init__(self, p, b: Binding) -> None:
        x = b.inputs[0]
        axis = p["axis"] % x.ndim
        self.outer, self.c = prod(x.shape[:axis]), x.shape[axis]
        self.inner = prod(x.shape[axis + 1:])
        self.p = p
        self.x, self.gamma, self.beta = (fptr(a) for a in b.inputs)
        self.mmean, self.mvar = (fptr(a, writable=True) for a in b.aux)
        self.smean = fptr(b.state["save_mean"], writable=True)
        self.sinv = fptr(b.state["save_invstd"], writable=True)
        self.y = fptr(b.outputs[0], writable=True)
        self.dy = fptr(b.out_grads[0]) if b.out_grads[0] is not None else NULL
        self.dx, self.dgamma, self.dbeta = (fptr(g, writable=True) if g is not None else NULL
                                            for g in b.in_grads)

    def forward(self, is_train: bool) -> None:
        p = self.p
        rc = lib.mxc_batchnorm_forward(
            self.y, self.smean, self.sinv, self.mmean, self.mvar, self.x, self.gamma, self.beta,
            self.outer, self.c, self.inner, p["eps"], p["momentum"], int(p["fix_gamma"]),
            int(p["use_global_stats"]), int(is_train))
        if rc:
            check(rc, "BatchNorm forward")

    def backward(self) -> None:
        p = self.p
        rc = lib.mxc_batchnorm_backward(
            self.dx, self.dgamma, self.dbeta, self.dy, self.x, self.gamma, self.smean, self.sinv,
            self.outer, self.c, self.inner, int(p["fix_gamma"]), int(p["use_global_stats"]))
        if rc:
            check(rc, "BatchNorm backward")


register(BatchNorm())
