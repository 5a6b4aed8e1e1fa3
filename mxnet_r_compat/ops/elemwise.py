"""Elementwise math operators: square."""

from __future__ import annotations

from typing import Any

from .._lib import NULL, check, fptr, lib
from .registry import Binding, Kernel, Op, Shape, register


class Square(Op):
    """``square``: ``y = x * x``, elementwise (``mx.symbol.square``).

    Example:
        >>> from mxnet_r_compat import mx
        >>> y = mx.symbol.square(mx.symbol.Variable("data"))
    """

    name = "square"
    params = {}

    def infer_shape(self, p: dict[str, Any], ins: list[Shape | None]
                    ) -> tuple[list[Shape | None], list[Shape | None], list[Shape]]:
        return ins, [ins[0]], []

    def bind(self, p: dict[str, Any], b: Binding) -> Kernel:
        return _SquareKernel(b)


class _SquareKernel(Kernel):
    what = "square"

    def __init__(self, b: Binding) -> None:
        self.n = b.inputs[0].size
        self.x, self.y = fptr(b.inputs[0]), fptr(b.outputs[0], writable=True)
        self.dy = fptr(b.out_grads[0]) if b.out_grads[0] is not None else NULL
        self.dx = fptr(b.in_grads[0], writable=True) if b.in_grads[0] is not None else NULL

    def forward(self, is_train: bool) -> None:
        rc = lib.mxc_square_forward(self.y, self.x, self.n)
        if rc:
            check(rc, "square forward")

    def backward(self) -> None:
        if self.dx == NULL:
            return
        rc = lib.mxc_square_backward(self.dx, self.dy, self.x, self.n)
        if rc:
            check(rc, "square backward")

    def fill_step(self, param: Any) -> None:
        param.elemwise.n = self.n


register(Square())
