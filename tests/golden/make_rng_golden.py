"""Record MXNet 1.9.1's own random numbers and tutorial lines (tests/golden/rng_mxnet191.json).

Run once, with the real MXNet wheel (``make bench-setup`` makes .venv-mxnet):

    .venv-mxnet/bin/python tests/golden/make_rng_golden.py

The tests read the JSON file and never need MXNet. What is recorded:

- ``draws``: call sequences after ``mx.random.seed(s)`` (uniform and normal draws of many
  sizes, consecutive calls continuing the engines), each result as the SHA-256 of its
  float32 bytes plus sampled values (index, float32 bit pattern);
- ``fresh``: single draws right after seeding, sizes chosen around the chunk edges;
- ``unseeded``: the first draw of a process that never seeded;
- ``dropout``: CPU Dropout masks (training mode) on ones, then a draw that continues;
- ``initializers``: MXNet R's mx.init.uniform / normal / Xavier, which are R code calling
  mx.runif / mx.rnorm with R's 6-significant-digit parameter strings, weight by weight in
  argument order, replayed here through the same operators;
- ``fc_one_output``, ``sgd``, ``metrics``: the arithmetic the tutorial runs between draws
  (FullyConnected with one output through oneDNN, the sgd kernels, the regression metrics
  as MXNet R's NDArray code computes them), on inputs from tests/golden/mxnet_inputs.py;
- ``tutorial``: the Callback Function tutorial (r_examples/callback_function.R) replayed on
  the wheel in pure Python for several seeds: MXNet R's draw order (training shuffle,
  initialisation, validation shuffle; docs/COMPATIBILITY.md), its array iterator (one
  shuffle, the stale padding of the last batch), the sgd_mom_update operator with R's
  parameter strings, its executor, and the rmse metric as MXNet R computes it, printed as
  R prints doubles (15 significant digits).

The BostonHousing table comes from our own package (read from R's mlbench by a child
process in the project's .venv), so both sides train on the same float values.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import mxnet as mx
import numpy as np
from mxnet_inputs import FC_CASES, METRIC_SIZES, SGD_CASES, lcg_array

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "rng_mxnet191.json"
f32 = np.float32

SEEDS = [0, 1, 3, 42, 12345, 2**31 - 1, -7]
SEQUENCE = [("uniform", 169, 0.0, 1.0), ("uniform", 13, -0.01, 0.01),
            ("uniform", 337, 0.0, 1.0), ("normal", 10, 0.0, 1.0),
            ("uniform", 5000, -1.0, 2.0), ("normal", 1000, 0.5, 2.0),
            ("uniform", 100352, 0.0, 1.0), ("uniform", 60000, -3.0, 3.0),
            ("normal", 4097, -1.0, 0.25), ("uniform", 13, 0.0, 1.0), ("uniform", 1, 0.0, 1.0)]
FRESH_SIZES = [1, 2, 13, 63, 64, 65, 128, 129, 169, 337, 5000, 60000, 65537, 100352, 200000]
TUTORIAL_SEEDS = list(range(10)) + [42]


def r_param(x: float) -> float:
    """A double as MXNet R sends it to an operator: 6 significant digits (C++ ostream)."""
    return float("%g" % x)


def r_number(x: float) -> str:
    """R's as.character of a double (15 significant digits)."""
    return "%.15g" % x


def draw(kind: str, n: int, a: float, b: float) -> np.ndarray:
    if kind == "uniform":
        return mx.nd.random.uniform(a, b, shape=(n,)).asnumpy()
    return mx.nd.random.normal(a, b, shape=(n,)).asnumpy()


