"""Symbol algebra: elementwise binary operators (``elemwise_*``, what ``a + b`` builds), the
scalar family (``_plus_scalar``... what ``a * 2`` builds), the elementwise functions ``abs``,
``sqrt``, ``exp``, ``log``, and ``MakeLoss``.

They call the NDArray kernels of native/binary.h and native/unary.h (MakeLoss's backward is
native/output.h's); their fused steps (native/ops.def) make the same calls.
"""

from __future__ import annotations

from typing import Any

from .._lib import NULL, check, fptr, lib
from .registry import Binding, Kernel, Op, Param, Shape, register, require_same

def _grad(a: Any) -> Any:
    return fptr(a, writable=True) if a is not None else NULL


class ElemwiseBinary(Op):
    """``elemwise_add`` and friends: two inputs of exactly the same shape."""

    def __init__(self, name: str, code: int) -> None:
        self.name, self.code, self.params = name, code, {}

    def arguments(self, p: dict[str, Any]) -> list[str]:
        return ["lhs", "rhs"]

    def infer_shape(self, p, ins: list[Shape | None]):
        known = next((s for s in ins if s is not None), None)
        if known is None:
            return ins, [None], []
        for i, s in enumerate(ins):
            if s is not None:
                require_same(self.name, ("lhs", "rhs")[i], s, known)
        return [known, known], [known], []

    def bind(self, p, b: Binding) -> Kernel:
        return _BinaryKernel(self.name, self.code, b)


class _BinaryKernel(Kernel):
    def __init__(self, what: str, code: int, b: Binding) -> None:
        self.what, self.code, self.n = what, code, b.outputs[0].size
        self.a, self.b = fptr(b.inputs[0]), fptr(b.inputs[1])
        self.y = fptr(b.outputs[0], writable=True)
        self.dy = fptr(b.out_grads[0]) if b.out_grads[0] is not None else NULL
        self.da, self.db = _grad(b.in_grads[0]), _grad(b.in_grads[1])

    def forward(self, is_train: bool) -> None:
        check(lib.mxc_elemwise_binary_forward(self.y, self.a, self.b, self.n, self.code),
              f"{self.what} forward")

    def backward(self) -> None:
        if self.dy != NULL and (self.da != NULL or self.db != NULL):
            check(lib.mxc_elemwise_binary_backward(self.da, self.db, self.dy, self.a, self.b,
                                                   self.n, self.code), f"{self.what} backward")

    def fill_step(self, param: Any) -> None:
        param.elemwise.n, param.elemwise.kind = self.n, self.code


class ScalarOp(Op):
    """``_plus_scalar`` and friends: ``data op scalar`` (or ``scalar op data``)."""

    def __init__(self, name: str, code: int, reverse: bool) -> None:
        self.name, self.code, self.reverse = name, code, reverse
        self.params = {"scalar": Param("float", required=True)}

    def infer_shape(self, p, ins):
        return ins, [ins[0]], []

    def bind(self, p, b: Binding) -> Kernel:
        return _ScalarKernel(self, float(p["scalar"]), b)


class _ScalarKernel(Kernel):
    def __init__(self, op: ScalarOp, scalar: float, b: Binding) -> None:
        self.what, self.code, self.rev, self.s = op.name, op.code, int(op.reverse), scalar
        self.n = b.outputs[0].size
        self.x, self.y = fptr(b.inputs[0]), fptr(b.outputs[0], writable=True)
        self.dy = fptr(b.out_grads[0]) if b.out_grads[0] is not None else NULL
        self.dx = _grad(b.in_grads[0])

    def forward(self, is_train: bool) -> None:
        check(lib.mxc_binary_scalar_forward(self.y, self.x, self.n, self.s, self.code,
                                            self.rev), f"{self.what} forward")

    def backward(self) -> None:
        if self.dx != NULL and self.dy != NULL:
            check(lib.mxc_binary_scalar_backward(self.dx, self.dy, self.x, self.n, self.s,
                                                 self.code, self.rev), f"{self.what} backward")

    def fill_step(self, param: Any) -> None:
        e = param.elemwise
        e.n, e.kind, e.scalar, e.reverse = self.n, self.code, self.s, self.rev


class UnaryOp(Op):
    """An elementwise function of one input: ``abs`` (gradient ``sign(x)``), ``sqrt``,
    ``exp``, ``log`` (``mx.symbol.sqrt``...), one ``MXC_UNARY_*`` code each."""

    def __init__(self, name: str, code: int) -> None:
        self.name, self.code, self.params = name, code, {}

    def infer_shape(self, p, ins):
        return ins, [ins[0]], []

    def bind(self, p, b: Binding) -> Kernel:
        return _UnaryKernel(self.name, self.code, b)


