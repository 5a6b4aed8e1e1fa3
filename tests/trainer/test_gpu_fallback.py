"""``mx.gpu(i)`` on this CPU-only build: ``mx.cpu(i)`` with one warning per process, so GPU
scripts run unchanged; the fallback can be turned off, and then the error says how to turn it
on without claiming anything about the machine."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.engine import context
from mxnet_r_compat.engine.context import GPUFallbackWarning
from mxnet_r_compat.errors import MXValueError


@pytest.fixture
def fresh_gpu_state(monkeypatch):
    """The process state of a new session: not warned yet, fallback as configured."""
    monkeypatch.setitem(context._gpu, "warned", False)
    monkeypatch.setitem(context._gpu, "fallback", None)
    monkeypatch.delenv(context.ENV_GPU_FALLBACK, raising=False)


def test_gpu_gives_the_cpu_of_the_same_number_and_warns_once(fresh_gpu_state):
    with pytest.warns(GPUFallbackWarning, match=r"^mx\.gpu\(1\): this build of mxnet_r_compat "
                      r"computes on the CPU only; using mx\.cpu\(1\) instead") as caught:
        first = mx.gpu(1)
        second = mx.gpu(0)
    assert len(caught) == 1
    assert (first, second) == (mx.cpu(1), mx.cpu(0))


def test_a_gpu_script_trains_as_on_the_cpu(fresh_gpu_state, train):
    on_cpu = train(num_round=3, ctx=mx.cpu())  # train() seeds the stream
    with pytest.warns(GPUFallbackWarning):
        on_gpu = train(num_round=3, ctx=mx.gpu())
    for name, value in on_cpu.arg_params.items():
        np.testing.assert_array_equal(on_gpu.arg_params[name], value)


@pytest.mark.parametrize("turn_off", ["call", "setter", "environment"])
def test_fallback_off_is_an_error_that_says_how_to_turn_it_on(fresh_gpu_state, monkeypatch,
                                                              turn_off):
    kwargs = {}
    if turn_off == "call":
        kwargs["fallback"] = False
    elif turn_off == "setter":
        context.set_gpu_fallback(False)
    else:
        monkeypatch.setenv(context.ENV_GPU_FALLBACK, "0")
    with pytest.raises(MXValueError) as err:
        mx.gpu(2, **kwargs)
    text = str(err.value)
    assert text.startswith("mx.gpu(2): this build of mxnet_r_compat computes on the CPU only and "
                           "cannot use a GPU. Use mx.cpu(2), or turn the fallback on")
    assert "set_gpu_fallback(True)" in text and "options(mxnet.gpu.fallback = TRUE)" in text
    assert "machine" not in text


def test_setter_overrides_the_environment(fresh_gpu_state, monkeypatch):
    monkeypatch.setenv(context.ENV_GPU_FALLBACK, "0")
    context.set_gpu_fallback(True)
    with pytest.warns(GPUFallbackWarning):
        assert mx.gpu(0) == mx.cpu(0)
