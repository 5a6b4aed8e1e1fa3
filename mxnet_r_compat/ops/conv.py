"""Convolution and Deconvolution over NCW / NCHW data (``native/conv.c``, ``native/deconv.c``).

Parameters, defaults and shape rules are MXNet 1.x's (docs/CONVOLUTION.md):
weight (num_filter, channels / num_group, *kernel) for Convolution and
(channels, num_filter / num_group, *kernel) for Deconvolution; ``workspace`` and
the cuDNN settings are accepted and ignored. Each node keeps its own column
buffer (``state["work"]``).
"""

from __future__ import annotations

from typing import Any

from .._lib import NULL, check, fptr, lib
from ..errors import MXShapeError, MXValueError
from .registry import Binding, Kernel, Op, Param, Shape, register, require_same
from .window import (
    check_data_rank,
    conv_extent,
    conv_struct,
    fill_window,
    per_axis,
    window_axes,
    workspace_shape,
)

_COMMON = {
    "kernel": Param("shape", required=True),
    "stride": Param("shape", ()),
    "dilate": Param("shape", ()),
    "pad": Param("shape", ()),
    "num_filter": Param("int", required=True),
    "num_group": Param("int", 1),
    "cudnn_tune": Param("str", None, choices=("off", "limited_workspace", "fastest")),
    "cudnn_off": Param("bool", False),
    "layout": Param("str", None, choices=("NCW", "NCHW", "NCDHW", "NHWC", "NDHWC")),
}


