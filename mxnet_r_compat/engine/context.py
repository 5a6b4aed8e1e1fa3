"""Devices (``mx.cpu``, ``mx.gpu``, ``mx.ctx.default``). This build computes on the CPU only."""

from __future__ import annotations

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


def gpu(dev_id: int = 0) -> Context:
    """A GPU context. It can be created, but training or predicting on it is an error here.

    Example:
        >>> gpu(0).device
        'gpu'
    """
    return Context("gpu", int(dev_id), 2)


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
                           f"mx.cpu(): mxnet_r_compat runs on the CPU only and this machine "
                           f"has no GPU support.")
    return list(ctx_list)
