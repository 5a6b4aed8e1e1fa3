"""Parity with MXNet R 1.9's training loop, re-derived from first principles in float64.

The reference below is written from docs/MXNET_R_BEHAVIOUR.md ("Conventions", "Devices",
"Training loop", "Metrics", "Optimizers", "Initializers, contexts and random numbers",
"Array iterator"),
not taken from the package: the random draws in MXNet R's order (training shuffle,
weights, validation shuffle), the shuffle's swap loop, stale padding of the last
batch, the per-device split, the LinearRegressionOutput gradient, the sgd momentum
rule with hyper-parameters rounded to 6 significant digits and rescale 1/batch, and
RMSE as the mean of per-batch (per device slice) values, with predictions taken
before the update. Only ``mx.runif`` (the shared random stream) is used from the
package. Every epoch's weights and both RMSE values must match to 1e-5 relative.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mxnet_r_compat import mx

RTOL = 1e-5


def r6(x: float) -> float:
    """A double as MXNet R hands it to the backend: C++ stream default, 6 digits."""
    return float("%g" % x)


def swap_shuffle(u: np.ndarray) -> np.ndarray:
    order = np.arange(len(u))
    for i in range(len(u) - 1, 0, -1):
        j = math.floor(float(u[i]) * (i + 1))
        if j < i:
            order[i], order[j] = order[j], order[i]
    return order


def padded_batches(order: np.ndarray, B: int) -> list[np.ndarray]:
    """Sample indices of each batch; pad slots keep the previous batch's samples."""
    slots = np.zeros(B, dtype=int)
    out = []
    for start in range(0, len(order), B):
        part = order[start:start + B]
        slots = slots.copy()
        slots[:len(part)] = part
        out.append(slots)
    return out


def device_ranges(B: int, ndev: int) -> list[tuple[int, int]]:
    step = (B + ndev - 1) // ndev
    return [(min(k * step, B), min((k + 1) * step, B)) for k in range(ndev)
            if min(k * step, B) < min((k + 1) * step, B)]


def reference_run(X, y, Xv, yv, *, seed, B, lr, momentum, wd, epochs, ndev, scale):
    """Weights, train RMSE and validation RMSE after each epoch, in float64."""
    X, Xv = (np.asarray(a, np.float32).astype(np.float64) for a in (X, Xv))
    y, yv = (np.asarray(a, np.float32).astype(np.float64) for a in (y, yv))
    y, yv = y.reshape(len(y), -1), yv.reshape(len(yv), -1)
    k = y.shape[1]
    mx.set.seed(seed)
    order = swap_shuffle(mx.runif(len(X)))
    W = mx.runif((k, X.shape[1]), -scale, scale).astype(np.float64)
    b = np.zeros(k)
    vorder = swap_shuffle(mx.runif(len(Xv)))
    lr, momentum, wd, rescale = r6(lr), r6(momentum), r6(wd), r6(1.0 / B)
    mom_W, mom_b = np.zeros_like(W), np.zeros_like(b)
    ranges = device_ranges(B, ndev)

    def per_slice_rmse(xb, yb):
        return [math.sqrt(np.mean((xb[lo:hi] @ W.T + b - yb[lo:hi]) ** 2)) for lo, hi in ranges]

    history = []
    for _ in range(epochs):
        values = []
        for idx in padded_batches(order, B):
            xb, yb = X[idx], y[idx]
            values += per_slice_rmse(xb, yb)  # before the update
            gW, gb = np.zeros_like(W), np.zeros_like(b)
            for lo, hi in ranges:  # every device's gradient, summed
                diff = (xb[lo:hi] @ W.T + b - yb[lo:hi]) / k  # grad_scale / outputs per sample
                gW += diff.T @ xb[lo:hi]
                gb += diff.sum(axis=0)
            if momentum == 0:
                W = (1 - lr * wd) * W - lr * rescale * gW
                b = (1 - lr * wd) * b - lr * rescale * gb
            else:
                mom_W = momentum * mom_W - lr * wd * W - lr * rescale * gW
                mom_b = momentum * mom_b - lr * wd * b - lr * rescale * gb
                W, b = W + mom_W, b + mom_b
        train_rmse = float(np.mean(values))
        evals = []
        for idx in padded_batches(vorder, B):
            evals += per_slice_rmse(Xv[idx], yv[idx])
        history.append({"W": W.copy(), "b": b.copy(), "train": train_rmse,
                        "eval": float(np.mean(evals))})
    return history