def _window(op: str, p: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    """kernel, stride, dilate, pad with MXNet's defaults filled in, checked."""
    n = window_axes(op, p)
    return {"kernel": per_axis(op, p, "kernel", n, 1, 1),
            "stride": per_axis(op, p, "stride", n, 1, 1),
            "dilate": per_axis(op, p, "dilate", n, 1, 1),
            "pad": per_axis(op, p, "pad", n, 0, 0)}


def _check_groups(op: str, p: dict[str, Any], channels: int) -> None:
    g, f = p["num_group"], p["num_filter"]
    if f < 1:
        raise MXValueError(f"Invalid value for parameter `num_filter` of {op}. Received: "
                           f"num_filter={f}. Expected num_filter >= 1.")
    if g < 1 or channels % g or f % g:
        raise MXValueError(f"Invalid value for parameter `num_group` of {op}. Received: "
                           f"num_group={g}. Expected a divisor of both the input channels "
                           f"({channels}) and num_filter ({f}).")


def _complete(op: Op, p: dict[str, Any], ins: list[Shape | None], want: list[Shape],
              out: Shape):
    for name, given, shape in zip(op.arguments(p), ins, want):
        if given is not None:
            require_same(op.name, name, given, shape)
    return want, [out], []


class _Windowed(Op):
    """What Convolution and Deconvolution share: arguments, workspace, kernel and the fused
    step's window block. Each says its geometry and the mxc_conv2d it runs (`struct`)."""

    def arguments(self, p):
        return ["data", "weight"] if p["no_bias"] else ["data", "weight", "bias"]

    def geometry(self, p: dict[str, Any], data: Shape) -> tuple[dict[str, tuple], Shape]:
        raise NotImplementedError

    def struct(self, p: dict[str, Any], data: Shape):
        raise NotImplementedError

    def state_shapes(self, p, ins):
        return {"work": workspace_shape(self.struct(p, ins[0]))}

    def bind(self, p, b: Binding) -> Kernel:
        data = b.inputs[0].shape
        return _ConvKernel(self.struct(p, data), self.window(p, data), b, self.name)

    def window(self, p: dict[str, Any], data: Shape) -> dict[str, Any]:
        """The fused step's window block (native/window.h) of this node."""
        win, out = self.geometry(p, data)
        return {"n_spatial": len(win["kernel"]), "batch": data[0], "in_channels": data[1],
                "out_channels": p["num_filter"], "groups": p["num_group"],
                "in_size": tuple(data[2:]), "out_size": tuple(out[2:]),
                "kernel": win["kernel"], "stride": win["stride"], "pad": win["pad"],
                "dilate": win["dilate"], "adj": win.get("adj", ()), "no_bias": int(p["no_bias"])}


# -- Convolution ----------------------------------------------------------------------------


class Convolution(_Windowed):
    name = "Convolution"
    params = {**_COMMON, "workspace": Param("int", 1024), "no_bias": Param("bool", False)}

    def geometry(self, p: dict[str, Any], data: Shape) -> tuple[dict[str, tuple], Shape]:
        """The filled-in window and the output shape for data of this shape."""
        win = _window(self.name, p)
        check_data_rank(self.name, data, len(win["kernel"]))
        _check_groups(self.name, p, data[1])
        spatial = tuple(conv_extent(self.name, size, *a) for size, *a in
                        zip(data[2:], win["kernel"], win["stride"], win["pad"], win["dilate"]))
        return win, (data[0], p["num_filter"], *spatial)

    def infer_shape(self, p, ins):
        data = ins[0]
        if data is None:
            return ins, [None], []
        win, out = self.geometry(p, data)
        f, cg = p["num_filter"], data[1] // p["num_group"]
        want = [data, (f, cg, *win["kernel"]), (f,)][: len(ins)]
        return _complete(self, p, ins, want, out)

    def struct(self, p: dict[str, Any], data: Shape):
        win, out = self.geometry(p, data)
        return conv_struct(data[0], data[1], data[2:], p["num_filter"], out[2:], win["kernel"],
                           win["stride"], win["pad"], win["dilate"], p["num_group"])


class _ConvKernel(Kernel):
    """Forward and backward of one Convolution or Deconvolution node (``transpose``)."""

    def __init__(self, g, window: dict[str, Any], b: Binding, what: str) -> None:
        self.what, self.g = what, g  # g: the mxc_conv2d, kept alive with the kernel
        self.window = window
        self.x, self.w = fptr(b.inputs[0]), fptr(b.inputs[1])
        self.b = fptr(b.inputs[2]) if len(b.inputs) > 2 else NULL
        self.y = fptr(b.outputs[0], writable=True)
        self.work_n = b.state["work"].size
        self.work = fptr(b.state["work"], writable=True)
        self.dy = fptr(b.out_grads[0]) if b.out_grads[0] is not None else NULL
        self.dx, self.dw, self.db = (fptr(g_, writable=True) if g_ is not None else NULL
                                     for g_ in (*b.in_grads, None)[:3])
        transpose = what == "Deconvolution"
        self._fwd = lib.mxc_deconv2d_forward if transpose else lib.mxc_conv2d_forward
        self._bwd = lib.mxc_deconv2d_backward if transpose else lib.mxc_conv2d_backward

    def fill_step(self, param) -> None:
        fill_window(param.window, self.window)

    def forward(self, is_train: bool) -> None:
        rc = self._fwd(self.y, self.x, self.w, self.b, self.g, self.work, self.work_n)
        if rc:
            check(rc, f"{self.what} forward")

    def backward(self) -> None:
        if self.dy == NULL or (self.dx == NULL and self.dw == NULL and self.db == NULL):
            return
        rc = self._bwd(self.dx, self.dw, self.db, self.dy, self.x, self.w, self.g, self.work,
                       self.work_n)
        if rc:
            check(rc, f"{self.what} backward")


# -- Deconvolution --------------------------------------------------------------------------


class Deconvolution(_Windowed):
    name = "Deconvolution"
    params = {**_COMMON, "adj": Param("shape", ()), "target_shape": Param("shape", ()),
              "workspace": Param("int", 512), "no_bias": Param("bool", True)}

    def geometry(self, p: dict[str, Any], data: Shape) -> tuple[dict[str, tuple], Shape]:
        """The filled-in window (pad and adj as used) and the output shape."""
        win = _window(self.name, p)
        n = len(win["kernel"])
        check_data_rank(self.name, data, n)
        _check_groups(self.name, p, data[1])
        win["adj"] = per_axis(self.name, p, "adj", n, 0, 0)
        target = tuple(p["target_shape"])
        if target and len(target) != n:
            raise MXValueError(f"Invalid value for parameter `target_shape` of Deconvolution. "
                               f"Received: target_shape={target}. Expected {n} value(s).")
        pads, adjs, spatial = [], [], []
        for i, size in enumerate(data[2:]):
            k, s, d = win["kernel"][i], win["stride"][i], win["dilate"][i]
            full = s * (size - 1) + d * (k - 1) + 1
            pad, adj = win["pad"][i], win["adj"][i]
            if target and target[i] > 0:  # MXNet: pad and adj that give the target
                if target[i] > full:
                    raise MXShapeError(f"Deconvolution: target_shape={target} is too big; "
                                       f"axis {i} can reach at most {full}.")
                pad, adj = (full - target[i] + 1) // 2, (full - target[i]) % 2
            if adj >= s:
                raise MXValueError(f"Invalid value for parameter `adj` of Deconvolution. "
                                   f"Received: adj={adj} on axis {i} (inferred from "
                                   f"target_shape when given). Expected adj < stride ({s}).")
            out = full - 2 * pad + adj
            if out < 1:
                raise MXShapeError(f"Deconvolution: padding {pad} leaves no output on axis {i} "
                                   f"(input {size}).")
            pads.append(pad)
            adjs.append(adj)
            spatial.append(out)
        win["pad"], win["adj"] = tuple(pads), tuple(adjs)
        return win, (data[0], p["num_filter"], *spatial)

    def infer_shape(self, p, ins):
        data = ins[0]
        if data is None:
            return ins, [None], []
        win, out = self.geometry(p, data)
        f = p["num_filter"]
        want = [data, (data[1], f // p["num_group"], *win["kernel"]), (f,)][: len(ins)]
        return _complete(self, p, ins, want, out)

    def struct(self, p: dict[str, Any], data: Shape):
        """The mxc_conv2d of the convolution this deconvolution transposes (native/deconv.h)."""
        win, out = self.geometry(p, data)
        return conv_struct(data[0], p["num_filter"], out[2:], data[1], data[2:], win["kernel"],
                           win["stride"], win["pad"], win["dilate"], p["num_group"])


register(Convolution())
register(Deconvolution())