def chunk_step(n: int) -> int:
    nchunk = min(-(-n // 64), 1024)
    return -(-n // nchunk)


def summary(x: np.ndarray) -> dict:
    """Hash of the float32 bytes and values at the ends and around two chunk edges."""
    x = np.ascontiguousarray(x, dtype="<f4").ravel()
    n = x.size
    step = chunk_step(n)
    picks = sorted({i for i in (0, 1, step - 1, step, 2 * step, n // 2, n - 2, n - 1)
                    if 0 <= i < n})
    bits = x.view("<u4")
    return {"n": n, "sha256": hashlib.sha256(x.tobytes()).hexdigest(),
            "samples": [[i, int(bits[i]), float(x[i])] for i in picks]}


def record_draws() -> list[dict]:
    out = []
    for seed in SEEDS:
        mx.random.seed(seed)
        calls = [{"kind": k, "n": n, "a": a, "b": b, **summary(draw(k, n, a, b))}
                 for k, n, a, b in SEQUENCE]
        out.append({"seed": seed, "calls": calls})
    return out


def record_fresh() -> list[dict]:
    out = []
    for seed in (0, 42):
        for n in FRESH_SIZES:
            for kind in ("uniform", "normal"):
                mx.random.seed(seed)
                out.append({"seed": seed, "kind": kind, **summary(draw(kind, n, 0.0, 1.0))})
    return out


def record_dropout() -> list[dict]:
    out = []
    for seed in (0, 3, 42):
        for p in (0.1, 0.3, 0.5, 0.9):
            for shape in ((7, 13), (40, 100), (3, 5000)):
                mx.random.seed(seed)
                with mx.autograd.train_mode():
                    mask = mx.nd.Dropout(mx.nd.ones(shape), p=r_param(p)).asnumpy()
                after = draw("uniform", 100, 0.0, 1.0)
                out.append({"seed": seed, "p": p, "shape": list(shape),
                            "mask": summary(mask), "after": summary(after)})
    return out


# --- MXNet R's initialisers, replayed --------------------------------------------------------

NET_SHAPES = {  # backend shapes of an MLP 784-128-64-10, in argument order (R dims reversed)
    "data": (32, 784), "fc1_weight": (128, 784), "fc1_bias": (128,),
    "fc2_weight": (64, 128), "fc2_bias": (64,), "fc3_weight": (10, 64), "fc3_bias": (10,),
    "softmax_label": (32,)}
INITIALIZERS = [("uniform", {"scale": 0.07}), ("normal", {"sd": 0.01}),
                ("Xavier", {"rnd_type": "uniform", "factor_type": "avg", "magnitude": 3}),
                ("Xavier", {"rnd_type": "gaussian", "factor_type": "in", "magnitude": 2}),
                ("Xavier", {"rnd_type": "uniform", "factor_type": "out", "magnitude": 2.34})]


def init_weight(kind: str, kw: dict, shape: tuple) -> np.ndarray:
    """One weight as MXNet R's initialiser draws it (R dims = reversed backend shape)."""
    if kind == "uniform":
        return mx.nd.random.uniform(r_param(-kw["scale"]), r_param(kw["scale"]), shape=shape)
    if kind == "normal":
        return mx.nd.random.normal(0.0, r_param(kw["sd"]), shape=shape)
    fan_out = shape[0]  # R: shape[length(shape)], the last R dim
    fan_in = int(np.prod(shape[1:]))
    factor = {"avg": (fan_in + fan_out) / 2, "in": fan_in, "out": fan_out}[kw["factor_type"]]
    scale = math.sqrt(kw["magnitude"] / factor)
    if kw["rnd_type"] == "uniform":
        return mx.nd.random.uniform(r_param(-scale), r_param(scale), shape=shape)
    return mx.nd.random.normal(0.0, r_param(scale), shape=shape)


def record_initializers() -> list[dict]:
    out = []
    for seed in (0, 42):
        for kind, kw in INITIALIZERS:
            mx.random.seed(seed)
            weights = {name: summary(init_weight(kind, kw, shape).asnumpy())
                       for name, shape in NET_SHAPES.items() if name.endswith("weight")}
            out.append({"seed": seed, "initializer": kind, "args": kw, "shapes":
                        {k: list(v) for k, v in NET_SHAPES.items()}, "weights": weights})
    return out


# --- the arithmetic around the draws: FullyConnected(num_hidden=1), sgd, metrics ------------

def hashed(x: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(x, dtype="<f4").tobytes()).hexdigest()


def record_fc() -> list[dict]:
    """FullyConnected with one output + LinearRegressionOutput, forward and backward."""
    out = []
    for ic, mb in FC_CASES:
        seed = ic * 100 + mb
        x, w = lcg_array((mb, ic), seed), lcg_array((1, ic), seed + 1, 0.5)
        b, y = lcg_array((1,), seed + 2), lcg_array((mb,), seed + 3, 2.0)
        net = mx.sym.LinearRegressionOutput(
            mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=1, name="fc"), name="lro")
        ex = net.simple_bind(mx.cpu(), data=(mb, ic), lro_label=(mb,), grad_req="write")
        for name, value in (("data", x), ("fc_weight", w), ("fc_bias", b), ("lro_label", y)):
            ex.arg_dict[name][:] = value
        ex.forward(is_train=True)
        pred = ex.outputs[0].asnumpy()
        ex.backward()
        out.append({"ic": ic, "mb": mb, "pred": hashed(pred),
                    **{k: hashed(ex.grad_dict[n].asnumpy()) for k, n in
                       (("dw", "fc_weight"), ("db", "fc_bias"), ("dx", "data"))}})
    return out


def record_sgd() -> list[dict]:
    """sgd_update / sgd_mom_update with R's parameter strings, 1000 weights."""
    out = []
    w, g, m = lcg_array((1000,), 10), lcg_array((1000,), 11, 1000.0), lcg_array((1000,), 12, 1e-3)
    for momentum, wd, clip in SGD_CASES:
        hyper = dict(lr=r_param(2e-3), wd=r_param(wd), rescale_grad=r_param(1 / 20),
                     clip_gradient=r_param(clip))
        W, G, M = mx.nd.array(w), mx.nd.array(g), mx.nd.array(m)
        if momentum:
            mx.nd.sgd_mom_update(W, G, M, out=W, momentum=r_param(momentum), **hyper)
        else:
            mx.nd.sgd_update(W, G, out=W, **hyper)
        out.append({"momentum": momentum, "wd": wd, "clip": clip, "w": hashed(W.asnumpy()),
                    "mom": hashed(M.asnumpy())})
    return out


def record_metrics() -> list[dict]:
    """MXNet R's mse, rmse and mae fevals (NDArray operators), one batch each."""
    out = []
    for n in METRIC_SIZES:
        label, pred = mx.nd.array(lcg_array((n,), 20, 30.0)), mx.nd.array(lcg_array((n,), 21, 30.0))
        sq = mx.nd.mean(mx.nd.square(label - pred))
        out.append({"n": n, "mse": float(sq.asnumpy()[0]),
                    "rmse": float(mx.nd.sqrt(sq).asnumpy()[0]),
                    "mae": float(mx.nd.mean(mx.nd.abs(label - pred)).asnumpy()[0])})
    return out


# --- the Callback Function tutorial, replayed ------------------------------------------------

def boston_split() -> tuple[np.ndarray, ...]:
    """train_x, train_y, test_x, test_y from our package (R's data.matrix), via .venv."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "boston.npz")
        code = ("import numpy as np; from mxnet_r_compat.datasets import boston_tutorial_split "
                f"as b; a = b(); np.savez({path!r}, *a)")
        subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c", code], check=True)
        data = np.load(path)
        return tuple(data[f"arr_{i}"] for i in range(4))


class ArrayIter:
    """MXNet R's mx.io.arrayiter(shuffle=TRUE): one shuffle from n uniforms; every batch
    full size; the pad slots of the last batch keep the previous batch's rows."""

    def __init__(self, x: np.ndarray, y: np.ndarray, batch: int) -> None:
        n = len(y)
        u = mx.nd.random.uniform(0, 1, shape=(n,)).asnumpy().astype(np.float64)
        order = list(range(n))
        for i in range(n - 1, 0, -1):
            j = int(u[i] * (i + 1))  # in double, truncated, as R's io.cc
            if j < i:
                order[i], order[j] = order[j], order[i]
        self.batches = []
        xb, yb = np.zeros((batch, x.shape[1]), f32), np.zeros(batch, f32)
        for start in range(0, n, batch):
            rows = order[start:start + batch]
            xb[:len(rows)] = x[rows].astype(f32)
            yb[:len(rows)] = y[rows].astype(f32)
            self.batches.append((xb.copy(), yb.copy()))


def rmse(label: mx.nd.NDArray, pred: mx.nd.NDArray) -> float:
    """mx.metric.rmse's feval: sqrt(mean(square(label - reshape(pred, 0)))) in NDArrays."""
    pred = mx.nd.reshape(pred, shape=(0,))
    return float(mx.nd.sqrt(mx.nd.mean(mx.nd.square(label - pred))).asnumpy()[0])


def training(data: tuple, num_round: int = 10, batch5: bool = False,
             stop_below: float | None = None) -> dict:
    """One mx.model.FeedForward.create of the tutorial; the metric values it prints."""
    train_x, train_y, test_x, test_y = data
    train = ArrayIter(train_x, train_y, 20)
    params = {"fullyconnected0_weight":
              mx.nd.random.uniform(r_param(-0.01), r_param(0.01), shape=(1, 13)),
              "fullyconnected0_bias": mx.nd.zeros((1,))}
    evals = ArrayIter(test_x, test_y, 20)
    net = mx.sym.LinearRegressionOutput(
        mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=1, name="fullyconnected0"),
        name="linearregressionoutput0")
    ex = net.simple_bind(mx.cpu(), data=(20, 13), linearregressionoutput0_label=(20,),
                         grad_req="write")
    for name, value in params.items():
        value.copyto(ex.arg_dict[name])
    moms = {name: mx.nd.zeros(ex.arg_dict[name].shape) for name in params}
    hyper = dict(lr=r_param(2e-6), momentum=r_param(0.9), wd=r_param(0.0),
                 rescale_grad=r_param(1 / 20), clip_gradient=r_param(-1.0))
    out = {"train": [], "validation": [], "batch5_train": [], "epochs": []}
    for epoch in range(1, num_round + 1):
        total, count = 0.0, 0
        for nbatch, (xb, yb) in enumerate(train.batches, start=1):
            ex.arg_dict["data"][:] = xb
            ex.arg_dict["linearregressionoutput0_label"][:] = yb
            ex.forward(is_train=True)
            pred = ex.outputs[0].copy()
            ex.backward()
            for name in params:  # argument order: weight, then bias
                mx.nd.sgd_mom_update(ex.arg_dict[name], ex.grad_dict[name], moms[name],
                                     out=ex.arg_dict[name], **hyper)
            total, count = total + rmse(mx.nd.array(yb), pred), count + 1
            if batch5 and nbatch % 5 == 0:
                out["batch5_train"].append(total / count)
        out["epochs"].append(epoch)
        out["train"].append(total / count)
        vtotal, vcount = 0.0, 0
        for xb, yb in evals.batches:
            ex.arg_dict["data"][:] = xb
            ex.forward(is_train=False)
            vtotal, vcount = vtotal + rmse(mx.nd.array(yb), ex.outputs[0]), vcount + 1
        out["validation"].append(vtotal / vcount)
        if stop_below is not None and vtotal / vcount < stop_below:
            break
    return out


def tutorial(data: tuple, seed: int) -> dict:
    """The five trainings of r_examples/callback_function.R after mx.set.seed(seed)."""
    mx.random.seed(seed)
    runs = [training(data), training(data), training(data, batch5=True), training(data),
            training(data, stop_below=10)]
    first = runs[0]
    printed = []
    for e, t, v in zip(first["epochs"], first["train"], first["validation"]):
        printed += [f"[{e}] Train-rmse={r_number(t)}", f"[{e}] Validation-rmse={r_number(v)}"]
    return {"seed": seed, "first_block": printed, "trainings": runs}


def main() -> None:
    assert mx.__version__ == "1.9.1", mx.__version__
    unseeded = summary(draw("uniform", 200, 0.0, 1.0))  # before any seed: MXNet's seed 0
    data = boston_split()
    result = {
        "_provenance": {
            "command": ".venv-mxnet/bin/python tests/golden/make_rng_golden.py",
            "mxnet": mx.__version__, "numpy": np.__version__,
            "note": "MXNet 1.9.1's CPU generator (pip wheel); samples are [index, float32 "
                    "bits, value]; sha256 over the little-endian float32 bytes"},
        "unseeded": unseeded,
    }
    result["draws"] = record_draws()
    result["fresh"] = record_fresh()
    result["dropout"] = record_dropout()
    result["initializers"] = record_initializers()
    result["fc_one_output"] = record_fc()
    result["sgd"] = record_sgd()
    result["metrics"] = record_metrics()
    result["tutorial"] = [tutorial(data, s) for s in TUTORIAL_SEEDS]
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    sys.exit(main())
