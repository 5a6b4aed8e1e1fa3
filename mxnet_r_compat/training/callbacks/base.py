"""What the built-in callback objects share: the monitor, the direction, the life cycle.

A callback object is called like any callback, ``cb(iteration, nbatch, env[, verbose])``,
and has a life cycle driven by the :class:`~mxnet_r_compat.callbacks.dry_run.DryRun`
plugin that ``mx.model.FeedForward.create`` installs:

1. ``check(env, slot)`` before the first batch returns a list of problems (empty when
   all is well): a monitored metric that does not exist, a path that cannot be written,
   a slot the callback does not belong in. Nothing is changed.
2. ``start(env, clock)`` prepares the object for this run (resets its state, unless
   ``load_state_dict`` was called since the last run: that is how exact resume restores
   it, whatever the order of plugins).
3. ``close(error)`` after the last epoch, also when training failed.

Stopping and saving callbacks have ``state_dict()`` / ``load_state_dict(state)`` holding
plain Python values (numbers, strings, lists, dicts, numpy arrays).

A *monitor* names the value a callback watches: ``"eval"`` (the validation value of
the metric), ``"train"``, ``"train-<metric>"`` / ``"eval-<metric>"`` (the name must be
the metric's), or a bare metric name (the validation value when there is eval.data,
else the training value).
"""

from __future__ import annotations

import inspect
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from ... import _args
from ...errors import invalid_value, word

MODES = ("auto", "min", "max")
_PHASES = {"eval": "eval", "validation": "eval", "val": "eval", "train": "train"}


@dataclass(frozen=True)
class Monitor:
    """A parsed monitor: ``phase`` is "train", "eval" or None (decided by the data);
    ``metric`` is a required metric name or None (whatever metric is used)."""

    text: str
    phase: str | None
    metric: str | None

    @classmethod
    def parse(cls, text: Any) -> Monitor:
        """Parse ``"eval"``, ``"train-rmse"``, ``"rmse"``...

        Example:
            >>> Monitor.parse("train-rmse")
            Monitor(text='train-rmse', phase='train', metric='rmse')
        """
        if not isinstance(text, str) or not text:
            raise invalid_value("monitor", text, '"eval", "train", "eval-<metric>", '
                                '"train-<metric>" or a metric name')
        if text.lower() in _PHASES:
            return cls(text, _PHASES[text.lower()], None)
        head, sep, tail = text.partition("-")
        if sep and head.lower() in _PHASES and tail:
            return cls(text, _PHASES[head.lower()], tail)
        return cls(text, None, text)

    def problems(self, env) -> list[str]:
        """Why this monitor cannot be read in the run described by ``env`` (empty: it can)."""
        metric = env.metric
        if metric is None:
            return [f'monitor "{self.text}" needs a metric, but eval.metric is NULL']
        out = []
        if self.metric is not None and self.metric != metric.name:
            out.append(f'monitor "{self.text}" names the metric "{self.metric}", but the '
                       f'metric of this run is "{metric.name}"')
        if self.phase == "eval" and env.eval_data is None:
            out.append(f'monitor "{self.text}" needs validation data, but eval.data is NULL '
                       f'(use monitor = "train")')
        return out

    def phase_in(self, env) -> str:
        """The phase actually watched in this run."""
        if self.phase is not None:
            return self.phase
        return "eval" if env.eval_data is not None else "train"

    def label(self, env) -> str:
        """How messages name the value, e.g. ``eval-rmse``."""
        name = env.metric.name if env.metric is not None else "?"
        return f"{self.phase_in(env)}-{name}"

    def value(self, env) -> float | None:
        """The watched value now (at an epoch end), or None when it is not available."""
        metric = env.metric
        state = env.eval_metric if self.phase_in(env) == "eval" else env.train_metric
        if metric is None or state is None:
            return None
        return float(metric.get(state).value)


def check_mode(mode: Any) -> str:
    if mode not in MODES:
        raise invalid_value("mode", mode, '"auto", "min" or "max"')
    return str(mode)


def maximizing(mode: str, env) -> bool:
    """True when higher is better: ``mode="auto"`` uses the metric's declared direction.

    Example:
        >>> from mxnet_r_compat.metric import accuracy
        >>> class E: metric = accuracy
        >>> maximizing("auto", E), maximizing("min", E)
        (True, False)
    """
    if mode == "auto":
        return bool(getattr(env.metric, "maximize", False))
    return mode == "max"


def improves(value: float | None, best: float | None, maximize: bool, min_delta: float) -> bool:
    """Is ``value`` better than ``best`` by more than ``min_delta``? NaN never improves;
    anything finite improves on no best at all.

    Example:
        >>> improves(0.5, 1.0, False, 0.1), improves(0.95, 1.0, False, 0.1)
        (True, False)
        >>> improves(1.0, None, True, 0)
        True
    """
    if value is None or math.isnan(value):
        return False
    if best is None or math.isnan(best):
        return True
    return value > best + min_delta if maximize else value < best - min_delta