def package_run(X, y, Xv, yv, *, seed, B, lr, momentum, wd, epochs, ndev, scale):
    k = 1 if np.ndim(y) == 1 else y.shape[1]
    net = mx.symbol.LinearRegressionOutput(
        mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=k, name="fc"),
        name="lro")
    logger, models = mx.metric.logger(), []

    def epoch(iteration, nbatch, env, verbose):
        mx.callback.log.train.metric(1, logger)(iteration, nbatch, env, verbose)
        models.append({n: v.copy() for n, v in env.model.arg_params.items()})

    mx.set.seed(seed)
    ctx = mx.cpu() if ndev == 1 else [mx.cpu(i) for i in range(ndev)]
    mx.model.FeedForward.create(
        net, X=X, y=y, eval_data={"data": Xv, "label": yv}, ctx=ctx, num_round=epochs,
        array_batch_size=B, array_layout="rowmajor", learning_rate=lr, momentum=momentum,
        wd=wd, initializer=mx.init.uniform(scale), eval_metric=mx.metric.rmse,
        epoch_end_callback=epoch, verbose=False)
    return [{"W": m["fc_weight"], "b": m["fc_bias"], "train": t, "eval": e}
            for m, t, e in zip(models, logger.train, logger.eval)]


def assert_same_history(got, want):
    assert len(got) == len(want)
    for epoch, (g, w) in enumerate(zip(got, want), start=1):
        scale = np.abs(w["W"]).max()
        np.testing.assert_allclose(g["W"], w["W"], rtol=RTOL, atol=RTOL * scale,
                                   err_msg=f"weights, epoch {epoch}")
        np.testing.assert_allclose(g["b"], w["b"], rtol=RTOL, atol=RTOL * max(scale, 1e-3),
                                   err_msg=f"bias, epoch {epoch}")
        assert g["train"] == pytest.approx(w["train"], rel=RTOL), f"train rmse, epoch {epoch}"
        assert g["eval"] == pytest.approx(w["eval"], rel=RTOL), f"eval rmse, epoch {epoch}"


TUTORIAL = dict(B=20, lr=2e-6, momentum=0.9, wd=0.0, epochs=10, ndev=1, scale=0.01)


@pytest.mark.parametrize("seed", [0, 7])
def test_boston_tutorial_matches_the_reference(boston, seed):
    train_x, train_y, test_x, test_y = boston
    want = reference_run(train_x, train_y, test_x, test_y, seed=seed, **TUTORIAL)
    got = package_run(train_x, train_y, test_x, test_y, seed=seed, **TUTORIAL)
    assert_same_history(got, want)
    # Sanity of the reference itself: 169 = 8*20 + 9 samples, so padding is exercised,
    # and training moved the weights a long way from the initial draw.
    assert np.abs(want[-1]["W"]).max() > 0.05


SYNTHETIC = dict(B=16, lr=0.05, momentum=0.9, wd=1e-3, epochs=5, scale=0.1)


@pytest.mark.parametrize("ndev", [1, 2, 3])
def test_synthetic_padded_batch_and_devices(tiny_data, ndev):
    X, y = tiny_data  # 50 samples: the last batch holds 2 real and 14 stale samples
    Xv, yv = X[:20] * 0.5, y[:20]
    want = reference_run(X, y, Xv, yv, seed=5, ndev=ndev, **SYNTHETIC)
    got = package_run(X, y, Xv, yv, seed=5, ndev=ndev, **SYNTHETIC)
    assert_same_history(got, want)


def test_synthetic_two_outputs_without_momentum(tiny_data):
    X, y = tiny_data
    Y = np.stack([y, 2 * X[:, 0] - 1], axis=1)  # label (n, 2): gradient / 2 per sample
    settings = dict(SYNTHETIC, momentum=0.0, lr=0.1, B=12)
    want = reference_run(X, Y, X[:30], Y[:30], seed=9, ndev=2, **settings)
    got = package_run(X, Y, X[:30], Y[:30], seed=9, ndev=2, **settings)
    assert_same_history(got, want)


def test_the_reference_is_sensitive_to_what_it_checks(tiny_data):
    """A 3e-5 change of the learning rate, or another sample order, fails the comparison."""
    X, y = tiny_data
    base = reference_run(X, y, X[:20], y[:20], seed=5, ndev=1, **SYNTHETIC)
    shifted = reference_run(X, y, X[:20], y[:20], seed=5, ndev=1,
                            **dict(SYNTHETIC, lr=0.05 * (1 + 3e-5)))
    with pytest.raises(AssertionError):
        assert_same_history(shifted, base)
    got = package_run(X, y, X[:20], y[:20], seed=6, ndev=1, **SYNTHETIC)
    with pytest.raises(AssertionError):
        assert_same_history(got, base)
