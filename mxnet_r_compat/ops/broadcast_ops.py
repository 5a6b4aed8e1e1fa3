"""Broadcasting as symbols: ``broadcast_add``/``sub``/``mul``/``div``/``power``/``maximum``/
``minimum`` (aliases ``broadcast_plus``, ``broadcast_minus``) between two inputs whose shapes
differ by axes of extent 1, and ``broadcast_to``/``broadcast_axis`` of one input.

Shapes follow the NDArray functions (``ops/shape_rules.py``: the shorter shape gets leading
1s, as in MXNet); the values move in native/broadcast.h, whose backward sums the gradient
over the repeated axes.
"""

from __future__ import annotations

from typing import Any

from .._lib import NULL, check, ffi, fptr, lib
from ..errors import MXShapeError, MXValueError
from . import shape_rules
from .registry import Binding, Kernel, Op, Param, Shape, register

MAX_NDIM = lib.MXC_MAX_NDIM  # the fused step's room for a shape (native/broadcast.h)


def _grad(a: Any) -> Any:
    return fptr(a, writable=True) if a is not None else NULL


def _fill_shapes(param: Any, out: Shape, a: Shape, b: Shape | None) -> None:
    p = param.broadcast
    p.ndim = len(out)
    for d in range(len(out)):
        p.out_shape[d], p.a_shape[d] = out[d], a[d]
        if b is not None:
            p.b_shape[d] = b[d]


class BroadcastBinary(Op):
    """``broadcast_<op>``: ``lhs op rhs`` with broadcasting (one ``MXC_BINARY_*`` code).

    Example:
        >>> from mxnet_r_compat import mx
        >>> s = mx.symbol.broadcast_add(mx.symbol.Variable("a"), mx.symbol.Variable("b"))
        >>> s.infer_shape(a=(2, 3), b=(1, 3))[1]
        [(2, 3)]
    """

    def __init__(self, name: str, code: int) -> None:
        self.name, self.code, self.params = name, code, {}

    def arguments(self, p):
        return ["lhs", "rhs"]

    def infer_shape(self, p, ins):
        if ins[0] is None or ins[1] is None:
            return ins, [None], []
        out, _, _ = shape_rules.broadcast(self.name, ins[0], ins[1])
        return ins, [out], []

    def bind(self, p, b: Binding) -> Kernel:
        return _BroadcastKernel(self, b)


class _BroadcastKernel(Kernel):
    def __init__(self, op: BroadcastBinary, b: Binding) -> None:
        self.what, self.code = op.name, op.code
        self.out_s, self.a_s, self.b_s = shape_rules.broadcast(op.name, b.inputs[0].shape,
                                                               b.inputs[1].shape)
        self.ndim = len(self.out_s)
        self.c_shapes = [ffi.new("int64_t[]", list(s)) for s in (self.out_s, self.a_s, self.b_s)]
        self.a, self.b = fptr(b.inputs[0]), fptr(b.inputs[1])
        self.y = fptr(b.outputs[0], writable=True)
        self.dy = fptr(b.out_grads[0]) if b.out_grads[0] is not None else NULL
        self.da, self.db = _grad(b.in_grads[0]), _grad(b.in_grads[1])

    def forward(self, is_train: bool) -> None:
        check(lib.mxc_broadcast_binary_forward(self.y, self.a, self.b, self.ndim,
                                               *self.c_shapes, self.code),
              f"{self.what} forward")

    def backward(self) -> None:
        if self.dy != NULL and (self.da != NULL or self.db != NULL):
            check(lib.mxc_broadcast_binary_backward(self.da, self.db, self.dy, self.a, self.b,
                                                    self.ndim, *self.c_shapes, self.code),
                  f"{self.what} backward")

    def fill_step(self, param: Any) -> None:
        _fill_shapes(param, self.out_s, self.a_s, self.b_s)
        param.broadcast.kind = self.code


def _check_target(op: str, data: Shape, out: Shape) -> Shape:
    if len(out) > MAX_NDIM:
        raise MXShapeError(f"{op}: at most {MAX_NDIM} axes are supported. Received a target "
                           f"shape {out}.")
    for x, y in zip(data, out, strict=True):
        if x != y and x != 1:
            raise MXShapeError(f"{op}: cannot broadcast an input of shape {data} to {out}; "
                               f"only axes of extent 1 can grow.")
    return out


