"""Arguments of MXNet's native iterators (``mx.io.CSVIter``, ``mx.io.MNISTIter``), checked
with house-style errors. Shapes are in backend order here (the R bridge reverses R's)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import invalid_value

#: Arguments MXNet's iterators take for its prefetcher and device; accepted, not used
#: (batches are read synchronously, on the CPU).
PREFETCH_ARGS = ("prefetch_buffer", "ctx", "dtype")


def shape_arg(value: Any, arg: str) -> tuple[int, ...]:
    """A shape: a positive whole number or a sequence of them.

    Example:
        >>> shape_arg([28, 28], "data.shape"), shape_arg(785.0, "data.shape")
        ((28, 28), (785,))
    """
    dims = np.atleast_1d(np.asarray(value, dtype=object)).reshape(-1).tolist() \
        if value is not None else []
    ok = bool(dims) and all(_is_whole(d) and d >= 1 for d in dims)
    if not ok:
        raise invalid_value(arg, value, "a shape: one or more whole numbers >= 1, such as c(28, "
                            "28, 1) in R or (1, 28, 28) in Python")
    return tuple(int(d) for d in dims)


def _is_whole(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) \
        and np.isfinite(v) and float(v).is_integer()


def int_arg(value: Any, arg: str, minimum: int) -> int:
    """A whole number >= minimum (R passes doubles: 100 is 100.0).

    Example:
        >>> int_arg(100.0, "batch.size", 1)
        100
    """
    if not _is_whole(value) or value < minimum:
        raise invalid_value(arg, value, f"a whole number >= {minimum}")
    return int(value)


def bool_arg(value: Any, arg: str) -> bool:
    """TRUE/FALSE, 0/1 (MXNet R scripts write ``silent = 0``) or "true"/"false".

    Example:
        >>> bool_arg(0, "silent"), bool_arg("True", "shuffle")
        (False, True)
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if _is_whole(value) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    raise invalid_value(arg, value, "TRUE or FALSE")


def path_arg(value: Any, arg: str) -> str:
    """A file name (a string).

    Example:
        >>> path_arg("data/train.csv", "data.csv")
        'data/train.csv'
    """
    if not isinstance(value, str) or not value:
        raise invalid_value(arg, value, "a file name (a character string)")
    return value


def check_dtype(dtype: Any) -> None:
    """Only float32 batches exist here; MXNet's ``dtype`` of its prefetcher is accepted for that.

    Example:
        >>> check_dtype("float32")
    """
    if dtype is not None and str(dtype) not in ("float32", "<class 'numpy.float32'>"):
        raise invalid_value("dtype", dtype, '"float32" (batches are float32)')


def part_args(num_parts: Any, part_index: Any) -> tuple[int, int]:
    """``num.parts`` and ``part.index``, checked: 0 <= part.index < num.parts.

    Example:
        >>> part_args(3, 1)
        (3, 1)
    """
    parts = int_arg(num_parts, "num.parts", 1)
    index = int_arg(part_index, "part.index", 0)
    if index >= parts:
        raise invalid_value("part.index", index, f"0 <= part.index < num.parts ({parts})")
    return parts, index


def part_range(count: int, num_parts: int, part_index: int) -> tuple[int, int]:
    """Samples [start, end) of part ``part_index`` of ``num_parts`` (MXNet's split).

    Example:
        >>> part_range(70, 3, 1)
        (23, 46)
    """
    return int(count / num_parts * part_index), int(count / num_parts * (part_index + 1))
