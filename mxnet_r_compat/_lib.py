"""The only module that touches the compiled C core (``ffi`` and ``lib``).

It loads OpenBLAS from the scipy-openblas32 wheel before the extension so
the extension's dependency resolves by soname wherever the build happened,
turns numpy arrays into C pointers, and turns status codes into
:class:`~mxnet_r_compat.errors.NativeError`.
"""

from __future__ import annotations

import ctypes
import os

import numpy as np
import scipy_openblas32

from .errors import NativeError

ctypes.CDLL(
    os.path.join(scipy_openblas32.get_lib_dir(), f"lib{scipy_openblas32.get_library()}.so"),
    mode=ctypes.RTLD_GLOBAL,
)

from ._native import ffi, lib  # noqa: E402  (must follow the BLAS preload)

__all__ = ["NULL", "check", "ffi", "fptr", "lib"]

NULL = ffi.NULL


def fptr(a: np.ndarray | None, writable: bool = False):
    """A ``float *`` into a C-contiguous float32 array (``NULL`` for None).

    The array must already be float32 and contiguous: converting silently
    would hand C a temporary copy, and writes would be lost.

    Example:
        >>> x = np.zeros(3, np.float32); p = fptr(x, writable=True)
    """
    if a is None:
        return ffi.NULL
    if a.dtype != np.float32 or not a.flags.c_contiguous:
        raise TypeError(f"fptr needs a C-contiguous float32 array, got {a.dtype} "
                        f"(c_contiguous={a.flags.c_contiguous})")
    return ffi.cast("float *", ffi.from_buffer(a, require_writable=writable))


def check(rc: int, op: str) -> None:
    """Raise NativeError when a C call returned a non-zero status.

    Example:
        >>> check(0, "mxc_dense_forward")  # MXC_OK: nothing happens
    """
    if rc != 0:
        raise NativeError(op, rc, ffi.string(lib.mxc_status_str(rc)).decode())
