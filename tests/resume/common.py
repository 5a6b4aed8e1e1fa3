"""The training set-up shared by the resume tests and their child processes."""

from __future__ import annotations

import numpy as np

from mxnet_r_compat import mx

RNG = np.random.default_rng(0)
X = RNG.normal(size=(50, 3)).astype(np.float32)   # 50 = 3 x 16 + 2: a padded last batch
Y = (X @ np.float32([1.5, -2.0, 0.5]) + 0.3).astype(np.float32)
VX = RNG.normal(size=(23, 3)).astype(np.float32)  # validation: 16 + 7, padded too
VY = (VX @ np.float32([1.5, -2.0, 0.5])).astype(np.float32)

OPTIMIZERS = {
    "sgd_momentum": dict(optimizer="sgd", learning_rate=0.05, momentum=0.9),
    "adam": dict(optimizer="adam", learning_rate=0.01),
}


def net(hidden: int = 8):
    """Dropout (random stream), BatchNorm (aux states) and two weight layers."""
    h = mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=hidden, name="fc1")
    h = mx.symbol.BatchNorm(h, name="bn", fix_gamma=False)
    h = mx.symbol.Activation(h, act_type="relu", name="relu")
    h = mx.symbol.Dropout(h, p=0.3, name="dp")
    return mx.symbol.LinearRegressionOutput(
        mx.symbol.FullyConnected(h, num_hidden=1, name="fc2"), name="lro")


def train(num_round: int, seed: int = 3, hidden: int = 8, x=X, eval_data=True, **kw):
    """One training run; ``seed`` is the session's seed (a resumed run uses another)."""
    if "optimizer" not in kw:
        kw = {**OPTIMIZERS["sgd_momentum"], **kw}
    mx.set.seed(seed)
    return mx.model.FeedForward.create(
        net(hidden), X=x, y=Y[:len(x)], array_layout="rowmajor", array_batch_size=16,
        num_round=num_round, eval_metric=mx.metric.rmse, verbose=False,
        eval_data={"data": VX, "label": VY} if eval_data else None, **kw)


def assert_same_weights(a, b) -> None:
    assert list(a.arg_params) == list(b.arg_params)
    assert list(a.aux_params) == list(b.aux_params)
    for mine, theirs in ((a.arg_params, b.arg_params), (a.aux_params, b.aux_params)):
        for name, value in mine.items():
            assert value.tobytes() == theirs[name].tobytes(), f"{name} differs"


def values(model) -> list[float]:
    return [row["value"] for row in model.history]
