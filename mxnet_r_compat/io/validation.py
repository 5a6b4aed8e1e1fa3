"""Validation of array input, before anything is trained or predicted (docs/RELIABILITY.md).

Each check raises the house-style error naming the argument. Positions in messages are
1-based rows and columns of X as the caller passed it (R's view).
"""

from __future__ import annotations


import numpy as np

from ..errors import (arg_name, invalid_argument, invalid_shape, invalid_value, say,
                      warn_at_caller, word)


class DataConversionWarning(UserWarning):
    """Non-numeric data frame columns were converted to numbers (as R's ``data.matrix``)."""


def describe(a: np.ndarray) -> str:
    """A short description of an array for error messages.

    Example:
        >>> describe(np.zeros((20, 3))), describe(np.zeros(5)), describe(np.zeros((2, 3, 4)))
        ('a 20 x 3 matrix', 'a vector of length 5', 'an array of shape (2, 3, 4)')
    """
    if a.ndim == 2:
        return f"a {a.shape[0]} x {a.shape[1]} matrix"
    if a.ndim == 1:
        return f"a vector of length {a.shape[0]}"
    return f"an array of shape {tuple(a.shape)}"


def _position(shape: tuple[int, ...], index) -> str:
    idx = [int(i) + 1 for i in index]
    if len(shape) == 2:
        return f"row {idx[0]}, column {idx[1]}"
    if len(shape) == 1:
        return f"element {idx[0]}"
    return f"index {tuple(idx)}"


def as_numeric(x, arg: str) -> np.ndarray:
    """float32 numbers from an array, a nested list or a data frame, or a clear error.

    Data frames (pandas-like: ``columns`` and ``to_numpy``) are converted as R's
    ``data.matrix`` does, with a :class:`DataConversionWarning` naming the converted columns.

    Example:
        >>> as_numeric([[1, 2], [3, 4]], "X").dtype
        dtype('float32')
    """
    if x is None:
        raise invalid_value(arg, None, "a numeric matrix or array, a data frame or a data "
                            "iterator")
    if hasattr(x, "to_numpy") and hasattr(x, "columns"):
        x = frame_to_matrix(x, arg)
    _refuse_text(x, arg)
    try:
        return np.asarray(x, dtype=np.float32)
    except (TypeError, ValueError):
        pass
    raw = np.asarray(x, dtype=object) if not isinstance(x, np.ndarray) else x
    for index in np.ndindex(raw.shape):
        try:
            float(raw[index])
        except (TypeError, ValueError):
            raise _non_numeric(raw, index, arg) from None
    raise invalid_argument(arg, f"an object of type {type(x).__name__}",
                           "a numeric matrix or array, a data frame or a data iterator")


def _refuse_text(x, arg: str) -> None:
    """Text is not data, even text that reads as a number: numpy would parse
    ``np.array(["1.5"])`` into 1.5, while R refuses a character matrix. (Data frames'
    text columns were converted by :func:`frame_to_matrix` already.)"""
    try:
        raw = x if isinstance(x, np.ndarray) else np.asarray(x)
    except (TypeError, ValueError):  # ragged nested lists: handled by the caller
        return
    if raw.dtype.kind not in "USO":
        return
    for index in np.ndindex(raw.shape):
        value = raw[index]
        if isinstance(value, (str, bytes, np.str_, np.bytes_)):
            raise _non_numeric(raw, index, arg)


def _non_numeric(raw: np.ndarray, index: tuple, arg: str) -> ValueError:
    value = raw[index].item() if isinstance(raw[index], np.generic) else raw[index]
    where = _position(raw.shape, index)
    try:
        float(value)
    except (TypeError, ValueError):
        return invalid_argument(arg, f"{describe(raw)} holding the non-numeric value "
                                f"{value!r} at {where}", "numbers (a numeric matrix or array; "
                                "convert text and factors first)")
    return invalid_argument(arg, f"{describe(raw)} of text, such as {value!r} at {where} (a "
                            f"number written as text)", "numbers, not text: convert it first, "
                            "e.g. X.astype(float) (R refuses a character matrix too)")


