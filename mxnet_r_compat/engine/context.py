"""Devices (``mx.cpu``, ``mx.gpu``, ``mx.ctx.default``). This build computes on the CPU only:
``mx.gpu(i)`` gives ``mx.cpu(i)`` with one warning per process, so old GPU scripts run
unchanged, unless the fallback is turned off (:func:`set_gpu_fallback`)."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass

from ..errors import MXTypeError, MXValueError


@dataclass(frozen=True)
class Context:
    """A device: ``device`` is "cpu" or "gpu"; ``device_typeid`` 1 or 2 as in MXNet.

    Example:
        >>> cpu(0)
        Context(device='cpu', device_id=0, device_typeid=1)
    """

    device: str
    device_id: int = 0
    device_typeid: int = 1

    def __str__(self) -> str:
        return f"{self.device}({self.device_id})"


def cpu(dev_id: int = 0) -> Context:
    """A CPU context; several CPU contexts train as several devices (threads).

    Example:
        >>> [cpu(0), cpu(1)]
        [Context(device='cpu', device_id=0, device_typeid=1), Context(device='cpu', device_id=1, device_typeid=1)]
    """  # noqa: E501 (a doctest output is one line)
    return Context("cpu", int(dev_id), 1)


class GPUFallbackWarning(UserWarning):
    """``mx.gpu(i)`` gave ``mx.cpu(i)``: this build computes on the CPU only."""


#: Environment variable: "0" makes ``gpu()`` an error (R: ``options(mxnet.gpu.fallback = FALSE)``).
ENV_GPU_FALLBACK = "MXNET_R_COMPAT_GPU_FALLBACK"
_gpu = {"fallback": None, "warned": False}  # fallback None: read ENV_GPU_FALLBACK


def set_gpu_fallback(on: bool) -> None:
    """Choose what ``gpu(i)`` does for the rest of the process: ``mx.cpu(i)`` with one
    warning (True, the default), or an error (False). Python's twin of R's
    ``options(mxnet.gpu.fallback = FALSE)``; ``MXNET_R_COMPAT_GPU_FALLBACK=0`` sets False too.

    Example:
        >>> set_gpu_fallback(False); gpu(0)          # doctest: +SKIP
        Traceback (most recent call last):
        MXValueError: mx.gpu(0): this build of mxnet_r_compat computes on the CPU only ...
    """
    _gpu["fallback"] = bool(on)


def _gpu_fallback_on() -> bool:
    if _gpu["fallback"] is not None:
        return bool(_gpu["fallback"])
    return os.environ.get(ENV_GPU_FALLBACK, "1").strip().lower() not in ("0", "false", "no")


def gpu(dev_id: int = 0, fallback: bool | None = None) -> Context:
    """``mx.gpu(i)``: this build computes on the CPU only, so old GPU scripts get ``cpu(i)``,
    with one :class:`GPUFallbackWarning` per process.

    Args:
        dev_id: the device number, kept: ``gpu(1)`` gives ``cpu(1)``.
        fallback: False makes this call an error instead; None follows
            :func:`set_gpu_fallback` (default True).

    Raises:
        MXValueError: the fallback is off.

    Example:
        >>> gpu(1)                      # warns once: "... using mx.cpu(1) instead ..."
        Context(device='cpu', device_id=1, device_typeid=1)
    """
    dev_id = int(dev_id)
    if not (_gpu_fallback_on() if fallback is None else fallback):
        raise MXValueError(
            f"mx.gpu({dev_id}): this build of mxnet_r_compat computes on the CPU only and cannot "
            f"use a GPU. Use mx.cpu({dev_id}), or turn the fallback on (mx.gpu(i) then gives "
            f"mx.cpu(i) with a warning): set_gpu_fallback(True) in Python, "
            f"options(mxnet.gpu.fallback = TRUE) in R.")
    if not _gpu["warned"]:
        _gpu["warned"] = True
        warnings.warn(
            f"mx.gpu({dev_id}): this build of mxnet_r_compat computes on the CPU only; using "
            f"mx.cpu({dev_id}) instead (warned once per process; set_gpu_fallback(False) makes "
            f"it an error).", GPUFallbackWarning, stacklevel=2)
    return cpu(dev_id)


_default = [cpu()]


def default(new: Context | None = None) -> Context:
    """Get the default context, or set it when ``new`` is given (``mx.ctx.default``).

    Example:
        >>> default()
        Context(device='cpu', device_id=0, device_typeid=1)
    """
    if new is not None:
        if not isinstance(new, Context):
            raise MXTypeError("ctx must be mx.context or list of mx.context")
        _default[0] = new
    return _default[0]


def is_context(x: object) -> bool:
    """``is.mx.context``."""
    return isinstance(x, Context)


def normalize(ctx) -> list[Context]:
    """A list of usable contexts from ``ctx`` (None = the default)."""
    if ctx is None:
        ctx = default()
    ctx_list = [ctx] if isinstance(ctx, Context) else ctx
    if not isinstance(ctx_list, (list, tuple)) or not ctx_list \
            or not all(isinstance(c, Context) for c in ctx_list):
        raise MXTypeError("ctx must be mx.context or list of mx.context")
    gpus = [c for c in ctx_list if c.device != "cpu"]
    if gpus:
        raise MXValueError(f"Invalid value for argument `ctx`. Received: ctx={gpus[0]}. Expected "
                           f"mx.cpu(): this build of mxnet_r_compat computes on the CPU only "
                           f"(mx.gpu(i) gives mx.cpu(i) unless its fallback is turned off).")
    return list(ctx_list)
