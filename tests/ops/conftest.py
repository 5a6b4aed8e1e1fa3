"""Fixtures for the operator-kernel tests (tests/ops).

The kernels are called straight through cffi (``lib.mxc_*``), so these tests
pin down the C contract itself: status codes, accumulation into gradients,
NULL gradient outputs. Helpers are handed out as fixtures so test modules need
no imports from this file.

Gradient checks (marked ``@pytest.mark.gradient_check("OpName")``, which
tests/test_registry.py looks for) follow the house style: the loss is ``L = sum(out * R)`` with a
random ``R`` (so ``R`` is also the head gradient ``dout``), each input element
is moved by +-eps in float32, the C forward is re-run and ``L`` is summed in
float64; the analytic gradient must match ``(L+ - L-) / (x+ - x-)``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from mxnet_r_compat._lib import ffi, fptr, lib

# Status codes of status.h, named once for all the test modules.
OK, ERR_NULL_PTR, ERR_SHAPE, ERR_VALUE = (lib.MXC_OK, lib.MXC_ERR_NULL_PTR, lib.MXC_ERR_SHAPE,
                                          lib.MXC_ERR_VALUE)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "gradient_check(*operators): a finite-difference gradient test of these "
        "MXNet operators' backward (tests/test_registry.py requires one per operator)")


class Codes:
    """The MXC_* status codes as attributes (``codes.SHAPE``)."""

    OK = OK
    NULL_PTR = ERR_NULL_PTR
    SHAPE = ERR_SHAPE
    VALUE = ERR_VALUE


def _wptr(a: np.ndarray | None):
    """A writable ``float *`` (NULL for None)."""
    return fptr(a, writable=True)


def _ok(rc: int) -> None:
    assert rc == OK, f"status {rc}: {ffi.string(lib.mxc_status_str(rc)).decode()}"


def _numeric_grad(loss: Callable[[], float], x: np.ndarray, eps: float) -> np.ndarray:
    """Central differences of ``loss()`` with respect to every element of x.

    x is a float32 array that ``loss`` reads; it is perturbed in place and
    restored. The step actually taken in float32 is used as the divisor.
    """
    flat = x.reshape(-1)
    assert np.shares_memory(flat, x)
    grad = np.zeros(x.size, np.float64)
    for k in range(flat.size):
        orig = flat[k]
        flat[k] = orig + np.float32(eps)
        hi, lp = np.float64(flat[k]), loss()
        flat[k] = orig - np.float32(eps)
        lo, lm = np.float64(flat[k]), loss()
        flat[k] = orig
        grad[k] = (lp - lm) / (hi - lo)
    return grad.reshape(x.shape)


def _fd_loss(forward: Callable[[], np.ndarray], r: np.ndarray) -> Callable[[], float]:
    """``L = sum(forward() * R)`` accumulated in float64."""
    r64 = r.astype(np.float64)
    return lambda: float(np.sum(forward().astype(np.float64) * r64))


class Helpers:
    """Small call helpers shared by the op tests (the ``h`` fixture)."""

    lib = lib
    ffi = ffi
    NULL = ffi.NULL
    codes = Codes
    ptr = staticmethod(fptr)
    wptr = staticmethod(_wptr)
    ok = staticmethod(_ok)
    numeric_grad = staticmethod(_numeric_grad)
    fd_loss = staticmethod(_fd_loss)

    @staticmethod
    def f32(a) -> np.ndarray:
        """A C-contiguous float32 copy."""
        return np.ascontiguousarray(a, dtype=np.float32)

    @staticmethod
    def check_fd(forward: Callable[[], np.ndarray], r: np.ndarray, x: np.ndarray,
                 analytic: np.ndarray, eps: float, rtol: float, atol: float) -> None:
        """Assert that ``analytic`` is dL/dx for L = sum(forward() * r)."""
        numeric = _numeric_grad(_fd_loss(forward, r), x, eps)
        np.testing.assert_allclose(analytic, numeric, rtol=rtol, atol=atol)


@pytest.fixture
def h() -> type[Helpers]:
    return Helpers


@pytest.fixture
def gen() -> np.random.Generator:
    """A seeded numpy generator, so every test sees the same data on every run."""
    return np.random.default_rng(20240611)


@pytest.fixture
def rng():
    """A private MT19937 stream of the core, seeded with 42 (never the default stream)."""
    r = ffi.new("mxc_rng *")
    _ok(lib.mxc_rng_seed(r, 42))
    return r
