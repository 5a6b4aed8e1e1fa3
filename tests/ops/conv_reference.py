"""Naive numpy convolutions in float64: the references for test_conv.py and test_deconv.py.

Written from the definition (a sum over kernel taps of strided windows of the
zero-padded input), with no im2col, so they share nothing with native/conv.c.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Geom:
    """One convolution: input (n, c, h, w), f filters, kernel, stride, pad, dilate, groups."""

    n: int
    c: int
    h: int
    w: int
    f: int
    kernel: tuple[int, int]
    stride: tuple[int, int] = (1, 1)
    pad: tuple[int, int] = (0, 0)
    dilate: tuple[int, int] = (1, 1)
    groups: int = 1

    @property
    def out_hw(self) -> tuple[int, int]:
        return tuple((size + 2 * p - (d * (k - 1) + 1)) // s + 1 for size, k, s, p, d in
                     zip((self.h, self.w), self.kernel, self.stride, self.pad, self.dilate))

    @property
    def weight_shape(self) -> tuple[int, int, int, int]:
        return (self.f, self.c // self.groups, *self.kernel)

    def struct(self, ffi):
        """The ``mxc_conv2d *`` of this geometry."""
        oh, ow = self.out_hw
        return ffi.new("mxc_conv2d *", {
            "n": self.n, "c": self.c, "h": self.h, "w": self.w, "f": self.f, "oh": oh, "ow": ow,
            "kh": self.kernel[0], "kw": self.kernel[1], "sh": self.stride[0],
            "sw": self.stride[1], "ph": self.pad[0], "pw": self.pad[1], "dh": self.dilate[0],
            "dw": self.dilate[1], "groups": self.groups})


def _window(xp: np.ndarray, g: Geom, ki: int, kj: int) -> np.ndarray:
    """The strided view xp[:, :, y*sh + ki*dh, x*sw + kj*dw] over all outputs (y, x)."""
    oh, ow = g.out_hw
    (sh, sw), (dh, dw) = g.stride, g.dilate
    return xp[:, :, ki * dh: ki * dh + sh * (oh - 1) + 1: sh,
              kj * dw: kj * dw + sw * (ow - 1) + 1: sw]


def conv_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, g: Geom) -> np.ndarray:
    """out (n, f, oh, ow) in float64."""
    ph, pw = g.pad
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    cg, fg = g.c // g.groups, g.f // g.groups
    out = np.zeros((g.n, g.f, *g.out_hw))
    for gi in range(g.groups):
        xs = xp[:, gi * cg:(gi + 1) * cg]
        ws = w[gi * fg:(gi + 1) * fg].astype(np.float64)
        for ki in range(g.kernel[0]):
            for kj in range(g.kernel[1]):
                out[:, gi * fg:(gi + 1) * fg] += np.einsum(
                    "ncyx,fc->nfyx", _window(xs, g, ki, kj), ws[:, :, ki, kj])
    if b is not None:
        out += b.astype(np.float64)[None, :, None, None]
    return out


def conv_backward(dout: np.ndarray, x: np.ndarray, w: np.ndarray, g: Geom):
    """(dx, dw, db) in float64 for out = conv_forward(x, w, b)."""
    ph, pw = g.pad
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dxp = np.zeros_like(xp)
    dw = np.zeros(w.shape)
    d64, w64 = dout.astype(np.float64), w.astype(np.float64)
    cg, fg = g.c // g.groups, g.f // g.groups
    for gi in range(g.groups):
        cs, fs = slice(gi * cg, (gi + 1) * cg), slice(gi * fg, (gi + 1) * fg)
        for ki in range(g.kernel[0]):
            for kj in range(g.kernel[1]):
                dw[fs, :, ki, kj] = np.einsum("nfyx,ncyx->fc", d64[:, fs],
                                              _window(xp[:, cs], g, ki, kj))
                # _window of dxp is a view: adding into it scatters back to the padded input.
                _window(dxp[:, cs], g, ki, kj)[...] += np.einsum("nfyx,fc->ncyx", d64[:, fs],
                                                                 w64[fs, :, ki, kj])
    dx = dxp[:, :, ph:ph + g.h, pw:pw + g.w]
    return dx, dw, d64.sum(axis=(0, 2, 3))


def deconv_geom(n: int, in_c: int, in_hw: tuple[int, int], num_filter: int,
                kernel: tuple[int, int], stride=(1, 1), pad=(0, 0), dilate=(1, 1), adj=(0, 0),
                groups: int = 1) -> Geom:
    """The Geom of the convolution a Deconvolution transposes (native/deconv.h), with the
    deconvolution's output extent as MXNet computes it: s (in - 1) + d (k - 1) + 1 - 2 p + adj."""
    out = tuple(s * (i - 1) + d * (k - 1) + 1 - 2 * p + a
                for i, k, s, p, d, a in zip(in_hw, kernel, stride, pad, dilate, adj))
    return Geom(n, num_filter, out[0], out[1], in_c, kernel, stride, pad, dilate, groups)


def deconv_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, g: Geom) -> np.ndarray:
    """out (n, c, h, w): the input gradient of g's convolution for head gradient x."""
    out = conv_backward(x, np.zeros((g.n, g.c, g.h, g.w)), w, g)[0]
    return out if b is None else out + b.astype(np.float64)[None, :, None, None]


def deconv_backward(dout: np.ndarray, x: np.ndarray, w: np.ndarray, g: Geom):
    """(dx, dw, db) in float64 for out = deconv_forward(x, w, b)."""
    dx = conv_forward(dout, w, None, g)
    dw = conv_backward(x, dout, w, g)[1]
    return dx, dw, dout.astype(np.float64).sum(axis=(0, 2, 3))
