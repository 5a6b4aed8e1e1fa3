"""Exceptions raised by mxnet_r_compat.

Every error is an :class:`MXError`; the ones about bad values or shapes are
also builtin ``ValueError`` so that ordinary ``except ValueError`` works
(the pattern of pynacl's exceptions).
"""

from __future__ import annotations

import contextlib
import os
import sys
import types
import warnings
from collections.abc import Iterator
from contextvars import ContextVar

#: The language of the code calling into the package: "python", or "R" while an R entry
#: point of the bridge runs (rbridge/export.py). Messages name arguments in its spelling.
_LANGUAGE: ContextVar[str] = ContextVar("mxnet_r_compat_language", default="python")


def caller_language() -> str:
    """``"R"`` inside a call from R (the bridge's entry points), else ``"python"``.

    Example:
        >>> caller_language()
        'python'
    """
    return _LANGUAGE.get()


@contextlib.contextmanager
def speaking(language: str) -> Iterator[None]:
    """Messages raised inside the block speak ``language`` ("R" or "python").

    Example:
        >>> with speaking("R"):
        ...     arg_name("num.round")
        'num.round'
    """
    token = _LANGUAGE.set(language)
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


def in_r() -> bool:
    """Is the caller R? (:func:`caller_language` is "R").

    Example:
        >>> in_r()
        False
    """
    return _LANGUAGE.get() == "R"


def arg_name(name: str) -> str:
    """An argument name as the caller writes it: ``num.round`` in R, ``num_round`` in
    Python; an R element ``eval.data$label`` is ``eval_data["label"]`` in Python. Names
    that are the same in both (``fc_weight``, ``X``) are unchanged.

    Example:
        >>> arg_name("eval.data$label"), arg_name("array.batch.size")
        ('eval_data["label"]', 'array_batch_size')
    """
    if in_r():
        return name
    head, *elements = name.split("$")
    return head.replace(".", "_") + "".join(f'["{e}"]' for e in elements)


_PYTHON_WORDS = {"TRUE": "True", "FALSE": "False", "NULL": "None", "list": "dict", "NA": "NaN"}


def word(r_word: str) -> str:
    """R's ``TRUE``, ``FALSE``, ``NULL``, ``list``, ``NA`` as the caller writes them.

    Example:
        >>> word("TRUE"), word("NULL")
        ('True', 'None')
    """
    return r_word if in_r() else _PYTHON_WORDS[r_word]


def say(*, python: str, r: str) -> str:
    """The text for the calling language.

    Example:
        >>> say(python="a dict", r="an R list")
        'a dict'
    """
    return r if in_r() else python



class MXError(Exception):
    """Base class of every error this package raises on purpose."""


class MXValueError(MXError, ValueError):
    """An argument has a value that is not accepted.

    Example:
        >>> raise MXValueError("Invalid value for argument `momentum`. Received: momentum=-0.1. "
        ...                    "Expected 0 <= momentum < 1.")
        Traceback (most recent call last):
        mxnet_r_compat.errors.MXValueError: Invalid value for argument `momentum`...
    """


class MXShapeError(MXError, ValueError):
    """Array shapes do not fit together (the network, the data or the labels)."""


class MXTypeError(MXError, TypeError):
    """An argument has the wrong type (for example a callback that is not callable)."""


class NativeError(MXError, RuntimeError):
    """A C core function returned an error status.

    Attributes:
        code: the MXC_* status code.
        op: the name of the C function that failed.
    """

    def __init__(self, op: str, code: int, text: str) -> None:
        super().__init__(f"{op} failed: {text} (status {code})")
        self.op = op
        self.code = code


class DistributedError(MXError, RuntimeError):
    """Distributed training (``kvstore = "dist_sync"``) cannot go on: another worker failed,
    stopped answering, or disagrees on the network or the data (docs/DISTRIBUTED.md).

    Attributes:
        rank: the worker the error is about (the one that failed or disagrees), or None.
    """

    def __init__(self, message: str, rank: int | None = None) -> None:
        super().__init__(message)
        self.rank = rank