def is_frame(x) -> bool:
    """A pandas DataFrame or Series (duck-typed: ``to_numpy`` and ``columns`` or
    ``to_frame``): rows are samples, whatever their count.

    Example:
        >>> is_frame(np.zeros((2, 2)))
        False
    """
    return hasattr(x, "to_numpy") and (hasattr(x, "columns") or hasattr(x, "to_frame"))


def as_data(x, arg: str) -> np.ndarray:
    """Training or prediction data: a float64 array (an R matrix, a data frame's matrix) is
    kept as it is, read in place by the iterator, which rounds each batch to float32 as
    :func:`as_numeric` would round the whole array; anything else as :func:`as_numeric`.

    Example:
        >>> x = np.zeros((3, 2)); as_data(x, "X") is x
        True
    """
    if hasattr(x, "to_frame") and hasattr(x, "to_numpy") and not hasattr(x, "columns"):
        x = x.to_frame()  # a pandas Series: one feature per sample
    if hasattr(x, "to_numpy") and hasattr(x, "columns"):
        x = frame_to_matrix(x, arg)
    if isinstance(x, np.ndarray) and x.dtype == np.float64:
        return x
    return as_numeric(x, arg)


def frame_to_matrix(frame, arg: str) -> np.ndarray:
    """R's ``data.matrix``: numbers and logicals as they are, factors (categoricals) as their
    1-based codes, text as the codes of its sorted distinct values; missing values become NaN.

    Example:
        >>> class Col:                        # a pandas-like column, for the example
        ...     def __init__(self, v): self.v, self.dtype = v, np.asarray(v).dtype
        ...     def to_numpy(self, dtype=None): return np.asarray(self.v, dtype=dtype)
        >>> class Frame(dict):
        ...     columns = property(lambda self: list(self))
        ...     def to_numpy(self, dtype=None): raise AssertionError
        >>> import warnings; warnings.simplefilter("ignore")
        >>> frame_to_matrix(Frame(a=Col([1.5, 2.0]), b=Col(["y", "x"])), "X").tolist()
        [[1.5, 2.0], [2.0, 1.0]]
    """
    columns, converted = [], []
    for name in frame.columns:
        col = frame[name]
        if str(col.dtype) == "category":
            codes = np.asarray(col.cat.codes, dtype=np.float64)
            values = np.where(codes < 0, np.nan, codes + 1)
            converted.append(str(name))
        else:
            try:
                values = col.to_numpy(dtype=np.float64)
            except (TypeError, ValueError):
                values = _text_codes(col.to_numpy(dtype=object))
                converted.append(str(name))
        columns.append(values)
    if converted:
        how = say(python="as R's data.matrix() does (category codes from 1, text as the codes "
                  "of its sorted values)", r="with data.matrix() (factor codes)")
        warn_at_caller(f"Note: {arg_name(arg)} columns {', '.join(converted)} are not numeric; "
                       f"converted {how}.", DataConversionWarning)
    n = len(columns[0]) if columns else 0
    return np.column_stack(columns) if columns else np.zeros((n, 0))


def _text_codes(values: np.ndarray) -> np.ndarray:
    def missing(v) -> bool:
        return v is None or (isinstance(v, float) and np.isnan(v))
    levels = sorted({str(v) for v in values if not missing(v)})
    code = {level: i + 1 for i, level in enumerate(levels)}
    return np.array([np.nan if missing(v) else code[str(v)] for v in values], np.float64)


def check_not_empty(a: np.ndarray, arg: str) -> None:
    """At least one sample and one value per sample.

    Example:
        >>> check_not_empty(np.zeros((0, 3)), "X")
        Traceback (most recent call last):
        ...
        mxnet_r_compat.errors.MXValueError: Invalid value for argument `X`. Received: a 0 x 3 matrix. Expected at least one sample with at least one feature.
    """  # noqa: E501 (a doctest output is one line)
    if a.ndim == 0 or a.size == 0:
        raise invalid_argument(arg, describe(a) if a.ndim else f"a scalar ({a!r})",
                               "at least one sample with at least one feature")


