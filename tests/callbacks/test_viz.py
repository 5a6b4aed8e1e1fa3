"""mx.viz.plot_history: learning curves with matplotlib, a clear error without it."""

from __future__ import annotations

import sys

import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import MXError, MXValueError


@pytest.fixture(autouse=True)
def close_figures():
    yield
    if sys.modules.get("matplotlib.pyplot") is not None:
        sys.modules["matplotlib.pyplot"].close("all")


def test_one_panel_per_metric_with_train_and_eval(fit, tmp_path):
    model = fit(eval=True, num_round=4)
    path = tmp_path / "curves.png"
    fig = mx.viz.plot_history(model.history, file=str(path))
    (ax,) = fig.axes
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"train", "eval"}
    assert list(lines["train"].get_xdata()) == [1, 2, 3, 4]
    assert list(lines["eval"].get_ydata()) == [h["value"] for h in model.history
                                               if h["phase"] == "eval"]
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_model_and_the_lr_panel(fit):
    sched = mx.callback.lr.scheduler(lambda iteration, lr: 0.1 / iteration)
    model = fit(num_round=3, epoch_begin_callback=sched)
    fig = mx.viz.plot_history(model, lr=True)
    assert len(fig.axes) == 2
    assert list(fig.axes[1].get_lines()[0].get_ydata()) == [0.1, 0.05, 0.1 / 3]


def test_bad_input(fit):
    with pytest.raises(MXValueError, match="empty history"):
        mx.viz.plot_history([])
    with pytest.raises(MXValueError, match="`metrics`"):
        mx.viz.plot_history(fit(num_round=1).history, metrics=["accuracy"])


def test_without_matplotlib_the_error_says_what_to_install(fit, monkeypatch):
    history = fit(num_round=1).history
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(MXError, match="needs matplotlib, which is not installed: "
                                      "pip install matplotlib"):
        mx.viz.plot_history(history)
