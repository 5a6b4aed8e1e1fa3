"""The fused training path (docs/ARCHITECTURE.md): a batch, or a run of batches, in one C call.

Networks bound while :func:`enabled` is on are compiled into C graphs (graph_compiler.py).
:class:`Plan` ties a :class:`~mxnet_r_compat.engine.devices.DeviceGroup`'s compiled graphs
(one per device), the gradient sum over devices and the optimizer's updates into an
``mxc_plan`` (native/plan.h). ``DeviceGroup.train_step`` uses it for one batch;
:class:`FusedEpochs` uses it for whole runs of batches when no Python code has to run between
them: the batches are then gathered in C straight from the iterator's source array (float32
or float64, any strides: an R matrix is read in place), and a built-in metric is computed in
C, bit-identical to its numpy definition.

What stays exactly as in the per-batch loop (docs/MXNET_R_BEHAVIOUR.md, "Training loop" and
"Callback environment"): the order of
forward, backward, sum, updates and metric; the padded last batch (its extra
rows are those the previous batch left); the optimizer's counters and state;
and what ``env`` holds when the run ends (``nbatch``, ``train.metric``,
``dlist``, ``preds``, ``labels``), where the next callback can read it. A run
is cut into chunks so Ctrl-C is seen within a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from .._lib import NULL, check, ffi, fptr, lib
from ..console import message
from ..io import ArrayIter
from ..learn.metric import is_class_index_kind

CHUNK_SAMPLES = 16384  # samples per C call in a run: bounds how late Ctrl-C is seen

_enabled = [True]


def is_enabled() -> bool:
    """Whether networks bound from now on may use the fused C path (see :func:`enabled`).

    Example:
        >>> is_enabled()
        True
    """
    return _enabled[0]


@contextmanager
def enabled(on: bool) -> Iterator[None]:
    """Switch the fused C path on or off for the networks bound inside the block.

    Off, every network runs kernel by kernel, one Python call per operator and batch (the
    reference the fused path must match bit for bit, and a way to rule it out when debugging).
    The setting is read when a network is bound (training start, prediction); the previous
    setting comes back when the block ends.

    Example:
        >>> with enabled(False):
        ...     model = create(net, X, y, num_round=1)   # doctest: +SKIP  (kernel by kernel)
    """
    before = _enabled[0]
    _enabled[0] = bool(on)
    try:
        yield
    finally:
        _enabled[0] = before


class Plan:
    """An ``mxc_plan`` over a device group, with or without an optimizer's updates."""

    def __init__(self, group, optimizer=None) -> None:
        execs = group.execs
        self.group, self.n_dev = group, len(execs)
        self.graphs = ffi.new("mxc_graph[]", self.n_dev)
        for d, ex in enumerate(execs):
            self.graphs[d] = ex.graph.ptr[0]
        self.ptr = ffi.new("mxc_plan *")
        p = self.ptr
        p.n_dev, p.graphs = self.n_dev, self.graphs
        self._lo = ffi.new("int64_t[]", [lo for lo, _ in group.ranges])
        self._hi = ffi.new("int64_t[]", [hi for _, hi in group.ranges])
        p.lo, p.hi = self._lo, self._hi
        names = [name for _, name in group.param_index]
        self._indices = [i for i, _ in group.param_index]
        self._grads = ffi.new("float *[]", [fptr(ex.grad_arrays[n], writable=True)
                                            for n in names for ex in execs] or [ffi.NULL])
        self._param_n = ffi.new("int64_t[]", [execs[0].grad_arrays[n].size for n in names] or [0])
        p.n_params, p.grads, p.param_n = len(names), self._grads, self._param_n
        # The non-finite guard's buffers: device 0's parameters, every device's output.
        finite = [execs[0].arg_arrays[n] for n in names] + [ex.outputs[0] for ex in execs]
        self._finite = ffi.new("float *[]", [fptr(a) for a in finite])
        self._finite_n = ffi.new("int64_t[]", [a.size for a in finite])
        p.finite, p.finite_n, p.n_finite = self._finite, self._finite_n, len(finite)
        self._info = ffi.new("int64_t[]", lib.MXC_RUN_INFO)
        self._metric_state = ffi.new("double[2]")
        self.io: tuple[str, str | None] | None = None
        self.optimizer: Any = None  # an Optimizer once set_optimizer() accepted one
        self._opt_key: Any = None
        self._quick: Any = None
        if optimizer is not None:
            self.set_optimizer(optimizer)

    @staticmethod
    def possible(group) -> bool:
        return all(ex.graph is not None for ex in group.execs)

    # -- optimizer ------------------------------------------------------------------------
    def set_optimizer(self, optimizer) -> bool:
        """(Re)build the updates when the optimizer, its rule, its hyper-parameters or its
        state arrays changed; False when its updates cannot run in C."""
        quick = optimizer.fused_key()
        if quick is not None and quick == self._quick:
            return True
        spec = optimizer.fused_spec()
        if spec is None:
            return False
        execs, index = self.group.execs, self.group.param_index
        states = [optimizer.state_for(i, execs[d].arg_arrays[n], (d, i))
                  for d in range(self.n_dev) for i, n in index]
        key = (id(optimizer), spec[0], tuple(spec[1].items()),
               tuple(id(a) for s in states for a in s), tuple(id(s) for s in states))
        if key == self._opt_key:
            return True
        kind, hp = spec
        ups = ffi.new("mxc_update[]", max(1, len(states)))
        k = 0
        for ex in execs:
            for _, n in index:
                u, st = ups[k], states[k]
                u.kind, u.n = kind, ex.arg_arrays[n].size
                u.w, u.g = fptr(ex.arg_arrays[n], writable=True), fptr(ex.grad_arrays[n])
                for j in range(lib.MXC_OPT_MAX_STATES):
                    u.s[j] = fptr(st[j], writable=True) if j < len(st) else NULL
                for name, value in hp.items():
                    setattr(u.hp, name, value)
                k += 1
        self._updates, self._states = ups, states  # the C structs point into these
        self.ptr.updates, self.ptr.n_updates = ups, len(states)
        self.optimizer, self._opt_key = optimizer, key
        self._quick = optimizer.fused_key()
        return True

    def _count(self) -> None:
        count, n = self.optimizer.count_updates, self.n_dev
        for i in self._indices:
            count(i, n)

    # -- running ----------------------------------------------------------------------------
    def all_finite(self) -> bool:
        """Device 0's parameters and every device's output are free of NaN and Inf."""
        return bool(lib.mxc_plan_all_finite(self.ptr))

    def metric(self, kind: int, state) -> np.ndarray | None:
        """``state`` plus (1, value) per device, as Metric.update would add them."""
        s = self._metric_state
        s[0], s[1] = float(state[0]), float(state[1])
        if lib.mxc_plan_metric(self.ptr, kind, s):
            return None
        return np.array([s[0], s[1]])

    def step(self, train: bool) -> None:
        """One batch already loaded into the executors (forward; backward and updates)."""
        rc = lib.mxc_plan_step(self.ptr, train, self._info)
        if rc:
            self._raise(rc)
        if train:
            self._count()

    def _raise(self, rc: int) -> None:
        phase, at = self._info[lib.MXC_RUN_FAILED_PHASE], self._info[lib.MXC_RUN_FAILED_AT]
        if phase in (lib.MXC_PHASE_FORWARD, lib.MXC_PHASE_BACKWARD):
            graph = self.group.execs[0].graph
            graph.raise_error(rc, at, "forward" if phase == lib.MXC_PHASE_FORWARD else "backward")
        if phase == lib.MXC_PHASE_UPDATE and self.optimizer is not None:
            check(rc, f"{self.optimizer.name} update")
        check(rc, "fused run")

    def step_with_reduce(self, reduce) -> None:
        """:meth:`step` (training) with ``reduce()`` in place of the gradient sum over devices:
        forward and backward in C, then ``reduce()`` (a distributed run's sum over every
        worker, dist/reduce.py), then the same updates in C."""
        p = self.ptr
        n_params, n_updates = p.n_params, p.n_updates
        p.n_params = p.n_updates = 0  # no sum over devices, no updates in this call
        try:
            rc = lib.mxc_plan_step(p, True, self._info)
        finally:
            p.n_params, p.n_updates = n_params, n_updates
        if rc:
            self._raise(rc)
        reduce()
        for u in range(n_updates):
            check(lib.mxc_update_apply(self._updates + u), f"{self.optimizer.name} update")
        self._count()

    def bind_io(self, data_name: str, label_name: str | None, pred_width: int) -> None:
        """Where batches go (the executors' data and label arguments), what the metric reads."""
        if self.io == (data_name, label_name):
            return
        execs = self.group.execs
        self._data = ffi.new("float *[]", [fptr(ex.arg_arrays[data_name], writable=True)
                                           for ex in execs])
        self.ptr.data = self._data
        if label_name is not None:
            self._label = ffi.new("float *[]", [fptr(ex.arg_arrays[label_name], writable=True)
                                                for ex in execs])
            self.ptr.label = self._label
        else:
            self.ptr.label = ffi.NULL
        self._pred = ffi.new("const float *[]", [fptr(ex.outputs[0]) for ex in execs])
        self.ptr.pred, self.ptr.pred_width = self._pred, pred_width
        self.io = (data_name, label_name)

    def run(self, src: Batches, first: int, count: int, train: bool, metric: int, state,
            check_finite: bool) -> tuple[int, bool, int]:
        """Batches first..first+count-1; returns (done, stopped at a non-finite value, rc)."""
        rc = lib.mxc_plan_run(self.ptr, src.ptr, first, count, train, metric, state,
                              check_finite, self._info)
        done = int(self._info[lib.MXC_RUN_DONE])
        if train and done:
            for i, _ in self.group.param_index:
                self.optimizer.count_updates(i, self.n_dev * done)
        return done, bool(self._info[lib.MXC_RUN_NONFINITE]), rc


