"""Symbol algebra operators (ops/algebra.py) through the executor: forward values against
numpy and backward against finite differences of sum(output * r), MXNet's automatic names."""

from __future__ import annotations

import re

import numpy as np
import pytest

from mxnet_r_compat import mx

a_, b_ = mx.symbol.Variable("a"), mx.symbol.Variable("b")
def _fd_cases(build, ref):
    """(forward, r, input buffer, analytic gradient) for each input, after checking the
    forward against ``ref``."""
    gen = np.random.default_rng(3)
    a = gen.uniform(0.5, 2.0, (3, 4)).astype(np.float32)
    b = gen.uniform(0.5, 2.0, (3, 4)).astype(np.float32)
    r = gen.uniform(-1, 1, (3, 4)).astype(np.float32)
    ex = mx.symbol.bind(build(a_, b_), arg_arrays=[mx.nd.array(a), mx.nd.array(b)],
                        grad_reqs="write")
    out = ex.forward(is_train=True)[0].asnumpy()
    np.testing.assert_allclose(out, ref(a.astype(np.float64), b.astype(np.float64)), rtol=1e-5)
    ex.backward([mx.nd.array(r)])
    return [(lambda: ex.forward()[0].asnumpy(), r, np.asarray(ex.arg_arrays[name]),
             ex.grad_arrays[name].asnumpy()) for name in ("a", "b")]


@pytest.mark.gradient_check("elemwise_add")
def test_elemwise_add_gradient(h):
    for case in _fd_cases(lambda a, b: a + b, lambda a, b: a + b):
        h.check_fd(*case, eps=1e-2, rtol=2e-2, atol=2e-2)


@pytest.mark.gradient_check("elemwise_sub")
def test_elemwise_sub_gradient(h):
    for case in _fd_cases(lambda a, b: a - b, lambda a, b: a - b):
        h.check_fd(*case, eps=1e-2, rtol=2e-2, atol=2e-2)


@pytest.mark.gradient_check("elemwise_mul")
def test_elemwise_mul_gradient(h):
    for case in _fd_cases(lambda a, b: a * b, lambda a, b: a * b):
        h.check_fd(*case, eps=1e-2, rtol=2e-2, atol=2e-2)


@pytest.mark.gradient_check("elemwise_div")
def test_elemwise_div_gradient(h):
    for case in _fd_cases(lambda a, b: a / b, lambda a, b: a / b):
        h.check_fd(*case, eps=1e-2, rtol=2e-2, atol=2e-2)


@pytest.mark.gradient_check("_plus_scalar")
def test_plus_scalar_gradient(h):
    for case in _fd_cases(lambda a, b: a + 1.5 + b, lambda a, b: a + 1.5 + b):
        h.check_fd(*case, eps=1e-2, rtol=2e-2, atol=2e-2)


@pytest.mark.gradient_check("_minus_scalar")
def test_minus_scalar_gradient(h):
    for case in _fd_cases(lambda a, b: a - 1.5 + b, lambda a, b: a - 1.5 + b):
        h.check_fd(*case, eps=1e-2, rtol=2e-2, atol=2e-2)


@pytest.mark.gradient_check("_rminus_scalar")
def test_rminus_scalar_gradient(h):
    for case in _fd_cases(lambda a, b: 2 - a + b, lambda a, b: 2 - a + b):
        h.check_fd(*case, eps=1e-2, rtol=2e-2, atol=2e-2)


@pytest.mark.gradient_check("_mul_scalar")
def test_mul_scalar_gradient(h):
    for case in _fd_cases(lambda a, b: a * 3 + b, lambda a, b: a * 3 + b):
        h.check_fd(*case, eps=1e-2, rtol=2e-2, atol=2e-2)


@pytest.mark.gradient_check("_div_scalar")
def test_div_scalar_gradient(h):
    for case in _fd_cases(lambda a, b: a / 4 + b, lambda a, b: a / 4 + b):
        h.check_fd(*case, eps=1e-2, rtol=2e-2, atol=2e-2)


