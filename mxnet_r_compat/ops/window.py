"""Sliding-window geometry shared by Convolution, Deconvolution and Pooling.

MXNet takes ``kernel``, ``stride``, ``dilate`` and ``pad`` as tuples in backend
order, (height, width) or (width,): MXNet R reverses an R vector of length
other than 1, so ``kernel = c(3, 5)`` in R is ``(5, 3)`` here, and a single
number is a 1-tuple (docs/CONVOLUTION.md). An empty tuple means the default
for every spatial axis. A 1-D window over (N, C, W) is run by the C kernels as
2-D with height 1 (``native/conv.h``, ``native/pool.h``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._lib import check, ffi, lib
from ..errors import MXShapeError, MXValueError
from .registry import Shape

LAYOUTS = {1: "NCW", 2: "NCHW"}


def window_axes(op: str, p: dict[str, Any], key: str = "kernel") -> int:
    """Number of spatial axes, from ``p[key]``; only 1-D and 2-D windows are supported.

    Example:
        >>> window_axes("Convolution", {"kernel": (5, 5), "layout": None})
        2
    """
    n = len(p[key])
    if n not in (1, 2):
        raise MXValueError(f"Invalid value for parameter `{key}` of {op}. Received: "
                           f"{key}={tuple(p[key])}. Expected 1 or 2 values (a 1-D or 2-D "
                           f"window; 3-D is not supported).")
    check_layout(op, p.get("layout"), n)
    return n


def check_layout(op: str, layout: str | None, n: int) -> None:
    """Only channels-first layouts (NCW, NCHW) are supported.

    Example:
        >>> check_layout("Convolution", "NCHW", 2)   # fine: nothing happens
    """
    if layout is not None and layout != LAYOUTS[n]:
        raise MXValueError(f"Invalid value for parameter `layout` of {op}. Received: "
                           f"layout={layout!r}. Expected {LAYOUTS[n]!r} (channels first) for "
                           f"a {n}-D window.")


def per_axis(op: str, p: dict[str, Any], key: str, n: int, default: int,
             least: int) -> tuple[int, ...]:
    """``p[key]`` as n values (``default`` each when empty), each at least ``least``.

    Example:
        >>> per_axis("Pooling", {"stride": ()}, "stride", 2, 1, 1)
        (1, 1)
    """
    value = tuple(p[key]) or (default,) * n
    if len(value) != n:
        raise MXValueError(f"Invalid value for parameter `{key}` of {op}. Received: "
                           f"{key}={value}. Expected {n} value(s), as many as the kernel has.")
    if any(v < least for v in value):
        raise MXValueError(f"Invalid value for parameter `{key}` of {op}. Received: "
                           f"{key}={value}. Expected every value >= {least}.")
    return value


def check_data_rank(op: str, data: Shape, n: int) -> None:
    """Data must be (batch, channels, *n spatial extents).

    Example:
        >>> check_data_rank("Pooling", (8, 3, 28, 28), 2)   # fine: nothing happens
    """
    if len(data) != n + 2:
        names = "(batch, channel, width)" if n == 1 else "(batch, channel, height, width)"
        raise MXShapeError(f"{op}: a {n}-D window needs {n + 2}-D data {names}. Received data "
                           f"of shape {tuple(data)}.")


def conv_extent(op: str, size: int, k: int, s: int, p: int, d: int) -> int:
    """Output extent of a convolution axis: (size + 2p - (d (k - 1) + 1)) // s + 1.

    Example:
        >>> conv_extent("Convolution", 28, 5, 1, 0, 1)   # LeNet's first layer
        24
    """
    span = size + 2 * p - (d * (k - 1) + 1)
    if span < 0:
        raise MXShapeError(f"{op}: the kernel (size {k}, dilation {d}, so {d * (k - 1) + 1} "
                           f"wide) exceeds the input ({size} padded to {size + 2 * p}).")
    return span // s + 1


def as_2d(values: Sequence[int], fill: int) -> tuple[int, int]:
    """(height, width) of a 1-D (width only) or 2-D tuple; height ``fill`` for 1-D.

    Example:
        >>> as_2d((5,), 1), as_2d((3, 5), 1)
        ((1, 5), (3, 5))
    """
    return (fill, values[0]) if len(values) == 1 else (values[0], values[1])


def conv_struct(n: int, c: int, hw: Sequence[int], f: int, ohw: Sequence[int],
                kernel: Sequence[int], stride: Sequence[int], pad: Sequence[int],
                dilate: Sequence[int], groups: int):
    """An ``mxc_conv2d *`` (native/conv.h) for 1-D or 2-D extents; checked by the C core.

    Example:
        >>> g = conv_struct(1, 1, (5, 5), 2, (3, 3), (3, 3), (1, 1), (0, 0), (1, 1), 1)
    """
    (h, w), (oh, ow) = as_2d(hw, 1), as_2d(ohw, 1)
    (kh, kw), (sh, sw) = as_2d(kernel, 1), as_2d(stride, 1)
    (ph, pw), (dh, dw) = as_2d(pad, 0), as_2d(dilate, 1)
    g = ffi.new("mxc_conv2d *", {"n": n, "c": c, "h": h, "w": w, "f": f, "oh": oh, "ow": ow,
                                 "kh": kh, "kw": kw, "sh": sh, "sw": sw, "ph": ph, "pw": pw,
                                 "dh": dh, "dw": dw, "groups": groups})
    check(lib.mxc_conv2d_check(g), "mxc_conv2d_check")
    return g


def workspace_shape(g) -> Shape:
    """The workspace of a conv2d node (at least one value, so it can be allocated).

    Example:
        >>> g = conv_struct(1, 1, (5, 5), 2, (3, 3), (3, 3), (1, 1), (0, 0), (1, 1), 1)
        >>> workspace_shape(g)
        (99,)
    """
    return (max(int(lib.mxc_conv2d_workspace(g)), 1),)


def fill_window(param: Any, window: dict[str, Any]) -> None:
    """Set a fused step's ``window`` block (native/graph.h, ``mxc_window_param``) from a
    kernel's window: scalars by name, per-axis tuples entry by entry (native/window.h).

    Example:
        >>> from mxnet_r_compat._lib import ffi
        >>> step = ffi.new("mxc_step *")
        >>> fill_window(step.param.window, {"n_spatial": 2, "kernel": (5, 5)})
    """
    w = param
    for key, value in window.items():
        if isinstance(value, tuple):
            arr = getattr(w, key)
            for i, v in enumerate(value):
                arr[i] = v
        else:
            setattr(w, key, value)
