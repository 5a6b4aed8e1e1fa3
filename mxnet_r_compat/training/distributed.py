"""``mx.model.FeedForward.create(..., kvstore = "dist_sync")``: one process per worker
(docs/DISTRIBUTED.md).

:class:`DistributedTraining` is a trainer plugin. When training starts it checks that every
worker runs the same network, parameter shapes, batch size and device count, gives every
worker rank 0's initial parameters, and hooks the device group to the workers' exchanges
(dist/reduce.py): each batch the gradients are summed over every worker in rank order and
every worker applies the same update; the metric is added over every worker in rank order,
so every worker sees the metric a single process with all the devices would. A callback's
decision (stop, new learning rate) is rank 0's, sent to every worker. After each epoch (with
``verbose``) the workers compare a checksum of their weights. When training fails on one
worker, it tells the others why before it raises.

:func:`run` runs the trainer with only rank 0 printing and writing files.
"""

from __future__ import annotations

import math
import zlib
from typing import Any

import numpy as np

from ..console import console
from ..dist.kvstore import DistKVStore, is_distributed
from ..dist.reduce import Collective
from ..errors import DistributedError
from ..formats import atomic
from .hooks import CONTINUE, Decision

SYNCED_SLOTS = ("train.begin", "epoch.begin", "batch.begin", "batch.end", "epoch.end")


def open_store(kvstore: Any) -> DistKVStore | None:
    """The distributed store ``kvstore`` names ("dist_sync", "dist_device_sync", or such a
    store), None for a local kind; "dist_async" and other "dist" names are an error.

    Example:
        >>> open_store("local") is None
        True
    """
    if isinstance(kvstore, DistKVStore):
        return kvstore
    return DistKVStore(kvstore) if is_distributed(kvstore) else None


def run(trainer, store: DistKVStore | None):
    """``trainer.run()``; on a distributed run's workers other than rank 0, without printing
    and without writing files (atomic.writes_skipped).

    Example:
        >>> model = run(trainer, None)   # doctest: +SKIP
    """
    quiet = store is not None and store.rank != 0
    with console.quiet(quiet), atomic.writes_skipped(quiet):
        return trainer.run()


