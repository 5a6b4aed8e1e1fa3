"""Entry points of R's MXNDArray (R/ndarray_ops.R, R/ndarray_functions.R).

``nd_native_info`` tells R where the C core's shared library is and what its operator codes
are, so that R's elementwise operators call the core directly through ``.C()``.
``nd_call`` runs one of the Python NDArray functions (``mxnet_r_compat/ndarray/``) on
MXNDArrays, with MXNet R's parameter convention: vectors, and parameters whose name ends in
"shape", arrive in R order and are reversed; a single number (an axis) is passed unchanged.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import rpy2.rinterface as ri

from .. import ndarray as nd
from .._lib import ffi, lib, native_path
from ..errors import MXValueError
from . import convert
from .export import register

RT = convert.RT

#: The functions R may call through nd_call, by their Python names.
CALLABLE = {"dot", "transpose", "reshape", "flatten", "expand_dims", "concat", "slice_axis",
            "crop", "crop_assign", "choose_element_0index", "sum", "mean", "max", "min",
            "argmax", "argmin", "norm",
            *(name for name in nd.FUNCTIONS if name.startswith("broadcast_"))}


def _codes(prefix: str) -> Any:
    names = sorted((n for n in dir(lib) if n.startswith(prefix) and not n.endswith("_COUNT")),
                   key=lambda n: getattr(lib, n))
    out = ri.IntSexpVector([int(getattr(lib, n)) for n in names])
    out.names = ri.StrSexpVector([n[len(prefix):] for n in names])
    return out


@register("nd_native_info")
def nd_native_info() -> Any:
    """``list(path=, binary=, unary=, reduce=, status=)`` for R's ``.C()`` calls.

    Example:
        >>> # R: info <- mxnet:::.py("nd_native_info"); info$binary[["ADD"]]   # 0
    """
    status = [ffi.string(lib.mxc_status_str(code)).decode()
              for code in range(lib.MXC_ERR_IO + 1)]
    return convert.make_list({
        "path": ri.StrSexpVector([native_path()]),
        "binary": _codes("MXC_BINARY_"), "unary": _codes("MXC_UNARY_"),
        "reduce": _codes("MXC_REDUCE_"), "status": ri.StrSexpVector(status),
    })


def nd_from_r(x: Any) -> Any:
    """An MXNDArray or R array as an NDArray (a float32 copy in backend order); a single
    number without dims as a float.

    Example:
        >>> nd_from_r(ri.FloatSexpVector([2.5]))
        2.5
    """
    if not convert.is_ndarray(x) and x.typeof in (RT.REALSXP, RT.INTSXP, RT.LGLSXP) \
            and len(x) == 1 and convert.r_dims(x) is None:
        return float(convert.as_numpy(x)[0])
    backend = np.ascontiguousarray(convert.to_backend(x), np.float32)
    return nd.array(backend)


def nd_param(name: str, value: Any) -> Any:
    """An R parameter value by MXNet R's rule (see the module docstring).

    Example:
        >>> nd_param("axis", ri.IntSexpVector([0])), nd_param("shape", ri.IntSexpVector([3, 2]))
        (0, (2, 3))
    """
    if convert.is_null(value):
        return None
    if value.typeof == RT.STRSXP:
        return str(value[0])
    if value.typeof == RT.LGLSXP and len(value) == 1:
        return bool(value[0])
    if value.typeof not in (RT.REALSXP, RT.INTSXP):
        raise MXValueError(f"Invalid value for argument `{name}`. Received: an R "
                           f"{convert._type_name(value)}. Expected a number or a vector.")
    values = [float(v) for v in value]
    if any(v != v for v in values):
        raise MXValueError(f"Invalid value for argument `{name}`. Received: NA. Expected "
                           f"numbers.")
    numbers = [int(v) if v.is_integer() else v for v in values]
    if len(numbers) != 1 or name.endswith("shape"):
        return tuple(int(v) for v in reversed(numbers))
    return numbers[0]


def nd_to_r(value: Any) -> Any:
    """An NDArray (or a list of them) as MXNDArray(s).

    Example:
        >>> r = nd_to_r(nd.ones((2, 3))); convert.r_dims(convert.nd_data(r))
        (3, 2)
    """
    if isinstance(value, (list, tuple)):
        return ri.ListSexpVector([nd_to_r(v) for v in value])
    return convert.nd_to_r(np.asarray(value))


@register("nd_call")
def nd_call(name: Any, arrays: Any, params: Any) -> Any:
    """Run ``mx.nd.<name>`` on MXNDArrays (R's ``.mx_nd_call``).

    Example:
        >>> # R: mxnet:::.py("nd_call", "dot", list(a, b), list(transpose_a = TRUE))
    """
    fn_name = str(name[0])
    if fn_name not in CALLABLE:
        raise MXValueError(f"mx.nd function {fn_name!r} is not callable from R.")
    args = [nd_from_r(a) for a in arrays]
    kwargs = {k.replace(".", "_"): nd_param(k, v)
              for k, v in convert.named_list(params).items()}
    return nd_to_r(nd.FUNCTIONS[fn_name](*args, **kwargs))
