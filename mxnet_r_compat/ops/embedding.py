"""Embedding: rows of a weight table picked by integer indices (``native/embedding.c``).

Indices arrive as floats; each is truncated and clipped to [0, input_dim - 1], as
MXNet does. The gradient goes to the weight only (indices are not differentiable).
"""

from __future__ import annotations

from .._lib import NULL, check, fptr, lib
from ..errors import MXValueError
from .registry import Binding, Kernel, Op, Param, register, require_same


class Embedding(Op):
    name = "Embedding"
    params = {
        "input_dim": Param("int", required=True),
        "output_dim": Param("int", required=True),
        "dtype": Param("str", "float32", choices=("float32",)),
        "sparse_grad": Param("bool", False),
    }

    def arguments(self, p):
        return ["data", "weight"]

    def infer_shape(self, p, ins):
        for key in ("input_dim", "output_dim"):
            if p[key] < 1:
                raise MXValueError(f"Invalid value for parameter `{key}` of Embedding. "
                                   f"Received: {key}={p[key]}. Expected {key} >= 1.")
        weight = (p["input_dim"], p["output_dim"])
        if ins[1] is not None:
            require_same(self.name, "weight", ins[1], weight)
        data = ins[0]
        if data is None:
            return [None, weight], [None], []
        return [data, weight], [(*data, p["output_dim"])], []

    def bind(self, p, b: Binding) -> Kernel:
        return _EmbeddingKernel(p, b)


class _EmbeddingKernel(Kernel):
    what = "Embedding"

    def __init__(self, p, b: Binding) -> None:
        self.n, self.d_in, self.d_out = b.inputs[0].size, p["input_dim"], p["output_dim"]
        self.idx, self.w = fptr(b.inputs[0]), fptr(b.inputs[1])
        self.y = fptr(b.outputs[0], writable=True)
        self.dy = fptr(b.out_grads[0]) if b.out_grads[0] is not None else NULL
        self.dw = fptr(b.in_grads[1], writable=True) if b.in_grads[1] is not None else NULL

    def fill_step(self, param) -> None:
        e = param.embedding
        e.n, e.input_dim, e.output_dim = self.n, self.d_in, self.d_out

    def forward(self, is_train: bool) -> None:
        rc = lib.mxc_embedding_forward(self.y, self.idx, self.w, self.n, self.d_in, self.d_out)
        if rc:
            check(rc, "Embedding forward")

    def backward(self) -> None:
        if self.dw == NULL or self.dy == NULL:
            return
        rc = lib.mxc_embedding_backward(self.dw, self.dy, self.idx, self.n, self.d_in, self.d_out)
        if rc:
            check(rc, "Embedding backward")


register(Embedding())