class _UnaryKernel(Kernel):
    def __init__(self, what: str, code: int, b: Binding) -> None:
        self.what, self.code, self.n = what, code, b.outputs[0].size
        self.x, self.y = fptr(b.inputs[0]), fptr(b.outputs[0], writable=True)
        self.dy = fptr(b.out_grads[0]) if b.out_grads[0] is not None else NULL
        self.dx = _grad(b.in_grads[0])

    def forward(self, is_train: bool) -> None:
        check(lib.mxc_unary_forward(self.y, self.x, self.n, self.code), f"{self.what} forward")

    def backward(self) -> None:
        if self.dx != NULL and self.dy != NULL:
            check(lib.mxc_unary_backward(self.dx, self.dy, self.x, self.y, self.n, self.code),
                  f"{self.what} backward")

    def fill_step(self, param: Any) -> None:
        param.elemwise.n, param.elemwise.kind = self.n, self.code


class MakeLoss(Op):
    """``MakeLoss``: its output is its input; backward starts a gradient of ``grad_scale``
    (divided by the batch size with ``normalization = "batch"``, by the number of values above
    ``valid_thresh`` with ``"valid"``), native/output.h."""

    name = "MakeLoss"
    is_loss = True
    params = {"grad_scale": Param("float", 1.0), "valid_thresh": Param("float", 0.0),
              "normalization": Param("str", "null", choices=("null", "batch", "valid"))}

    def infer_shape(self, p, ins):
        return ins, [ins[0]], []

    def bind(self, p, b: Binding) -> Kernel:
        return _MakeLossKernel(p, b)


_NORMALIZATION = {"null": lib.MXC_NORM_NULL, "batch": lib.MXC_NORM_BATCH,
                  "valid": lib.MXC_NORM_VALID}


class _MakeLossKernel(Kernel):
    what = "MakeLoss"

    def __init__(self, p: dict[str, Any], b: Binding) -> None:
        self.n, self.batch = b.inputs[0].size, b.inputs[0].shape[0]
        self.x, self.y = fptr(b.inputs[0]), fptr(b.outputs[0], writable=True)
        self.dx = _grad(b.in_grads[0])
        self.scale, self.norm = float(p["grad_scale"]), _NORMALIZATION[p["normalization"]]
        self.thresh = float(p["valid_thresh"])

    def forward(self, is_train: bool) -> None:
        check(lib.mxc_unary_forward(self.y, self.x, self.n, lib.MXC_UNARY_COPY),
              "MakeLoss forward")

    def backward(self) -> None:
        if self.dx != NULL:
            check(lib.mxc_make_loss_backward(self.dx, self.x, self.n, self.batch, self.scale,
                                             self.norm, self.thresh), "MakeLoss backward")

    def fill_step(self, param: Any) -> None:
        m = param.make_loss
        m.n, m.batch, m.normalization = self.n, self.batch, self.norm
        m.grad_scale, m.valid_thresh = self.scale, self.thresh


for _name, _code in (("elemwise_add", lib.MXC_BINARY_ADD), ("elemwise_sub", lib.MXC_BINARY_SUB),
                     ("elemwise_mul", lib.MXC_BINARY_MUL), ("elemwise_div", lib.MXC_BINARY_DIV)):
    register(ElemwiseBinary(_name, _code))
for _name, _code, _rev in (("_plus_scalar", lib.MXC_BINARY_ADD, False),
                           ("_minus_scalar", lib.MXC_BINARY_SUB, False),
                           ("_rminus_scalar", lib.MXC_BINARY_SUB, True),
                           ("_mul_scalar", lib.MXC_BINARY_MUL, False),
                           ("_div_scalar", lib.MXC_BINARY_DIV, False),
                           ("_rdiv_scalar", lib.MXC_BINARY_DIV, True),
                           ("_power_scalar", lib.MXC_BINARY_POW, False),
                           ("_rpower_scalar", lib.MXC_BINARY_POW, True)):
    register(ScalarOp(_name, _code, _rev))
for _name, _code in (("abs", lib.MXC_UNARY_ABS), ("sqrt", lib.MXC_UNARY_SQRT),
                     ("exp", lib.MXC_UNARY_EXP), ("log", lib.MXC_UNARY_LOG)):
    register(UnaryOp(_name, _code))
register(MakeLoss())
