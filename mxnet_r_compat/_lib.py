"""The only module that touches the compiled C core (``ffi`` and ``lib``).

It loads OpenBLAS from the scipy-openblas32 wheel before the extension so
the extension's dependency resolves by soname wherever the build happened,
turns numpy arrays into C pointers, and turns status codes into
:class:`~mxnet_r_compat.errors.NativeError`.
"""

from __future__ import annotations

import ctypes
import os
import sys

import numpy as np
import scipy_openblas32

from .errors import NativeError, invalid_value

ctypes.CDLL(
    os.path.join(scipy_openblas32.get_lib_dir(), f"lib{scipy_openblas32.get_library()}.so"),
    mode=ctypes.RTLD_GLOBAL,
)

from ._native import ffi, lib  # noqa: E402  (must follow the BLAS preload)

__all__ = ["NULL", "check", "ffi", "fptr", "lib", "native_path", "operator_table",
           "optimizer_rule"]

NULL = ffi.NULL

# The ops that cut their work into parts (native/parallel.h) use as many threads as OpenBLAS
# does (OPENBLAS_NUM_THREADS, else OMP_NUM_THREADS, else every core); see docs/BLAS.md.
lib.mxc_threads_set(min(max(lib.mxc_blas_get_num_threads(), 1), 64))


def native_path() -> str:
    """The file of the compiled core, for R's ``dyn.load()`` (R/ndarray_ops.R).

    Example:
        >>> native_path().endswith(".so")
        True
    """
    return str(sys.modules[f"{__package__}._native"].__file__)


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


def operator_table() -> dict[str, int]:
    """The C operator table (native/ops.def): MXNet operator name -> its ``MXC_OP_*`` value.

    Example:
        >>> operator_table()["FullyConnected"] == lib.MXC_OP_FULLY_CONNECTED
        True
    """
    rows = (lib.mxc_op_info_of(op) for op in range(1, lib.MXC_OP_COUNT))
    return {ffi.string(row.name).decode(): op for op, row in enumerate(rows, start=1)}


def optimizer_rule(kind: int) -> tuple[str, int, tuple[str, ...]]:
    """One row of the C optimizer table (native/optimizers.def): the rule's name, its
    number of state arrays, and the ``mxc_hparams`` fields it reads, in call order.

    Example:
        >>> optimizer_rule(lib.MXC_OPT_SGD_MOM)
        ('sgd_mom', 1, ('lr', 'momentum', 'wd', 'rescale_grad', 'clip_gradient'))
    """
    row = lib.mxc_optimizer_info_of(kind)
    if row == ffi.NULL:
        raise invalid_value("kind", kind, f"an MXC_OPT_* value, 1 <= kind < {lib.MXC_OPT_COUNT}")
    return (ffi.string(row.name).decode(), int(row.n_states),
            tuple(ffi.string(row.hparams).decode().split()))
