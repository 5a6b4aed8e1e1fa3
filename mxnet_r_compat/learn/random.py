"""Random numbers: the C core's one seedable stream (``mx.set.seed``, ``mx.runif``, ``mx.rnorm``).

Initialisation, the array iterator's shuffle and dropout all draw from this
stream, so the same seed gives bit-identical training in Python and R.
Shapes are backend order here; the R front end reverses R dims.

The main thread uses the core's default stream. A thread that calls
:func:`set_seed` gets a stream of its own, so trainings in several threads do
not interleave their draws (and each gives what it gives alone).
"""

from __future__ import annotations

import numbers
import threading

import numpy as np

from .._args import is_number
from .._lib import check, ffi, fptr, lib
from ..errors import MXTypeError, invalid_value

_local = threading.local()


def current_stream():
    """The stream this thread draws from: its own once it called set_seed, else the default.

    Example:
        >>> current_stream() == lib.mxc_rng_default()   # in the main thread
        True
    """
    stream = getattr(_local, "stream", None)
    return stream if stream is not None else lib.mxc_rng_default()


def set_seed(seed: int) -> None:
    """Seed the generator (MXNet R's ``mx.set.seed``); R's ``set.seed`` does not affect it.

    Example:
        >>> set_seed(0); runif(2)
        array([0.5488135, 0.5928446], dtype=float32)
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Real) or seed != int(seed):
        raise invalid_value("seed", seed, "a whole number")
    if threading.current_thread() is not threading.main_thread() and \
            getattr(_local, "stream", None) is None:
        _local.stream = ffi.new("mxc_rng *")
    check(lib.mxc_rng_seed(current_stream(), int(seed) & 0xFFFFFFFF), "mx.set.seed")


def _shape(shape) -> tuple[int, ...]:
    if isinstance(shape, numbers.Integral):
        return (int(shape),)
    return tuple(int(s) for s in shape)


def _number(fn: str, arg: str, value) -> float:
    """MXNet R's own type error for a non-numeric argument of mx.runif/mx.rnorm."""
    if not is_number(value):
        raise MXTypeError(f"{fn} only accept numeric {arg}")
    return float(value)


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
        array([2.2122064, 1.1630787], dtype=float32)
    """
    mu, sigma = _number("mx.rnorm", "mean", mean), _number("mx.rnorm", "sd", sd)
    if sigma < 0:
        raise invalid_value("sd", sd, "sd >= 0")
    out = np.empty(_shape(shape), dtype=np.float32)
    check(lib.mxc_rng_normal(fptr(out, writable=True), out.size, mu, sigma,
                             current_stream()), "mx.rnorm")
    return out


def get_state() -> bytes:
    """The generator's complete state (for exact resume).

    Example:
        >>> s = get_state(); a = runif(3); set_state(s); bool((runif(3) == a).all())
        True
    """
    return bytes(ffi.buffer(current_stream(), ffi.sizeof("mxc_rng")))


def set_state(state: bytes) -> None:
    """Restore a state returned by :func:`get_state`."""
    size = ffi.sizeof("mxc_rng")
    if not isinstance(state, (bytes, bytearray)) or len(state) != size:
        length = len(state) if hasattr(state, "__len__") else "?"
        raise invalid_value("state", f"<{type(state).__name__} of {length} bytes>",
                            f"{size} bytes from get_state()")
    ffi.buffer(current_stream(), size)[:] = state


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