class CallbackError(MXError):
    """A training callback raised an error or returned an invalid value.

    Attributes:
        slot: the callback slot, e.g. ``"epoch.end.callback"``.
        iteration: the epoch in which it failed.
        nbatch: the batch counter at that moment.
        model: the model of the last completed epoch (or None before the first).
    """

    def __init__(self, message: str, *, slot: str = "", iteration: int | None = None,
                 nbatch: int | None = None, model: object = None) -> None:
        super().__init__(message)
        self.slot = slot
        self.iteration = iteration
        self.nbatch = nbatch
        self.model = model


def invalid_value(arg: str, received: object, expected: str) -> MXValueError:
    """Build the house-style error for a bad argument value.

    Example:
        >>> str(invalid_value("momentum", -0.1, "0 <= momentum < 1"))
        'Invalid value for argument `momentum`. Received: momentum=-0.1. Expected 0 <= momentum < 1.'
    """  # noqa: E501 (a doctest output is one line)
    arg = arg_name(arg)
    return MXValueError(
        f"Invalid value for argument `{arg}`. Received: {arg}={received!r}. Expected {expected}."
    )


class ModelFileError(MXError, ValueError):
    """A model file (NDArray list, ``.params`` or symbol JSON) is corrupt or unsupported.

    Example:
        >>> raise ModelFileError("Invalid NDArray file format: bad header magic 0x0 "
        ...                      "(file 'model-0001.params', byte offset 0)")
        Traceback (most recent call last):
        mxnet_r_compat.errors.ModelFileError: Invalid NDArray file format: bad header magic...
    """


class CheckpointWriteError(MXError, OSError):
    """Writing a model file failed (disk full, permission denied, missing directory...).

    It is an ``OSError`` so that ordinary ``except OSError`` works; ``errno``,
    ``strerror`` and ``filename`` are copied from the underlying error.

    Example:
        >>> raise CheckpointWriteError("Cannot write '/ro/model-0001.params': Read-only file system")
        Traceback (most recent call last):
        mxnet_r_compat.errors.CheckpointWriteError: Cannot write '/ro/model-0001.params': ...
    """  # noqa: E501 (a doctest output is one line)

    def __str__(self) -> str:
        # OSError would print "[Errno N] strerror: 'filename'" once errno is set.
        return str(self.args[0]) if self.args else ""


def invalid_argument(arg: str, received: str, expected: str) -> MXValueError:
    """Like :func:`invalid_value`, for a value that is described rather than shown.

    ``received`` is free text (a large array cannot be printed), and so is ``expected``.

    Example:
        >>> str(invalid_argument("X", "a 20 x 3 matrix with 1 NA/NaN value (row 4, column 2)",
        ...                      "finite numbers"))
        'Invalid value for argument `X`. Received: a 20 x 3 matrix with 1 NA/NaN value (row 4, column 2). Expected finite numbers.'
    """  # noqa: E501 (a doctest output is one line)
    return MXValueError(f"Invalid value for argument `{arg_name(arg)}`. Received: {received}. "
                        f"Expected {expected}.")


def invalid_shape(arg: str, received: str, expected: str) -> MXShapeError:
    """The house-style error for data whose shape does not fit (an ``MXShapeError``).

    Example:
        >>> str(invalid_shape("y", "15 labels", "one label per sample of X (20 samples)"))
        'Invalid value for argument `y`. Received: 15 labels. Expected one label per sample of X (20 samples).'
    """  # noqa: E501 (a doctest output is one line)
    return MXShapeError(f"Invalid value for argument `{arg_name(arg)}`. Received: {received}. "
                        f"Expected {expected}.")


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def warn_at_caller(text: str, category: type[Warning]) -> None:
    """``warnings.warn`` attributed to the first frame outside this package: the user's
    line that called ``create`` or ``predict``. Python's default filter then shows it once
    per calling line (the warnings registry of that module), and the message names that line.

    Example:
        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as seen:
        ...     warnings.simplefilter("default")
        ...     for _ in range(3):
        ...         warn_at_caller("Auto detect layout", UserWarning)
        >>> len(seen)
        1
    """
    frame: types.FrameType | None = sys._getframe(1)
    level = 2  # stacklevel 2 is the caller of this function
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    warnings.warn(text, category, stacklevel=level)
