"""Optimizers (``mx.opt.*``, docs/MXNET_R_BEHAVIOUR.md, "Optimizers"): MXNet R v1.x update rules,
run in C.

An optimizer keeps its hyper-parameters, per-weight state arrays (zeros at
first, owned here, updated in place by C) and MXNet's update counters.
Hyper-parameters go through MXNet R's 6-significant-digit formatting before
use, as they did on their way into MXNet's update operators.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._args import normalize_kwargs, number
from .._lib import NULL, check, fptr, lib
from ..errors import MXValueError, invalid_value
from ..ops import format_param


def _as_backend_float(value: float) -> float:
    """A double as MXNet R's backend receives it (6 significant digits)."""
    return float(format_param(float(value)))


class Optimizer:
    """Base optimizer: hyper-parameters, state, counters and the update call.

    Attributes:
        lr: current learning rate (a scheduler may change it between updates).
        num_update: MXNet's update counter (max over weights of their own counts).
    """

    name = "optimizer"
    n_states = 0

    def __init__(self, learning_rate: float = 0.01, wd: float = 0.0, rescale_grad: float = 1.0,
                 clip_gradient: float = -1.0, lr_scheduler: Callable | None = None) -> None:
        self.lr = number("learning.rate", learning_rate, "a number >= 0",
                         ok=lambda v: v >= 0, finite=False)
        self.wd = number("wd", wd, "a number >= 0", ok=lambda v: v >= 0, finite=False)
        self.rescale_grad = number("rescale.grad", rescale_grad, "a finite number")
        self.clip_gradient = number("clip_gradient", clip_gradient,
                                    "a number (negative disables clipping)")
        if lr_scheduler is not None and not callable(lr_scheduler):
            raise invalid_value("lr_scheduler", lr_scheduler, "a scheduler such as "
                                "mx.lr_scheduler.FactorScheduler(...) or NULL")
        self.lr_scheduler = lr_scheduler
        self.num_update = 0
        self.counts: dict[int, int] = {}
        self.states: dict[int, list[np.ndarray]] = {}

    def create_state(self, index: int, weight: np.ndarray) -> list[np.ndarray]:
        """Zero-initialised state arrays for one weight."""
        return [np.zeros_like(weight) for _ in range(self.n_states)]

    def update(self, index: int, weight: np.ndarray, grad: np.ndarray,
               state_key: Any = None) -> None:
        """Update ``weight`` in place from ``grad`` (both float32, same shape).

        ``index`` drives MXNet's update counters (shared by all devices);
        ``state_key`` (default: index) selects the state arrays, one set per device.
        """
        if self.lr_scheduler is not None:
            self.lr_scheduler(self)
        if index not in self.counts:
            self.counts[index] = 0
        else:
            self.counts[index] += 1
            self.num_update = max(self.num_update, self.counts[index])
        key = index if state_key is None else state_key
        state = self.states.get(key)
        if state is None:
            state = self.states[key] = self.create_state(index, weight)
        self._step(weight, grad, state)

    def _step(self, w: np.ndarray, g: np.ndarray, state: list[np.ndarray]) -> None:
        raise NotImplementedError

    def hyper(self, name: str) -> float:
        """A hyper-parameter as the C kernel receives it (formatted once per value)."""
        value = getattr(self, name)
        cache = self.__dict__.setdefault("_hyper_cache", {})
        key = (name, value)
        got = cache.get(key)
        if got is None:
            if len(cache) > 64:
                cache.clear()
            got = cache[key] = _as_backend_float(value)
        return got

    # -- fused path (native/fused.h) --------------------------------------------------------
    def fused_spec(self) -> tuple[int, list[float]] | None:
        """``(MXC_OPT_* kind, hyper-parameters in the C function's order)`` for updates run
        by C, or None when each update must run here (an lr scheduler is called per update,
        or a subclass has its own rule)."""
        if self.lr_scheduler is not None or type(self) not in _FUSED:
            return None
        kind, names = _FUSED[type(self)](self)
        return kind, [self.hyper(n) for n in names]

    def __setattr__(self, name: str, value: Any) -> None:
        # Any setting but the counters' may change the rule, a hyper-parameter or the
        # states: fused_key() then changes, and the fused path rebuilds its updates.
        if name not in _COUNTERS:
            self.__dict__["_setting"] = self.__dict__.get("_setting", 0) + 1
        self.__dict__[name] = value

    def fused_key(self) -> tuple | None:
        """Changes whenever :meth:`fused_spec` or the state arrays may have (any attribute
        set, the state dict's size); None when updates cannot run in C."""
        if self.lr_scheduler is not None or type(self) not in _FUSED:
            return None
        return (id(self), self.__dict__.get("_setting", 0), id(self.states), len(self.states))

    def state_for(self, index: int, weight: np.ndarray, state_key: Any = None) -> list[np.ndarray]:
        """The state arrays of one weight, created (zeros) as the first update would."""
        key = index if state_key is None else state_key
        state = self.states.get(key)
        if state is None:
            state = self.states[key] = self.create_state(index, weight)
        return state

    def count_updates(self, index: int, times: int) -> None:
        """Advance the counters as ``times`` calls of :meth:`update` for ``index`` would."""
        if times < 1:
            return
        if index not in self.counts:
            self.counts[index] = times - 1
        else:
            self.counts[index] += times
        self.num_update = max(self.num_update, self.counts[index])

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to continue bit-for-bit (exact resume)."""
        save = getattr(self.lr_scheduler, "state_dict", None)
        return {"lr": self.lr, "num_update": self.num_update, "counts": dict(self.counts),
                "states": {k: [s.copy() for s in v] for k, v in self.states.items()},
                "lr_scheduler": save() if save is not None else None}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.lr, self.num_update = float(state["lr"]), int(state["num_update"])
        self.counts = {int(k): int(v) for k, v in state["counts"].items()}
        self.states = {k: [np.array(s, dtype=np.float32) for s in v]
                       for k, v in state["states"].items()}
        load = getattr(self.lr_scheduler, "load_state_dict", None)
        if state.get("lr_scheduler") is not None and load is not None:
            load(state["lr_scheduler"])


def _run(rc: int, name: str) -> None:
    if rc:
        check(rc, f"{name} update")


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum (``mx.opt.sgd``)."""

    name = "sgd"

    def __init__(self, learning_rate=0.01, momentum=0.0, wd=0.0, rescale_grad=1.0,
                 clip_gradient=-1.0, lr_scheduler=None) -> None:
        super().__init__(learning_rate, wd, rescale_grad, clip_gradient, lr_scheduler)
        self.momentum = number("momentum", momentum, "0 <= momentum < 1",
                               ok=lambda v: 0 <= v < 1, finite=False)
        self.n_states = 1 if self.momentum != 0 else 0

    def _step(self, w, g, state):
        h = self.hyper
        if self.momentum == 0:
            rc = lib.mxc_sgd_update(fptr(w, True), fptr(g), w.size, h("lr"), h("wd"),
                                    h("rescale_grad"), h("clip_gradient"))
        else:
            rc = lib.mxc_sgd_mom_update(fptr(w, True), fptr(state[0], True), fptr(g), w.size,
                                        h("lr"), h("momentum"), h("wd"), h("rescale_grad"),
                                        h("clip_gradient"))
        _run(rc, "sgd")


