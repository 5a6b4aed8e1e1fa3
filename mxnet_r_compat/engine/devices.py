"""The devices of one training run: executors, one per slice of the batch
(docs/MXNET_R_BEHAVIOUR.md, "Devices").

This is the hot path of training. A :class:`DeviceGroup` binds one executor
per non-empty device slice, copies a batch in, runs forward and backward
(in threads when there are several devices: the C calls release the GIL),
sums gradients over devices (MXNet's allreduce) and applies the optimizer.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..errors import MXShapeError
from ..io.validation import all_finite
from ..learn.metric import Metric, is_class_index_kind
from ..learn.optimizer import Optimizer
from .executor import Executor
from .fused import Plan


def slice_ranges(batch: int, ndevice: int) -> list[tuple[int, int]]:
    """MXNet R's split of a batch over devices (``mx.model.slice.shape``).

    Example:
        >>> slice_ranges(10, 3)
        [(0, 4), (4, 8), (8, 10)]
    """
    step = (batch + ndevice - 1) // ndevice
    return [(min(k * step, batch), min((k + 1) * step, batch)) for k in range(ndevice)]


class DeviceGroup:
    """One executor per (non-empty) device slice, bound to the batch shape.

    Example:
        >>> group = DeviceGroup(net, {"data": (20, 13), "lro_label": (20,)}, 2,
        ...                     ["fc_weight", "fc_bias"], arg_params, {})   # doctest: +SKIP
    """

    # A distributed run's exchanges with the other workers (dist/reduce.py Collective): the
    # gradient sum and the metric then go over every worker's devices.
    collective = None

    def __init__(self, symbol, shapes: dict[str, tuple], ndevice: int, grad_names: list[str],
                 arg_params: dict, aux_params: dict) -> None:
        batch = self.batch_size = next(iter(shapes.values()))[0]
        self.ranges = [r for r in slice_ranges(batch, ndevice) if r[1] > r[0]]
        self.execs: list[Executor] = []
        for lo, hi in self.ranges:
            sliced = {k: (hi - lo, *s[1:]) for k, s in shapes.items()}
            ex = Executor(symbol, sliced, grad_names)
            ex.copy_params_from(arg_params, aux_params)
            self.execs.append(ex)
        self.pool = ThreadPoolExecutor(len(self.execs)) if len(self.execs) > 1 else None
        args = symbol.arguments()
        # (argument position, name) of each trained parameter: MXNet's updater indices.
        self.param_index = [(args.index(n), n) for n in self.execs[0].grad_arrays]
        self._plan: Plan | None = None
        self._plan_checked = False  # True once we know whether every node has a C step
        self._loads: dict[tuple, tuple[list, list]] = {}
        self._metric_setup: tuple | None = None  # (metric, label name, _metric_plan's answer)

    def fused_plan(self, optimizer: Optimizer | None = None) -> Plan | None:
        """The C plan of these executors (fused.py), with ``optimizer``'s updates when it
        is given and they can run in C; None when the network or the updates cannot."""
        if not self._plan_checked:
            self._plan = Plan(self) if Plan.possible(self) else None
            self._plan_checked = True
        if self._plan is None:
            return None
        if optimizer is not None and not self._plan.set_optimizer(optimizer):
            return None
        return self._plan

    # -- data in ----------------------------------------------------------------------------
    def load(self, batch: dict[str, np.ndarray], rename: dict[str, str]) -> None:
        """Copy each batch field's device slice into the executors (by argument name)."""
        # The same batch arrays (an iterator's reused buffers) are usually loaded again and
        # again: their (destination, source view) pairs, checked once, are kept (with the
        # arrays themselves, so their ids stay theirs).
        key = (tuple(batch), tuple(map(id, batch.values())), id(rename), tuple(rename.items()))
        cached = self._loads.get(key)
        if cached is None:
            if len(self._loads) > 8:
                self._loads.clear()
            cached = self._loads[key] = (self._load_pairs(batch, rename), list(batch.values()))
        for dst, src in cached[0]:
            np.copyto(dst, src)

    def _load_pairs(self, batch: dict[str, np.ndarray], rename: dict[str, str]) -> list:
        pairs = []
        for field, value in batch.items():
            name = rename.get(field, field)
            for ex, (lo, hi) in zip(self.execs, self.ranges):
                if name in ex.arg_arrays:
                    dst = ex.arg_arrays[name]
                    src = value[lo:hi] if len(self.execs) > 1 else value
                    if src.shape != dst.shape and src.size == dst.size:
                        src = src.reshape(dst.shape)
                    if src.shape != dst.shape:
                        raise MXShapeError(f"Batch field `{field}` has shape {value.shape}; the "
                                           f"network was bound for {dst.shape} per device.")
                    pairs.append((dst, src))
        return pairs

    def run(self, fn) -> None:
        """Apply ``fn`` to every executor (in threads when there are several)."""
        if self.pool is None:
            fn(self.execs[0])
        else:
            list(self.pool.map(fn, self.execs))

    # -- one training step ------------------------------------------------------------------
    def train_step(self, batch: dict[str, np.ndarray], rename: dict[str, str],
                   optimizer: Optimizer) -> None:
        """Forward, backward, allreduce and update for one batch."""
        self.load(batch, rename)
        plan = self.fused_plan(optimizer)
        if plan is not None and self.collective is not None:
            plan.step_with_reduce(lambda: self.collective.reduce_gradients(self))
            return
        if plan is not None:
            plan.step(train=True)  # the same calls as below, in one C call
            return
        if self.execs[0].uses_rng:
            # One shared random stream: draw in device order, so runs are reproducible.
            for ex in self.execs:
                ex.forward(is_train=True)
            self.run(lambda ex: ex.backward())
        else:
            self.run(lambda ex: (ex.forward(is_train=True), ex.backward()))
        if self.collective is not None:
            self.collective.reduce_gradients(self)  # over every worker (dist/reduce.py)
        elif len(self.execs) > 1:
            self.allreduce()
        for d, ex in enumerate(self.execs):
            for index, name in self.param_index:
                optimizer.update(index, ex.arg_arrays[name], ex.grad_arrays[name],
                                 state_key=(d, index))

    def allreduce(self) -> None:
        """Replace every device's gradients by their sum over devices."""
        for _, name in self.param_index:
            total = self.execs[0].grad_arrays[name].copy()
            for ex in self.execs[1:]:
                total += ex.grad_arrays[name]
            for ex in self.execs:
                np.copyto(ex.grad_arrays[name], total)

    def predict_step(self, batch: dict[str, np.ndarray], rename: dict[str, str]) -> None:
        """Forward in inference mode (validation)."""
        self.load(batch, rename)
        plan = self.fused_plan()
        if plan is not None:
            plan.step(train=False)
            return
        self.run(lambda ex: ex.forward(is_train=False))

    def update_metric(self, metric: Metric, state, label_name: str | None):
        """One metric update per device, with this batch's outputs; returns
        ``(state, preds, labels)``."""
        if self.collective is not None:  # added over every worker, in rank order
            return self.collective.update_metric(self, metric, state, label_name)
        fast = self._metric_in_c(metric, state, label_name)
        if fast is not None:
            return fast
        preds, labels = [], []
        for ex in self.execs:
            preds.append(ex.outputs[0])
            labels.append(ex.arg_arrays[label_name] if label_name else None)
            # A network without a label has no metric (training/checks.py io_shapes).
            state = metric.update(labels[-1], preds[-1], state)  # type: ignore[arg-type]
        return state, preds, labels

    def _metric_in_c(self, metric: Metric, state, label_name: str | None):
        """update_metric's result with the built-in metric computed by C over the same
        arrays (bit-identical, native/metric.h), or None when that does not apply."""
        setup = self._metric_setup
        if setup is None or setup[0] is not metric or setup[1] != label_name:
            setup = self._metric_setup = (metric, label_name, self._metric_plan(metric,
                                                                                 label_name))
        how = setup[2]
        if how is None:
            return None
        kind, width, preds, labels = how
        assert self._plan is not None  # _metric_plan answers only when there is a plan
        self._plan.bind_io("data", label_name, width)
        out = self._plan.metric(kind, state)
        return None if out is None else (out, list(preds), list(labels))

    def _metric_plan(self, metric: Metric, label_name: str | None):
        """(kind, pred width, preds, labels) when C can compute ``metric`` here, else None."""
        kind = metric.native_kind()
        # An R metric object wrapping a built-in (rbridge's RMetric, `native` set) updates
        # exactly as Metric.update does.
        plain = type(metric).update is Metric.update or getattr(metric, "native", None) is not None
        if not kind or not self._plan or label_name is None or not plain \
                or "data" not in self.execs[0].arg_arrays:
            return None
        ex = self.execs[0]
        pred, label = ex.outputs[0], ex.arg_arrays.get(label_name)
        if label is None or pred.ndim == 0 or pred.shape[0] == 0:
            return None
        width = pred.size // pred.shape[0]
        lw = label.size // pred.shape[0]
        if label.size % pred.shape[0] or (lw != 1 if is_class_index_kind(kind)
                                          else lw != width):
            return None
        return (kind, width, [e.outputs[0] for e in self.execs],
                [e.arg_arrays[label_name] for e in self.execs])

    # -- parameters -------------------------------------------------------------------------
    def params(self) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """Trained arguments (device 0's: every device applies the same update to the same
        weights, so they are equal, and a float32 mean of 3 equal values can be off by one
        ulp) and aux states averaged over devices (copies)."""
        arg = {name: self.execs[0].arg_arrays[name].copy() for name in self.execs[0].grad_arrays}
        aux = {name: _mean([ex.aux_arrays[name] for ex in self.execs])
               for name in self.execs[0].aux_arrays}
        return arg, aux

    def first_nonfinite(self) -> str | None:
        """Where the first NaN/Inf is: "parameter `name`" or "the output", else None."""
        if self._plan and self._plan.all_finite():  # one C call over the same buffers
            return None
        ex = self.execs[0]
        for _, name in self.param_index:
            if not all_finite(ex.arg_arrays[name]):
                return f"parameter `{name}`"
        for ex in self.execs:
            if not all_finite(ex.outputs[0]):
                return "the network's output"
        return None

    def copy_weights_from(self, other: DeviceGroup, skip: set[str]) -> None:
        """Take the current weights of another group (e.g. for another batch size)."""
        current = other.execs[0]
        for ex in self.execs:
            ex.copy_params_from({k: v for k, v in current.arg_arrays.items() if k not in skip},
                                current.aux_arrays)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def _mean(arrays: list[np.ndarray]) -> np.ndarray:
    if len(arrays) == 1:
        return arrays[0].copy()
    return (np.sum(arrays, axis=0) / len(arrays)).astype(np.float32)
