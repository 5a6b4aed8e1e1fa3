"""Optimizers (``mx.opt.*``, docs/MXNET_R_BEHAVIOUR.md, "Optimizers"): MXNet R v1.x update rules,
run in C.

An optimizer keeps its hyper-parameters, per-weight state arrays (zeros at
first, owned here, updated in place by C) and MXNet's update counters.
Hyper-parameters go through MXNet R's 6-significant-digit formatting before
use, as they did on their way into MXNet's update operators.

Each class picks a rule of the C optimizer table (native/optimizers.def) and
keeps the attributes that rule's hyper-parameters are named after; which
hyper-parameters a rule reads, and in which order, is read from that table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._args import normalize_kwargs, number
from .._lib import NULL, check, ffi, fptr, lib, optimizer_rule
from ..errors import MXValueError, invalid_value, word
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
                                f"mx.lr_scheduler.FactorScheduler(...) or {word('NULL')}")
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

    def rule(self) -> int:
        """The C update rule (``lib.MXC_OPT_*``, native/optimizers.def) of this optimizer's
        current settings (a subclass keeps its parent's rule); 0 when no class has one
        (a subclass of Optimizer overrides ``_step``).

        Example:
            >>> create("sgd", momentum=0.9).rule() == lib.MXC_OPT_SGD_MOM
            True
        """
        for cls in type(self).__mro__:
            if cls in _RULES:
                return _RULES[cls](self)
        return 0

    def _step(self, w: np.ndarray, g: np.ndarray, state: list[np.ndarray]) -> None:
        """One C update of ``w`` through the rule's adapter (native/update.h)."""
        u = self._c_update()
        u.n, u.w, u.g = w.size, fptr(w, True), fptr(g)
        for j, s in enumerate(state):
            u.s[j] = fptr(s, True)
        rc = lib.mxc_update_apply(u)
        if rc:
            check(rc, f"{self.name} update")

    def _c_update(self) -> Any:
        """The ``mxc_update`` with this optimizer's rule and hyper-parameters, rebuilt when
        a setting changed (any attribute set, as :meth:`fused_key` tracks); its state
        pointers past the rule's own states stay NULL."""
        setting = self.__dict__.get("_setting", 0)
        cached = self.__dict__.get("_update")
        if cached is None:
            cached = self.__dict__["_update"] = [None, ffi.new("mxc_update *")]
        u = cached[1]
        if cached[0] != setting:
            u.kind = kind = self.rule()
            for name in _hparams(kind):
                setattr(u.hp, name, self.hyper(name))
            for j in range(lib.MXC_OPT_MAX_STATES):
                u.s[j] = NULL
            cached[0] = setting
        return u

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

    # -- fused path (native/update.h) --------------------------------------------------------
    def fused_spec(self) -> tuple[int, dict[str, float]] | None:
        """``(MXC_OPT_* rule, {hyper-parameter name: value})`` for updates run by C without
        Python in between, or None when each update must run here (an lr scheduler is called
        per update, or a subclass has its own rule).

        Example:
            >>> create("sgd", learning_rate=0.1).fused_spec()[1]["lr"]
            0.1
        """
        if self.lr_scheduler is not None or type(self) not in _RULES:
            return None
        kind = self.rule()
        return kind, {name: self.hyper(name) for name in _hparams(kind)}

    def __setattr__(self, name: str, value: Any) -> None:
        # Any setting but the counters' may change the rule, a hyper-parameter or the
        # states: fused_key() then changes, and the fused path rebuilds its updates.
        if name not in _COUNTERS:
            self.__dict__["_setting"] = self.__dict__.get("_setting", 0) + 1
        self.__dict__[name] = value

    def fused_key(self) -> tuple | None:
        """Changes whenever :meth:`fused_spec` or the state arrays may have (any attribute
        set, the state dict's size); None when updates cannot run in C."""
        if self.lr_scheduler is not None or type(self) not in _RULES:
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


class SGD(Optimizer):
    """Stochastic gradient descent, with optional momentum (``mx.opt.sgd``)."""

    name = "sgd"

    def __init__(self, learning_rate=0.01, momentum=0.0, wd=0.0, rescale_grad=1.0,
                 clip_gradient=-1.0, lr_scheduler=None) -> None:
        super().__init__(learning_rate, wd, rescale_grad, clip_gradient, lr_scheduler)
        self.momentum = number("momentum", momentum, "0 <= momentum < 1",
                               ok=lambda v: 0 <= v < 1, finite=False)
        self.n_states = 1 if self.momentum != 0 else 0


class NAG(SGD):
    """Nesterov accelerated gradient (``mx.opt.nag``)."""

    name = "nag"


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


class AdaGrad(Optimizer):
    """AdaGrad (``mx.opt.adagrad``)."""

    name = "adagrad"
    n_states = 1

    def __init__(self, learning_rate=0.05, epsilon=1e-8, wd=0.0, rescale_grad=1.0,
                 clip_gradient=-1.0, lr_scheduler=None) -> None:
        super().__init__(learning_rate, wd, rescale_grad, clip_gradient, lr_scheduler)
        self.epsilon = number("epsilon", epsilon, "a number > 0", ok=lambda v: v > 0, finite=False)


class AdaDelta(Optimizer):
    """AdaDelta (``mx.opt.adadelta``); it has no learning rate."""

    name = "adadelta"
    n_states = 2

    def __init__(self, rho=0.90, epsilon=1e-5, wd=0.0, rescale_grad=1.0,
                 clip_gradient=-1.0) -> None:
        super().__init__(1.0, wd, rescale_grad, clip_gradient, None)
        self.rho = number("rho", rho, "0 <= rho < 1", ok=lambda v: 0 <= v < 1, finite=False)
        self.epsilon = number("epsilon", epsilon, "a number > 0", ok=lambda v: v > 0, finite=False)


_COUNTERS = frozenset({"num_update", "counts", "_hyper_cache"})

# The C rule (native/optimizers.def) of each class, from its settings.
_RULES: dict[type, Callable[[Any], int]] = {
    SGD: lambda o: lib.MXC_OPT_SGD if o.momentum == 0 else lib.MXC_OPT_SGD_MOM,
    NAG: lambda o: lib.MXC_OPT_NAG,
    Adam: lambda o: lib.MXC_OPT_ADAM,
    RMSProp: lambda o: lib.MXC_OPT_RMSPROPALEX if o.centered else lib.MXC_OPT_RMSPROP,
    AdaGrad: lambda o: lib.MXC_OPT_ADAGRAD,
    AdaDelta: lambda o: lib.MXC_OPT_ADADELTA,
}

_HPARAMS: dict[int, tuple[str, ...]] = {}


def _hparams(kind: int) -> tuple[str, ...]:
    """The hyper-parameters rule ``kind`` reads (its row of native/optimizers.def)."""
    names = _HPARAMS.get(kind)
    if names is None:
        names = _HPARAMS[kind] = optimizer_rule(kind)[2]
    return names


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
            optimizer.update(index, np.asarray(weight_list[key]), np.asarray(g, np.float32))
            out[key] = weight_list[key]
        return out
    return updater
