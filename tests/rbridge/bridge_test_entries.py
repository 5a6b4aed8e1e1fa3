"""Entry points used only by the bridge tests (loaded through MXNET_R_COMPAT_ENTRY_MODULES).

Each one exercises one path of export.py / rlib.py from R: result conversion, exceptions,
Ctrl-C inside Python, and Python calling R callbacks.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import rpy2.rinterface as ri

from mxnet_r_compat.errors import MXValueError
from mxnet_r_compat.rbridge import rlib
from mxnet_r_compat.rbridge.export import register

_RESULTS: dict[str, Any] = {
    "none": None,
    "true": True,
    "false": False,
    "str": "héllo",
    "int": 7,
    "bigint": 2**40,
    "float": 2.5,
    "np_float": np.float32(0.5),
    "np_int": np.int64(3),
    "np_bool": np.bool_(True),
    "null": ri.NULL,
    "object": object(),
}


@register("t_result")
def t_result(kind: Any) -> Any:
    """Return the Python value named by ``kind`` (to check what R receives)."""
    return _RESULTS[kind[0]]


@register("t_raise")
def t_raise(kind: Any) -> Any:
    """Raise an MXError (``"mx"``), a KeyError (``"key"``) or a bare ValueError (``"bare"``)."""
    if kind[0] == "mx":
        raise MXValueError("Invalid value for argument `x`. Received: x=-1. Expected x > 0.")
    if kind[0] == "key":
        raise KeyError("x")
    raise ValueError


@register("t_types")
def t_types(*args: Any, **kwargs: Any) -> Any:
    """The rpy2 classes of the arguments, ``name=Class`` for named ones."""
    names = [type(a).__name__ for a in args]
    names += [f"{k}={type(v).__name__}" for k, v in kwargs.items()]
    return ri.StrSexpVector(names)


@register("t_sleep")
def t_sleep(seconds: Any) -> Any:
    """Sleep in Python (Ctrl-C arrives while Python is innermost)."""
    time.sleep(float(seconds[0]))
    return True


@register("t_train")
def t_train(cb: Any, rounds: Any, verbose: Any = None) -> Any:
    """A fake trainer: call the R callback once per round until it returns FALSE.

    Returns the number of rounds run.
    """
    env = ri.baseenv["new.env"]()
    flag = None if verbose is None else bool(verbose[0])
    n = 0
    for it in range(1, int(rounds[0]) + 1):
        n = it
        res = rlib.invoke_callback(cb, it, 0, env, verbose=flag, slot="epoch.end.callback")
        if res.typeof == ri.RTYPES.LGLSXP and len(res) == 1 and res[0] is False:
            break
    return n
