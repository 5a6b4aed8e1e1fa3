"""``mx.kv.create("dist_sync")``: the key-value store of a distributed run (docs/DISTRIBUTED.md).

Every worker keeps the same values. ``init`` stores rank 0's values on every worker (as
MXNet's servers do); ``push`` sums, over every worker and every device, the pushed values in
rank order (``reduce.ordered_sum``), then stores the sum or, once an optimizer is set, applies
it as a gradient on every worker; ``pull`` returns the stored value. ``init`` and ``push`` are
collective: every worker must call them with the same keys and shapes.

Example:
    >>> kv = create("dist_sync")             # doctest: +SKIP   (under mpirun -np 2)
    >>> kv.rank, kv.num_workers               # doctest: +SKIP
    (0, 2)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..engine.kvstore import KINDS as LOCAL_KINDS
from ..engine.kvstore import KVStore
from ..errors import MXShapeError, invalid_value
from .comm import Comm, world
from .reduce import ordered_sum

DIST_KINDS = ("dist_sync", "dist_device_sync")


def create(kind: str = "local") -> KVStore:
    """A key-value store of the given kind: one of the local kinds (engine/kvstore.py) or
    "dist_sync" / "dist_device_sync" (the same here: every worker on its CPU).

    Example:
        >>> create("local").type
        'local'
    """
    if is_distributed(kind, "type"):
        return DistKVStore(kind)
    return KVStore(kind)


def is_distributed(kind: object, arg: str = "kvstore") -> bool:
    """True for "dist_sync" and "dist_device_sync"; an error naming ``arg`` for the other
    "dist" kinds (only synchronous training is supported); False otherwise.

    Example:
        >>> is_distributed("local"), is_distributed("dist_sync")
        (False, True)
    """
    if not isinstance(kind, str) or not kind.startswith("dist"):
        return False
    if kind not in DIST_KINDS:
        raise invalid_value(arg, kind, f"one of {', '.join(LOCAL_KINDS + DIST_KINDS)}: only "
                                       f"synchronous distributed training is supported")
    return True


class DistKVStore(KVStore):
    """The store every worker of an MPI job shares (see the module's docstring).

    Example:
        >>> DistKVStore("dist_sync").num_workers   # doctest: +SKIP
        2
    """

    def __init__(self, kind: str = "dist_sync", comm: Comm | None = None) -> None:
        super().__init__("local")
        self.type = kind
        self.comm = comm if comm is not None else world()
        self.rank, self.num_workers = self.comm.rank, self.comm.size

    def init(self, keys: Sequence[int], values: Sequence[Any]) -> None:
        """Store rank 0's value of each key on every worker.

        Example:
            >>> kv.init([0], [np.full(2, kv.rank, np.float32)]); kv.pull(0)   # doctest: +SKIP
            array([0., 0.], dtype=float32)
        """
        super().init(keys, values)
        for k in keys:
            stored = self._store[int(k)]
            np.copyto(stored, self.comm.broadcast(stored.reshape(-1), "kvstore")
                      .reshape(stored.shape))

    def push(self, keys: Sequence[int], per_key_devices: Sequence[Sequence[Any]]) -> None:
        """For each key, the sum over every worker's devices (rank order, then device order):
        stored, or applied as a gradient by the optimizer set with ``set_optimizer``.

        Example:
            >>> kv.push([0], [[np.ones(2, np.float32)]]); kv.pull(0)   # doctest: +SKIP
            array([2., 2.], dtype=float32)
        """
        for k, values in zip(keys, per_key_devices, strict=True):
            stored = self._stored(int(k))
            local = np.empty((len(values), stored.size), np.float32)
            for d, v in enumerate(values):
                v = np.asarray(v, dtype=np.float32)
                if v.shape != stored.shape:
                    raise MXShapeError(f"Invalid shape pushed for key {k}. Received: {v.shape}. "
                                       f"Expected {stored.shape} (backend order).")
                local[d] = v.reshape(-1)
            rows = self.comm.allgather(local, "kvstore").reshape(-1, stored.size)
            total = ordered_sum(np.empty(stored.size, np.float32), rows).reshape(stored.shape)
            if self._optimizer is None:
                np.copyto(stored, total)
            else:
                self._optimizer.update(int(k), stored, total)
