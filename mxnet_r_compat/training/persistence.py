"""Saving and loading models in MXNet's files (``mx.model.save`` / ``mx.model.load``).

``<prefix>-symbol.json`` holds the network and ``<prefix>-%04d.params`` the
weights, in exactly MXNet's formats (see formats/). Both are written
atomically, so a crash mid-write leaves the previous files intact.
"""

from __future__ import annotations

import os

from ..formats import atomic, model_files
from ..graph.symbol import load
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
        raise TypeError(f"mx.model.save needs a model from mx.model.FeedForward.create; "
                        f"received {type(model).__name__}")
    atomic.atomic_write_bytes(symbol_path(prefix), model.symbol.tojson().encode())
    model_files.save_params(prefix, iteration, model.arg_params, model.aux_params)


def load_model(prefix: str, iteration: int):
    """Read the model saved under ``prefix`` at ``iteration``.

    Example:
        >>> model = load_model("boston", 10)   # doctest: +SKIP
    """
    symbol = load(symbol_path(prefix))
    arg_params, aux_params = model_files.load_params(prefix, iteration)
    return FeedForwardModel(symbol, arg_params, aux_params)
