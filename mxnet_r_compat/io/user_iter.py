"""User-defined data iterators: any object with ``reset``, ``iter_next``, ``value`` and
``num_pad`` methods (MXNet R's Custom Iterator protocol), checked as training uses it.

Training reads every iterator through :class:`~mxnet_r_compat.io.DataIter`'s ``arrays()``.
A user's object is wrapped in a :class:`CheckedIter`, which calls its methods and checks
what they return: ``iter_next()`` a logical, ``value()`` a named collection of batch values
(NDArrays) that agree on the batch size and keep the first batch's shapes, ``num_pad()`` a
whole number below the batch size. A wrong answer is an error that names the method, what
came back and what was expected; the trainer reads the first batch before any update, so a
wrong first batch stops training before it starts. The R bridge subclasses CheckedIter for
R objects (rbridge/rdata.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import MXShapeError, MXTypeError, MXValueError, invalid_value
from ..ndarray import NDArray
from . import batch_value
from .iterators import DataIter

#: The protocol's methods: Python name -> how users name it (R names differ).
METHODS = ("reset", "iter_next", "value", "num_pad")


def invalid_return(owner: str, method: str, received: str, expected: str,
                   cls: type[Exception] = MXValueError) -> Exception:
    """The house-style error for a method that returned something wrong.

    Example:
        >>> str(invalid_return("`X`", "num.pad()", "-1", "a whole number"))
        'Invalid value returned by num.pad() of `X`. Received: -1. Expected a whole number.'
    """
    return cls(f"Invalid value returned by {method} of {owner}. Received: {received}. "
               f"Expected {expected}.")


class CheckedIter(DataIter):
    """A user-defined iterator with every answer checked (see the module docstring).

    Subclasses say how to call a method (:meth:`_call`), how to read a batch value
    (:meth:`_field`) and how to show shapes and values to their users.
    """

    #: how this kind of user spells each method (R: iter.next, num.pad)
    spelling: dict[str, str] = {m: m for m in METHODS}

    def __init__(self, role: str = "X") -> None:
        self.role = role
        self.batch_size = 0
        self._first: dict[str, tuple[int, ...]] | None = None
        self._nbatch = 0

    # -- what subclasses provide -------------------------------------------------------------
    def _call(self, method: str) -> Any:
        raise NotImplementedError

    def _fields(self, value: Any) -> dict[str, Any] | None:
        """The named fields of what value() returned, or None when it is not named."""
        raise NotImplementedError

    def _field(self, v: Any) -> np.ndarray | None:
        """A field as float32 backend order, or None when it is not a batch value."""
        raise NotImplementedError

    def describe(self, v: Any) -> str:
        """What a returned object is, for messages."""
        return f"a {type(v).__name__}"

    def shape_text(self, shape: tuple[int, ...]) -> str:
        return f"shape {tuple(shape)}"

    expected_value = ("a dict of NDArrays (or numpy arrays) with one entry per input and "
                      "label, such as {\"data\": x, \"label\": y}")
    wrap_hint = "NDArrays or numpy arrays of numbers"

    # -- the protocol ------------------------------------------------------------------------
    @property
    def owner(self) -> str:
        return f"the data iterator `{self.role}`"

    def _name(self, method: str) -> str:
        return f"{self.spelling[method]}()"

    def reset(self) -> None:
        self._call("reset")
        self._nbatch = 0

    def iter_next(self) -> bool:
        res = self._call("iter_next")
        flag = self._logical(res)
        if flag is None:
            raise invalid_return(self.owner, self._name("iter_next"), self.describe(res),
                                 "TRUE or FALSE (is there another batch?)")
        self._nbatch += flag
        return flag

    def _logical(self, res: Any) -> bool | None:
        if isinstance(res, (bool, np.bool_)):
            return bool(res)
        return None

    def arrays(self) -> dict[str, np.ndarray]:
        res = self._call("value")
        fields = self._fields(res)
        if fields is None or not fields:
            raise invalid_return(self.owner, self._name("value"), self.describe(res),
                                 self.expected_value)
        out = {}
        for name, v in fields.items():
            a = self._field(v)
            if a is None:
                raise invalid_return(self.owner, self._name("value"),
                                     f"field `{name}` is {self.describe(v)}", self.wrap_hint,
                                     MXTypeError)
            if a.ndim == 0:
                raise invalid_return(self.owner, self._name("value"),
                                     f"field `{name}` is a single number",
                                     "one value (or array) per sample of the batch",
                                     MXShapeError)
            out[name] = a
        self._check_shapes(out)
        return out

    def _check_shapes(self, out: dict[str, np.ndarray]) -> None:
        sizes = {name: a.shape[0] for name, a in out.items()}
        if len(set(sizes.values())) > 1:
            shown = ", ".join(f"`{n}` with {self.shape_text(a.shape)}" for n, a in out.items())
            if self._first is not None:               # a later batch: say which one
                shown += f" in batch {max(self._nbatch, 1)}"
            raise invalid_return(self.owner, self._name("value"), shown,
                                 "fields with the same batch size (samples on the last R "
                                 "dim, the first Python axis)", MXShapeError)
        shapes = {name: tuple(a.shape) for name, a in out.items()}
        if self._first is None:
            self._first = shapes
            self.batch_size = next(iter(sizes.values()))
        elif shapes != self._first:
            bad = [n for n in shapes if self._first.get(n) != shapes[n]] or \
                [n for n in self._first if n not in shapes]
            name = bad[0]
            got = self.shape_text(shapes[name]) if name in shapes else "no such field"
            want = self.shape_text(self._first[name]) if name in self._first else "no such field"
            raise invalid_return(self.owner, self._name("value"),
                                 f"`{name}` with {got} in batch {max(self._nbatch, 1)}",
                                 f"{want}, as in the first batch (the network is bound to it)",
                                 MXShapeError)

    def num_pad(self) -> int:
        res = self._call("num_pad")
        pad = self._whole(res)
        limit = self.batch_size or None
        if pad is None or pad < 0 or (limit is not None and pad >= limit):
            bound = f"0 <= num.pad < {limit} (the batch size)" if limit else "0 <= num.pad"
            raise invalid_return(self.owner, self._name("num_pad"), self.describe(res),
                                 f"a whole number {bound}: how many samples at the end of the "
                                 f"batch are padding")
        return pad

    def _whole(self, res: Any) -> int | None:
        if isinstance(res, (bool, np.bool_)) or not isinstance(res, (int, float, np.number)):
            return None
        return int(res) if float(res).is_integer() else None

    def finalize(self) -> None:
        self._call("finalize")


class PyUserIter(CheckedIter):
    """A Python object with the protocol's methods (duck-typed), checked.

    Example:
        >>> class Two:
        ...     def __init__(self): self.i = 0
        ...     def reset(self): self.i = 0
        ...     def iter_next(self): self.i += 1; return self.i <= 2
        ...     def value(self): return {"data": np.ones((4, 3)), "label": np.zeros(4)}
        ...     def num_pad(self): return 0
        >>> it = PyUserIter(Two()); it.iter_next(), it.arrays()["data"].dtype
        (True, dtype('float32'))
    """

    def __init__(self, obj: Any, role: str = "X") -> None:
        super().__init__(role)
        self.obj = obj

    def _call(self, method: str) -> Any:
        fn = getattr(self.obj, method, None)
        if fn is None:
            return 0 if method == "num_pad" else None
        return fn()

    def _fields(self, value: Any) -> dict[str, Any] | None:
        return dict(value) if isinstance(value, dict) else None

    def _field(self, v: Any) -> np.ndarray | None:
        return batch_value.from_value(v) if batch_value.is_value(v) else None

    def describe(self, v: Any) -> str:
        if isinstance(v, np.ndarray):
            return f"a numpy array of dtype {v.dtype} and shape {v.shape}"
        return f"{type(v).__name__} {v!r}" if isinstance(v, (int, float, str, type(None))) \
            else f"a {type(v).__name__}"


def is_user_iter(obj: Any) -> bool:
    """True for an object that follows the iterator protocol but is not a built-in iterator.

    Example:
        >>> is_user_iter(np.zeros(3))
        False
    """
    if isinstance(obj, DataIter):
        return type(obj).arrays is DataIter.arrays
    return all(callable(getattr(obj, m, None)) for m in ("reset", "iter_next", "value"))


def as_data_iter(obj: Any, role: str = "X") -> Any:
    """``obj`` as training reads it: a built-in iterator as it is, a user-defined one
    wrapped in a checking :class:`PyUserIter`, anything else (arrays) unchanged.

    Example:
        >>> as_data_iter(np.zeros(3)).shape
        (3,)
    """
    if isinstance(obj, CheckedIter) or (isinstance(obj, DataIter) and not is_user_iter(obj)):
        return obj
    if is_user_iter(obj):
        return PyUserIter(obj, role)
    return obj


def check_fields(it: DataIter, batch: dict, needed: list[str], why: str) -> None:
    """The first batch has every field the network reads; else an error naming value().

    Example:
        >>> check_fields(DataIter(), {"data": np.zeros(1)}, ["data"], "")
    """
    missing = [n for n in needed if n not in batch]
    if not missing:
        return
    owner = it.owner if isinstance(it, CheckedIter) else "the data iterator"
    method = it._name("value") if isinstance(it, CheckedIter) else "value()"
    raise invalid_return(owner, method, f"fields {', '.join(f'`{n}`' for n in batch)}",
                         f"the fields {', '.join(f'`{n}`' for n in needed)} ({why}); "
                         f"`{missing[0]}` is missing")


def extract(it: DataIter, field: str) -> NDArray:
    """The whole ``field`` of an iterator, padding removed (``mx.io.extract``).

    Example:
        >>> from mxnet_r_compat.io import ArrayIter
        >>> it = ArrayIter(np.zeros((3, 2)), np.arange(3.), batch_size=2)
        >>> extract(it, "label").asnumpy().tolist()
        [0.0, 1.0, 2.0]
    """
    it = as_data_iter(it, "iter")
    it.reset()
    parts = []
    while it.iter_next():
        batch = it.arrays()
        if field not in batch:
            raise invalid_value("field", field, f"a field of the iterator's batches "
                                f"({', '.join(batch)})")
        parts.append(batch[field][: batch[field].shape[0] - it.num_pad()].copy())
    it.reset()
    if not parts:
        raise MXValueError("mx.io.extract: the iterator has no batches")
    return batch_value.to_value(np.concatenate(parts, axis=0))
