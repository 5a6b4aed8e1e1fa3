"""The training loop of ``mx.model.FeedForward.create`` (docs/MXNET_R_BEHAVIOUR.md, "Devices" and
"Training loop").

One epoch, in MXNet R v1.x's order: reset the data; for each batch copy the
device slices in, forward, backward, sum gradients over devices, update,
update the metric (with the predictions made before the update), call the
batch callbacks; then print the train metric, run validation on the same
weights, extract the model and call the epoch callbacks, which may stop.

What happens on the devices (executors, allreduce, updates) is in devices.py;
how callbacks are called and what their return values mean is in hooks.py.
Beyond MXNet: more callback slots, a history of every epoch, a guard that
stops at the first non-finite weight or output, and plugins (resume) that see
the trainer itself.
"""

from __future__ import annotations

import signal
import threading
import time
import warnings
from contextlib import contextmanager
from typing import Any

import numpy as np

from ..console import console, message
from ..engine.devices import DeviceGroup
from ..engine.fused import FusedEpochs
from ..errors import CallbackError, arg_name, word
from ..io import DataIter
from ..learn.default_metrics import default_metric
from ..learn.metric import Metric, is_class_index_kind
from ..learn.optimizer import Optimizer
from . import model as model_mod
from .env import TrainEnv
from .hooks import CONTINUE, CallbackSet, Decision
from .persistence import save_model
from .progress_display import EpochProgress


class TrainingInterrupted(UserWarning):
    """Warning issued when Ctrl-C stopped training and the partial model was returned."""


class NonFiniteWarning(UserWarning):
    """Warning issued when training stopped at a NaN or Inf (the last finite model is returned)."""


def epoch_sequence(begin: int, end: int) -> list[int]:
    """R's ``begin:end`` (counts down when end < begin)."""
    return list(range(begin, end + 1)) if end >= begin else list(range(begin, end - 1, -1))


