"""Hints for keywords from other libraries passed to ``mx.model.FeedForward.create``.

Keras, PyTorch Lightning and scikit-learn users write ``epochs=``, ``batch_size=``, ``lr=``,
``callbacks=``, ``validation_data=``. MXNet has the same things under other names; the
generic "unknown argument" error cannot know that ``epochs`` means ``num_round``, so these
names get an error naming the argument, its value, MXNet's name and what differs. Names are
written in the caller's spelling (``num_round`` in Python, ``num.round`` in R:
errors.arg_name).
"""

from __future__ import annotations

import re
from typing import Any

from .._args import shown as r_shown
from ..errors import MXTypeError, arg_name, in_r, say

#: Foreign keyword (Python spelling) -> (MXNet's argument(s), what to know). Names in braces
#: are written in the caller's spelling.
HINTS: dict[str, tuple[tuple[str, ...], str]] = {
    "epochs": (("num.round",), "{num.round} is the index of the last epoch: training runs "
               "epochs {begin.round} to {num.round}"),
    "batch_size": (("array.batch.size",), "{array.batch.size} is the batch size of array "
                   "input (a data iterator has its own)"),
    "lr": (("learning.rate",), "{learning.rate} is the optimizer's learning rate"),
    "callbacks": (("epoch.end.callback", "batch.end.callback"),
                  "each slot (also {train.begin.callback}, {epoch.begin.callback}, "
                  "{batch.begin.callback}, {train.end.callback}) takes a function or a list of "
                  "them, called in order (docs/CALLBACKS.md)"),
    "validation_data": (("eval.data",), "{eval.data} is the validation data: <validation>"),
    "validation_split": (("eval.data",), "there is no automatic split: pass the validation "
                         "samples as {eval.data} (<validation>)"),
    "metrics": (("eval.metric",), "{eval.metric} is one metric, such as mx.metric.accuracy"),
    "initial_epoch": (("begin.round",), "{begin.round} is the first epoch, counted from 1"),
    "loss": (("symbol",), "the loss is the network's output layer (SoftmaxOutput, "
             "LinearRegressionOutput, ...), not an argument"),
    "device": (("ctx",), "{ctx} is a context such as mx.cpu(), or a list of them"),
}
for _alias in ("num_epochs", "n_epochs", "max_epochs", "nb_epoch"):
    HINTS[_alias] = HINTS["epochs"]
HINTS["metric"] = HINTS["metrics"]
HINTS["devices"] = HINTS["device"]

_NAME = re.compile(r"\{([a-z.]+)\}")


def _shown(value: Any, limit: int = 60) -> str:
    """A short one-line repr (arrays shown by their shape; in R, 5 rather than 5.0)."""
    if in_r():
        value = r_shown(value)
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        return f"<array of shape {tuple(value.shape)}>"
    if isinstance(value, (tuple, list)) and any(hasattr(v, "shape") for v in value):
        return "(" + ", ".join(_shown(v, limit) for v in value) + ")"
    text = " ".join(repr(value).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _note(template: str) -> str:
    validation = say(python='{"data": X, "label": y} or a DataIter',
                     r="list(data = X, label = y) or a data iterator")
    text = _NAME.sub(lambda m: arg_name(m.group(1)), template).replace("<validation>",
                                                                        validation)
    return text[0].upper() + text[1:] if not _NAME.match(template) else text


def check_foreign_keywords(kwargs: dict[str, Any], where: str) -> None:
    """An error for the first keyword of ``kwargs`` that another library uses for something
    MXNet calls differently; other keywords are left to the usual checks.

    Example:
        >>> check_foreign_keywords({"epochs": 5}, "mx.model.FeedForward.create")
        Traceback (most recent call last):
        ...
        mxnet_r_compat.errors.MXTypeError: mx.model.FeedForward.create got an unknown argument `epochs` (epochs=5). Did you mean `num_round`? num_round is the index of the last epoch: training runs epochs begin_round to num_round.
    """  # noqa: E501 (a doctest output is one line)
    for key, value in kwargs.items():
        hint = HINTS.get(key.replace(".", "_"))
        if hint is None:
            continue
        names, template = hint
        suggested = " or ".join(f"`{arg_name(n)}`" for n in names)
        raise MXTypeError(f"{where} got an unknown argument `{key}` ({key}={_shown(value)}). "
                          f"Did you mean {suggested}? {_note(template)}.")
