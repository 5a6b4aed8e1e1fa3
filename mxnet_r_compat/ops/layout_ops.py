"""Operators that change only the shape or the order of values: Reshape, expand_dims, Cast,
BlockGrad (a copy whose gradient is zero), transpose and SliceChannel.

The copies run ``mxc_reshape_forward``/``backward`` (native/reshape.h), transpose the NDArray
kernel of native/transpose.h and SliceChannel ``mxc_split_*`` (native/slice.h); the shape
rules are those of the NDArray functions (``ops/shape_rules.py``).
"""

from __future__ import annotations

from typing import Any

from .._lib import NULL, check, ffi, fptr, lib
from ..errors import MXShapeError, MXValueError
from . import shape_rules
from .registry import Binding, Kernel, Op, Param, Shape, register

MAX_NDIM = lib.MXC_MAX_NDIM  # the fused step's room for a shape (native/reshape.h)


def _grad(a: Any) -> Any:
    return fptr(a, writable=True) if a is not None else NULL


def _check_ndim(op: str, shape: Shape) -> None:
    if len(shape) > MAX_NDIM:
        raise MXShapeError(f"{op}: at most {MAX_NDIM} axes are supported. Received an input "
                           f"of shape {shape}.")


def _int64s(values: Any) -> Any:
    return ffi.new("int64_t[]", [int(v) for v in values])


# -------------------------------------------------------------------------------------------
# Copies: Reshape, expand_dims, Cast, BlockGrad


class CopyKernel(Kernel):
    """out = x in the same row-major order; the backward adds the gradient back."""

    def __init__(self, what: str, b: Binding) -> None:
        self.what, self.n = what, b.inputs[0].size
        self.x, self.y = fptr(b.inputs[0]), fptr(b.outputs[0], writable=True)
        self.dy = fptr(b.out_grads[0]) if b.out_grads[0] is not None else NULL
        self.dx = _grad(b.in_grads[0])

    def forward(self, is_train: bool) -> None:
        check(lib.mxc_reshape_forward(self.y, self.x, self.n), f"{self.what} forward")

    def backward(self) -> None:
        if self.dx != NULL and self.dy != NULL:
            check(lib.mxc_reshape_backward(self.dx, self.dy, self.n), f"{self.what} backward")

    def fill_step(self, param: Any) -> None:
        param.reshape.n = self.n


class _ForwardOnlyKernel(Kernel):
    """BlockGrad's: the copy forward, and no backward (the op is not differentiable)."""

    what = "BlockGrad"

    def __init__(self, b: Binding) -> None:
        self.n = b.inputs[0].size
        self.x, self.y = fptr(b.inputs[0]), fptr(b.outputs[0], writable=True)

    def forward(self, is_train: bool) -> None:
        check(lib.mxc_reshape_forward(self.y, self.x, self.n), "BlockGrad forward")

    def fill_step(self, param: Any) -> None:
        param.reshape.n = self.n


class BlockGrad(Op):
    """``BlockGrad`` (alias ``stop_gradient``): the output is the input; no gradient flows
    back through it (``mx.symbol.BlockGrad``).

    Example:
        >>> from mxnet_r_compat import mx
        >>> y = mx.symbol.BlockGrad(mx.symbol.Variable("user"))
    """

    name = "BlockGrad"
    params = {}
    differentiable = False

    def infer_shape(self, p, ins):
        return ins, [ins[0]], []

    def bind(self, p, b: Binding) -> Kernel:
        return _ForwardOnlyKernel(b)


class Reshape(Op):
    """``Reshape`` (alias ``reshape``): MXNet's ``shape`` with 0, -1, -2, -3, -4 and
    ``reverse``; the legacy ``target_shape`` (one 0 inferred) with ``keep_highest``.

    Example:
        >>> from mxnet_r_compat import mx
        >>> r = mx.symbol.Reshape(mx.symbol.Variable("x"), shape=(0, -1))
        >>> r.infer_shape(x=(2, 3, 4))[1]
        [(2, 12)]
    """

    name = "Reshape"
    params = {"shape": Param("shape", ()), "reverse": Param("bool", False),
              "target_shape": Param("shape", ()), "keep_highest": Param("bool", False)}

    def infer_shape(self, p, ins):
        data = ins[0]
        if data is None:
            return ins, [None], []
        if p["shape"]:
            return ins, [shape_rules.reshape("Reshape", data, p["shape"], p["reverse"])], []
        if p["target_shape"]:
            return ins, [_legacy_target(data, p["target_shape"], p["keep_highest"])], []
        raise MXValueError("Invalid value for parameter `shape` of Reshape. Received: no "
                           "shape. Expected a target shape such as shape=(0, -1).")

    def bind(self, p, b: Binding) -> Kernel:
        return CopyKernel("Reshape", b)