class NAG(SGD):
    """Nesterov accelerated gradient (``mx.opt.nag``)."""

    name = "nag"

    def _step(self, w, g, state):
        h = self.hyper
        mom = fptr(state[0], True) if state else NULL
        _run(lib.mxc_nag_update(fptr(w, True), mom, fptr(g), w.size, h("lr"), h("momentum"),
                                h("wd"), h("rescale_grad"), h("clip_gradient")), "nag")


class Adam(Optimizer):
    """Adam without bias correction, as MXNet R v1.x (``mx.opt.adam``)."""

    name = "adam"
    n_states = 2

    def __init__(self, learning_rate=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-8, wd=0.0,
                 rescale_grad=1.0, clip_gradient=-1.0, lr_scheduler=None) -> None:
        super().__init__(learning_rate, wd, rescale_grad, clip_gradient, lr_scheduler)
        self.beta1 = number("beta1", beta1, "0 <= beta1 < 1", ok=lambda v: 0 <= v < 1, finite=False)
        self.beta2 = number("beta2", beta2, "0 <= beta2 < 1", ok=lambda v: 0 <= v < 1, finite=False)
        self.epsilon = number("epsilon", epsilon, "a number > 0", ok=lambda v: v > 0, finite=False)

    def _step(self, w, g, state):
        h = self.hyper
        _run(lib.mxc_adam_update(fptr(w, True), fptr(state[0], True), fptr(state[1], True),
                                 fptr(g), w.size, h("lr"), h("beta1"), h("beta2"), h("epsilon"),
                                 h("wd"), h("rescale_grad"), h("clip_gradient")), "adam")


