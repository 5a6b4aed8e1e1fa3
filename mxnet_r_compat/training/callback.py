"""Built-in training callbacks (``mx.callback.*``, docs/MXNET_R_BEHAVIOUR.md, "Built-in callbacks")
and how they are called.

A callback is a callable ``(iteration, nbatch, env[, verbose])``. Epoch-end
callbacks get ``verbose=`` only when they accept it (MXNet R always passed it,
which broke the tutorial's own 3-argument closures). Returning False from an
epoch-end callback stops training; None and True continue.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from .._args import whole_number
from ..console import message
from ..errors import MXTypeError, arg_name, invalid_value
from .persistence import save_model


class MetricLogger:
    """Keeps the per-epoch metric values (``mx.metric.logger``).

    Example:
        >>> logger = MetricLogger(); logger.train, logger.eval
        ([], [])
    """

    def __init__(self) -> None:
        self.train: list[float] = []
        self.eval: list[float] = []

    @classmethod
    def new(cls) -> MetricLogger:
        """R's ``mx.metric.logger$new()``."""
        return cls()

    def __repr__(self) -> str:
        return f"<mx.metric.logger train={self.train} eval={self.eval}>"


def accepts_verbose(fn: Callable) -> bool:
    """True when ``fn`` can take a ``verbose=`` keyword (named, or via ``**kwargs``)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "verbose" or p.kind is p.VAR_KEYWORD for p in params)


def check_callback(fn: Any, slot: str) -> Callable:
    """Reject a callback that is not callable, naming the slot.

    Example:
        >>> check_callback(print, "batch.end.callback") is print
        True
    """
    if not callable(fn):
        raise MXTypeError(f"Invalid value for argument `{arg_name(slot)}`. Received: {fn!r} "
                          f"({type(fn).__name__}). Expected a function(iteration, nbatch, env).")
    return fn


# -------------------------------------------------------------------------------------------
# The built-in callbacks


def log_train_metric(period: int, logger: MetricLogger | None = None) -> Callable:
    """Log the training metric every ``period`` batches (or each epoch, as epoch callback).

    With a logger, appends the train value (and the eval value when there is one).

    Example:
        >>> logger = MetricLogger(); cb = log_train_metric(5, logger)
    """
    period = whole_number("period", period)
    if logger is not None and not isinstance(logger, MetricLogger):
        raise MXTypeError("Invalid mx.metric.logger.")

    def callback(iteration, nbatch, env, verbose=True):
        if nbatch % period == 0 and env.metric is not None:
            result = env.metric.get(env.train_metric)
            if nbatch != 0 and verbose:
                # nbatch is a double in R: batch 100000 prints as 1e+05 (docs/MXNET_R_BEHAVIOUR.md,
                # "Conventions").
                message("Batch [", float(nbatch), "] Train-", result.name, "=", result.value)
            if logger is not None:
                logger.train.append(result.value)
                if env.eval_metric is not None:
                    result = env.metric.get(env.eval_metric)
                    if nbatch != 0 and verbose:
                        message("Batch [", float(nbatch), "] Validation-", result.name, "=",
                                result.value)
                    logger.eval.append(result.value)
        return True
    return callback


def log_speedometer(batch_size: int, frequency: int = 50) -> Callable:
    """Print samples/second every ``frequency`` batches (batch callback only).

    Timing state lives in ``env`` (count, init, tic) as in MXNet R.

    Example:
        >>> cb = log_speedometer(128, frequency=10)
    """
    batch_size = whole_number("batch.size", batch_size)
    frequency = whole_number("frequency", frequency)

    def callback(iteration, nbatch, env, verbose=True):
        count = env.count
        if count is None or count > nbatch:
            env.init = False
        env.count = nbatch
        if not env.init:
            env.init = True
            env.tic = time.perf_counter()
            return None
        if nbatch % frequency == 0 and env.metric is not None:
            elapsed = max(time.perf_counter() - env.tic, 1e-9)
            speed = frequency * batch_size / elapsed
            result = env.metric.get(env.train_metric)
            if nbatch != 0 and verbose:
                message("Batch [", float(nbatch), "] Speed: ", speed, " samples/sec Train-",
                        result.name, "=", result.value)
            env.tic = time.perf_counter()
        return None
    return callback


def save_checkpoint(prefix: str, period: int = 1) -> Callable:
    """Save ``env.model`` as MXNet files every ``period`` epochs (epoch callback).

    Example:
        >>> cb = save_checkpoint("boston")   # writes boston-symbol.json, boston-0001.params...
    """
    period = whole_number("period", period)
    if not isinstance(prefix, str) or not prefix:
        raise invalid_value("prefix", prefix, "a non-empty file name prefix")

    def callback(iteration, nbatch, env, verbose=True):
        if iteration % period == 0:
            save_model(env.model, prefix, iteration)
            if verbose:
                message("Model checkpoint saved to %s-%04d.params\n" % (prefix, iteration))
        return True
    return callback


def early_stop(train_metric: float | None = None, eval_metric: float | None = None,
               bad_steps: int | None = None, maximize: bool = False,
               verbose: bool = False) -> Callable:
    """Stop on a metric threshold, or after ``bad_steps`` epochs worse than the best.

    Fixes MXNet R v1.x: the best score is kept per callback (not in globals), starts
    at -Inf when maximising, and is reset at the first epoch of each training run.

    Example:
        >>> cb = early_stop(bad_steps=3)     # patience of 3 epochs on the validation metric
    """
    if bad_steps is not None:
        bad_steps = whole_number("bad.steps", bad_steps)
    state = {"best_score": None, "best_iter": 1, "first": None}

    def worse(value, best):
        return value < best if maximize else value > best

    def callback(iteration, nbatch, env, verbose=True):
        if env.metric is None:
            return True
        if train_metric is not None:
            value = env.metric.get(env.train_metric).value
            if (value > train_metric) if maximize else (value < train_metric):
                return False
        if eval_metric is not None and env.eval_metric is not None:
            value = env.metric.get(env.eval_metric).value
            if (value > eval_metric) if maximize else (value < eval_metric):
                return False
        if bad_steps is None or env.eval_metric is None:
            return True
        if state["first"] is None or iteration == env.begin_round:
            state.update(best_score=-np.inf if maximize else np.inf, best_iter=1, first=iteration)
        value = env.metric.get(env.eval_metric).value
        if worse(value, state["best_score"]):
            if state["best_iter"] == bad_steps:
                if verbose:
                    message("Best score=", state["best_score"], ", iteration [",
                            iteration - bad_steps, "]")
                return False
            state["best_iter"] += 1
        else:
            state.update(best_score=value, best_iter=1)
        return True
    callback.state = state  # type: ignore[attr-defined]  # a function attribute, read by resume
    return callback
