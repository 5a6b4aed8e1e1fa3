"""Per-call cost of a training callback: Python callable, R closure (trivial), R closure (realistic).

Each callback is called exactly as the trainer calls it, through the same
adapter, on a TrainEnv in the state of a batch in epoch 2 (train metric,
previous epoch's eval metric and model set). The realistic R closure reads
env$metric$get(env$train.metric), env$eval.metric and env$model, as the
tutorial's callbacks do. The baseline, in the same run, is the bare cost of an
rpy2 call into an R no-op closure: the floor any R callback design pays.

Run: .venv/bin/python bench/callback_cost.py [--calls 10000]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np


def median_us(fn, calls: int, repeats: int = 5) -> float:
    """Median over `repeats` runs of the mean per-call time, in microseconds."""
    fn()
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        runs.append((time.perf_counter() - t0) / calls * 1e6)
    return statistics.median(runs)


def training_env():
    from mxnet_r_compat import mx
    from mxnet_r_compat.training.env import TrainEnv
    from mxnet_r_compat.training.model import FeedForwardModel
    env = TrainEnv()
    sym = mx.symbol.LinearRegressionOutput(
        mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=1, name="fc1"))
    env.iteration, env.nbatch = 2, 3
    env.metric = mx.metric.rmse
    env.train_metric = np.array([3.0, 30.0])
    env.eval_metric = np.array([17.0, 170.0])
    env.model = FeedForwardModel(sym, {"fc1_weight": np.zeros((1, 13), np.float32),
                                       "fc1_bias": np.zeros(1, np.float32)})
    return env


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=10000)
    calls = parser.parse_args().calls

    from mxnet_r_compat.rbridge import rlib, session
    session.start([], handle_sigint=False)
    rlib.setup()
    import rpy2.rinterface as ri

    from mxnet_r_compat.rbridge.callback_adapter import RCallback
    from mxnet_r_compat.rbridge.renv import REnv
    env = training_env()
    ns = ri.baseenv["asNamespace"](ri.StrSexpVector(["mxnet"]))
    rmetric = session.evalr("mxnet::mx.metric.rmse")
    renv = REnv(ns, {"metric": rmetric})

    def py_callback(iteration, nbatch, env):
        r = env.metric.get(env.train_metric)
        return r.value > 0 and env.model is not None

    trivial = RCallback(session.evalr("function(iteration, nbatch, env) TRUE"),
                        "batch.end.callback", renv)
    realistic = RCallback(session.evalr("""function(iteration, nbatch, env) {
        r <- env$metric$get(env$train.metric)
        if (!is.null(env$eval.metric)) e <- env$metric$get(env$eval.metric)
        m <- env$model
        r$value > 0 && !is.null(m)
    }"""), "batch.end.callback", renv)
    noop = session.evalr("function() NULL")

    results = {
        "floor: rpy2 call of an R no-op closure": median_us(lambda: noop(), calls),
        "Python callback (reads metric and model)": median_us(lambda: py_callback(2, 3, env), calls),
        "R closure, trivial (returns TRUE)": median_us(lambda: trivial(2, 3, env), calls),
        "R closure, realistic (metric$get x2, model)": median_us(lambda: realistic(2, 3, env), calls),
    }
    floor = results["floor: rpy2 call of an R no-op closure"]
    print(f"{'callback':<48} {'us/call':>8} {'x floor':>8}")
    for name, us in results.items():
        print(f"{name:<48} {us:8.1f} {us / floor:8.2f}")


if __name__ == "__main__":
    main()
