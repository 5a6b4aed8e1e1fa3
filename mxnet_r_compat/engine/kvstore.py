"""The local key-value store (``mx.kv.create("local")``): values stored by integer key; a push
sums the values the devices give and either stores the sum or, once an optimizer is set,
applies it to the stored value as a gradient; a pull returns the stored value.

Example:
    >>> kv = KVStore("local"); kv.init([0], [np.ones(2, np.float32)])
    >>> kv.push([0], [[np.ones(2, np.float32), np.ones(2, np.float32)]]); kv.pull(0)
    array([2., 2.], dtype=float32)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import MXShapeError, MXValueError
from ..learn.optimizer import Optimizer

KINDS = ("local", "device", "local_update_cpu", "local_allreduce_cpu", "local_allreduce_device")


class KVStore:
    """A single-process key-value store (every kind of MXNet's "local" family).

    Example:
        >>> KVStore("local").type
        'local'
    """

    def __init__(self, kind: str = "local") -> None:
        if kind not in KINDS:
            raise MXValueError(f"Invalid value for argument `type`. Received: type={kind!r}. "
                               f"Expected one of: {', '.join(KINDS)} (no distributed stores).")
        self.type = kind
        self._store: dict[int, np.ndarray] = {}
        self._optimizer: Optimizer | None = None

    def init(self, keys: Sequence[int], values: Sequence[Any]) -> None:
        """Store a copy of each value under its key."""
        if len(keys) != len(values):
            raise MXValueError(f"Invalid value for argument `values`. Received: {len(values)} "
                               f"values for {len(keys)} keys. Expected one per key.")
        for k, v in zip(keys, values, strict=True):
            self._store[int(k)] = np.array(v, dtype=np.float32, order="C")

    def _stored(self, key: int) -> np.ndarray:
        if key not in self._store:
            raise MXValueError(f"Invalid value for argument `keys`. Received: key {key}, which "
                               f"was never given to init(). Expected one of: "
                               f"{sorted(self._store)}.")
        return self._store[key]

    def push(self, keys: Sequence[int], per_key_devices: Sequence[Sequence[Any]]) -> None:
        """For each key, the sum of the devices' values: stored, or applied as a gradient by
        the optimizer set with :meth:`set_optimizer`."""
        for k, values in zip(keys, per_key_devices, strict=True):
            stored = self._stored(int(k))
            total = np.zeros_like(stored)
            for v in values:
                v = np.asarray(v, dtype=np.float32)
                if v.shape != stored.shape:
                    raise MXShapeError(f"Invalid shape pushed for key {k}. Received: {v.shape}. "
                                       f"Expected {stored.shape} (backend order).")
                total += v
            if self._optimizer is None:
                np.copyto(stored, total)
            else:
                self._optimizer.update(int(k), stored, total)

    def pull(self, key: int) -> np.ndarray:
        """A copy of the value stored under ``key``."""
        return self._stored(int(key)).copy()

    def set_optimizer(self, optimizer: Optimizer) -> None:
        """Pushed values become gradients that ``optimizer`` applies to the stored weights."""
        self._optimizer = optimizer
