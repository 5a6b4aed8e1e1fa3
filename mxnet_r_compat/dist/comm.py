"""The workers of a distributed run and what they exchange (docs/DISTRIBUTED.md).

One process per worker, started by ``mpirun`` (or ``mxnet-launch``); mpi4py is imported only
when a distributed kvstore is asked for. Every exchange is an *ordered allgather*: each worker
sends an array of the same size to every other one and receives theirs, so every worker ends
with all of them in rank order and can sum them in that fixed order (``reduce.ordered_sum``).
MPI's own allreduce does not promise an order, and float sums depend on it.

Before the data, a small header is exchanged: the exchange's sequence number, its kind
(gradients, metric, ...), its size, and the epoch and batch it belongs to. Workers that
disagree (another network, another batch size, more batches) get an error naming the worker
at once instead of a hang or silently wrong sums.

While it waits, a worker polls. A message on the abort tag (another worker failed and says
why, :meth:`Comm.abort`) raises :class:`~mxnet_r_compat.errors.DistributedError` naming that
worker; no answer within ``timeout`` seconds raises one naming the workers not heard from;
SIGTERM (mpirun ends the job when a worker died) prints which workers it was waiting for.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
import time
from typing import Any

import numpy as np

from ..errors import DistributedError

TAG_HEADER, TAG_DATA, TAG_ABORT, TAG_ACK = 11, 12, 13, 14
KINDS = ("signature", "initial parameters", "gradients", "metric", "decision", "checksum",
         "kvstore", "end of training")
DEFAULT_TIMEOUT = 120.0  # seconds without an answer (MXNET_DIST_TIMEOUT overrides)

_mpi: Any = None
_world: Comm | None = None


def mpi() -> Any:
    """The ``mpi4py.MPI`` module, imported on first use; a clear error without it.

    Example:
        >>> mpi().COMM_WORLD.Get_size() >= 1   # doctest: +SKIP
        True
    """
    global _mpi
    if _mpi is None:
        try:
            import mpi4py
        except ImportError as err:
            raise DistributedError(
                'kvstore = "dist_sync" needs mpi4py, which is not installed in this Python '
                f"({sys.executable}). Run `make setup`, or: apt-get install openmpi-bin "
                "libopenmpi-dev; pip install --no-binary mpi4py 'mpi4py>=4.0'.") from err
        mpi4py.rc.thread_level = "funneled"  # only the main thread calls MPI
        from mpi4py import MPI
        _mpi = MPI
    return _mpi


def world() -> Comm:
    """The communicator of every worker of this job (created once per process).

    Example:
        >>> world().size   # doctest: +SKIP   (1 outside mpirun)
        1
    """
    global _world
    if _world is None:
        timeout = float(os.environ.get("MXNET_DIST_TIMEOUT", DEFAULT_TIMEOUT))
        _world = Comm(mpi().COMM_WORLD.Dup(), timeout)
        _world.install_sigterm()
        # mpi4py finalizes MPI when the interpreter ends; mxnet-rscript ends with os._exit
        # after the atexit handlers (rbridge/runner.py), so finalize there too.
        atexit.register(_finalize)
    return _world


def _finalize() -> None:
    MPI = mpi()
    if MPI.Is_initialized() and not MPI.Is_finalized():
        MPI.Finalize()


class Comm:
    """Ordered allgathers between the workers, with headers, abort messages and a timeout.

    Example:
        >>> comm = world()                                   # doctest: +SKIP
        >>> comm.allgather(np.ones(3, np.float32), "gradients").shape   # doctest: +SKIP
        (2, 3)
    """

    def __init__(self, comm: Any, timeout: float) -> None:
        self.comm, self.timeout = comm, timeout
        self.rank, self.size = comm.Get_rank(), comm.Get_size()
        self.peers = [r for r in range(self.size) if r != self.rank]
        self.seq = 0
        self.where = (0, 0)  # (epoch, batch) the exchanges belong to, set by the trainer
        self.note = ""  # what to add to a failure message (the last complete epoch)
        self.waiting: tuple[str, list[int]] | None = None  # what the worker is waiting for
        self.exchange_seconds = 0.0  # wall time spent in exchanges (bench/dist_scaling.py)
        self.bytes_sent = 0  # payload and header bytes sent to the other workers
        self._acks: list = []  # acknowledgements of abort messages (buffers kept until exit)

    # -- exchanges ------------------------------------------------------------------------
    def allgather(self, local: np.ndarray, kind: str) -> np.ndarray:
        """Every worker's ``local`` (same size everywhere), stacked in rank order.

        Example:
            >>> world().allgather(np.array([world().rank]), "signature")[:, 0]  # doctest: +SKIP
            array([0, 1])
        """
        local = np.ascontiguousarray(local)
        self.seq += 1
        epoch, batch = self.where
        header = np.array([self.seq, KINDS.index(kind), local.size, epoch, batch], np.int64)
        headers = self._exchange(header, TAG_HEADER, kind)
        self._check_headers(headers, header)
        return self._exchange(local, TAG_DATA, kind)

    def broadcast(self, local: np.ndarray, kind: str) -> np.ndarray:
        """Rank 0's ``local`` on every worker (through :meth:`allgather`, so checked alike).

        Example:
            >>> world().broadcast(np.array([1.5]), "decision")   # doctest: +SKIP
            array([1.5])
        """
        return self.allgather(local, kind)[0].copy()

    def _exchange(self, local: np.ndarray, tag: int, kind: str) -> np.ndarray:
        out = np.empty((self.size, *local.shape), local.dtype)
        out[self.rank] = local
        if self.size == 1:
            return out
        start = time.perf_counter()
        recvs = [self.comm.Irecv(out[r], source=r, tag=tag) for r in self.peers]
        sends = [self.comm.Isend(local, dest=r, tag=tag) for r in self.peers]
        self._wait(recvs, sends, kind)
        self.exchange_seconds += time.perf_counter() - start
        self.bytes_sent += local.nbytes * len(self.peers)
        return out

    def _wait(self, recvs: list, sends: list, kind: str) -> None:
        MPI = mpi()
        start = time.monotonic()
        pending = list(zip(self.peers, recvs))
        self.waiting = (kind, [r for r, _ in pending])
        try:
            while pending or not MPI.Request.Testall(sends):
                pending = [(r, q) for r, q in pending if not q.Test()]
                self.waiting = (kind, [r for r, _ in pending])
                self._check_abort()
                if time.monotonic() - start > self.timeout:
                    self._timed_out(kind, [r for r, _ in pending])
                # Spin for the first 5 ms (a large message needs many progress calls, and a
                # peer that is ready answers within that), then poll lightly: a 2-core box is
                # shared, and a peer still computing its batch needs the core.
                waited = time.monotonic() - start
                if waited > 0.005:
                    time.sleep(0.0002 if waited < 1.0 else 0.005)
        finally:
            self.waiting = None

    def _timed_out(self, kind: str, missing: list[int]) -> None:
        who = ", ".join(map(str, missing)) or "(sends not taken)"
        raise DistributedError(
            f"Rank {self.rank}: no answer from rank {who} for {self.timeout:g} s while "
            f"exchanging {kind} (epoch {self.where[0]}, batch {self.where[1]}). That worker "
            f"hangs or died; set MXNET_DIST_TIMEOUT to wait longer.{self.note}",
            rank=missing[0] if missing else None)

    def _check_headers(self, headers: np.ndarray, own: np.ndarray) -> None:
        for r, h in enumerate(headers):
            if np.array_equal(h, own):
                continue
            mine, theirs = _describe(own), _describe(h)
            raise DistributedError(
                f"Rank {r} and rank {self.rank} are out of step: rank {r} sends {theirs}, rank "
                f"{self.rank} sends {mine}. Every worker must run the same network, batch size "
                f"and number of batches per epoch.", rank=r)

    # -- failures -------------------------------------------------------------------------
    def _check_abort(self) -> None:
        MPI = mpi()
        status = MPI.Status()
        if not self.comm.Iprobe(source=MPI.ANY_SOURCE, tag=TAG_ABORT, status=status):
            return
        source = status.Get_source()
        buf = bytearray(status.Get_count(MPI.BYTE))
        self.comm.Recv([buf, MPI.BYTE], source=source, tag=TAG_ABORT)
        ack = bytearray(1)  # "seen": the failed worker may exit now
        self._acks.append((ack, self.comm.Isend([ack, MPI.BYTE], dest=source, tag=TAG_ACK)))
        raise DistributedError(f"Rank {source} failed: {buf.decode(errors='replace')} "
                               f"(rank {self.rank} stops too.{self.note})", rank=source)

    def abort(self, reason: str) -> None:
        """Tell every other worker that this one fails, and why (they raise at their next
        wait), and wait until they have read it (so that they stop with this message, not
        with mpirun's SIGTERM when this process exits); returns within five seconds even if
        a peer is gone or busy.

        Example:
            >>> world().abort("ValueError: bad shard")   # doctest: +SKIP
        """
        if self.size == 1:
            return
        data = bytearray(reason.encode()[:4000])
        MPI = mpi()
        sends = [self.comm.Isend([data, MPI.BYTE], dest=r, tag=TAG_ABORT) for r in self.peers]
        waiting, ack = set(self.peers), bytearray(1)
        deadline = time.monotonic() + 5.0
        while (waiting or not MPI.Request.Testall(sends)) and time.monotonic() < deadline:
            status = MPI.Status()
            if self.comm.Iprobe(source=MPI.ANY_SOURCE, tag=TAG_ACK, status=status):
                self.comm.Recv([ack, MPI.BYTE], source=status.Get_source(), tag=TAG_ACK)
                waiting.discard(status.Get_source())
            else:
                time.sleep(0.001)

    def install_sigterm(self) -> None:
        """On SIGTERM (mpirun ending the job after a worker died) say, on stderr at once,
        which workers this one was waiting for, then raise DistributedError.

        Example:
            >>> world().install_sigterm()   # doctest: +SKIP   (world() does it once)
        """
        if threading.current_thread() is not threading.main_thread():
            return
        previous = signal.getsignal(signal.SIGTERM)
        if previous not in (signal.SIG_DFL, None):
            return  # someone else's handler: leave it

        def handler(signum: int, frame: Any) -> None:
            kind, missing = self.waiting or ("", [])
            text = f"Rank {self.rank}: stopped by the launcher (SIGTERM)"
            if missing:
                text += (f" while waiting for rank {', '.join(map(str, missing))} ({kind}, "
                         f"epoch {self.where[0]}, batch {self.where[1]}): that worker failed "
                         f"or died")
            text += f".{self.note}"
            os.write(2, f"mxnet_r_compat: {text}\n".encode())
            raise DistributedError(text, rank=missing[0] if missing else None)
        signal.signal(signal.SIGTERM, handler)


def _describe(header: np.ndarray) -> str:
    seq, kind, size, epoch, batch = (int(v) for v in header)
    kind_name = KINDS[kind] if 0 <= kind < len(KINDS) else f"kind {kind}"
    return f"{kind_name} #{seq} of {size} values at epoch {epoch}, batch {batch}"
