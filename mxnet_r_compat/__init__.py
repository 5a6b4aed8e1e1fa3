"""mxnet_r_compat: the Apache MXNet R training API on a small C core."""

__version__ = "0.1.0"