#: The shared numeric validator (_args.py), showing a whole double as R prints it: R passes 0
#: as 0.0, and the message says ``patience=0``.
number = partial(_args.number, as_r=True)


def flag(arg: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise invalid_value(arg, value, f"{word('TRUE')} or {word('FALSE')}")
    return bool(value)


def managed(fn: Any) -> bool:
    """Is ``fn`` a callback object with the life cycle of this module (check, start, close)?
    Other objects are only called: their own methods of those names are never used."""
    return isinstance(fn, TrainingCallback) or bool(getattr(type(fn), "mx_managed", False))


class TrainingCallback:
    """Base class of the built-in callback objects (see the module docstring).

    Subclasses set ``name`` (the R name without ``mx.callback.``) and ``slots``
    (where the callback may be placed), and override :meth:`reset`, :meth:`check`,
    :meth:`__call__` and, when they keep state, :meth:`state_dict`.
    """

    name = "callback"
    slots: tuple[str, ...] = ("epoch.end",)

    def __init__(self) -> None:
        self._started = False
        self._loaded = False
        self.clock_start = time.perf_counter()
        self.reset()

    # -- life cycle ---------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget the state of a previous run."""

    def check(self, env, slot: str) -> list[str]:
        """Problems that would make this callback fail in the run described by ``env``."""
        if slot not in self.slots:
            where = " or ".join(f"{s}.callback" for s in self.slots)
            return [f"belongs in {where}, but was given as {slot}.callback"]
        return []

    def start(self, env, clock_start: float | None = None) -> None:
        """Prepare for a run; keeps a state loaded by :meth:`load_state_dict`."""
        self.clock_start = time.perf_counter() if clock_start is None else clock_start
        if not self._loaded:
            self.reset()
        self._loaded = False
        self._started = True

    def close(self, error: BaseException | None = None) -> None:
        """Called once after training ended (also on failure)."""
        self._started = False

    def ensure_started(self, env) -> None:
        """Start on first use when no plugin started this callback (a hand-made Trainer)."""
        if not self._started:
            self.start(env)

    def elapsed(self) -> float:
        """Seconds since the run started."""
        return time.perf_counter() - self.clock_start

    # -- state --------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore a state; the next :meth:`start` keeps it instead of resetting."""
        self._load(dict(state))
        self._loaded = True

    def _load(self, state: dict[str, Any]) -> None:
        pass

    def __call__(self, iteration: int, nbatch: int, env, verbose: bool = True) -> Any:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<mx.callback.{self.name}>"


def writable_problem(path: str, what: str) -> str | None:
    """Why a file cannot be created at ``path`` (a temporary file is created in its
    directory and removed), or None when it can.

    Example:
        >>> writable_problem("/nonexistent-dir/m", "prefix") is not None
        True
    """
    import os
    import tempfile
    directory = os.path.dirname(os.path.abspath(os.path.expanduser(path)))
    if not os.path.isdir(directory):
        return f'{what} "{path}": the directory {directory} does not exist'
    try:
        fd, probe = tempfile.mkstemp(prefix=".mxnet-dry-run-", dir=directory)
        os.close(fd)
        os.remove(probe)
    except OSError as err:
        return f'{what} "{path}": cannot write in {directory} ({err.strerror or err})'
    return None


def arity_problem(fn: Callable, n: int, verbose: bool = False) -> str | None:
    """Why ``fn`` cannot be called with ``n`` positional arguments (and ``verbose=`` when
    ``verbose`` is true and ``fn`` accepts it, as epoch callbacks are), or None when it can.

    An object with an ``arity_problem(n)`` method answers for itself (the R bridge's
    wrappers of R closures read ``formals()``); a builtin without a signature passes.

    Example:
        >>> arity_problem(lambda iteration, nbatch: 0, 3)
        'is called with 3 arguments but takes (iteration, nbatch)'
    """
    own = getattr(fn, "arity_problem", None)
    if own is not None and not inspect.isclass(fn):
        return own(n)
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    params = signature.parameters.values()
    keywords = {"verbose": True} if verbose and any(
        p.name == "verbose" or p.kind is p.VAR_KEYWORD for p in params) else {}
    try:
        signature.bind(*range(n), **keywords)
    except TypeError:
        names = [p.name for p in params if p.kind not in (p.VAR_KEYWORD, p.KEYWORD_ONLY)]
        return f"is called with {n} arguments but takes ({', '.join(names)})"
    return None
