"""UpSampling by nearest neighbour (``native/upsampling.c``).

With ``num_args`` inputs, every input is scaled to the first one's output size
(height * scale, width * scale; each input's extents must divide it evenly), and
the results are concatenated along the channels (``multi_input_mode = "concat"``)
or summed ("sum"), for up to 16 inputs. ``sample_type = "bilinear"`` (a learned
Deconvolution in MXNet) is refused by name.
"""

from __future__ import annotations

from .._lib import NULL, check, ffi, fptr, lib
from ..errors import MXShapeError, MXValueError
from .registry import Binding, Kernel, Op, Param, register

MAX_ARGS = lib.MXC_UPSAMPLING_MAX_ARGS  # the fused step's room (native/upsampling.h)


class UpSampling(Op):
    name = "UpSampling"
    params = {
        "scale": Param("int", required=True),
        "num_filter": Param("int", 0),
        "sample_type": Param("str", required=True, choices=("nearest", "bilinear")),
        "multi_input_mode": Param("str", "concat", choices=("concat", "sum")),
        "num_args": Param("int", required=True),
        "workspace": Param("int", 512),
    }

    def complete_params(self, params, n_inputs):
        """``num_args`` defaults to the number of inputs given (as in MXNet R)."""
        return params if "num_args" in params else {**params, "num_args": n_inputs}

    def arguments(self, p):
        return [f"arg{i}" for i in range(p["num_args"])]

    def scales(self, p, ins) -> list[int]:
        """Each input's own scale to the common output size."""
        if p["sample_type"] != "nearest":
            raise MXValueError("Invalid value for parameter `sample_type` of UpSampling. "
                               "Received: sample_type='bilinear'. Expected 'nearest' (the only "
                               "one supported).")
        if not 1 <= p["num_args"] <= MAX_ARGS:
            raise MXValueError(f"Invalid value for parameter `num_args` of UpSampling. "
                               f"Received: num_args={p['num_args']}. Expected 1 <= num_args "
                               f"<= {MAX_ARGS}.")
        if p["scale"] < 1:
            raise MXValueError(f"Invalid value for parameter `scale` of UpSampling. Received: "
                               f"scale={p['scale']}. Expected scale >= 1.")
        oh, ow = ins[0][2] * p["scale"], ins[0][3] * p["scale"]
        out = []
        for i, s in enumerate(ins):
            if len(s) != 4:
                raise MXShapeError(f"UpSampling: input arg{i} must be 4-D (batch, channel, "
                                   f"height, width). Received shape {tuple(s)}.")
            if oh % s[2] or ow % s[3] or oh // s[2] != ow // s[3] or s[0] != ins[0][0]:
                raise MXShapeError(f"UpSampling: input arg{i} of shape {tuple(s)} cannot be "
                                   f"scaled by one integer factor to the output size "
                                   f"({oh}, {ow}).")
            out.append(oh // s[2])
        return out

    def infer_shape(self, p, ins):
        if any(s is None for s in ins):
            return ins, [None], []
        self.scales(p, ins)
        first = ins[0]
        channels = [s[1] for s in ins]
        if p["multi_input_mode"] == "sum" and len(set(channels)) > 1:
            raise MXShapeError(f"UpSampling: multi_input_mode='sum' needs inputs with the same "
                               f"number of channels. Received {channels}.")
        c = first[1] if p["multi_input_mode"] == "sum" else sum(channels)
        return ins, [(first[0], c, first[2] * p["scale"], first[3] * p["scale"])], []

    def bind(self, p, b: Binding) -> Kernel:
        return _UpSamplingKernel(p, self.scales(p, [a.shape for a in b.inputs]), b)


class _UpSamplingKernel(Kernel):
    what = "UpSampling"

    def __init__(self, p, scales: list[int], b: Binding) -> None:
        out = b.outputs[0]
        self.out_c, self.plane = out.shape[1], out.shape[2] * out.shape[3]
        self.sum = p["multi_input_mode"] == "sum"
        self.y = ffi.cast("float *", fptr(out, writable=True))
        dy = b.out_grads[0]
        self.dy = ffi.cast("float *", fptr(dy)) if dy is not None else NULL
        # Per input: (x, dx, shape, its scale, its first output channel).
        self.parts, first = [], 0
        for x, dx, s in zip(b.inputs, b.in_grads, scales):
            self.parts.append((fptr(x), fptr(dx, writable=True) if dx is not None else NULL,
                               x.shape, s, 0 if self.sum else first))
            first += x.shape[1]

    def fill_step(self, param) -> None:
        p = param.upsampling
        p.n_args, p.out_c, p.out_hw, p.sum = len(self.parts), self.out_c, self.plane, self.sum
        for i, (_, _, (n, c, h, w), scale, first) in enumerate(self.parts):
            p.n = n
            p.c[i], p.h[i], p.w[i], p.scale[i], p.first[i] = c, h, w, scale, first

    def forward(self, is_train: bool) -> None:
        for i, (x, _, shape, s, first) in enumerate(self.parts):
            n, c, h, w = shape
            rc = lib.mxc_upsampling_nearest_forward(self.y + first * self.plane, x, n, c, h, w,
                                                    s, self.out_c, int(self.sum and i > 0))
            if rc:
                check(rc, "UpSampling forward")

    def backward(self) -> None:
        if self.dy == NULL:
            return
        for _, dx, shape, s, first in self.parts:
            if dx == NULL:
                continue
            n, c, h, w = shape
            rc = lib.mxc_upsampling_nearest_backward(dx, self.dy + first * self.plane, n, c, h,
                                                     w, s, self.out_c)
            if rc:
                check(rc, "UpSampling backward")


register(UpSampling())
