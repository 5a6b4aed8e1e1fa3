"""The real MXNet 1.9.1 baseline (Python API), run in its own venv (`make bench-setup`).

    .venv-mxnet/bin/python bench/mxnet_baseline.py '<json spec>'

Same workloads, data and hyper-parameters as bench/workloads.py, written the
way MXNet 1.9's documentation trains a symbol: ``mx.mod.Module(...).fit`` over
``mx.io.NDArrayIter`` (shuffled, last batch padded), SGD with momentum and
``rescale_grad = 1/batch``, uniform(0.01) initial weights, a metric every
batch. Logging stays off, as ``verbose = FALSE`` on our side. Prints
``RESULT <json>`` last. Uses only MXNet and numpy (no code of ours).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from common import boston, mlp_data, timed

HERE = Path(__file__).resolve().parent
f32 = np.float32


def fit_tutorial(mx, epochs: int, batch: int = 20, eval_data: bool = True, callback=None):
    trx, try_, tex, tey = boston()
    net = mx.sym.LinearRegressionOutput(
        mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=1), name="lro")
    train = mx.io.NDArrayIter(trx.astype(f32), try_.astype(f32), batch, shuffle=True,
                              label_name="lro_label")
    val = mx.io.NDArrayIter(tex.astype(f32), tey.astype(f32), batch, label_name="lro_label") \
        if eval_data else None
    mod = mx.mod.Module(net, context=mx.cpu(), label_names=["lro_label"])
    mod.fit(train, eval_data=val, num_epoch=epochs, optimizer="sgd",
            optimizer_params={"learning_rate": 2e-6, "momentum": 0.9,
                              "rescale_grad": 1.0 / batch},
            eval_metric="rmse", initializer=mx.init.Uniform(0.01),
            batch_end_callback=callback)
    mx.nd.waitall()


def tutorial(mx, spec: dict) -> dict:
    short, long, reps = spec["short"], spec["long"], spec["reps"]
    t_short = timed(lambda: fit_tutorial(mx, short), reps)
    t_long = timed(lambda: fit_tutorial(mx, long), reps)
    return {"per_epoch_s": (statistics.median(t_long) - statistics.median(t_short)) / (long - short),
            "fit_short_s": statistics.median(t_short), "short": short, "long": long,
            "t_short": t_short, "t_long": t_long}


def tutorial_once(mx, spec: dict) -> dict:
    """One 10-epoch training, for the whole-process time (import included)."""
    t0 = time.perf_counter()
    fit_tutorial(mx, 10)
    return {"fit_s": time.perf_counter() - t0}


def mlp(mx, spec: dict) -> dict:
    X, y = mlp_data()
    net = mx.sym.Variable("data")
    net = mx.sym.FullyConnected(net, num_hidden=128)
    net = mx.sym.Activation(net, act_type="relu")
    net = mx.sym.FullyConnected(net, num_hidden=64)
    net = mx.sym.Activation(net, act_type="relu")
    net = mx.sym.FullyConnected(net, num_hidden=10)
    net = mx.sym.SoftmaxOutput(net, name="softmax")
    batch = spec["batch"]

    def fit():
        it = mx.io.NDArrayIter(X, y, batch, shuffle=True, label_name="softmax_label")
        mod = mx.mod.Module(net, context=mx.cpu())
        mod.fit(it, num_epoch=1, optimizer="sgd",
                optimizer_params={"learning_rate": 0.1, "momentum": 0.9,
                                  "rescale_grad": 1.0 / batch},
                eval_metric="acc", initializer=mx.init.Uniform(0.01))
        mx.nd.waitall()
    times = timed(fit, spec["reps"])
    return {"samples_per_s": X.shape[0] / statistics.median(times), "times": times}


def callback(mx, spec: dict) -> dict:
    """Per call of a batch_end_callback that reads the metric: the call alone (what
    Module.fit runs for it each batch: a BatchEndParam with locals(), then the call), and
    the marginal cost in a training of batch 1 (169 batches an epoch) over the same
    training without it (noisy: MXNet's own per-batch time is far larger)."""
    from mxnet.model import BatchEndParam
    epochs, reps = spec["epochs"], spec["reps"]

    def cb(param):
        _, value = param.eval_metric.get()
        return value > 0

    metric = mx.metric.create("rmse")
    metric.update([mx.nd.array([1.0, 2.0])], [mx.nd.array([1.5, 2.5])])

    def one_call(epoch=2, nbatch=3, eval_metric=metric, batch_end_callback=cb):
        params = BatchEndParam(epoch=epoch, nbatch=nbatch, eval_metric=eval_metric,
                               locals=locals())
        for callback in [batch_end_callback]:
            callback(params)
    calls = spec.get("calls", 10000)
    alone = statistics.median(t / calls for t in timed(
        lambda: [one_call() for _ in range(calls)], 5)) * 1e6

    base = statistics.median(timed(lambda: fit_tutorial(mx, epochs, 1, False), reps))
    with_cb = statistics.median(timed(lambda: fit_tutorial(mx, epochs, 1, False, cb), reps))
    batches = 169 * epochs
    return {"Python callback": (with_cb - base) / batches * 1e6, "Python callback (call alone)":
            alone, "batches": batches, "fit_without_callback_s": base}


def main() -> None:
    spec = json.loads(sys.argv[1])
    warnings.simplefilter("ignore")
    import mxnet as mx
    result = {"tutorial": tutorial, "tutorial_once": tutorial_once, "mlp": mlp,
              "callback": callback}[spec["workload"]](mx, spec)
    result["mxnet"] = mx.__version__
    result["numpy"] = np.__version__
    result["omp_num_threads"] = os.environ.get("OMP_NUM_THREADS")
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
