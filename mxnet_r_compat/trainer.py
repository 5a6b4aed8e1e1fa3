"""The training loop of ``mx.model.FeedForward.create`` (spec sections 2 and 4).

One epoch, in MXNet R v1.x's order: reset the data; for each batch copy the
device slices in, forward, backward, sum gradients over devices, update,
update the metric (with the predictions made before the update), call the
batch callback; then print the train metric, run validation on the same
weights, extract the model and call the epoch callback, which may stop.

What happens on the devices (executors, allreduce, updates) is in devices.py.
"""

from __future__ import annotations

import signal
import threading
import warnings
from contextlib import contextmanager
from typing import Any

import numpy as np

from . import model as model_mod
from .callback import epoch_continue
from .console import console, message
from .env import TrainEnv
from .errors import CallbackError
from .devices import DeviceGroup
from .io import DataIter
from .metric import Metric
from .optimizer import Optimizer


class TrainingInterrupted(UserWarning):
    """Warning issued when Ctrl-C stopped training and the partial model was returned."""


def epoch_sequence(begin: int, end: int) -> list[int]:
    """R's ``begin:end`` (counts down when end < begin)."""
    return list(range(begin, end + 1)) if end >= begin else list(range(begin, end - 1, -1))


class Trainer:
    """State of one ``mx.model.train`` call; :meth:`run` returns the final model."""

    def __init__(self, *, symbol, ctx: list, input_shapes: dict, output_shapes: dict,
                 arg_params: dict, aux_params: dict, begin_round: int, end_round: int,
                 optimizer: Optimizer, train_data: DataIter, eval_data: DataIter | None,
                 metric: Metric | None, epoch_end_callback=None, batch_end_callback=None,
                 kvstore: Any = "local", fixed_param=None, verbose: bool = True,
                 metric_cpu: bool = True, env: TrainEnv | None = None) -> None:
        self.symbol, self.ctx = symbol, ctx
        self.input_names, self.output_names = list(input_shapes), list(output_shapes)
        self.shapes = {**input_shapes, **output_shapes}
        self.begin_round, self.end_round = begin_round, end_round
        self.optimizer, self.metric = optimizer, metric
        self.train_data, self.eval_data = train_data, eval_data
        self.epoch_cb, self.batch_cb = epoch_end_callback, batch_end_callback
        self.verbose = verbose
        self.fixed = set(fixed_param or [])
        self.arg_params, self.aux_params = arg_params, aux_params
        self.env = env if env is not None else TrainEnv()
        self._fill_env_arguments(locals())
        self.model = None  # the model of the last completed epoch
        self._eval_devices: dict[tuple, DeviceGroup] = {}

    # -- set-up -----------------------------------------------------------------------------
    def _fill_env_arguments(self, args: dict) -> None:
        env = self.env
        for key in ("symbol", "ctx", "begin_round", "end_round", "optimizer", "train_data",
                    "eval_data", "metric", "epoch_end_callback", "batch_end_callback", "kvstore",
                    "fixed_param", "verbose", "metric_cpu", "arg_params", "aux_params"):
            if key not in env:
                env[key] = args[key]
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
        args = self.symbol.arguments()
        self.rename = self._label_renames()
        env = self.env
        env.ndevice, env.arg_names, env.output_names = ndevice, args, self.output_names
        env.train_execs = self.devices.execs
        env.params_index = [i for i, _ in self.devices.param_index]
        env.update_on_kvstore = False
        env.input_slice = self.devices.ranges

    def _label_renames(self) -> dict[str, str]:
        """The batch field ending in "label" feeds the network's label argument."""
        if len(self.output_names) != 1:
            return {}
        return {"label": self.output_names[0]}

    def _update_metric(self, state, devices: DeviceGroup):
        label_name = self.output_names[-1] if self.output_names else None
        state, self.env.preds, self.env.labels = devices.update_metric(self.metric, state,
                                                                        label_name)
        return state

    # -- one epoch --------------------------------------------------------------------------
    def _train_epoch(self, iteration: int) -> None:
        env = self.env
        env.iteration = iteration
        self.train_data.reset()
        env.nbatch = nbatch = 0
        if self.metric is not None:
            env.train_metric = self.metric.init()
        while self.train_data.iter_next():
            batch = self.train_data.value()
            env.dlist = batch
            self.devices.train_step(batch, self.rename, self.optimizer)
            if self.metric is not None:
                env.train_metric = self._update_metric(env.train_metric, self.devices)
            nbatch += 1
            env.nbatch = nbatch
            if self.batch_cb is not None:
                self._call("batch.end.callback", self.batch_cb, iteration, nbatch)
            if self._interrupt.requested:
                return
        if self.metric is not None:
            env.result = result = self.metric.get(env.train_metric)
            if self.verbose:
                message("[", iteration, "] Train-", result.name, "=", result.value)

    def _evaluate(self, iteration: int) -> None:
        env = self.env
        if self.eval_data is None:
            env.eval_metric = None
            return
        self.eval_data.reset()
        state = self.metric.init() if self.metric is not None else None
        while self.eval_data.iter_next():
            batch = self.eval_data.value()
            env.dlist = batch
            devices = self._devices_for(batch)
            devices.predict_step(batch, self.rename)
            if self.metric is not None:
                state = self._update_metric(state, devices)
        if self.metric is not None:
            env.eval_metric = state
            env.result = result = self.metric.get(state)
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
        devices.copy_weights_from(self.devices, skip=set(self.shapes))
        return devices

    def extract_model(self):
        """Average parameters over devices into a model (``mx.model.extract.model``)."""
        arg, aux = self.devices.params()
        return model_mod.FeedForwardModel(self.symbol, arg, aux)

    # -- callbacks --------------------------------------------------------------------------
    def _call(self, slot: str, cb, iteration: int, nbatch: int, **kwargs) -> Any:
        try:
            return cb(iteration, nbatch, self.env, **kwargs)
        except CallbackError as err:
            err.model = err.model or self.model
            raise
        except KeyboardInterrupt:
            self._interrupt.requested = True
            return None
        except Exception as err:
            raise CallbackError(f"Error in {slot} (epoch {iteration}, batch {nbatch}): "
                                f"{type(err).__name__}: {err}", slot=slot, iteration=iteration,
                                nbatch=nbatch, model=self.model) from err

    def _epoch_end(self, iteration: int) -> bool:
        self.env.epoch_continue = True
        if self.epoch_cb is None:
            return True
        from .callback import accepts_verbose
        kwargs = {"verbose": self.verbose} if accepts_verbose(self.epoch_cb) else {}
        result = self._call("epoch.end.callback", self.epoch_cb, iteration, 0, **kwargs)
        try:
            cont = epoch_continue(result, "epoch.end.callback", iteration)
        except CallbackError as err:
            err.model = self.model
            raise
        self.env.epoch_continue = cont
        return cont

    # -- the loop ---------------------------------------------------------------------------
    def run(self):
        with console.quiet(not self.verbose):
            return self._run()

    def _run(self):
        self._setup()
        try:
            with _interrupt_guard() as self._interrupt:
                for iteration in epoch_sequence(self.begin_round, self.end_round):
                    self._train_epoch(iteration)
                    if self._interrupt.requested:
                        return self._interrupted(iteration)
                    self._evaluate(iteration)
                    self.model = self.env.model = self.extract_model()
                    model_mod.set_last_model(self.model)
                    if not self._epoch_end(iteration) or self._interrupt.requested:
                        break
        finally:
            self.devices.close()
            for d in self._eval_devices.values():
                d.close()
        return self.model

    def _interrupted(self, iteration: int):
        partial = self.extract_model()
        model_mod.set_last_model(partial)
        warnings.warn(f"Training interrupted (Ctrl-C) in epoch {iteration} after "
                      f"{self.env.nbatch} batches; returning the model trained so far.",
                      TrainingInterrupted, stacklevel=3)
        return partial


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


def check_finite_params(params: dict[str, np.ndarray]) -> str | None:
    """Name of the first parameter holding NaN or Inf (None when all are finite)."""
    for name, value in params.items():
        if not np.isfinite(value).all():
            return name
    return None

