"""The baseline written in plain numpy: the same training loops, straightforwardly.

What a careful user would write without a framework: float32 arrays, one
matrix product per layer and direction (numpy's own BLAS), SGD with momentum
and MXNet's rescale_grad = 1/batch, the metric computed on every batch with
the predictions from before the update, and a shuffled order fixed once (as
MXNet R's array iterator). It is not bit-identical to our trainer (other BLAS,
other initial weights): it is a speed reference, checked only to learn.
"""

from __future__ import annotations

import itertools

import numpy as np

f32 = np.float32


def _batches(n: int, batch: int, order: np.ndarray):
    """Index arrays of each batch; the last is filled up from the start (padding)."""
    for start in range(0, n, batch):
        idx = order[start:start + batch]
        if idx.size < batch:
            idx = np.concatenate([idx, order[: batch - idx.size]])
        yield idx


def train_mlp(X: np.ndarray, y: np.ndarray, batch: int, epochs: int = 1, lr: float = 0.1,
              momentum: float = 0.9, hidden=(128, 64), classes: int = 10, seed: int = 0):
    """784-128(relu)-64(relu)-10 softmax; returns (weights, mean batch accuracy)."""
    rs = np.random.default_rng(seed)
    sizes = [X.shape[1], *hidden, classes]
    W = [rs.uniform(-0.01, 0.01, (o, i)).astype(f32) for i, o in itertools.pairwise(sizes)]
    b = [np.zeros(o, f32) for o in sizes[1:]]
    vW, vb = [np.zeros_like(w) for w in W], [np.zeros_like(v) for v in b]
    order = rs.permutation(X.shape[0])
    scale = f32(1.0 / batch)
    rows = np.arange(batch)
    acc_sum, calls = 0.0, 0
    for _ in range(epochs):
        for idx in _batches(X.shape[0], batch, order):
            x, t = X[idx], y[idx].astype(np.int64)
            acts = [x]
            for k in range(len(W)):
                z = acts[-1] @ W[k].T + b[k]
                acts.append(np.maximum(z, 0, out=z) if k < len(W) - 1 else z)
            z = acts[-1]
            p = np.exp(z - z.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            acc_sum += float(np.mean(np.argmax(p, axis=1) == t))
            calls += 1
            g = p
            g[rows, t] -= 1.0
            for k in range(len(W) - 1, -1, -1):
                gw, gb = g.T @ acts[k], g.sum(axis=0)
                if k > 0:
                    g = (g @ W[k]) * (acts[k] > 0)
                vW[k] *= momentum
                vW[k] -= lr * scale * gw
                W[k] += vW[k]
                vb[k] *= momentum
                vb[k] -= lr * scale * gb
                b[k] += vb[k]
    return W, acc_sum / calls


def train_linreg(X: np.ndarray, y: np.ndarray, Xv: np.ndarray, yv: np.ndarray, batch: int,
                 epochs: int, lr: float = 2e-6, momentum: float = 0.9, seed: int = 0):
    """The tutorial: FC(1) + linear regression output, RMSE per batch, validation each epoch;
    returns (weights, per-epoch (train RMSE, validation RMSE))."""
    rs = np.random.default_rng(seed)
    X, Xv = X.astype(f32), Xv.astype(f32)
    y, yv = y.astype(f32), yv.astype(f32)
    w = rs.uniform(-0.01, 0.01, X.shape[1]).astype(f32)
    bias, vw, vb = f32(0), np.zeros_like(w), f32(0)
    order = rs.permutation(X.shape[0])
    scale = f32(1.0 / batch)
    history = []
    for _ in range(epochs):
        tr = []
        for idx in _batches(X.shape[0], batch, order):
            x, t = X[idx], y[idx]
            out = x @ w + bias
            d = out - t
            tr.append(float(np.sqrt(np.mean(d.astype(np.float64) ** 2))))
            vw = momentum * vw - lr * scale * (d @ x)
            vb = momentum * vb - lr * scale * d.sum()
            w += vw
            bias += vb
        ev = []
        for idx in _batches(Xv.shape[0], batch, np.arange(Xv.shape[0])):
            d = Xv[idx] @ w + bias - yv[idx]
            ev.append(float(np.sqrt(np.mean(d.astype(np.float64) ** 2))))
        history.append((float(np.mean(tr)), float(np.mean(ev))))
    return (w, bias), history
