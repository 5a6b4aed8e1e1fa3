"""Keyword arguments in R or Python spelling, and the argument validators every layer shares.

MXNet R names arguments with dots (``num.round``); Python cannot, so every public function
takes ``num_round`` and :func:`normalize_kwargs` maps one spelling to the other. An unknown
name is an error that suggests the closest valid one.
"""

from __future__ import annotations

import difflib
import inspect
import math
import numbers
from collections.abc import Callable
from typing import Any

import numpy as np

from .errors import MXTypeError, arg_name, invalid_value


def normalize_kwargs(fn: Callable, kwargs: dict[str, Any], where: str,
                     also_valid: tuple[str, ...] = ()) -> dict[str, Any]:
    """R or Python spelling to Python names; an unknown name is an error with a suggestion
    spelt as the caller spells names (``num_round`` in Python, ``num.round`` in R).

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
            hint = f" Did you mean `{arg_name(close[0])}`?" if close else ""
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


def is_number(value: Any) -> bool:
    """A real number, not a logical (R's TRUE is not a number here).

    Example:
        >>> is_number(2.5), is_number(np.int64(3)), is_number(True), is_number("1")
        (True, True, False, False)
    """
    return not isinstance(value, (bool, np.bool_)) and isinstance(value, numbers.Real)


def shown(value: Any) -> Any:
    """A value as an R user typed it: R passes whole numbers as doubles, so 3.0 shows as 3.

    Example:
        >>> shown(3.0), shown(2.5), shown("a")
        (3, 2.5, 'a')
    """
    whole = isinstance(value, (float, np.floating)) and float(value).is_integer()
    return int(value) if whole or isinstance(value, np.integer) else value


def number(arg: str, value: Any, expected: str = "a number", *, low: float | None = None,
           high: float | None = None, whole: bool = False, finite: bool = True,
           ok: Callable[[float], bool] | None = None, allow_none: bool = False,
           as_r: bool = False) -> Any:
    """Validate one numeric argument; returns it as a float (an int when ``whole``).

    ``low``/``high`` bound it (inclusive), ``ok`` is any other condition, ``finite=False``
    lets Inf through. The error is the house-style one with ``expected``; ``as_r`` shows a
    whole double as R prints it (``top.k=0``, not ``top.k=0.0``).

    Example:
        >>> number("momentum", 0.9, "0 <= momentum < 1", ok=lambda v: 0 <= v < 1)
        0.9
        >>> number("period", 2.0, "a whole number >= 1", low=1, whole=True)
        2
    """
    if value is None and allow_none:
        return None
    good = is_number(value) and (not finite or math.isfinite(value))
    good = good and (low is None or value >= low) and (high is None or value <= high)
    good = good and (not whole or float(value).is_integer())
    good = good and (ok is None or ok(float(value)))
    if not good:
        raise invalid_value(arg, shown(value) if as_r else value, expected)
    return int(value) if whole else float(value)


def whole_number(arg: str, value: Any, low: int = 1) -> int:
    """:func:`number` for a count or a period: a whole number ``>= low``.

    Example:
        >>> whole_number("period", 5.0)
        5
    """
    return number(arg, value, f"a whole number >= {low}", low=low, whole=True)