@pytest.mark.gradient_check("_rdiv_scalar")
def test_rdiv_scalar_gradient(h):
    for case in _fd_cases(lambda a, b: 1.5 / a + b, lambda a, b: 1.5 / a + b):
        h.check_fd(*case, eps=1e-2, rtol=2e-2, atol=2e-2)


@pytest.mark.gradient_check("_power_scalar")
def test_power_scalar_gradient(h):
    for case in _fd_cases(lambda a, b: a ** 2 + b, lambda a, b: a ** 2 + b):
        h.check_fd(*case, eps=1e-2, rtol=2e-2, atol=2e-2)


@pytest.mark.gradient_check("_rpower_scalar")
def test_rpower_scalar_gradient(h):
    for case in _fd_cases(lambda a, b: 2 ** a + b, lambda a, b: 2 ** a + b):
        h.check_fd(*case, eps=1e-2, rtol=2e-2, atol=2e-2)


@pytest.mark.gradient_check("abs")
def test_abs_gradient(h):
    for case in _fd_cases(lambda a, b: mx.symbol.abs(a - b), lambda a, b: np.abs(a - b)):
        h.check_fd(*case, eps=1e-2, rtol=2e-2, atol=2e-2)


def test_automatic_names():
    a = mx.symbol.Variable("x")
    names = [(a + a).outputs()[0], (a * 2).outputs()[0], (1 - a).outputs()[0]]
    assert [re.fullmatch(r"(_\w+?)\d+_output", n).group(1) for n in names] == \
        ["_plus", "_mulscalar", "_rminusscalar"]


@pytest.mark.gradient_check("MakeLoss")
@pytest.mark.parametrize("norm,scale", [("null", 2.0), ("batch", 2.0 / 3), ("valid", 2.0 / 6)])
def test_makeloss_starts_the_gradient(h, norm, scale):
    x = mx.symbol.Variable("x")
    loss = mx.symbol.MakeLoss(mx.symbol.abs(x), grad_scale=2.0, normalization=norm)
    ex = mx.symbol.bind(loss, arg_arrays=[mx.nd.array([[1, -2], [3, -4], [5, 6]])],
                        grad_reqs="write")
    np.testing.assert_array_equal(ex.forward(is_train=True)[0].asnumpy(),
                                  [[1, 2], [3, 4], [5, 6]])
    ex.backward()
    np.testing.assert_allclose(ex.grad_arrays["x"].asnumpy(),
                               scale * np.sign([[1, -2], [3, -4], [5, 6]]), rtol=1e-6)
    # the loss MakeLoss stands for is scale * sum(output)
    numeric = h.numeric_grad(lambda: scale * float(ex.forward()[0].asnumpy().sum()),
                             np.asarray(ex.arg_arrays["x"]), 1e-2)
    np.testing.assert_allclose(ex.grad_arrays["x"].asnumpy(), numeric, rtol=1e-3)


def test_makeloss_kernel_counts_valid_values_and_accumulates(h):
    x = h.f32([1, 2, 3, 4, 5, 6])
    dx = h.f32([1, 1, 1, 1, 1, 1])
    h.ok(h.lib.mxc_make_loss_backward(h.wptr(dx), h.ptr(x), 6, 3, 2.0, h.lib.MXC_NORM_VALID,
                                      3.5))
    np.testing.assert_allclose(dx, 1 + np.float32(2.0 / 3), rtol=1e-7)  # 3 values above 3.5
    h.ok(h.lib.mxc_make_loss_backward(h.wptr(dx), h.ptr(x), 6, 3, 2.0, h.lib.MXC_NORM_VALID,
                                      9.0))
    np.testing.assert_allclose(dx, 1 + np.float32(2.0 / 3) + 2, rtol=1e-6)  # none: divides by 1
    assert h.lib.mxc_make_loss_backward(h.wptr(dx), h.ptr(x), 6, 3, 2.0, 7, 0.0) == \
        h.codes.VALUE
    assert h.lib.mxc_make_loss_backward(h.wptr(dx), h.NULL, 6, 3, 2.0, 0, 0.0) == \
        h.codes.NULL_PTR
