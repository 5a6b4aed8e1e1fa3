"""Fixtures for the Python trainer tests (tests/trainer).

The trainer is driven through the R-style namespace (``from mxnet_r_compat
import mx``), as a user would. Data sets are tiny and seeded so every test is
deterministic; BostonHousing is read once per session through Rscript.

Helpers are handed out as fixtures, so test modules import nothing from here.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.datasets import boston_tutorial_split


@pytest.fixture
def tiny_data() -> tuple[np.ndarray, np.ndarray]:
    """50 samples x 3 features (float32-exact) and a noisy linear target.

    50 = 3 * 16 + 2, so with batch 16 the last batch has 2 real samples and 14
    padded ones.
    """
    rng = np.random.default_rng(20240611)
    X = rng.normal(size=(50, 3)).astype(np.float32).astype(np.float64)
    y = (X @ np.array([1.5, -2.0, 0.5]) + 0.3 + 0.1 * rng.normal(size=50))
    return X, y.astype(np.float32).astype(np.float64)


@pytest.fixture
def linreg():
    """``data -> FullyConnected(1, name="fc") -> LinearRegressionOutput(name="lro")``."""
    data = mx.symbol.Variable("data")
    fc = mx.symbol.FullyConnected(data, num_hidden=1, name="fc")
    return mx.symbol.LinearRegressionOutput(fc, name="lro")


@pytest.fixture
def bn_net():
    """A net with auxiliary states: FC(4) -> BatchNorm -> tanh -> FC(1) -> linear output."""
    data = mx.symbol.Variable("data")
    h = mx.symbol.FullyConnected(data, num_hidden=4, name="fc1")
    h = mx.symbol.BatchNorm(h, name="bn", fix_gamma=False)
    h = mx.symbol.Activation(h, act_type="tanh", name="act")
    out = mx.symbol.FullyConnected(h, num_hidden=1, name="fc2")
    return mx.symbol.LinearRegressionOutput(out, name="lro")


@pytest.fixture(scope="session")
def boston() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The Callback Function tutorial's split: train_x (169, 13), train_y, test_x (337, 13),
    test_y."""
    return boston_tutorial_split()


@pytest.fixture
def train(tiny_data, linreg) -> Callable[..., Any]:
    """``train(**kw)``: FeedForward.create on the tiny data, quiet, layout given, seed 1.

    Any argument can be overridden (X, y, symbol, verbose, ...).
    """
    def run(**kw):
        X, y = tiny_data
        args: dict[str, Any] = dict(symbol=linreg, X=X, y=y, array_layout="rowmajor",
                                    array_batch_size=16, num_round=3, learning_rate=0.05,
                                    momentum=0.9, verbose=False)
        args.update(kw)
        mx.set.seed(args.pop("seed", 1))
        return mx.model.FeedForward.create(**args)
    return run


@pytest.fixture
def stderr_lines(capsys) -> Callable[[], list[str]]:
    """Returns a function giving the stderr lines written since the last call."""
    def lines() -> list[str]:
        return capsys.readouterr().err.split("\n")[:-1]
    return lines


@pytest.fixture
def no_warnings():
    """Turn every warning into an error inside the test (e.g. when a layout is given)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
