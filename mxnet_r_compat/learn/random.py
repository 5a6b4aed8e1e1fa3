"""Random numbers: MXNet 1.9.1's CPU generator in C (``mx.set.seed``, ``mx.runif``, ``mx.rnorm``).

The stream is a bank of 1024 mt19937 engines, seeded and chunked as MXNet does
(native/rng.h, docs/COMPATIBILITY.md), so a seeded script draws MXNet's very
numbers. Initialisation, the array iterator's shuffle and dropout all draw from
it, so the same seed gives bit-identical training in Python and R.
Shapes are backend order here; the R front end reverses R dims.

The main thread uses the core's default bank. A thread that calls
:func:`set_seed` gets a bank of its own, so trainings in several threads do
not interleave their draws (and each gives what it gives alone).
"""

from __future__ import annotations

import functools
import numbers
import threading

import numpy as np

from .._args import is_number
from .._lib import check, ffi, fptr, lib
from ..errors import MXTypeError, invalid_value
from ..ops import format_param
from . import random_state

_local = threading.local()
# A thread's bank is 2.5 MB, of which only the engines in use are ever touched (native/rng.h):
# left uncleared, the untouched pages cost no memory. mxc_rng_seed sets the header, and C
# never reads an engine before setting it up.
_new_bank = ffi.new_allocator(should_clear_after_alloc=False)


def current_stream():
    """The bank this thread draws from: its own once it called set_seed, else the default.

    Example:
        >>> current_stream() == lib.mxc_rng_default()   # in the main thread
        True
    """
    stream = getattr(_local, "stream", None)
    return stream if stream is not None else lib.mxc_rng_default()


def set_seed(seed: int) -> None:
    """Seed the generator (MXNet R's ``mx.set.seed``); R's ``set.seed`` does not affect it.

    Engine i of the bank restarts from ``seed * 127 + i`` (32-bit) when it is next used.

    Example:
        >>> set_seed(0); runif(2)
        array([0.5488135, 0.5928446], dtype=float32)
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Real) or seed != int(seed):
        raise invalid_value("seed", seed, "a whole number")
    if threading.current_thread() is not threading.main_thread() and \
            getattr(_local, "stream", None) is None:
        bank = _new_bank("mxc_rng *")
        check(lib.mxc_rng_seed(bank, 0), "mx.set.seed")
        _local.stream = bank
    check(lib.mxc_rng_seed(current_stream(), int(seed) & 0xFFFFFFFF), "mx.set.seed")


def _shape(shape) -> tuple[int, ...]:
    if isinstance(shape, numbers.Integral):
        return (int(shape),)
    return tuple(int(s) for s in shape)


@functools.lru_cache(maxsize=256)
def _as_operator_param(value: float) -> float:
    return float(format_param(value))


def _number(fn: str, arg: str, value) -> float:
    """A bound as MXNet R's operator receives it: 6 significant digits (ops.format_param),
    so that e.g. mx.init.Xavier's scale rounds to the float32 MXNet R drew with."""
    if not is_number(value):
        raise MXTypeError(f"{fn} only accept numeric {arg}")
    return _as_operator_param(float(value))


def runif(shape, min: float = 0.0, max: float = 1.0,  # noqa: A002 (R names)
          ctx=None) -> np.ndarray:
    """Uniform numbers in ``[min, max)`` as a float32 array of ``shape`` (``ctx``: R's, unused).

    Example:
        >>> runif((2, 3), -1, 1).shape
        (2, 3)
    """
    lo, hi = _number("mx.runif", "min", min), _number("mx.runif", "max", max)
    if lo > hi:
        raise invalid_value("max", max, f"max >= min ({min})")
    out = np.empty(_shape(shape), dtype=np.float32)
    check(lib.mxc_rng_uniform(fptr(out, writable=True), out.size, lo, hi,
                              current_stream()), "mx.runif")
    return out


def rnorm(shape, mean: float = 0.0, sd: float = 1.0, ctx=None) -> np.ndarray:
    """Normal numbers with the given mean and standard deviation (``ctx``: R's, unused).

    Example:
        >>> set_seed(0); rnorm(2)
        array([2.2122064, 0.7740038], dtype=float32)
    """
    mu, sigma = _number("mx.rnorm", "mean", mean), _number("mx.rnorm", "sd", sd)
    if sigma < 0:
        raise invalid_value("sd", sd, "sd >= 0")
    out = np.empty(_shape(shape), dtype=np.float32)
    check(lib.mxc_rng_normal(fptr(out, writable=True), out.size, mu, sigma,
                             current_stream()), "mx.rnorm")
    return out


def get_state() -> bytes:
    """The generator's state (for exact resume): the seed and the engines in use
    (learn/random_state.py describes the bytes).

    Example:
        >>> s = get_state(); a = runif(3); set_state(s); bool((runif(3) == a).all())
        True
    """
    return random_state.encode(current_stream())


def set_state(state: bytes) -> None:
    """Restore a state returned by :func:`get_state`; every field is checked first and a
    bad one raises ``RandomStateError`` naming it (the generator is then unchanged).

    Example:
        >>> set_state(get_state())
    """
    random_state.load(current_stream(), state)


def shuffle_order(n: int) -> np.ndarray:
    """MXNet R's array-iterator order: n uniforms, then the swap loop of docs/MXNET_R_BEHAVIOUR.md,
    "Array iterator".

    Example:
        >>> sorted(shuffle_order(5).tolist())
        [0, 1, 2, 3, 4]
    """
    u = runif(n)
    order = np.arange(n, dtype=np.int64)
    check(lib.mxc_shuffle_with_uniforms(ffi.cast("int64_t *", ffi.from_buffer(order)),
                                        fptr(u), n), "shuffle")
    return order
