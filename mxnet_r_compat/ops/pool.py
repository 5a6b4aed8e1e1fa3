"""Pooling over NCW / NCHW data (``native/pool.c``): max, avg and sum.

MXNet 1.x's parameters and output extents: ``pooling_convention`` "valid"
(floor) or "full" (ceil), ``global_pool`` (one value per channel),
``count_include_pad`` (default true) for avg. Not supported: ``pool_type = "lp"``,
the "same" convention (MXNet has it for 1-D max pooling only) and 3-D windows;
each is refused by name.
"""

from __future__ import annotations

import math
from typing import Any

from .._lib import NULL, check, ffi, fptr, lib
from ..errors import MXShapeError, MXValueError
from .registry import Binding, Kernel, Op, Param, Shape, register
from .window import as_2d, check_data_rank, check_layout, fill_window, per_axis, window_axes

KINDS = {"max": 0, "avg": 1, "sum": 2}


class Pooling(Op):
    name = "Pooling"
    params = {
        "kernel": Param("shape", ()),
        "pool_type": Param("str", "max", choices=("max", "avg", "sum", "lp")),
        "global_pool": Param("bool", False),
        "cudnn_off": Param("bool", False),
        "pooling_convention": Param("str", "valid", choices=("valid", "full", "same")),
        "stride": Param("shape", ()),
        "pad": Param("shape", ()),
        "p_value": Param("int", None),
        "count_include_pad": Param("bool", None),
        "layout": Param("str", None, choices=("NCW", "NCHW", "NCDHW", "NWC", "NHWC", "NDHWC")),
    }

    def _refuse_unsupported(self, p: dict[str, Any]) -> None:
        for key, bad in (("pool_type", "lp"), ("pooling_convention", "same")):
            if p[key] == bad:
                raise MXValueError(f"Invalid value for parameter `{key}` of Pooling. Received: "
                                   f"{key}={bad!r}. Expected one of the supported values: "
                                   f"{', '.join(self._supported(key))}.")

    @staticmethod
    def _supported(key: str) -> tuple[str, ...]:
        return ("max", "avg", "sum") if key == "pool_type" else ("valid", "full")

    def window(self, p: dict[str, Any], data: Shape) -> dict[str, tuple[int, ...]]:
        """kernel, stride, pad as used on this data (global pooling: the whole plane)."""
        self._refuse_unsupported(p)
        if p["global_pool"]:
            n = len(data) - 2
            if n not in (1, 2):
                raise MXShapeError(f"Pooling: data must be (batch, channel, width) or (batch, "
                                   f"channel, height, width). Received data of shape "
                                   f"{tuple(data)}.")
            check_layout(self.name, p["layout"], n)
            return {"kernel": tuple(data[2:]), "stride": (1,) * n, "pad": (0,) * n}
        if not p["kernel"]:
            raise MXValueError("Required parameter `kernel` of Pooling is missing "
                               "(it may be left out only with global_pool = TRUE).")
        n = window_axes(self.name, p)
        check_data_rank(self.name, data, n)
        return {"kernel": per_axis(self.name, p, "kernel", n, 1, 1),
                "stride": per_axis(self.name, p, "stride", n, 1, 1),
                "pad": per_axis(self.name, p, "pad", n, 0, 0)}

    def out_shape(self, p: dict[str, Any], data: Shape, win: dict[str, tuple]) -> Shape:
        spatial = []
        for size, k, s, pad in zip(data[2:], win["kernel"], win["stride"], win["pad"]):
            span = size + 2 * pad - k
            if span < 0:
                raise MXValueError(f"Invalid value for parameter `kernel` of Pooling. Received: "
                                   f"kernel={win['kernel']}. Expected at most the input "
                                   f"({size}) padded to {size + 2 * pad} on each axis.")
            ceil = p["pooling_convention"] == "full"
            spatial.append(1 + (math.ceil(span / s) if ceil else span // s))
        return (*data[:2], *spatial)

    def infer_shape(self, p, ins):
        data = ins[0]
        if data is None:
            return ins, [None], []
        return ins, [self.out_shape(p, data, self.window(p, data))], []

    def struct(self, p: dict[str, Any], data: Shape):
        """The mxc_pool2d (native/pool.h) of this node."""
        win = self.window(p, data)
        out = self.out_shape(p, data, win)
        (h, w), (oh, ow) = as_2d(data[2:], 1), as_2d(out[2:], 1)
        (kh, kw), (sh, sw) = as_2d(win["kernel"], 1), as_2d(win["stride"], 1)
        ph, pw = as_2d(win["pad"], 0)
        g = ffi.new("mxc_pool2d *", {"n": data[0], "c": data[1], "h": h, "w": w, "oh": oh,
                                     "ow": ow, "kh": kh, "kw": kw, "sh": sh, "sw": sw,
                                     "ph": ph, "pw": pw})
        check(lib.mxc_pool2d_check(g), "mxc_pool2d_check")
        return g

    def bind(self, p, b: Binding) -> Kernel:
        data = b.inputs[0].shape
        win = self.window(p, data)
        window = {"n_spatial": len(win["kernel"]), "batch": data[0], "in_channels": data[1],
                  "out_channels": data[1], "in_size": tuple(data[2:]),
                  "out_size": tuple(self.out_shape(p, data, win)[2:]), "kernel": win["kernel"],
                  "stride": win["stride"], "pad": win["pad"], "pool_type": KINDS[p["pool_type"]],
                  "pool_convention": int(p["pooling_convention"] == "full"),
                  "global_pool": int(p["global_pool"]),
                  "count_include_pad": int(p["count_include_pad"] is not False)}
        return _PoolKernel(p, self.struct(p, data), window, b)


class _PoolKernel(Kernel):
    what = "Pooling"

    def __init__(self, p: dict[str, Any], g, window: dict[str, Any], b: Binding) -> None:
        self.g, self.kind, self.window = g, KINDS[p["pool_type"]], window
        self.cip = int(p["count_include_pad"] is not False)  # MXNet: true unless set false
        self.x, self.y = fptr(b.inputs[0]), fptr(b.outputs[0], writable=True)
        self.dy = fptr(b.out_grads[0]) if b.out_grads[0] is not None else NULL
        self.dx = fptr(b.in_grads[0], writable=True) if b.in_grads[0] is not None else NULL

    def fill_step(self, param) -> None:
        fill_window(param.window, self.window)

    def forward(self, is_train: bool) -> None:
        rc = lib.mxc_pool2d_forward(self.y, self.x, self.g, self.kind, self.cip)
        if rc:
            check(rc, "Pooling forward")

    def backward(self) -> None:
        if self.dx == NULL or self.dy == NULL:
            return
        rc = lib.mxc_pool2d_backward(self.dx, self.dy, self.x, self.y, self.g, self.kind,
                                     self.cip)
        if rc:
            check(rc, "Pooling backward")


register(Pooling())