def _legacy_target(data: Shape, target: Shape, keep_highest: bool) -> Shape:
    """MXNet's deprecated ``target_shape``: one 0 is inferred; ``keep_highest`` keeps the
    first extent of the input."""
    spec = [int(t) for t in target]
    if keep_highest:
        spec = [data[0], *spec[1:]] if spec else [data[0]]
    if spec.count(0) > 1:
        raise MXValueError(f"Invalid value for parameter `target_shape` of Reshape. Received: "
                           f"target_shape={tuple(target)}. Expected at most one 0 (inferred).")
    return shape_rules.reshape("Reshape", data, [-1 if t == 0 else t for t in spec])


class ExpandDims(Op):
    """``expand_dims``: an axis of extent 1 inserted at ``axis``.

    Example:
        >>> from mxnet_r_compat import mx
        >>> mx.symbol.expand_dims(mx.symbol.Variable("x"), axis=1).infer_shape(x=(2, 3))[1]
        [(2, 1, 3)]
    """

    name = "expand_dims"
    params = {"axis": Param("int", required=True)}

    def infer_shape(self, p, ins):
        data = ins[0]
        if data is None:
            return ins, [None], []
        d = shape_rules.axis_index("expand_dims", p["axis"], len(data) + 1)
        out = (*data[:d], 1, *data[d:])
        _check_ndim("expand_dims", out)
        return ins, [out], []

    def bind(self, p, b: Binding) -> Kernel:
        return CopyKernel("expand_dims", b)


class Cast(Op):
    """``Cast`` (alias ``cast``): values are float32 in this build, so only
    ``dtype = "float32"`` is accepted (docs/COMPATIBILITY.md).

    Example:
        >>> from mxnet_r_compat import mx
        >>> c = mx.symbol.Cast(mx.symbol.Variable("x"), dtype="float32")
    """

    name = "Cast"
    params = {"dtype": Param("str", required=True, choices=("float32",))}

    def infer_shape(self, p, ins):
        return ins, [ins[0]], []

    def bind(self, p, b: Binding) -> Kernel:
        return CopyKernel("Cast", b)


# -------------------------------------------------------------------------------------------
# transpose


class Transpose(Op):
    """``transpose``: the axes permuted by ``axes`` (reversed when empty).

    Example:
        >>> from mxnet_r_compat import mx
        >>> t = mx.symbol.transpose(mx.symbol.Variable("x"), axes=(0, 2, 1))
        >>> t.infer_shape(x=(2, 3, 4))[1]
        [(2, 4, 3)]
    """

    name = "transpose"
    params = {"axes": Param("shape", ())}

    def infer_shape(self, p, ins):
        data = ins[0]
        if data is None:
            return ins, [None], []
        _check_ndim("transpose", data)
        perm = shape_rules.transpose_axes("transpose", len(data), p["axes"])
        return ins, [tuple(data[a] for a in perm)], []

    def bind(self, p, b: Binding) -> Kernel:
        return _TransposeKernel(p, b)


class _TransposeKernel(Kernel):
    what = "transpose"

    def __init__(self, p, b: Binding) -> None:
        shape = b.inputs[0].shape
        self.ndim, self.shape_list = len(shape), list(shape)
        self.perm = list(shape_rules.transpose_axes("transpose", len(shape), p["axes"]))
        self.shape, self.axes = _int64s(shape), _int64s(self.perm)
        self.x, self.y = fptr(b.inputs[0]), fptr(b.outputs[0], writable=True)
        self.dy = fptr(b.out_grads[0]) if b.out_grads[0] is not None else NULL
        self.dx = _grad(b.in_grads[0])

    def forward(self, is_train: bool) -> None:
        check(lib.mxc_transpose_forward(self.y, self.x, self.ndim, self.shape, self.axes),
              "transpose forward")

    def backward(self) -> None:
        if self.dx != NULL and self.dy != NULL:
            check(lib.mxc_transpose_backward(self.dx, self.dy, self.ndim, self.shape, self.axes),
                  "transpose backward")

    def fill_step(self, param: Any) -> None:
        r = param.reshape
        r.ndim = self.ndim
        for d in range(self.ndim):
            r.shape[d], r.axes[d] = self.shape_list[d], self.perm[d]


