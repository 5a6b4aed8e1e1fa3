"""Fixtures for the callbacks beyond MXNet R (docs/CALLBACKS.md; tests/callbacks).

Two ways to exercise a callback:

* ``fit(**kw)``: a real (tiny, seeded) training run through
  ``mx.model.FeedForward.create``, as a user would call it;
* ``drive(cb, values)``: call an epoch-end callback with a scripted sequence of
  monitored values (a fake ``env`` whose eval metric state gives exactly those
  values), to pin down its rule without depending on what training produces.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.learn.optimizer import SGD
from mxnet_r_compat.training.env import TrainEnv
from mxnet_r_compat.training.model import FeedForwardModel

NET = mx.symbol.LinearRegressionOutput(
    mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=1, name="fc"), name="lro")


@pytest.fixture
def data() -> tuple[np.ndarray, np.ndarray]:
    """40 samples x 3 features and a linear target: 4 batches of 10."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 3)).astype(np.float32)
    return X, X @ np.array([1.0, -2.0, 0.5], np.float32) + 1


@pytest.fixture
def fit(data) -> Callable[..., Any]:
    """``fit(**kw)``: 3 quiet epochs of 4 batches, rmse, lr 0.05, seed 0; ``eval=True`` adds
    the first 20 samples as validation data."""
    def run(eval: bool = False, **kw: Any):
        X, y = data
        mx.set.seed(kw.pop("seed", 0))
        args: dict[str, Any] = {"num_round": 3, "array_batch_size": 10, "learning_rate": 0.05,
                                "verbose": False, "eval_metric": mx.metric.rmse,
                                "array_layout": "rowmajor"}
        if eval:
            args["eval_data"] = {"data": X[:20], "label": y[:20]}
        args.update({"X": X, "y": y, **kw})
        return mx.model.FeedForward.create(NET, **args)
    return run


def fake_env(metric=None, eval_data: bool = True, lr: float = 0.1) -> TrainEnv:
    """An env as the trainer fills it, with a small model and an SGD optimizer."""
    env = TrainEnv()
    env.metric = mx.metric.rmse if metric is None else metric
    env.eval_data = object() if eval_data else None
    env.train_data = None
    env.optimizer = SGD(learning_rate=lr)
    return env


def set_epoch(env: TrainEnv, iteration: int, value: float, weight: float | None = None) -> None:
    """Make ``value`` the monitored (train and eval) value of epoch ``iteration``."""
    env.iteration = iteration
    env.train_metric = np.array([1.0, value])
    env.eval_metric = np.array([1.0, value]) if env.eval_data is not None else None
    w = float(iteration) if weight is None else weight
    env.model = FeedForwardModel(NET, {"fc_weight": np.full((1, 3), w, np.float32),
                                       "fc_bias": np.zeros(1, np.float32)})


@pytest.fixture
def drive() -> Callable[..., list[Any]]:
    """``drive(cb, values, env=None, start=True)``: epochs 1.. with these monitored values;
    stops after the first result that asks to stop. Applies ``lr`` results to the optimizer.
    Returns the results, one per epoch called."""
    def run(cb, values: Sequence[float], env: TrainEnv | None = None, start: bool = True,
            first: int = 1) -> list[Any]:
        env = fake_env() if env is None else env
        if start:
            cb.start(env)
        results = []
        for i, value in enumerate(values, start=first):
            set_epoch(env, i, value)
            result = cb(i, 0, env, verbose=False)
            results.append(result)
            if isinstance(result, dict) and result.get("lr") is not None:
                env.optimizer.lr = result["lr"]
            if isinstance(result, dict) and result.get("stop"):
                break
        return results
    return run


def stopped_at(results: list[Any]) -> int | None:
    """The epoch (1-based position) whose result asked to stop, or None."""
    for i, r in enumerate(results, start=1):
        if isinstance(r, dict) and r.get("stop"):
            return i
    return None


@pytest.fixture
def stop_epoch() -> Callable[[list[Any]], int | None]:
    return stopped_at


@pytest.fixture
def recorder() -> Callable[..., Callable]:
    """``recorder(log)``: an epoch callback that stores a copy of every epoch's weights."""
    def make(log: dict[int, dict[str, np.ndarray]]):
        def cb(iteration, nbatch, env):
            log[iteration] = {k: v.copy() for k, v in env.model.arg_params.items()}
        return cb
    return make


@pytest.fixture
def make_env() -> Callable[..., TrainEnv]:
    """``make_env(metric=None, eval_data=True, lr=0.1)``: see :func:`fake_env`."""
    return fake_env


@pytest.fixture
def at_epoch() -> Callable[..., None]:
    """``at_epoch(env, iteration, value)``: see :func:`set_epoch`."""
    return set_epoch


@pytest.fixture
def diverging_eval(data) -> dict[str, np.ndarray]:
    """Validation data whose target is half the training target: with ``fit``'s settings
    the validation rmse is lowest at epoch 2 (0.62, 0.32, 0.46, 0.66, ...), then grows."""
    X, y = data
    return {"data": X[:20], "label": 0.5 * y[:20]}
