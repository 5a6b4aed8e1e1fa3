"""``mx.callback.safe``: a per-callback error policy.

A crashing logging callback should not end a ten-hour run. ``safe(cb)`` calls
``cb`` and, when it fails:

- ``on_error = "warn"`` (default): issues a :class:`CallbackWarning` naming the
  callback, the epoch and the batch, and training continues;
- ``"disable"``: warns once and does not call ``cb`` again in this run;
- ``"abort"``: re-raises, as an unwrapped callback would.

Ctrl-C is never swallowed. Everything else about ``cb`` (its dry-run check,
state, ``final_model``) passes through the wrapper.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from ...errors import invalid_value
from ..callback import accepts_verbose
from .base import managed

ON_ERROR = ("warn", "disable", "abort")


class CallbackWarning(UserWarning):
    """A callback wrapped in ``mx.callback.safe`` failed; training went on."""


class Safe:
    """Call ``inner``, applying the ``on_error`` policy to its failures.

    Attributes:
        failures: how many calls failed in this run; ``last_error`` the last exception.

    Example:
        >>> cb = Safe(lambda iteration, nbatch, env: 1 / 0)
    """

    mx_managed = True  # has check/start/close (callbacks.base.managed)

    def __init__(self, inner: Callable, on_error: str = "warn") -> None:
        if not callable(inner):
            raise invalid_value("cb", inner, "a callback: function(iteration, nbatch, env)")
        if on_error not in ON_ERROR:
            raise invalid_value("on.error", on_error, '"warn", "disable" or "abort"')
        self.inner: Any = inner
        self.on_error = on_error
        self._verbose = accepts_verbose(inner)
        self.failures = 0
        self.last_error: BaseException | None = None
        self.disabled = False
        inner_name = getattr(inner, "name", None) or getattr(inner, "__name__", None)
        self.name = f"safe({inner_name})" if inner_name and inner_name != "<lambda>" \
            else "safe"

    def __call__(self, iteration: int, nbatch: int, env, verbose: bool | None = None) -> Any:
        if self.disabled:
            return None
        kwargs = {"verbose": verbose} if verbose is not None and self._verbose else {}
        try:
            return self.inner(iteration, nbatch, env, **kwargs)
        except Exception as err:
            if self.on_error == "abort":
                raise
            self.failures += 1
            self.last_error = err
            self.disabled = self.on_error == "disable"
            where = f"epoch {iteration}" + (f", batch {nbatch}" if nbatch else "")
            then = "it is disabled for the rest of training" if self.disabled \
                else "training continues"
            warnings.warn(f"Callback {self.name} failed in {where}: {type(err).__name__}: "
                          f"{err}; {then}.", CallbackWarning, stacklevel=2)
            return None

    def check(self, env, slot: str) -> list[str]:
        return self.inner.check(env, slot) if managed(self.inner) else []

    def start(self, env, clock_start: float | None = None) -> None:
        self.failures, self.last_error, self.disabled = 0, None, False
        if managed(self.inner):
            self.inner.start(env, clock_start)

    def close(self, error: BaseException | None = None) -> None:
        if not managed(self.inner):
            return
        try:
            self.inner.close(error)
        except Exception as err:
            if self.on_error == "abort":
                raise
            self.failures += 1
            self.last_error = err
            warnings.warn(f"Callback {self.name} failed when training ended: "
                          f"{type(err).__name__}: {err}.", CallbackWarning, stacklevel=2)

    def __getattr__(self, name: str) -> Any:
        # final_model, state_dict, load_state_dict, arity_problem, settings... of inner
        if name.startswith("__") or name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)

    def __repr__(self) -> str:
        return f"<mx.callback.safe({self.inner!r}, on.error={self.on_error!r})>"


def safe(cb: Callable, on_error: str = "warn") -> Safe:
    """``mx.callback.safe``: see :class:`Safe`.

    Example:
        >>> cb = safe(lambda iteration, nbatch, env: print(env.undefined_field), "disable")
    """
    return Safe(cb, on_error)
