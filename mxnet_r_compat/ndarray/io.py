"""Saving and loading NDArrays in MXNet's NDArray list format (``formats/ndarray_file.py``):
``mx.nd.save`` / ``mx.nd.load``, files MXNet R and MXNet Python read and write."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..errors import MXTypeError
from ..formats import ndarray_file
from .array import NDArray, _wrap, as_ndarray


def save(first: Any, second: Any) -> None:
    """Save one NDArray, a list of them or a dict name -> NDArray. Both argument orders work:
    MXNet R's ``mx.nd.save(ndarray, filename)`` and MXNet Python's ``save(fname, data)``.

    Example:
        >>> import tempfile, os; f = os.path.join(tempfile.mkdtemp(), "a.nd")
        >>> mx.nd.save({"w": mx.nd.ones((2, 2))}, f); sorted(mx.nd.load(f))
        ['w']
    """
    path_first = isinstance(first, (str, os.PathLike))
    path, data = (first, second) if path_first else (second, first)
    if not isinstance(path, (str, os.PathLike)):
        raise MXTypeError(f"mx.nd.save needs a file name; received a {type(path).__name__}.")
    if isinstance(data, Mapping):
        names = [str(k) for k in data]
        arrays = [as_ndarray(v, f"data[{k!r}]")._data for k, v in data.items()]
    else:
        items = [data] if isinstance(data, NDArray) else list(data)
        names = None
        arrays = [as_ndarray(v, f"data[{i}]")._data for i, v in enumerate(items)]
    ndarray_file.save_ndarray_list(path, arrays, names)


def load(fname: str | os.PathLike[str]) -> list[NDArray] | dict[str, NDArray]:
    """Load a file written by ``save`` (or by MXNet): a dict when the file has names, else a
    list.

    Example:
        >>> import tempfile, os; f = os.path.join(tempfile.mkdtemp(), "a.nd")
        >>> mx.nd.save(f, [mx.nd.ones(3)]); mx.nd.load(f)[0].shape
        (3,)
    """
    arrays, names = ndarray_file.load_ndarray_list(fname)
    wrapped = [_wrap(np.require(a, np.float32, ["C", "W"])) for a in arrays]
    return dict(zip(names, wrapped, strict=True)) if names else wrapped
