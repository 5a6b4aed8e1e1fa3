"""mxnet_r_compat: the Apache MXNet R training API on a small C core.

``mx`` (the dotted ``mx.*`` names) is built on first use, so importing one low-level module
(``mxnet_r_compat.formats.atomic``) does not load the trainer (docs/ARCHITECTURE.md).

Example:
    >>> from mxnet_r_compat import mx
    >>> data = mx.symbol.Variable("data")
    >>> lro = mx.symbol.LinearRegressionOutput(mx.symbol.FullyConnected(data, num_hidden=1))
"""

from typing import Any

from ._version import __version__

__all__ = ["__version__", "mx"]


def __getattr__(name: str) -> Any:
    """``mx`` on first access (PEP 562)."""
    if name == "mx":
        from .api import mx
        return mx
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
