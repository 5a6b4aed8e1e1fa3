"""The R environment (``env``) R callbacks read, mirroring the trainer's TrainEnv.

Before each call only what changed is copied: the epoch/batch counters and the metric state
travel in one reused numeric vector and are unpacked by R; ``model``, ``eval.metric`` and
``result`` are rebuilt only when the trainer replaced them. Heavy, rarely read fields
(``dlist``, ``preds``, ``labels``, ``train.execs``...) are active bindings that convert on
access (R/callback.R, ``.mx_env_bind``). Whatever a callback assigns (``env$count <- 0``)
stays for the rest of the run."""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Any

import numpy as np
import rpy2.rinterface as ri

from .. import io
from ..engine.executor import Executor
from ..graph.symbol import Symbol
from ..training.env import TrainEnv
from . import convert, rsymbol, session
from .closures import ns_function
from .rdata import r_iterator
from .rvalues import model_to_r

RT = convert.RT


#: Fields R reads straight from the trainer when a callback asks (active bindings).
LAZY_FIELDS = ("input.shape", "output.shape", "train.data", "eval.data", "kvstore", "fixed.param",
               "metric_cpu", "arg.params", "aux.params", "ndevice", "input_slice", "arg_names",
               "output.names", "train.execs", "params.index", "update.on.kvstore", "dlist",
               "preds", "labels", "epoch_continue")


def _double_to_r(value) -> Any:
    # begin.round after a resume is the original run's, so callbacks keep counting from it
    return ri.FloatSexpVector([float(value)])


def _int_to_r(value) -> Any:
    return ri.IntSexpVector([int(value)])


def _state_to_r(state) -> Any:
    return ri.FloatSexpVector([float(s) for s in state])


def _result_to_r(result) -> Any:
    return convert.make_list({"name": ri.StrSexpVector([result.name]),
                              "value": ri.FloatSexpVector([float(result.value)])})


class REnv:
    """The persistent R environment callbacks see, kept in step with a TrainEnv."""

    def __init__(self, train_env: TrainEnv, fixed: dict[str, Any]) -> None:
        self.env = ri.baseenv["new.env"]()
        # iteration, the call's nbatch, env$nbatch, has train.metric, its count and sum
        self.nums = ri.FloatSexpVector([0.0] * 6)
        self.nums_view = np.asarray(self.nums.memoryview())
        self.call = ns_function(".mx_call_callback")
        self.versions: dict[str, int] = {}
        self.r_interrupted = False  # an R callback was interrupted by R's own Ctrl-C handler
        self.python_sigints = 0  # SIGINTs Python's handler saw since the first R callback
        self._counting = False
        # binds without copying (docs/RBRIDGE.md, "Closures exported to R")
        self._assign = assign = ri.baseenv["assign"]
        for name, value in fixed.items():
            assign(name, value, envir=self.env)
        env_id = convert.HANDLES.add(train_env)
        session.call_r(ns_function(".mx_env_bind"), self.env, ri.StrSexpVector(LAZY_FIELDS),
                       env_id)

    @contextlib.contextmanager
    def released(self):
        """Drop this run's references to R objects when training ends, however it ends.

        The run's TrainEnv lives in ``convert.HANDLES`` until R collects the handle that
        the env's active bindings hold, and the TrainEnv holds the callbacks, which hold
        this REnv. While Python kept ``self.env`` (rpy2 preserves what Python holds), R
        could never collect the env, so the handle, the TrainEnv, its executors and the
        R objects stayed alive: about 34 kB per training with R callbacks. Released, the
        env lives exactly as long as R code holds it (a callback that saved ``env``)."""
        try:
            yield self
        finally:
            self.env = self.nums = self.call = self._assign = None
            self.nums_view = None

    def count_sigints(self) -> None:
        """Count the SIGINTs Python sees during this run (wrapping the trainer's handler).

        The trainer stops at the first Ctrl-C and passes a second one to the bridge, which
        interrupts R; R's own handler (an R callback in Sys.sleep) takes some without Python
        seeing them. RCallback needs the count to tell a first Ctrl-C from a second one. The
        trainer puts its own previous handler back when the run ends, dropping this wrapper.
        """
        if self._counting or threading.current_thread() is not threading.main_thread():
            return
        self._counting = True
        inner = signal.getsignal(signal.SIGINT)
        if not callable(inner):
            return

        def counting(signum, frame):
            self.python_sigints += 1
            return inner(signum, frame)
        signal.signal(signal.SIGINT, counting)

    # Fields copied into R only when the trainer replaced them: (R name, TrainEnv key, converter).
    _SYNCED = (("eval.metric", "eval_metric", _state_to_r), ("model", "model", model_to_r),
               ("result", "result", _result_to_r), ("begin.round", "begin_round", _double_to_r),
               ("rank", "rank", _int_to_r), ("num.workers", "num_workers", _int_to_r))

    def sync(self, env: TrainEnv, nbatch: int) -> None:
        """Copy what changed into R: counters and metric state every call (into the reused
        numeric vector), the synced fields only when their version moved."""
        fields, v = env.fields(), self.nums_view
        v[0] = fields.get("iteration") or 0
        v[1] = nbatch
        v[2] = fields.get("nbatch") or 0
        tm = fields.get("train_metric")
        if tm is None:
            v[3] = 0.0
        else:
            v[3], v[4], v[5] = 1.0, tm[0], tm[1]
        versions = self.versions
        for r_name, key, converter in self._SYNCED:
            version = env.version(key)
            if version != versions.get(key, 0):
                versions[key] = version
                value = fields.get(key)
                self._assign(r_name, ri.NULL if value is None else converter(value),
                             envir=self.env)


def env_field_to_r(env: TrainEnv, name: str) -> Any:
    """The R value of one of :data:`LAZY_FIELDS`, converted from the trainer's state now."""
    value = env[name]
    if value is None:
        return ri.NULL
    if name in ("train.data", "eval.data") and isinstance(value, io.DataIter):
        robj = getattr(value, "robj", None)  # an R iterator: the R object itself
        return robj if robj is not None else r_iterator(value)
    if name in ("input.shape", "output.shape"):
        return convert.make_list({k: convert.r_shape(v) for k, v in value.items()})
    if name == "params.index":
        return ri.IntSexpVector([int(i) + 1 for i in value])  # R positions are 1-based
    if name == "input_slice":
        return ri.ListSexpVector([convert.to_r({"begin": lo, "end": hi}) for lo, hi in value])
    if name == "train.execs":
        return ri.ListSexpVector([_executor_to_r(ex) for ex in value])
    if isinstance(value, Symbol):
        return rsymbol.symbol_to_r(value)
    return convert.to_r(value)


def _executor_to_r(ex: Executor) -> Any:
    """A snapshot of an executor's arrays, under MXNet R's field names."""
    return convert.make_list({
        "ref.arg.arrays": convert.params_to_r(ex.arg_arrays),
        "ref.grad.arrays": convert.params_to_r(ex.grad_arrays),
        "ref.aux.arrays": convert.params_to_r(ex.aux_arrays),
        "ref.outputs": ri.ListSexpVector([convert.from_backend(o, "MXNDArray")
                                          for o in ex.outputs]),
    })
