"""Benchmark workloads of mxnet_r_compat and of the numpy baseline (one per process).

Run by bench/run.py, one workload per child process so that each has its own
peak RSS:  .venv/bin/python bench/workloads.py '<json spec>'
The last line printed is ``RESULT <json>``. BLAS threads come from
OPENBLAS_NUM_THREADS, which run.py sets for the child (it is read when
OpenBLAS loads, by our library and numpy's alike).

Workloads (spec "workload"):
  tutorial  Boston, FC(1), batch 20, SGD momentum, RMSE, validation every epoch
  mlp       784-128(relu)-64(relu)-10 softmax, 60000 synthetic samples, 1 epoch, accuracy
  roofline  raw sgemm at the MLP's shapes (ours only): the GEMM roofline
  callback  per-call cost of a Python callback and of R closures (ours only)
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
from pathlib import Path

import numpy as np
from common import boston, mlp_data, timed

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
f32 = np.float32


def per_epoch(fit, short: int, long: int, reps: int) -> dict:
    """Marginal time of one epoch: (median fit(long) - median fit(short)) / (long - short)."""
    t_short = timed(lambda: fit(short), reps)
    t_long = timed(lambda: fit(long), reps)
    return {"per_epoch_s": (statistics.median(t_long) - statistics.median(t_short)) / (long - short),
            "fit_short_s": statistics.median(t_short), "short": short, "long": long,
            "t_short": t_short, "t_long": t_long}


# -- ours ---------------------------------------------------------------------------------------

def _ours():
    from mxnet_r_compat import mx
    from mxnet_r_compat.training import fit as fit_mod
    return fit_mod, mx


def mlp_symbol(mx):
    net = mx.symbol.Variable("data")
    net = mx.symbol.FullyConnected(net, num_hidden=128)
    net = mx.symbol.Activation(net, act_type="relu")
    net = mx.symbol.FullyConnected(net, num_hidden=64)
    net = mx.symbol.Activation(net, act_type="relu")
    net = mx.symbol.FullyConnected(net, num_hidden=10)
    return mx.symbol.SoftmaxOutput(net)


def ours_tutorial(spec: dict) -> dict:
    fit_mod, mx = _ours()
    trx, try_, tex, tey = boston()
    lro = mx.symbol.LinearRegressionOutput(
        mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=1))

    def fit(epochs: int):
        mx.set.seed(0)
        return fit_mod.create(lro, trx, try_, eval_data={"data": tex, "label": tey},
                              num_round=epochs, array_batch_size=20, learning_rate=2e-6,
                              momentum=0.9, eval_metric=mx.metric.rmse, array_layout="rowmajor",
                              verbose=False)
    return per_epoch(fit, spec["short"], spec["long"], spec["reps"])


def ours_mlp(spec: dict) -> dict:
    fit_mod, mx = _ours()
    X, y = mlp_data()
    net = mlp_symbol(mx)

    def fit():
        mx.set.seed(0)
        fit_mod.create(net, X, y, num_round=1, array_batch_size=spec["batch"], learning_rate=0.1,
                       momentum=0.9, eval_metric=mx.metric.accuracy, array_layout="rowmajor",
                       verbose=False)
    times = timed(fit, spec["reps"])
    return {"samples_per_s": X.shape[0] / statistics.median(times), "times": times}


def mlp_gemms(n: int) -> list[tuple[int, int, int, int, int]]:
    """(m, n, k, trans_a, trans_b) of every sgemm one MLP batch makes (dense.c's calls):
    forward out = x.w^T per layer; backward dx = dy.w (not for the first layer, whose input
    is the data) and dw = dy^T.x per layer."""
    layers = [(784, 128), (128, 64), (64, 10)]
    shapes = []
    for i, (d_in, d_out) in enumerate(layers):
        shapes.append((n, d_out, d_in, 0, 1))
        if i > 0:
            shapes.append((n, d_in, d_out, 0, 0))
        shapes.append((d_out, d_in, n, 1, 0))
    return shapes


def ours_roofline(spec: dict) -> dict:
    """Median time of each of the batch's GEMMs alone (hot buffers, beta = 1, as dense.c)."""
    from mxnet_r_compat._lib import fptr, lib
    n, reps = spec["batch"], spec["reps"]
    rs = np.random.default_rng(0)
    rows, total, flop = [], 0.0, 0
    for m, nn, k, ta, tb in mlp_gemms(n):
        a = rs.standard_normal((k, m) if ta else (m, k), dtype=f32)
        b = rs.standard_normal((nn, k) if tb else (k, nn), dtype=f32)
        c = np.zeros((m, nn), f32)
        pa, pb, pc = fptr(a), fptr(b), fptr(c, writable=True)
        calls = max(20, int(1e8 / (2 * m * nn * k)))

        def run(pa=pa, pb=pb, pc=pc, m=m, nn=nn, k=k, ta=ta, tb=tb, calls=calls):
            for _ in range(calls):
                lib.mxc_sgemm(pc, pa, pb, m, nn, k, ta, tb, 1.0, 1.0)
        t = statistics.median(timed(run, reps)) / calls
        rows.append({"shape": f"{m}x{nn}x{k}", "trans": f"{'T' if ta else 'N'}{'T' if tb else 'N'}",
                     "us": t * 1e6, "gflops": 2 * m * nn * k / t / 1e9})
        total += t
        flop += 2 * m * nn * k
    return {"gemms": rows, "batch_gemm_s": total, "samples_per_s": n / total,
            "gflops": flop / total / 1e9, "blas_threads": lib.mxc_blas_get_num_threads()}


def ours_callback(spec: dict) -> dict:
    """Per call: the adapters alone (as bench/callback_cost.py), and the marginal cost inside a
    real training (Boston, batch 1: 169 batches an epoch) of a batch.end callback that reads
    the metric, over the same training without it (which then runs fused)."""
    import callback_cost as cc

    from mxnet_r_compat.rbridge import rlib, session
    session.start([], handle_sigint=False)
    rlib.setup()
    import rpy2.rinterface as ri

    from mxnet_r_compat.rbridge.callback_adapter import RCallback
    from mxnet_r_compat.rbridge.renv import REnv

    calls = spec["calls"]
    env = cc.training_env()
    ns = ri.baseenv["asNamespace"](ri.StrSexpVector(["mxnet"]))
    renv = REnv(ns, {"metric": session.evalr("mxnet::mx.metric.rmse")})
    trivial_src = "function(iteration, nbatch, env) TRUE"
    realistic_src = """function(iteration, nbatch, env) {
        r <- env$metric$get(env$train.metric)
        if (!is.null(env$eval.metric)) e <- env$metric$get(env$eval.metric)
        m <- env$model
        r$value > 0 && !is.null(m)
    }"""
    noop = session.evalr("function() NULL")
    trivial = RCallback(session.evalr(trivial_src), "batch.end.callback", renv)
    realistic = RCallback(session.evalr(realistic_src), "batch.end.callback", renv)

    def py_cb(iteration, nbatch, env):
        r = env.metric.get(env.train_metric)
        return r.value > 0 and env.model is not None
    adapters = {
        "floor: rpy2 call of an R no-op closure": cc.median_us(lambda: noop(), calls),
        "Python callback (adapter)": cc.median_us(lambda: py_cb(2, 3, env), calls),
        "R closure, trivial (adapter)": cc.median_us(lambda: trivial(2, 3, env), calls),
        "R closure, realistic (adapter)": cc.median_us(lambda: realistic(2, 3, env), calls),
    }
    in_training = training_marginal(spec, py_cb, trivial_src, realistic_src)
    return {"adapter_us": adapters, "in_training_us": in_training}


def training_marginal(spec: dict, py_cb, trivial_src: str, realistic_src: str) -> dict:
    """(fit with the callback - fit without) / batches, medians over reps; R callbacks go
    through the R entry point (rbridge/rtrain.py fit_from_r), as mx.model.FeedForward.create does."""
    from mxnet_r_compat.rbridge import session
    fit_mod, mx = _ours()
    trx, try_, _, _ = boston()
    lro = mx.symbol.LinearRegressionOutput(
        mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=1))
    epochs, reps = spec["epochs"], spec["reps"]
    batches = trx.shape[0] * epochs

    def fit_py(cb):
        mx.set.seed(0)
        fit_mod.create(lro, trx, try_, num_round=epochs, array_batch_size=1, learning_rate=2e-6,
                       momentum=0.9, eval_metric=mx.metric.rmse, array_layout="rowmajor",
                       verbose=False, batch_end_callback=cb)
    base = statistics.median(timed(lambda: fit_py(None), reps))
    out = {"Python callback": (statistics.median(timed(lambda: fit_py(py_cb), reps)) - base)
           / batches * 1e6}
    session.evalr("library(mxnet); data(BostonHousing, package='mlbench')")
    session.evalr(f"""
      .bx <- data.matrix(BostonHousing[seq(1, 506, 3), -14]); .by <- BostonHousing[seq(1, 506, 3), 14]
      .lro <- mx.symbol.LinearRegressionOutput(mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=1))
      .fit <- function(cb) {{ mx.set.seed(0); invisible(mx.model.FeedForward.create(.lro, X=.bx, y=.by,
        ctx=mx.cpu(), num.round={epochs}, array.batch.size=1, learning.rate=2e-6, momentum=0.9,
        eval.metric=mx.metric.rmse, array.layout="rowmajor", verbose=FALSE, batch.end.callback=cb)) }}
      .cb_trivial <- {trivial_src}
      .cb_realistic <- {realistic_src}""")
    fit_r = session.evalr(".fit")
    r_null = session.evalr("NULL")
    r_base = statistics.median(timed(lambda: session.call_r(fit_r, r_null), reps))
    for name, sym in (("R closure, trivial", ".cb_trivial"), ("R closure, realistic", ".cb_realistic")):
        cb = session.evalr(sym)
        out[name] = (statistics.median(timed(lambda cb=cb: session.call_r(fit_r, cb), reps)) - r_base) \
            / batches * 1e6
    out["batches"] = batches
    out["fit_without_callback_s"] = {"python": base, "r": r_base}
    return out


# -- numpy baseline -----------------------------------------------------------------------------

def numpy_tutorial(spec: dict) -> dict:
    import numpy_baseline as nb
    trx, try_, tex, tey = boston()
    return per_epoch(lambda e: nb.train_linreg(trx, try_, tex, tey, 20, e), spec["short"],
                     spec["long"], spec["reps"])


def numpy_mlp(spec: dict) -> dict:
    import numpy_baseline as nb
    X, y = mlp_data()
    times = timed(lambda: nb.train_mlp(X, y, spec["batch"]), spec["reps"])
    return {"samples_per_s": X.shape[0] / statistics.median(times), "times": times}


RUNNERS = {
    ("ours", "tutorial"): ours_tutorial, ("ours", "mlp"): ours_mlp,
    ("ours", "roofline"): ours_roofline, ("ours", "callback"): ours_callback,
    ("numpy", "tutorial"): numpy_tutorial, ("numpy", "mlp"): numpy_mlp,
}


def main() -> None:
    spec = json.loads(sys.argv[1])
    result = RUNNERS[(spec["impl"], spec["workload"])](spec)
    result["openblas_num_threads"] = os.environ.get("OPENBLAS_NUM_THREADS")
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
