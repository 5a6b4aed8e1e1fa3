"""The ``.params`` half of ``mx.model.save`` / ``mx.model.load`` (docs/MXNET_R_BEHAVIOUR.md,
"Prediction and model files").

A model's parameters live in ``sprintf("%s-%04d.params", prefix, iteration)``,
an NDArray list file whose names are ``arg:<name>`` for each argument, in
order, followed by ``aux:<name>`` for each auxiliary state.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np

from ..errors import ModelFileError, invalid_value
from .atomic import resolve_path
from .ndarray_file import (dumps_ndarray_list, load_ndarray_list, loads_ndarray_list,
                           save_ndarray_list)

_KINDS = ("arg:", "aux:")


def params_path(prefix: str | os.PathLike[str], iteration: int | float) -> str:
    """Return ``sprintf("%s-%04d.params", prefix, iteration)`` with ``~`` expanded.

    Args:
        prefix: the model prefix, e.g. ``"~/models/mlp"``.
        iteration: the epoch number (an integer, or a whole float as R passes it).

    Raises:
        MXValueError: ``iteration`` is not a whole number.

    Example:
        >>> params_path("model", 10)
        'model-0010.params'
    """
    if isinstance(iteration, float) and iteration.is_integer():
        iteration = int(iteration)
    if not isinstance(iteration, (int, np.integer)) or isinstance(iteration, bool):
        raise invalid_value("iteration", iteration, "a whole number")
    return resolve_path(f"{os.fspath(prefix)}-{int(iteration):04d}.params")


def save_params(prefix: str | os.PathLike[str], iteration: int,
                arg_params: Mapping[str, np.ndarray], aux_params: Mapping[str, np.ndarray]) -> str:
    """Write ``<prefix>-<iteration>.params`` atomically; return its path.

    Args:
        prefix: the model prefix.
        iteration: the epoch number.
        arg_params: argument arrays by name, in backend order; saved in dict order.
        aux_params: auxiliary state arrays by name, saved after the arguments.

    Raises:
        MXValueError: a name is not a string or an array is not numeric.
        CheckpointWriteError: the file could not be written.

    Example:
        >>> import tempfile
        >>> prefix = os.path.join(tempfile.mkdtemp(), "mlp")
        >>> path = save_params(prefix, 1, {"fc_weight": np.ones((2, 3))}, {})
        >>> os.path.basename(path)
        'mlp-0001.params'
    """
    path = params_path(prefix, iteration)
    arrays, names = _named_arrays(arg_params, aux_params)
    save_ndarray_list(path, arrays, names)
    return path


def dumps_params(arg_params: Mapping[str, np.ndarray],
                 aux_params: Mapping[str, np.ndarray]) -> bytes:
    """The bytes :func:`save_params` writes (for callers that also need their checksum).

    Example:
        >>> dumps_params({"w": np.zeros(1)}, {})[-5:]
        b'arg:w'
    """
    return dumps_ndarray_list(*_named_arrays(arg_params, aux_params))


def _named_arrays(arg_params: Mapping[str, np.ndarray], aux_params: Mapping[str, np.ndarray],
                  ) -> tuple[list[np.ndarray], list[str]]:
    names, arrays = [], []
    for kind, params in zip(_KINDS, (arg_params, aux_params)):
        for name, array in params.items():
            if not isinstance(name, str):
                raise invalid_value(f"{kind[:3]}_params", name, "string parameter names")
            names.append(kind + name)
            arrays.append(array)
    return arrays, names


def load_params(prefix: str | os.PathLike[str], iteration: int,
                ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Read ``<prefix>-<iteration>.params`` into ``(arg_params, aux_params)``.

    Names without an ``arg:``/``aux:`` prefix (and all entries of an unnamed
    file) are ignored, as in R; a kind that is absent gives an empty dict.

    Raises:
        ModelFileError: the file is corrupt, or a parameter name appears twice.
        OSError: the file cannot be opened.

    Example:
        >>> import tempfile
        >>> prefix = os.path.join(tempfile.mkdtemp(), "mlp")
        >>> _ = save_params(prefix, 1, {"w": np.zeros(2)}, {"mean": np.ones(1)})
        >>> load_params(prefix, 1)
        ({'w': array([0., 0.], dtype=float32)}, {'mean': array([1.], dtype=float32)})
    """
    path = params_path(prefix, iteration)
    return split_params(*load_ndarray_list(path), source=path)


def loads_params(data: bytes, source: str = "<bytes>",
                 ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Parse ``.params`` bytes into ``(arg_params, aux_params)`` (see :func:`load_params`)."""
    return split_params(*loads_ndarray_list(data, source=source), source=source)


def split_params(arrays: list[np.ndarray], names: list[str] | None, source: str = "<bytes>",
                 ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Split an NDArray list by its ``arg:``/``aux:`` names, as ``mx.model.load`` does."""
    split: tuple[dict[str, np.ndarray], dict[str, np.ndarray]] = ({}, {})
    for name, array in zip(names or [], arrays, strict=False):  # unnamed: nothing to split
        if name[:4] not in _KINDS:
            continue
        params = split[_KINDS.index(name[:4])]
        if name[4:] in params:
            raise ModelFileError(f"Invalid parameter file '{source}': '{name}' appears twice")
        params[name[4:]] = array
    return split
