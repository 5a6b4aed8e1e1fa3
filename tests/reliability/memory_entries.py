"""An entry point for the R memory test (loaded through MXNET_R_COMPAT_ENTRY_MODULES): R
scripts cannot run Python's garbage collector otherwise."""

from __future__ import annotations

import gc

from mxnet_r_compat.rbridge.export import register


@register("t_python_gc")
def t_python_gc() -> None:
    """Run Python's cyclic garbage collector (the R side calls it after R's ``gc()``)."""
    gc.collect()