# -------------------------------------------------------------------------------------------
# SliceChannel


class SliceChannel(Op):
    """``SliceChannel`` (alias ``split``): ``num_outputs`` equal parts along ``axis`` (1),
    outputs ``<name>_output0``, ``<name>_output1``...; ``squeeze_axis`` drops the axis
    when each part has extent 1 along it.

    Example:
        >>> from mxnet_r_compat import mx
        >>> s = mx.symbol.SliceChannel(mx.symbol.Variable("x"), num_outputs=2, name="s")
        >>> s.outputs(), s.infer_shape(x=(3, 4))[1]
        (['s_output0', 's_output1'], [(3, 2), (3, 2)])
    """

    name = "SliceChannel"
    params = {"num_outputs": Param("int", required=True), "axis": Param("int", 1),
              "squeeze_axis": Param("bool", False)}

    def outputs(self, p):
        return [f"output{i}" for i in range(p["num_outputs"])]

    def infer_shape(self, p, ins):
        n = p["num_outputs"]
        if n < 1:
            raise MXValueError(f"Invalid value for parameter `num_outputs` of SliceChannel. "
                               f"Received: num_outputs={n}. Expected num_outputs >= 1.")
        data = ins[0]
        if data is None:
            return ins, [None] * n, []
        _check_ndim("SliceChannel", data)
        axis = shape_rules.axis_index("SliceChannel", p["axis"], len(data))
        if data[axis] % n:
            raise MXShapeError(f"SliceChannel: axis {axis} of the input {data} has extent "
                               f"{data[axis]}, which num_outputs={n} does not divide into "
                               f"equal parts.")
        part = data[axis] // n
        if p["squeeze_axis"] and part != 1:
            raise MXShapeError(f"SliceChannel: squeeze_axis needs parts of extent 1 along "
                               f"axis {axis}; the input {data} gives parts of {part}.")
        out = (*data[:axis], *data[axis + 1:]) if p["squeeze_axis"] else \
            (*data[:axis], part, *data[axis + 1:])
        return ins, [out or (1,)] * n, []

    def bind(self, p, b: Binding) -> Kernel:
        return _SplitKernel(p, b)


class _SplitKernel(Kernel):
    what = "SliceChannel"

    def __init__(self, p, b: Binding) -> None:
        shape = b.inputs[0].shape
        self.ndim, self.shape_list, self.k = len(shape), list(shape), len(b.outputs)
        self.axis = shape_rules.axis_index("SliceChannel", p["axis"], len(shape))
        self.shape = _int64s(shape)
        self.x = fptr(b.inputs[0])
        self.ys = ffi.new("float *[]", [fptr(y, writable=True) for y in b.outputs])
        self.dys = ffi.new("const float *[]", [fptr(g) if g is not None else NULL
                                               for g in b.out_grads])
        self.dx = _grad(b.in_grads[0])
        self._keep = b  # the pointer arrays above point into these buffers

    def forward(self, is_train: bool) -> None:
        check(lib.mxc_split_forward(self.ys, self.x, self.ndim, self.shape, self.axis, self.k),
              "SliceChannel forward")

    def backward(self) -> None:
        if self.dx != NULL:
            check(lib.mxc_split_backward(self.dx, self.dys, self.ndim, self.shape, self.axis,
                                         self.k), "SliceChannel backward")

    def fill_step(self, param: Any) -> None:
        r = param.reshape
        r.ndim, r.num_outputs, r.axes[0] = self.ndim, self.k, self.axis
        for d in range(self.ndim):
            r.shape[d] = self.shape_list[d]


register(BlockGrad(), "stop_gradient")
register(Reshape(), "reshape")
register(ExpandDims())
register(Cast(), "cast")
register(Transpose())
register(SliceChannel(), "split")
