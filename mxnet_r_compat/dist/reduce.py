"""Sums over workers in a fixed order: gradients and metric values (docs/DISTRIBUTED.md,
"Bit-identical to several devices").

One process with devices ``mx.cpu(0), ..., mx.cpu(N-1)`` sums the gradients as
``t = g0; t += g1; ...`` in float32 (native/plan.c ``sum_gradients``, and ``DeviceGroup.allreduce``
in engine/devices.py), and adds each device's metric value to the state in device order.
Here the devices of all workers, rank by rank and device by device within a rank, take the
places of those devices: every worker receives every device's gradients (``Comm.allgather``)
and adds them in that order with the C core's elementwise add, so the sum is the one a single
process with all the devices computes, bit for bit, on every worker.
"""

from __future__ import annotations

import numpy as np

from .._lib import fptr, lib
from ..learn.metric import Metric
from .comm import Comm


def ordered_sum(out: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``out = rows[0] + rows[1] + ...`` added left to right in float32 (in C).

    Example:
        >>> ordered_sum(np.empty(2, np.float32), np.ones((3, 2), np.float32))
        array([3., 3.], dtype=float32)
    """
    np.copyto(out, rows[0])
    n = out.size
    if n == 0:
        return out
    for row in rows[1:]:
        rc = lib.mxc_elemwise_binary_forward(fptr(out, writable=True), fptr(out), fptr(row), n,
                                             lib.MXC_BINARY_ADD)
        assert rc == 0, rc  # shapes and the operator are fixed above
    return out


class Collective:
    """What a device group exchanges with the other workers each batch: gradients (summed in
    rank order) and metric values (added in rank order). ``DeviceGroup`` calls it.

    With :meth:`track_metric` set, each device's metric (weight, value) travels with its
    gradients (4 more float32 words holding the 2 float64 numbers), so a training batch is
    one exchange; the values depend only on the forward's outputs and the labels, which the
    update does not change.

    Example:
        >>> group.collective = Collective(world())   # doctest: +SKIP
    """

    def __init__(self, comm: Comm) -> None:
        self.comm = comm
        self._layout: tuple | None = None
        self._metric: tuple[Metric, str] | None = None
        self._pending: tuple[Metric, np.ndarray] | None = None  # metric rows of the last batch

    def track_metric(self, metric: Metric | None, label_name: str | None) -> None:
        """Send ``metric``'s per-device values with the gradients (None: do not).

        Example:
            >>> collective.track_metric(mx.metric.accuracy, "sm_label")   # doctest: +SKIP
        """
        self._metric = (metric, label_name) if metric is not None and label_name else None

    def _buffers(self, group) -> tuple:
        names = [name for _, name in group.param_index]
        key = (id(group), tuple(names), self._metric is not None)
        if self._layout is None or self._layout[0] != key:
            ex = group.execs[0]
            sizes = [ex.grad_arrays[n].size for n in names]
            offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
            extra = METRIC_WORDS if self._metric is not None else 0
            local = np.empty((len(group.execs), int(offsets[-1]) + extra), np.float32)
            total = np.empty(int(offsets[-1]), np.float32)
            self._layout = (key, names, offsets, local, total)
        return self._layout[1:]

    def reduce_gradients(self, group) -> None:
        """Every device's gradients, on every worker, replaced by the sum over all the
        devices of all the workers (rank order, then device order).

        Example:
            >>> Collective(world()).reduce_gradients(trainer.devices)   # doctest: +SKIP
        """
        names, offsets, local, total = self._buffers(group)
        n = total.size
        for d, ex in enumerate(group.execs):
            for k, name in enumerate(names):
                local[d, offsets[k]:offsets[k + 1]] = ex.grad_arrays[name].reshape(-1)
        if self._metric is not None:
            metric, label_name = self._metric
            local[:, n:].view(np.float64)[:] = _metric_parts(group, metric, label_name)
        rows = self.comm.allgather(local, "gradients").reshape(-1, local.shape[1])
        ordered_sum(total, rows[:, :n])
        if self._metric is not None:
            self._pending = (self._metric[0], rows[:, n:].copy().view(np.float64))
        for ex in group.execs:
            for k, name in enumerate(names):
                grad = ex.grad_arrays[name]
                np.copyto(grad, total[offsets[k]:offsets[k + 1]].reshape(grad.shape))

    def update_metric(self, group, metric: Metric, state, label_name: str):
        """``DeviceGroup.update_metric`` over every worker's devices: each device's
        (weight, value) is computed where it is, then all are added in rank order.

        Example:
            >>> state, preds, labels = collective.update_metric(  # doctest: +SKIP
            ...     group, mx.metric.accuracy, mx.metric.accuracy.init(), "sm_label")
        """
        preds = [ex.outputs[0] for ex in group.execs]
        labels = [ex.arg_arrays[label_name] for ex in group.execs]
        pending, self._pending = self._pending, None
        if pending is not None and pending[0] is metric:  # sent with this batch's gradients
            rows = pending[1]
        else:  # validation, or a metric not tracked
            rows = self.comm.allgather(_metric_parts(group, metric, label_name), "metric")
        for weight, value in rows.reshape(-1, 2):
            state = np.array([state[0] + weight, state[1] + value])
        return state, preds, labels


METRIC_WORDS = 4  # float32 words of one device's (weight, value) float64 pair


def _metric_parts(group, metric: Metric, label_name: str) -> np.ndarray:
    """(weight, value) per device: what ``metric.update`` adds to a state for it."""
    return np.array([metric.update(ex.arg_arrays[label_name], ex.outputs[0], metric.init())
                     for ex in group.execs], np.float64)