def check_finite(a: np.ndarray, arg: str) -> None:
    """No NaN (R's NA) and no Inf anywhere in ``a``; the error counts them and says where
    the first one is.

    Example:
        >>> check_finite(np.array([[1.0, np.nan], [np.inf, 2.0]]), "X")
        Traceback (most recent call last):
        ...
        mxnet_r_compat.errors.MXValueError: Invalid value for argument `X`. Received: a 2 x 2 matrix with 1 NA/NaN value and 1 infinite value (the first at row 1, column 2). Expected finite numbers: remove or impute the missing values, or pass check.finite=FALSE to train on them anyway.
    """  # noqa: E501 (a doctest output is one line)
    if all_finite(a):
        return
    if a.dtype == np.float64:  # counted as training will see them: rounded to float32
        with np.errstate(over="ignore"):
            a = a.astype(np.float32)
    finite = np.isfinite(a)
    n_nan = int(np.isnan(a).sum())
    n_inf = int(a.size - finite.sum()) - n_nan
    parts = ([f"{n_nan} NA/NaN value{'s' if n_nan > 1 else ''}"] if n_nan else []) + \
        ([f"{n_inf} infinite value{'s' if n_inf > 1 else ''}"] if n_inf else [])
    first = np.unravel_index(int(np.argmin(finite.reshape(-1))), a.shape)
    raise invalid_argument(arg, f"{describe(a)} with {' and '.join(parts)} (the first at "
                           f"{_position(a.shape, first)})",
                           "finite numbers: remove or impute the missing values, or pass "
                           f"{arg_name('check.finite')}={word('FALSE')} to train on them anyway")


def all_finite(a: np.ndarray) -> bool:
    """``np.isfinite(a).all()`` of the values as training uses them (float32: a float64 value
    beyond float32's range counts as infinite). Arrays laid out in one block (C or Fortran
    order, as an R matrix) are scanned in C, with no temporary array."""
    if a.dtype in (np.float32, np.float64) and a.size and (a.flags.c_contiguous
                                                           or a.flags.f_contiguous):
        from .._lib import ffi, lib
        flat = a.T if not a.flags.c_contiguous else a
        if a.dtype == np.float32:
            return bool(lib.mxc_all_finite(ffi.cast("float *", ffi.from_buffer(flat)), a.size))
        return bool(lib.mxc_all_finite_as_f32(ffi.cast("double *", ffi.from_buffer(flat)),
                                              a.size))
    if a.dtype == np.float64:
        with np.errstate(over="ignore"):
            return bool(np.isfinite(a.astype(np.float32)).all())
    return bool(np.isfinite(a).all())


def check_label_count(n_samples: int, y: np.ndarray, arg: str, what: str) -> None:
    """One label per sample (``y`` in backend order: samples on the first axis).

    ``what`` says where the sample count comes from, e.g. ``"X has 20 samples (rows)"``.
    """
    n_labels = y.shape[0] if y.ndim else 1
    if n_labels != n_samples:
        raise invalid_shape(arg, f"{n_labels} label{'s' if n_labels != 1 else ''} "
                            f"({describe(y)})", f"one label per sample: {what}")


def check_class_labels(y: np.ndarray, n_classes: int, arg: str, output: str,
                       ignore_label: float | None = None) -> None:
    """Class indices ``0 <= label < n_classes`` (after truncation, as MXNet reads them).

    Example:
        >>> check_class_labels(np.array([0.0, 3.0]), 3, "y", "SoftmaxOutput `sm`")
        Traceback (most recent call last):
        ...
        mxnet_r_compat.errors.MXValueError: Invalid value for argument `y`. Received: class label 3 at element 2 (1 of 2 labels out of range). Expected class indices 0 <= label < 3: SoftmaxOutput `sm` has 3 outputs, and labels start at 0.
    """  # noqa: E501 (a doctest output is one line)
    flat = np.trunc(np.asarray(y, dtype=np.float64).reshape(-1))
    bad = (flat < 0) | (flat >= n_classes) | ~np.isfinite(flat)
    if ignore_label is not None:
        bad &= flat != np.trunc(ignore_label)
    if not bad.any():
        return
    i = int(np.argmax(bad))
    value = y.reshape(-1)[i]
    shown = int(value) if np.isfinite(value) and float(value).is_integer() else float(value)
    where = _position(y.shape, np.unravel_index(i, y.shape))
    raise invalid_argument(arg, f"class label {shown} at {where} "
                           f"({int(bad.sum())} of {flat.size} labels out of range)",
                           f"class indices 0 <= label < {n_classes}: {output} has {n_classes} "
                           f"outputs, and labels start at 0")