class Batches:
    """An ArrayIter's ``mxc_batches`` (io.ArrayIter.c_batches) and the widths it gathers."""

    def __init__(self, it: ArrayIter) -> None:
        self.it = it
        self.ptr = it.c_batches()
        self.ok = self.ptr is not None
        if self.ok:
            self.width, self.label_width = self.ptr.data.width, self.ptr.label.width

    def current(self) -> bool:
        """Still describing the iterator (its arrays were not replaced, e.g. by a resume)."""
        return self.ptr is not None and self.it.c_batches() == self.ptr


class FusedEpochs:
    """Whole training and validation passes of a Trainer in C, when nothing in Python has
    to run between their batches (no batch callbacks or plugins, a built-in or no metric,
    an :class:`~mxnet_r_compat.io.ArrayIter`, C steps for every node and the optimizer).

    It reads the trainer's ``devices``, ``optimizer``, ``metric``, ``train_data``,
    ``eval_data``, ``rename``, ``output_names``, ``shapes``, ``callbacks``, ``plugins``,
    ``check_finite``, ``env`` and ``_interrupt``; each pass that cannot be fused is left,
    untouched, to the trainer's own loop.
    """

    def __init__(self, trainer) -> None:
        self.t = trainer
        self._batches: dict[int, Batches] = {}
        self._state = ffi.new("double[2]")

    @classmethod
    def create(cls, trainer) -> FusedEpochs | None:
        """The fused runner of a trainer, or None when no pass of it can be fused. A
        network that cannot run as a C graph says why, once, at verbosity on."""
        t = trainer
        reason = t.devices.execs[0].not_fusable
        if reason is not None and t.verbose:
            message("Training runs kernel by kernel, not fused: ", reason, ".")
        if any(t.callbacks.has(s) for s in ("batch.begin", "batch.end")):
            return None
        if any(hasattr(p, "on_batch_end") for p in t.plugins):
            return None
        if t.tracked_metric is not None and not t.tracked_metric.native_kind():
            return None
        if t.devices.fused_plan() is None:
            return None
        return cls(trainer)

    # -- checks per pass --------------------------------------------------------------------
    def _io(self, it, metric) -> tuple[Plan, Batches] | None:
        """Plan and batches for a pass over ``it`` (with ``metric``, or None) on the training
        devices, or None."""
        t = self.t
        if type(it) is not ArrayIter or it._cursor != -1:
            return None
        plan = t.devices.fused_plan()
        if plan is None:
            return None
        b = self._batches.get(id(it))
        if b is None or b.it is not it or not b.current():
            b = self._batches[id(it)] = Batches(it)
        if not b.ok or it.batch_size != t.devices.batch_size:
            return None
        label = t.rename.get("label", "label")
        ex = t.devices.execs[0]
        rows = ex.outputs[0].shape[0] if ex.outputs[0].ndim else 0
        if "data" not in ex.arg_arrays or label not in ex.arg_arrays or rows < 1:
            return None
        for dev_ex, (lo, hi) in zip(t.devices.execs, t.devices.ranges):
            if dev_ex.arg_arrays["data"].size != (hi - lo) * b.width or \
                    dev_ex.arg_arrays[label].size != (hi - lo) * b.label_width or \
                    dev_ex.outputs[0].shape[0] != hi - lo:
                return None
        width = ex.outputs[0].size // rows
        if metric is not None and not _metric_fits(metric.native_kind(), width, b.label_width):
            return None
        plan.bind_io("data", label, width)
        return plan, b

    # -- passes -----------------------------------------------------------------------------
    def train(self, iteration: int, nbatch: int) -> tuple[int, bool]:
        """Run what is left of the epoch; returns ``(nbatch, stopped at a non-finite value)``.
        Does nothing (returns ``(nbatch, False)``) when the pass cannot be fused."""
        t = self.t
        metric = t.tracked_metric  # eval_metric, else the loss (history only)
        io = self._io(t.train_data, metric)
        if io is None or not io[0].set_optimizer(t.optimizer):
            return nbatch, False
        plan, src = io
        kind = metric.native_kind() if metric is not None else lib.MXC_METRIC_NONE
        state = self._state
        if kind:
            state[0], state[1] = (float(v) for v in t.train_state)
        chunk = max(1, CHUNK_SAMPLES // src.it.batch_size)
        total, first, nonfinite = src.it.num_batches, 0, False
        while first < total:
            # A run's first batch takes its padding rows from the iterator's buffers, so no
            # run but the first may start at the (short) last batch.
            count = chunk + 1 if first + chunk == total - 1 else chunk
            done, nonfinite, rc = plan.run(src, first, count, True, kind, state, t.check_finite)
            first += done
            t.progress.update(nbatch + first)
            if rc:
                self._finish(src, first, nbatch + first, kind, failed=True)
                plan._raise(rc)
            if nonfinite or t._interrupt.requested:
                break
        nbatch += first
        self._finish(src, first, nbatch, kind)
        return nbatch, nonfinite

    def _finish(self, src: Batches, done: int, nbatch: int, kind: int,
                failed: bool = False) -> None:
        """Leave the iterator and ``env`` as the per-batch loop would after ``done`` batches
        (with ``failed``: when batch ``done + 1`` raised)."""
        t, env = self.t, self.t.env
        if done or failed:
            _sync_iterator(src.it, t.devices, done - 1 + failed, t.rename.get("label", "label"))
            env.dlist = src.it.arrays()
        if kind and done:
            t.train_state = np.array([self._state[0], self._state[1]])
            if t.metric is not None:
                self._set_outputs()
        env.nbatch = nbatch

    def _set_outputs(self) -> None:
        t = self.t
        label = t.output_names[-1] if t.output_names else None
        t.env.preds = [ex.outputs[0] for ex in t.devices.execs]
        t.env.labels = [ex.arg_arrays[label] if label else None for ex in t.devices.execs]

    def evaluate(self, state):
        """The whole validation pass; returns the metric state. Does nothing (returns
        ``state``) when the pass cannot be fused."""
        t = self.t
        io = self._io(t.eval_data, t.metric)
        if io is None:
            return state
        plan, src = io
        kind = t.metric.native_kind() if t.metric is not None else lib.MXC_METRIC_NONE
        if kind:
            self._state[0], self._state[1] = (float(v) for v in state)
        total = src.it.num_batches
        done, _, rc = plan.run(src, 0, total, False, kind, self._state, False)
        if rc:
            _sync_iterator(src.it, t.devices, done, t.rename.get("label", "label"))
            plan._raise(rc)
        _sync_iterator(src.it, t.devices, total - 1, t.rename.get("label", "label"))
        t.env.dlist = src.it.arrays()
        if kind:
            self._set_outputs()
            return np.array([self._state[0], self._state[1]])
        return state


def _metric_fits(kind: int, pred_width: int, label_width: int) -> bool:
    """The shapes for which the numpy metric would not raise (else leave it to raise)."""
    if is_class_index_kind(kind):
        return label_width == 1
    return label_width == pred_width


def _sync_iterator(it: ArrayIter, devices, cursor: int, label_name: str) -> None:
    """Put the iterator at batch ``cursor`` with the buffers holding that batch, which the
    devices' data and label arguments hold now."""
    it._cursor = cursor
    for buf, name in ((it._data_buf, "data"), (it._label_buf, label_name)):
        flat = buf.reshape(buf.shape[0], -1)
        for ex, (lo, hi) in zip(devices.execs, devices.ranges):
            flat[lo:hi] = ex.arg_arrays[name].reshape(hi - lo, -1)
