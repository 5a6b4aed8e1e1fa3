"""Keyword arguments in R or Python spelling, and the argument validators every layer shares.

MXNet R names arguments with dots (``num.round``); Python cannot, so every public function
takes ``num_round`` and :func:`normalize_kwargs` maps one spelling to the other. An unknown
name is an error that suggests the closest valid one.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable
from typing import Any

from .errors import MXTypeError


def normalize_kwargs(fn: Callable, kwargs: dict[str, Any], where: str,
                     also_valid: tuple[str, ...] = ()) -> dict[str, Any]:
    """R or Python spelling to Python names; an unknown name is an error with a suggestion.

    Example:
        >>> normalize_kwargs(lambda num_round=1: 0, {"num.round": 3}, "f")
        {'num_round': 3}
    """
    params = inspect.signature(fn).parameters
    valid = [p for p in params if p not in ("self", "kwargs")]
    out = {}
    for key, value in kwargs.items():
        name = key.replace(".", "_")
        if name not in valid:
            choices = [v.replace("_", ".") for v in valid] + list(also_valid)
            close = difflib.get_close_matches(key.replace("_", "."), choices, n=1)
            hint = f" Did you mean `{close[0]}`?" if close else ""
            raise MXTypeError(f"{where} got an unknown argument `{key}`.{hint}")
        out[name] = value
    return out


def with_kwargs(fn: Callable, where: str) -> Callable:
    """Wrap ``fn`` so it accepts R-spelled keywords and rejects unknown ones clearly.

    Example:
        >>> with_kwargs(lambda num_round=1: num_round, "f")(**{"num.round": 3})
        3
    """
    accepts_more = any(p.kind is p.VAR_KEYWORD for p in inspect.signature(fn).parameters.values())
    if accepts_more:
        def wrapper(*args, **kwargs):
            return fn(*args, **{k.replace(".", "_"): v for k, v in kwargs.items()})
    else:
        def wrapper(*args, **kwargs):
            return fn(*args, **normalize_kwargs(fn, kwargs, where))
    wrapper.__name__ = getattr(fn, "__name__", where)
    wrapper.__doc__ = fn.__doc__
    wrapper.__wrapped__ = fn  # type: ignore[attr-defined]
    return wrapper