class RMSProp(Optimizer):
    """RMSProp, centered (Graves) by default (``mx.opt.rmsprop``)."""

    name = "rmsprop"

    def __init__(self, learning_rate=0.002, centered=True, gamma1=0.95, gamma2=0.9,
                 epsilon=1e-4, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0,
                 lr_scheduler=None) -> None:
        super().__init__(learning_rate, wd, rescale_grad, clip_gradient, lr_scheduler)
        self.centered = bool(centered)
        self.gamma1 = number("gamma1", gamma1, "0 <= gamma1 < 1",
                             ok=lambda v: 0 <= v < 1, finite=False)
        self.gamma2 = number("gamma2", gamma2, "0 <= gamma2 < 1",
                             ok=lambda v: 0 <= v < 1, finite=False)
        self.epsilon = number("epsilon", epsilon, "a number > 0", ok=lambda v: v > 0, finite=False)
        self.n_states = 3 if self.centered else 1

    def _step(self, w, g, state):
        h = self.hyper
        if self.centered:
            rc = lib.mxc_rmspropalex_update(
                fptr(w, True), fptr(state[0], True), fptr(state[1], True), fptr(state[2], True),
                fptr(g), w.size, h("lr"), h("gamma1"), h("gamma2"), h("epsilon"), h("wd"),
                h("rescale_grad"), h("clip_gradient"))
        else:
            rc = lib.mxc_rmsprop_update(fptr(w, True), fptr(state[0], True), fptr(g), w.size,
                                        h("lr"), h("gamma1"), h("epsilon"), h("wd"),
                                        h("rescale_grad"), h("clip_gradient"))
        _run(rc, "rmsprop")


class AdaGrad(Optimizer):
    """AdaGrad (``mx.opt.adagrad``)."""

    name = "adagrad"
    n_states = 1

    def __init__(self, learning_rate=0.05, epsilon=1e-8, wd=0.0, rescale_grad=1.0,
                 clip_gradient=-1.0, lr_scheduler=None) -> None:
        super().__init__(learning_rate, wd, rescale_grad, clip_gradient, lr_scheduler)
        self.epsilon = number("epsilon", epsilon, "a number > 0", ok=lambda v: v > 0, finite=False)

    def _step(self, w, g, state):
        h = self.hyper
        _run(lib.mxc_adagrad_update(fptr(w, True), fptr(state[0], True), fptr(g), w.size,
                                    h("lr"), h("epsilon"), h("wd"), h("rescale_grad"),
                                    h("clip_gradient")), "adagrad")


class AdaDelta(Optimizer):
    """AdaDelta (``mx.opt.adadelta``); it has no learning rate."""

    name = "adadelta"
    n_states = 2

    def __init__(self, rho=0.90, epsilon=1e-5, wd=0.0, rescale_grad=1.0,
                 clip_gradient=-1.0) -> None:
        super().__init__(1.0, wd, rescale_grad, clip_gradient, None)
        self.rho = number("rho", rho, "0 <= rho < 1", ok=lambda v: 0 <= v < 1, finite=False)
        self.epsilon = number("epsilon", epsilon, "a number > 0", ok=lambda v: v > 0, finite=False)

    def _step(self, w, g, state):
        h = self.hyper
        _run(lib.mxc_adadelta_update(fptr(w, True), fptr(state[0], True), fptr(state[1], True),
                                     fptr(g), w.size, h("rho"), h("epsilon"), h("wd"),
                                     h("rescale_grad"), h("clip_gradient")), "adadelta")


