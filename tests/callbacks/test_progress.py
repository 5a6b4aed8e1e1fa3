"""mx.callback.progress.bar: one line per epoch on a file, a redrawn bar on a terminal."""

from __future__ import annotations

import io
import re

from mxnet_r_compat import mx
from mxnet_r_compat.io import DataIter
from mxnet_r_compat.training.callbacks import ProgressBar

LINE = re.compile(r"^\[(\d)\] 4/4 batches  \d+ samples/s  \d+\.\ds  train-rmse=[0-9.e-]+$")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_not_a_terminal_one_line_per_epoch(fit):
    out = io.StringIO()
    model = fit(num_round=3, batch_end_callback=ProgressBar(stream=out))
    lines = out.getvalue().splitlines()
    assert len(lines) == 3 and "\r" not in out.getvalue()
    for epoch, line in enumerate(lines, start=1):
        m = LINE.match(line)
        assert m and int(m.group(1)) == epoch, line
        train = next(h["value"] for h in model.history if h["iteration"] == epoch)
        assert line.endswith(f"train-rmse={mx_r_str(train)}")   # the epoch's final value


def mx_r_str(x: float) -> str:
    from mxnet_r_compat.console import r_str
    return r_str(x)


def test_default_stream_is_stderr(fit, capsys):
    fit(num_round=2, batch_end_callback=mx.callback.progress.bar())
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and all(LINE.match(line) for line in err)


def test_terminal_redraws_in_place_and_ends_each_epoch(fit):
    out = Terminal()
    fit(num_round=2, batch_end_callback=ProgressBar(stream=out, refresh=0, width=8))
    text = out.getvalue()
    assert text.count("\n") == 2 and text.count("\r") == 8   # every batch redrawn
    draws = [d for d in text.replace("\n", "").split("\r") if d]
    assert draws[0].startswith("[1] 1/4 [==      ]  - samples/s  train-rmse=")
    assert re.match(r"\[1\] 2/4 \[====    \]  \d+ samples/s  ETA \d+\.\ds  train-rmse=", draws[1])
    assert draws[3].startswith("[1] 4/4 [========]") and "ETA 0.0s" in draws[3]
    assert draws[4].startswith("[2] 1/4 ")


class NoLength(DataIter):
    """An iterator that does not know how many batches it has."""

    def __init__(self, X, y) -> None:
        self.X, self.y, self.i = X, y, -1

    def reset(self) -> None:
        self.i = -1

    def iter_next(self) -> bool:
        self.i += 1
        return self.i < 4

    def value(self):
        s = slice(self.i * 10, self.i * 10 + 10)
        return {"data": self.X[s], "label": self.y[s]}

    def num_pad(self) -> int:
        return 0


def test_unknown_length_is_learnt_in_the_first_epoch(fit, data):
    out = io.StringIO()
    fit(X=NoLength(*data), num_round=3, batch_end_callback=ProgressBar(stream=out))
    lines = out.getvalue().splitlines()
    # the first epoch's line is written when the second starts: by then the length is known
    assert [line.split(" ")[1] for line in lines] == ["4/4", "4/4", "4/4"]
