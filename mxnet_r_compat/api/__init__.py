"""The dotted ``mx.*`` names of MXNet R (``from mxnet_r_compat import mx``).

The top of the layer stack: the only module allowed to import every other layer
(docs/ARCHITECTURE.md). Nothing in the package imports it except the package's own lazy
``mx`` attribute and the R bridge.
"""

from .rnames import R_API, mx

__all__ = ["R_API", "mx"]