class DistributedTraining:
    """The trainer plugin of a distributed run (see the module's docstring).

    Example:
        >>> plugin = DistributedTraining(open_store("dist_sync"))   # doctest: +SKIP
    """

    def __init__(self, store: DistKVStore) -> None:
        self.store, self.comm = store, store.comm
        self.synced: set[str] = set()

    # -- start ----------------------------------------------------------------------------
    def on_train_begin(self, trainer) -> None:
        env, comm = trainer.env, self.comm
        env.rank, env.num_workers = comm.rank, comm.size
        comm.where = (trainer.begin_round, 0)
        trainer._fused = None  # whole epochs in C have no place for the exchanges
        self._check_same_setup(trainer)
        self._share_rank0_params(trainer)
        collective = trainer.devices.collective = _Collective(comm, env)
        outputs = trainer.output_names
        collective.track_metric(trainer.metric, outputs[-1] if outputs else None)
        counts = np.array([len(trainer.callbacks.entries[s]) for s in SYNCED_SLOTS], np.int64)
        everyone = comm.allgather(counts, "signature")
        self.synced = {s for s, n in zip(SYNCED_SLOTS, everyone.max(axis=0)) if n > 0}

    def _check_same_setup(self, trainer) -> None:
        devices = trainer.devices
        shapes = [(n, devices.execs[0].arg_arrays[n].shape) for _, n in devices.param_index]
        items = {
            "network (symbol JSON)": _crc(trainer.symbol.tojson()),
            "batch size": devices.batch_size,
            "number of devices": len(trainer.ctx),
            "parameter shapes": _crc(repr(shapes)),
            "optimizer": _crc(type(trainer.optimizer).__name__),
        }
        mine = np.array(list(items.values()), np.int64)
        rows = self.comm.allgather(mine, "signature")
        for r, row in enumerate(rows):
            for k in np.flatnonzero(row != mine):
                what = list(items)[k]
                shown = f" ({int(row[k])} vs {int(mine[k])})" if what in (
                    "batch size", "number of devices") else ""
                raise DistributedError(
                    f"Rank {r} and rank {self.comm.rank} differ in their {what}{shown}. "
                    f"Every worker must train the same network with the same parameter "
                    f"shapes, batch size, devices and optimizer.", rank=r)

    def _share_rank0_params(self, trainer) -> None:
        """Every worker starts from rank 0's parameters (as MXNet's kvstore init does)."""
        execs = trainer.devices.execs
        places = [("arg_arrays", n) for _, n in trainer.devices.param_index] + \
            [("aux_arrays", n) for n in execs[0].aux_arrays]
        if not places:
            return
        arrays = [getattr(execs[0], table)[name] for table, name in places]
        flat = np.concatenate([a.reshape(-1) for a in arrays]).astype(np.float32)
        flat = self.comm.broadcast(flat, "initial parameters")
        offset = 0
        for (table, name), a in zip(places, arrays):
            for ex in execs:
                np.copyto(getattr(ex, table)[name], flat[offset:offset + a.size].reshape(a.shape))
            offset += a.size

    # -- during training ------------------------------------------------------------------
    def agree(self, slot: str, decision: Decision) -> Decision:
        """Rank 0's stop and learning-rate decision, on every worker.

        Example:
            >>> plugin.agree("batch.end", Decision(stop=True)).stop   # doctest: +SKIP
            True
        """
        if slot not in self.synced:
            return decision
        lr = math.nan if decision.lr is None else float(decision.lr)
        stop, lr0 = self.comm.broadcast(np.array([float(decision.stop), lr]), "decision")
        agreed_lr = None if math.isnan(lr0) else float(lr0)
        if bool(stop) == decision.stop and agreed_lr == decision.lr:
            return decision
        reason = decision.reason if decision.stop else "a callback on rank 0 asked to stop"
        agreed = Decision(stop=bool(stop), reason=reason if stop else None, lr=agreed_lr,
                          save=decision.save)
        return CONTINUE if agreed == CONTINUE else agreed

    def on_epoch_end(self, trainer, iteration: int) -> None:
        prefix = trainer.env.get("checkpoint_prefix") or next(
            (p.prefix for p in trainer.plugins if isinstance(getattr(p, "prefix", None), str)),
            None)  # checkpoint = prefix (training/checkpointing.py) or a checkpoint callback
        self.comm.note = (f" The last complete epoch is {iteration}" +
                          (f" (checkpoint prefix {prefix!r}, written by rank 0)" if prefix
                           else "") + ".")
        if trainer.verbose:
            self._compare_weights(trainer, iteration)

    def _compare_weights(self, trainer, iteration: int) -> None:
        ex = trainer.devices.execs[0]
        crc = 0
        for _, name in trainer.devices.param_index:
            crc = zlib.crc32(ex.arg_arrays[name].tobytes(), crc)
        crcs = self.comm.allgather(np.array([crc], np.int64), "checksum")[:, 0]
        for r, other in enumerate(crcs):
            if other != crcs[0]:
                raise DistributedError(
                    f"After epoch {iteration} the weights of rank {r} differ from rank 0's "
                    f"(checksums {int(other):#x} and {int(crcs[0]):#x}); the workers must stay "
                    f"identical. This is a bug: please report it.", rank=r)

    def on_train_end(self, trainer, error: BaseException | None) -> None:
        if error is None:
            return
        if isinstance(error, DistributedError) and error.rank not in (None, self.comm.rank):
            return  # another worker's failure: it has told everyone already
        epoch, batch = self.comm.where
        self.comm.abort(f"{type(error).__name__}: {error} (at epoch {epoch}, batch {batch})")


class _Collective(Collective):
    """dist/reduce.py's exchanges, labelled with the trainer's epoch and batch."""

    def __init__(self, comm, env) -> None:
        super().__init__(comm)
        self.env = env

    def reduce_gradients(self, group) -> None:
        self.comm.where = (int(self.env.iteration or 0), int(self.env.nbatch or 0) + 1)
        super().reduce_gradients(group)


def _crc(text: str) -> int:
    return zlib.crc32(text.encode())