class Trainer:
    """State of one ``mx.model.train`` call; :meth:`run` returns the final model.

    ``callbacks`` maps slot names (hooks.SLOTS) to a callback or a list of them; a
    callback object with a ``final_model(model)`` method may replace the returned model.
    ``plugins`` are objects with any of ``on_train_begin(trainer)``,
    ``on_batch_end(trainer, iteration, nbatch)``, ``on_epoch_end(trainer, iteration)``
    and ``on_train_end(trainer, error)``; they run after the user's callbacks.
    """

    def __init__(self, *, symbol, ctx: list, input_shapes: dict, output_shapes: dict,
                 arg_params: dict, aux_params: dict, begin_round: int, end_round: int,
                 optimizer: Optimizer, train_data: DataIter, eval_data: DataIter | None,
                 metric: Metric | None, callbacks: dict[str, Any] | None = None,
                 kvstore: Any = "local", fixed_param=None, verbose: bool = True,
                 metric_cpu: bool = True, check_finite: bool = True, plugins=(),
                 env: TrainEnv | None = None) -> None:
        self.symbol, self.ctx = symbol, ctx
        self.input_names, self.output_names = list(input_shapes), list(output_shapes)
        self.shapes = {**input_shapes, **output_shapes}
        self.begin_round, self.end_round = begin_round, end_round
        self.optimizer, self.metric = optimizer, metric
        # Without eval_metric, the output layer's loss is still recorded in the history (not
        # printed, not in env): learn/default_metrics.py.
        self.loss_metric = default_metric(symbol) if metric is None else None
        self._loss_state = np.zeros(2)
        self.train_data, self.eval_data = train_data, eval_data
        self.callbacks = CallbackSet.from_slots(callbacks or {})
        self.verbose, self.check_finite = verbose, check_finite
        self.plugins = list(plugins)
        self._agree = [p.agree for p in self.plugins if hasattr(p, "agree")]
        self.fixed = set(fixed_param or [])
        self.arg_params, self.aux_params = arg_params, aux_params
        self.env = env if env is not None else TrainEnv()
        self._fill_env_arguments(locals())
        self.model = None  # the model of the last completed epoch
        self.history: list[dict[str, Any]] = []
        self.stop_reason: str | None = None
        self.completed_epoch: int | None = None
        self._eval_devices: dict[tuple, DeviceGroup] = {}
        self.progress = EpochProgress(console)  # a line within long epochs, on a terminal

    # -- set-up -----------------------------------------------------------------------------
    def _fill_env_arguments(self, args: dict) -> None:
        env = self.env
        slots = args["callbacks"] or {}
        env_args = {**args, "epoch_end_callback": slots.get("epoch.end"),
                    "batch_end_callback": slots.get("batch.end")}
        for key in ("symbol", "ctx", "begin_round", "end_round", "optimizer", "train_data",
                    "eval_data", "metric", "epoch_end_callback", "batch_end_callback", "kvstore",
                    "fixed_param", "verbose", "metric_cpu", "arg_params", "aux_params"):
            if key not in env:
                env[key] = env_args[key]
        env.input_shape = args["input_shapes"]
        env.output_shape = args["output_shapes"]

    def _grad_names(self) -> list[str]:
        skip = set(self.input_names) | set(self.output_names) | self.fixed
        return [a for a in self.symbol.arguments()
                if a not in skip and not a.endswith("data") and not a.endswith("label")]

    def _setup(self) -> None:
        ndevice = len(self.ctx)
        if self.verbose:
            message("Start training with ", ndevice, " devices")
        self.devices = DeviceGroup(self.symbol, self.shapes, ndevice, self._grad_names(),
                                   self.arg_params, self.aux_params)
        self.rename = {"label": self.output_names[0]} if len(self.output_names) == 1 else {}
        env = self.env
        env.ndevice, env.arg_names, env.output_names = ndevice, self.symbol.arguments(), \
            self.output_names
        env.train_execs = self.devices.execs
        env.params_index = [i for i, _ in self.devices.param_index]
        env.update_on_kvstore = False
        env.input_slice = self.devices.ranges
        env.rank, env.num_workers = 0, 1  # a distributed run's plugin sets its own
        self._start = time.perf_counter()
        if self.loss_metric is not None and not self._loss_fits():
            self.loss_metric = None
        if any(getattr(e.fn, "name", None) == "progress.bar" for e in
               self.callbacks.entries["batch.end"]):
            self.progress.disabled = True  # mx.callback.progress.bar draws its own
        self._fused = FusedEpochs.create(self)  # the fused path (engine/fused.py)

    def _loss_fits(self) -> bool:
        """The default loss metric can read these outputs and labels (one class index per
        sample, or one label per output value)."""
        ex = self.devices.execs[0]
        label = ex.arg_arrays.get(self.output_names[-1]) if self.output_names else None
        pred = ex.outputs[0]
        if label is None or pred.ndim == 0 or pred.shape[0] == 0:
            return False
        assert self.loss_metric is not None
        per_sample = label.size // pred.shape[0]
        if is_class_index_kind(self.loss_metric.native_kind()):
            return per_sample == 1
        return per_sample == pred.size // pred.shape[0]

    @property
    def tracked_metric(self) -> Metric | None:
        """The metric computed at each training batch: ``eval_metric``, else the loss."""
        return self.metric if self.metric is not None else self.loss_metric

    @property
    def train_state(self):
        """The state of :attr:`tracked_metric` this epoch (``env.train_metric`` for the
        user's metric; the loss's own state is not in env)."""
        return self.env.train_metric if self.metric is not None else self._loss_state

    @train_state.setter
    def train_state(self, state) -> None:
        if self.metric is not None:
            self.env.train_metric = state
        else:
            self._loss_state = state

    # -- callbacks and plugins --------------------------------------------------------------
    def _slot(self, slot: str, iteration: int, nbatch: int) -> Decision:
        decision = self._call_slot(slot, iteration, nbatch)
        for agree in self._agree:  # a distributed run: rank 0's decision for every worker
            decision = agree(slot, decision)
        if decision is not CONTINUE:
            self._act(decision, iteration)
        return decision

    def _call_slot(self, slot: str, iteration: int, nbatch: int) -> Decision:
        if not self.callbacks.entries[slot]:
            return CONTINUE
        try:
            return self.callbacks.call(slot, self.env, iteration, nbatch, self.verbose)
        except CallbackError as err:
            err.model = err.model or self.model
            raise
        except KeyboardInterrupt:
            if self._interrupt.requested:
                raise  # a second Ctrl-C: stop now
            self._interrupt.requested = True
            return CONTINUE

    def _act(self, decision: Decision, iteration: int) -> None:
        if decision.lr is not None:
            self.optimizer.lr = decision.lr
        if decision.save:
            self._save_now(decision.save, iteration)
        if decision.stop:
            self.stop_reason = decision.reason or self.stop_reason or "a callback asked to stop"

    def _save_now(self, save: bool | str, iteration: int) -> None:
        prefix = save if isinstance(save, str) else self.env.checkpoint_prefix
        if not prefix:
            raise CallbackError("A callback returned list(save=TRUE) but no checkpoint prefix is "
                                "known; return list(save=\"<prefix>\") instead.",
                                iteration=iteration, model=self.model)
        save_model(self.extract_model(), prefix, iteration)

    def _plugins(self, event: str, *args) -> None:
        for plugin in self.plugins:
            fn = getattr(plugin, event, None)
            if fn is not None:
                fn(self, *args)

    # -- one epoch --------------------------------------------------------------------------
    def _train_epoch(self, iteration: int) -> bool:
        """Train one epoch; False when it ended early (stop request, interrupt, NaN)."""
        env = self.env
        env.iteration = iteration
        self.train_data.reset()
        total = getattr(self.train_data, "num_batches", None)
        self.progress.start(total if isinstance(total, int) and total > 0 else None)
        env.nbatch = nbatch = 0
        if self.metric is not None:
            env.train_metric = self.metric.init()
        elif self.loss_metric is not None:
            self._loss_state = self.loss_metric.init()
        if self._fused is not None:  # fused path: the epoch's batches in C, same effects
            nbatch, nonfinite = self._fused.train(iteration, nbatch)
            if (nonfinite and self._nonfinite(iteration, nbatch)) or self._interrupt.requested:
                return False
        # Hot loop: fields no front end tracks by version are written straight into env's
        # dict, and what does not change within a run is looked up once.
        fields = env.fields()
        batch_begin = bool(self.callbacks.entries["batch.begin"])
        on_batch_end = [p.on_batch_end for p in self.plugins if hasattr(p, "on_batch_end")]
        while self.train_data.iter_next():  # (none left after a fused run)
            if batch_begin and self._slot("batch.begin", iteration, nbatch + 1).stop:
                return False
            batch = self.train_data.arrays()
            fields["dlist"] = batch
            self.devices.train_step(batch, self.rename, self.optimizer)
            if self.metric is not None:
                fields["train_metric"] = self._update_metric(fields["train_metric"],
                                                             self.devices)
            elif self.loss_metric is not None:
                self._loss_state = self.devices.update_metric(
                    self.loss_metric, self._loss_state, self.output_names[-1])[0]
            nbatch += 1
            fields["nbatch"] = nbatch
            self.progress.update(nbatch)
            if self.check_finite and self._nonfinite(iteration, nbatch):
                return False
            stop = self._slot("batch.end", iteration, nbatch).stop
            for hook in on_batch_end:
                hook(self, iteration, nbatch)
            if stop or self._interrupt.requested:
                return False
        self.progress.finish()
        if self.metric is not None:
            env.result = result = self.metric.get(env.train_metric)
            self._record(iteration, "train", result)
            if self.verbose:
                message("[", iteration, "] Train-", result.name, "=", result.value)
        elif self.loss_metric is not None:
            self._record(iteration, "train", self.loss_metric.get(self._loss_state))
        return True

    def _update_metric(self, state, devices: DeviceGroup):
        assert self.metric is not None  # called only when there is a metric
        label_name = self.output_names[-1] if self.output_names else None
        fields = self.env.fields()
        state, fields["preds"], fields["labels"] = devices.update_metric(self.metric, state,
                                                                          label_name)
        return state

    def _evaluate(self, iteration: int) -> None:
        env = self.env
        if self.eval_data is None:
            env.eval_metric = None
            return
        self.eval_data.reset()
        state = self.metric.init() if self.metric is not None else None
        if self._fused is not None:  # fused path: the whole pass in C, same effects
            state = self._fused.evaluate(state)
        while self.eval_data.iter_next():  # (none left after a fused pass)
            batch = self.eval_data.arrays()
            env.dlist = batch
            devices = self._devices_for(batch)
            devices.predict_step(batch, self.rename)
            if self.metric is not None:
                state = self._update_metric(state, devices)
        if self.metric is not None:
            env.eval_metric = state
            env.result = result = self.metric.get(state)
            self._record(iteration, "eval", result)
            if self.verbose:
                message("[", iteration, "] Validation-", result.name, "=", result.value)

    def _devices_for(self, batch: dict[str, np.ndarray]) -> DeviceGroup:
        """The training executors, or (for another batch size) eval executors with the
        current weights. MXNet R failed on a different validation batch size."""
        n = next(iter(batch.values())).shape[0]
        train_n = next(iter(self.shapes.values()))[0]
        if n == train_n:
            return self.devices
        shapes = {k: (n, *s[1:]) for k, s in self.shapes.items()}
        key = tuple(sorted(shapes.items()))
        if key not in self._eval_devices:
            self._eval_devices[key] = DeviceGroup(self.symbol, shapes, len(self.ctx), [], {}, {})
        devices = self._eval_devices[key]
        devices.collective = self.devices.collective
        devices.copy_weights_from(self.devices, skip=set(self.shapes))
        return devices

    def _record(self, iteration: int, phase: str, result) -> None:
        self.history.append({"iteration": iteration, "phase": phase, "metric": result.name,
                             "value": float(result.value), "lr": float(self.optimizer.lr),
                             "seconds": time.perf_counter() - self._start})

    def extract_model(self):
        """Average parameters over devices into a model (``mx.model.extract.model``)."""
        arg, aux = self.devices.params()
        return model_mod.FeedForwardModel(self.symbol, arg, aux)

    # -- non-finite guard -------------------------------------------------------------------
    def _nonfinite(self, iteration: int, nbatch: int) -> bool:
        where = self.devices.first_nonfinite()
        if where is None:
            return False
        kept = (f"the model of epoch {self.completed_epoch}" if self.completed_epoch is not None
                else "the initial parameters")
        self.stop_reason = (f"non-finite value (NaN or Inf) in {where} at epoch {iteration}, "
                            f"batch {nbatch}")
        warnings.warn(f"Training stopped: {self.stop_reason}; returning {kept}, the last finite "
                      f"model. Lower the learning rate, or pass {arg_name('check.finite')}="
                      f"{word('FALSE')} to keep "
                      f"training.", NonFiniteWarning, stacklevel=4)
        self._nonfinite_stop = True
        return True

    # -- the loop ---------------------------------------------------------------------------
    def run(self):
        with console.quiet(not self.verbose):
            return self._run()

    def _run(self):
        model_mod.set_last_model(None)  # a run that fails early must not return an older model
        self._setup()
        self._nonfinite_stop = False
        initial = model_mod.FeedForwardModel(self.symbol, *self.devices.params())
        error: BaseException | None = None
        try:
            with _interrupt_guard() as self._interrupt:
                self._plugins("on_train_begin")
                if self._slot("train.begin", self.begin_round, 0).stop:
                    return self._finish(initial)
                for iteration in epoch_sequence(self.begin_round, self.end_round):
                    if self._slot("epoch.begin", iteration, 0).stop:
                        break
                    if not self._train_epoch(iteration):
                        if self._interrupt.requested:
                            return self._interrupted(iteration)
                        if self._nonfinite_stop:
                            return self._finish(self.model or initial)
                        break  # a batch callback asked to stop: keep the last full epoch
                    self._evaluate(iteration)
                    self.model = self.env.model = self.extract_model()
                    self.completed_epoch = iteration
                    model_mod.set_last_model(self.model)
                    self.env.epoch_continue = True
                    stop = self._slot("epoch.end", iteration, 0).stop
                    self.env.epoch_continue = not stop
                    self._plugins("on_epoch_end", iteration)
                    if self._interrupt.requested:
                        return self._interrupted_after_epoch(iteration)
                    if stop:
                        break
            return self._finish(self.model or initial)
        except BaseException as err:
            error = err
            raise
        finally:
            self._close(error)

    def _finish(self, model):
        # A callback object may replace the returned model (early stopping's restore.best).
        for slot_entries in self.callbacks.entries.values():
            for entry in slot_entries:
                replace = getattr(entry.fn, "final_model", None)
                if replace is not None:
                    model = replace(model) or model
        model.history = self.history
        model.callback_time = self.callbacks.timing()
        model.stop_reason = self.stop_reason
        return model

    def _close(self, error: BaseException | None) -> None:
        """train.end callbacks and plugins run even when training failed."""
        self.progress.finish()
        try:
            self.env.error = error
            if self.callbacks.has("train.end"):
                self.callbacks.call("train.end", self.env, self.completed_epoch or
                                    self.begin_round, 0, self.verbose)
            self._plugins("on_train_end", error)
        except Exception:
            if error is None:
                raise
        finally:
            self.devices.close()
            for d in self._eval_devices.values():
                d.close()

    def _interrupted(self, iteration: int):
        partial = self.extract_model()
        model_mod.set_last_model(partial)
        self.stop_reason = f"interrupted (Ctrl-C) in epoch {iteration}"
        warnings.warn(f"Training interrupted (Ctrl-C) in epoch {iteration} after "
                      f"{self.env.nbatch} batches; returning the model trained so far.",
                      TrainingInterrupted, stacklevel=3)
        return self._finish(partial)

    def _interrupted_after_epoch(self, iteration: int):
        """Ctrl-C during an epoch's callbacks: the epoch is complete, keep its model."""
        self.stop_reason = f"interrupted (Ctrl-C) after epoch {iteration}"
        warnings.warn(f"Training interrupted (Ctrl-C) after epoch {iteration}; returning the "
                      f"model of that epoch.", TrainingInterrupted, stacklevel=3)
        return self._finish(self.model)


class _InterruptState:
    requested = False


@contextmanager
def _interrupt_guard():
    """First Ctrl-C: finish the batch, then stop and return the partial model.
    A second Ctrl-C goes to the previous handler (normally: KeyboardInterrupt)."""
    state = _InterruptState()
    if threading.current_thread() is not threading.main_thread():
        yield state
        return
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum, frame):
        if state.requested:
            if callable(previous):
                return previous(signum, frame)
            raise KeyboardInterrupt
        state.requested = True
    signal.signal(signal.SIGINT, handler)
    try:
        yield state
    finally:
        signal.signal(signal.SIGINT, previous)
