"""Saving and loading models in MXNet's files (``mx.model.save`` / ``mx.model.load``).

``<prefix>-symbol.json`` holds the network and ``<prefix>-%04d.params`` the
weights, in exactly MXNet's formats (see formats/). A save checks every
argument and encodes both files before it writes anything, then writes the
pair together (``formats.atomic.atomic_write_files``): afterwards both files
are new, or both are as they were.
"""

from __future__ import annotations

import os

from ..errors import ModelFileError, MXTypeError, invalid_value
from ..formats import atomic, model_files
from ..graph.symbol import load
from . import pair_check
from .model import FeedForwardModel


def symbol_path(prefix: str) -> str:
    """``<prefix>-symbol.json``, with ``~`` expanded like R's path.expand."""
    return os.path.expanduser(f"{prefix}-symbol.json")


def save_model(model, prefix: str, iteration: int) -> None:
    """Write ``model`` as MXNet files for ``iteration``.

    Example:
        >>> save_model(model, "boston", 10)   # doctest: +SKIP  (boston-symbol.json and
        ...                                   # boston-0010.params)
    """
    if not isinstance(model, FeedForwardModel):
        raise MXTypeError(f"Invalid value for argument `model`. Received: "
                          f"{type(model).__name__}. Expected a model from "
                          f"mx.model.FeedForward.create or mx.model.load.")
    prefix = _checked_prefix(prefix)
    params_file = model_files.params_path(prefix, iteration)  # checks `iteration`
    symbol_text = model.symbol.tojson().encode()
    params = model_files.dumps_params(model.arg_params, model.aux_params)
    atomic.atomic_write_files([(symbol_path(prefix), symbol_text), (params_file, params)])


def _checked_prefix(prefix: object) -> str:
    """``prefix`` as a non-empty path string (R passes a character vector's one element)."""
    if isinstance(prefix, os.PathLike):
        prefix = os.fspath(prefix)
    if not isinstance(prefix, str) or not prefix or "\0" in prefix:
        raise invalid_value("prefix", prefix, "a non-empty file name prefix such as "
                            "\"models/boston\"")
    return prefix


def load_model(prefix: str, iteration: int):
    """Read the model saved under ``prefix`` at ``iteration``; a symbol and params file that
    do not belong together are refused here (training/pair_check.py), not later in predict.

    Example:
        >>> model = load_model("boston", 10)   # doctest: +SKIP
    """
    prefix = _checked_prefix(prefix)
    params_file = model_files.params_path(prefix, iteration)  # checks `iteration`
    symbol = load(symbol_path(prefix))
    arg_params, aux_params = model_files.load_params(prefix, iteration)
    problem = pair_check.mismatch(symbol, arg_params, aux_params)
    if problem is not None:
        raise ModelFileError(f"'{symbol_path(prefix)}' and '{params_file}' do not belong "
                             f"together: {problem}. Were they saved by different runs?")
    return FeedForwardModel(symbol, arg_params, aux_params)
