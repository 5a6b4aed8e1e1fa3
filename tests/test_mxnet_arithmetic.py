"""The float32 arithmetic around the draws, against MXNet 1.9.1's own results.

A seeded script prints MXNet's digits only if the same draws then go through the same
float32 operations in the same order. References were recorded from the MXNet wheel by
tests/golden/make_rng_golden.py on the inputs of tests/golden/mxnet_inputs.py:

- FullyConnected with one output unit (native/dense.c follows oneDNN's order of sums),
  with LinearRegressionOutput: forward and all three gradients;
- the sgd and sgd-with-momentum kernels (native/optimizer.c: (lr*rescale)*g without
  clipping, lr*clip(rescale*g) with it);
- MXNet R's mse, rmse and mae (float32, MXNet's compensated sum; native/metric.c).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat._lib import fptr, lib
from mxnet_r_compat.engine.executor import Executor
from mxnet_r_compat.learn.optimizer import SGD

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
GOLDEN = json.loads((GOLDEN_DIR / "rng_mxnet191.json").read_text())
_spec = importlib.util.spec_from_file_location("mxnet_inputs", GOLDEN_DIR / "mxnet_inputs.py")
inputs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(inputs)


def digest(a: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(a, dtype="<f4").tobytes()).hexdigest()


@pytest.mark.parametrize("case", GOLDEN["fc_one_output"], ids=lambda c: f"ic{c['ic']}-mb{c['mb']}")
def test_one_output_dense_layer_equals_mxnet(case: dict) -> None:
    ic, mb = case["ic"], case["mb"]
    seed = ic * 100 + mb
    x, w = inputs.lcg_array((mb, ic), seed), inputs.lcg_array((1, ic), seed + 1, 0.5)
    b, y = inputs.lcg_array((1,), seed + 2), inputs.lcg_array((mb,), seed + 3, 2.0)
    net = mx.symbol.LinearRegressionOutput(
        mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=1, name="fc"),
        name="lro")
    ex = Executor(net, {"data": (mb, ic), "lro_label": (mb,)}, ["data", "fc_weight", "fc_bias"])
    for name, value in (("data", x), ("fc_weight", w), ("fc_bias", b), ("lro_label", y)):
        ex.arg_arrays[name][...] = value
    ex.forward(is_train=True)
    assert digest(ex.outputs[0]) == case["pred"], "forward"
    ex.backward()
    for key, name in (("dw", "fc_weight"), ("db", "fc_bias"), ("dx", "data")):
        assert digest(ex.grad_arrays[name]) == case[key], key


@pytest.mark.parametrize("case", GOLDEN["sgd"],
                         ids=lambda c: f"mom{c['momentum']}-wd{c['wd']}-clip{c['clip']}")
def test_sgd_kernels_equal_mxnet(case: dict) -> None:
    w, g = inputs.lcg_array((1000,), 10), inputs.lcg_array((1000,), 11, 1000.0)
    mom = inputs.lcg_array((1000,), 12, 1e-3)
    opt = SGD(learning_rate=2e-3, momentum=case["momentum"], wd=case["wd"],
              rescale_grad=1 / 20, clip_gradient=case["clip"])
    h = opt.hyper
    if case["momentum"]:
        rc = lib.mxc_sgd_mom_update(fptr(w, True), fptr(mom, True), fptr(g), w.size, h("lr"),
                                    h("momentum"), h("wd"), h("rescale_grad"),
                                    h("clip_gradient"))
        assert rc == 0 and digest(mom) == case["mom"]
    else:
        rc = lib.mxc_sgd_update(fptr(w, True), fptr(g), w.size, h("lr"), h("wd"),
                                h("rescale_grad"), h("clip_gradient"))
        assert rc == 0
    assert digest(w) == case["w"]


@pytest.mark.parametrize("case", GOLDEN["metrics"], ids=lambda c: f"n{c['n']}")
@pytest.mark.parametrize("name", ["mse", "rmse", "mae"])
def test_regression_metrics_equal_mxnet_r(case: dict, name: str) -> None:
    n = case["n"]
    label, pred = inputs.lcg_array((n,), 20, 30.0), inputs.lcg_array((n,), 21, 30.0)
    metric = getattr(mx.metric, name)
    state = metric.update(label, pred.reshape(n, 1), metric.init())  # the C path
    assert metric.get(state).value == case[name]
    assert metric.feval(label, pred.astype(np.float64)) == case[name]  # float64 input too
