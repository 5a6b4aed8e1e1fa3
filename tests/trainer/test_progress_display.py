"""The progress line within long epochs (training/progress_display.py): drawn with \\r on a
terminal once an epoch has run 2 s, erased before the next message, never written to a
stream that is not a terminal (the golden outputs are such streams). Fake terminal, fake
clock: no test depends on real time."""

from __future__ import annotations

import io
import re

import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.console import Console, console
from mxnet_r_compat.engine import fused
from mxnet_r_compat.training import progress_display
from mxnet_r_compat.training.progress_display import EpochProgress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class FakeClock:
    def __init__(self, step: float = 0.0) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


STATUS = re.compile(r"\r(Batch [^\r\n]*| +\r)")


def test_the_line_appears_after_two_seconds_and_is_erased():
    out, clock = FakeTerminal(), FakeClock()
    progress = EpochProgress(Console(out), clock)
    progress.start(600)
    clock.now = 1.9
    progress.update(19)
    assert out.getvalue() == ""  # a short epoch shows MXNet's lines only
    clock.now = 12.3
    progress.update(120)
    line = "Batch 120/600 [===>                    ] 12.3s, ETA 49.2s"
    assert out.getvalue() == "\r" + line
    clock.now = 12.35
    progress.update(121)  # redrawn at most every 0.1 s
    clock.now = 13.0
    progress.update(130)
    progress.finish()
    assert out.getvalue() == ("\r" + line + "\rBatch 130/600 [====>                   ] 13.0s, "
                              "ETA 47.0s" + "\r" + " " * len(line) + "\r")


def test_nothing_is_drawn_when_the_stream_is_not_a_terminal():
    out, clock = io.StringIO(), FakeClock(step=5.0)
    progress = EpochProgress(Console(out), clock)
    progress.start(10)
    for n in range(1, 11):
        progress.update(n)
    progress.finish()
    assert out.getvalue() == ""


def test_an_unknown_batch_count_shows_the_count_and_time():
    assert progress_display.progress_line(7, None, 3.25) == "Batch 7 3.2s"


@pytest.fixture
def terminal(monkeypatch):
    out = FakeTerminal()
    monkeypatch.setattr(progress_display, "clock", FakeClock(step=0.5))
    console.set_stream(out)
    yield out
    console.set_stream(None)


@pytest.mark.parametrize("path", ["fused", "per batch"])
def test_training_on_a_terminal_shows_progress_and_the_same_lines(tiny_data, linreg, terminal,
                                                                  monkeypatch, path):
    X, y = tiny_data
    monkeypatch.setattr(fused, "CHUNK_SAMPLES", 5)  # the fused path reports every batch
    extra = {"batch_end_callback": lambda *a: None} if path == "per batch" else {}

    def run():
        mx.set.seed(0)
        mx.model.FeedForward.create(linreg, X, y, num_round=2, array_batch_size=5,
                                    array_layout="rowmajor", eval_metric=mx.metric.rmse,
                                    **extra)
    run()
    shown = terminal.getvalue()
    assert "\rBatch 4/10 [" in shown
    console.set_stream(plain := io.StringIO())
    run()
    assert STATUS.sub("", shown) == plain.getvalue()
    assert "Batch" not in plain.getvalue()
    assert plain.getvalue().startswith("Start training with 1 devices\n[1] Train-rmse=")


def test_verbose_false_shows_nothing(tiny_data, linreg, terminal):
    X, y = tiny_data
    mx.model.FeedForward.create(linreg, X, y, num_round=2, array_batch_size=5, verbose=False,
                                array_layout="rowmajor")
    assert terminal.getvalue() == ""


def test_the_progress_bar_callback_replaces_the_line(tiny_data, linreg, terminal, monkeypatch):
    X, y = tiny_data
    monkeypatch.setattr("sys.stderr", io.StringIO())  # where the callback's own bar goes
    mx.model.FeedForward.create(linreg, X, y, num_round=2, array_batch_size=5,
                                array_layout="rowmajor",
                                batch_end_callback=mx.callback.progress_bar())
    assert "Batch" not in terminal.getvalue()
    assert terminal.getvalue() == "Start training with 1 devices\n"
