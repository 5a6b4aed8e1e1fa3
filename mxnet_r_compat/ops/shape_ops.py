"""Operators that only move data: Flatten (a copy, as Reshape) and Concat."""

from __future__ import annotations

from .._lib import NULL, check, ffi, fptr, lib
from .layout_ops import CopyKernel
from .registry import Binding, Kernel, Op, Param, prod, register, require_same


class Flatten(Op):
    name = "Flatten"
    params = {}

    def infer_shape(self, p, ins):
        data = ins[0]
        return ins, [None if data is None else (data[0], prod(data[1:]))], []

    def bind(self, p, b: Binding) -> Kernel:
        return CopyKernel(self.name, b)  # the values keep their order


class Concat(Op):
    name = "Concat"
    params = {"num_args": Param("int", required=True), "dim": Param("int", 1)}

    def arguments(self, p):
        return [f"arg{i}" for i in range(p["num_args"])]

    def complete_params(self, params, n_inputs):
        """``num_args`` defaults to the number of inputs given (as in MXNet R)."""
        return params if "num_args" in params else {**params, "num_args": n_inputs}

    def infer_shape(self, p, ins):
        if any(s is None for s in ins):
            return ins, [None], []
        first = ins[0]
        axis = p["dim"] % len(first)
        for i, s in enumerate(ins[1:], start=1):
            same = (*s[:axis], *s[axis + 1:]) == (*first[:axis], *first[axis + 1:])
            if len(s) != len(first) or not same:
                require_same(self.name, f"arg{i}", s, (*first[:axis], s[axis], *first[axis + 1:]))
        out = (*first[:axis], sum(s[axis] for s in ins), *first[axis + 1:])
        return ins, [out], []

    def bind(self, p, b: Binding) -> Kernel:
        return _ConcatKernel(p, b)


class _ConcatKernel(Kernel):
    what = "Concat"

    def __init__(self, p, b: Binding) -> None:
        axis = p["dim"] % b.inputs[0].ndim
        self.k = len(b.inputs)
        self.outer = prod(b.inputs[0].shape[:axis])
        self.widths = ffi.new("int64_t[]", [a.size // self.outer for a in b.inputs])
        self.ins = ffi.new("const float *[]", [fptr(a) for a in b.inputs])
        self.dins = ffi.new("float *[]", [fptr(g, writable=True) if g is not None else NULL
                                          for g in b.in_grads])
        self.y = fptr(b.outputs[0], writable=True)
        self.dy = fptr(b.out_grads[0]) if b.out_grads[0] is not None else NULL
        self._keep = b  # the pointer arrays above point into these buffers

    def forward(self, is_train: bool) -> None:
        check(lib.mxc_concat_forward(self.y, self.ins, self.widths, self.k, self.outer),
              "Concat forward")

    def fill_step(self, param) -> None:
        param.concat.outer, param.concat.widths = self.outer, self.widths

    def backward(self) -> None:
        if self.dy == NULL:  # no input needs a gradient (Concat of data inputs only)
            return
        check(lib.mxc_concat_backward(self.dins, self.dy, self.widths, self.k, self.outer),
              "Concat backward")


register(Flatten())
register(Concat(), "concat")