_COUNTERS = frozenset({"num_update", "counts", "_hyper_cache"})

# C update kind and hyper-parameter names (in the C function's order) of each class whose
# rule is exactly one optimizer.h function (fused.h: mxc_update).
_FUSED: dict[type, Callable[[Any], tuple[int, tuple[str, ...]]]] = {
    SGD: lambda o: (lib.MXC_OPT_SGD, ("lr", "wd", "rescale_grad", "clip_gradient"))
    if o.momentum == 0 else
    (lib.MXC_OPT_SGD_MOM, ("lr", "momentum", "wd", "rescale_grad", "clip_gradient")),
    NAG: lambda o: (lib.MXC_OPT_NAG, ("lr", "momentum", "wd", "rescale_grad", "clip_gradient")),
    Adam: lambda o: (lib.MXC_OPT_ADAM, ("lr", "beta1", "beta2", "epsilon", "wd", "rescale_grad",
                                        "clip_gradient")),
    RMSProp: lambda o: (lib.MXC_OPT_RMSPROPALEX, ("lr", "gamma1", "gamma2", "epsilon", "wd",
                                                  "rescale_grad", "clip_gradient"))
    if o.centered else
    (lib.MXC_OPT_RMSPROP, ("lr", "gamma1", "epsilon", "wd", "rescale_grad", "clip_gradient")),
    AdaGrad: lambda o: (lib.MXC_OPT_ADAGRAD, ("lr", "epsilon", "wd", "rescale_grad",
                                              "clip_gradient")),
    AdaDelta: lambda o: (lib.MXC_OPT_ADADELTA, ("rho", "epsilon", "wd", "rescale_grad",
                                                "clip_gradient")),
}

OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD, "nag": NAG, "adam": Adam, "rmsprop": RMSProp, "adagrad": AdaGrad,
    "adadelta": AdaDelta,
}


def create(name: str | Optimizer, **kwargs: Any) -> Optimizer:
    """Build an optimizer by name (``mx.opt.create``); R's dotted names are accepted.

    Example:
        >>> create("sgd", **{"learning.rate": 0.1, "momentum": 0.9}).momentum
        0.9
    """
    if isinstance(name, Optimizer):
        return name
    if name not in OPTIMIZERS:
        raise MXValueError(f"Unknown optimizer {name}. Expected one of: "
                           f"{', '.join(OPTIMIZERS)}.")
    cls = OPTIMIZERS[name]
    return cls(**normalize_kwargs(cls.__init__, kwargs, f"mx.opt.{name}"))


def get_updater(optimizer: Optimizer, weights: dict[str, np.ndarray] | None = None, ctx=None):
    """A closure ``(weights, grads) -> weights`` updating in place (``mx.opt.get.updater``).

    Both arguments are lists (or dicts) aligned by position; entries whose
    gradient is None are skipped and come back as None, as in MXNet R.

    Example:
        >>> up = get_updater(create("sgd", learning_rate=1.0))
        >>> w = [np.ones(2, np.float32)]; up(w, [np.ones(2, np.float32)])[0]
        array([0., 0.], dtype=float32)
    """
    def updater(weight_list, grad_list):
        keys = list(weight_list) if isinstance(weight_list, dict) else range(len(weight_list))
        out = dict.fromkeys(keys) if isinstance(weight_list, dict) else [None] * len(weight_list)
        for index, key in enumerate(keys):
            g = grad_list[key]
            if g is None:
                continue
            optimizer.update(index, weight_list[key], g)
            out[key] = weight_list[key]
        return out
    return updater
