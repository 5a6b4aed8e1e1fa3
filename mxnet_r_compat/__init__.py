"""mxnet_r_compat: the Apache MXNet R training API on a small C core.

Example:
    >>> from mxnet_r_compat import mx
    >>> data = mx.symbol.Variable("data")
    >>> lro = mx.symbol.LinearRegressionOutput(mx.symbol.FullyConnected(data, num_hidden=1))
"""

__version__ = "0.1.0"

from .rnames import mx  # noqa: E402

__all__ = ["mx", "__version__"]