class BroadcastTo(Op):
    """``broadcast_to``: the input repeated to ``shape`` (0 keeps an extent).

    Example:
        >>> from mxnet_r_compat import mx
        >>> s = mx.symbol.broadcast_to(mx.symbol.Variable("x"), shape=(4, 0))
        >>> s.infer_shape(x=(1, 3))[1]
        [(4, 3)]
    """

    name = "broadcast_to"
    params = {"shape": Param("shape", ())}

    def infer_shape(self, p, ins):
        data = ins[0]
        if data is None:
            return ins, [None], []
        target = p["shape"]
        if len(target) != len(data):
            raise MXValueError(f"Invalid value for parameter `shape` of broadcast_to. "
                               f"Received: shape={tuple(target)} for an input of shape "
                               f"{data}. Expected {len(data)} extents (0 keeps one).")
        out = tuple(x if t == 0 else t for x, t in zip(data, target, strict=True))
        return ins, [_check_target(self.name, data, out)], []

    def bind(self, p, b: Binding) -> Kernel:
        return _BroadcastToKernel(self.name, b)


class BroadcastAxis(Op):
    """``broadcast_axis`` (alias ``broadcast_axes``): axes ``axis`` of extent 1 grown to
    ``size``.

    Example:
        >>> from mxnet_r_compat import mx
        >>> s = mx.symbol.broadcast_axis(mx.symbol.Variable("x"), axis=1, size=3)
        >>> s.infer_shape(x=(2, 1))[1]
        [(2, 3)]
    """

    name = "broadcast_axis"
    params = {"axis": Param("shape", ()), "size": Param("shape", ())}

    def infer_shape(self, p, ins):
        data = ins[0]
        if data is None:
            return ins, [None], []
        axes, sizes = p["axis"], p["size"]
        if len(axes) != len(sizes):
            raise MXValueError(f"Invalid value for parameters `axis`, `size` of "
                               f"broadcast_axis. Received: axis={tuple(axes)}, "
                               f"size={tuple(sizes)}. Expected one size per axis.")
        out = list(data)
        for axis, size in zip(axes, sizes, strict=True):
            d = shape_rules.axis_index(self.name, axis, len(data))
            if data[d] != 1:
                raise MXShapeError(f"broadcast_axis: axis {d} of the input {data} has extent "
                                   f"{data[d]}; only an axis of extent 1 can be broadcast.")
            out[d] = int(size)
        return ins, [_check_target(self.name, data, tuple(out))], []

    def bind(self, p, b: Binding) -> Kernel:
        return _BroadcastToKernel(self.name, b)


class _BroadcastToKernel(Kernel):
    def __init__(self, what: str, b: Binding) -> None:
        self.what = what
        self.out_s, self.x_s = b.outputs[0].shape, b.inputs[0].shape
        self.ndim = len(self.out_s)
        self.c_out, self.c_x = (ffi.new("int64_t[]", list(s)) for s in (self.out_s, self.x_s))
        self.x, self.y = fptr(b.inputs[0]), fptr(b.outputs[0], writable=True)
        self.dy = fptr(b.out_grads[0]) if b.out_grads[0] is not None else NULL
        self.dx = _grad(b.in_grads[0])

    def forward(self, is_train: bool) -> None:
        check(lib.mxc_broadcast_to_forward(self.y, self.x, self.ndim, self.c_out, self.c_x),
              f"{self.what} forward")

    def backward(self) -> None:
        if self.dx != NULL and self.dy != NULL:
            check(lib.mxc_broadcast_to_backward(self.dx, self.dy, self.ndim, self.c_out,
                                                self.c_x), f"{self.what} backward")

    def fill_step(self, param: Any) -> None:
        _fill_shapes(param, self.out_s, self.x_s, None)


for _name, _code, _aliases in (
        ("broadcast_add", lib.MXC_BINARY_ADD, ("broadcast_plus",)),
        ("broadcast_sub", lib.MXC_BINARY_SUB, ("broadcast_minus",)),
        ("broadcast_mul", lib.MXC_BINARY_MUL, ()),
        ("broadcast_div", lib.MXC_BINARY_DIV, ()),
        ("broadcast_power", lib.MXC_BINARY_POW, ()),
        ("broadcast_maximum", lib.MXC_BINARY_MAXIMUM, ()),
        ("broadcast_minimum", lib.MXC_BINARY_MINIMUM, ())):
    register(BroadcastBinary(_name, _code), *_aliases)
register(BroadcastTo())
register(BroadcastAxis(), "broadcast_axes")
