"""Every callback docs/CALLBACKS.md lists exists under its documented names: the R name in
``mx.*`` and the Python name under ``mx.callback``."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from mxnet_r_compat import mx

DOC = Path(__file__).resolve().parents[2] / "docs" / "CALLBACKS.md"


def callback_table() -> list[tuple[str, str]]:
    """(R name, Python name) of each row of the table under "## The built-in callbacks"."""
    text = DOC.read_text().split("## The built-in callbacks", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    out = []
    for row in rows:
        r_cell, py_cell = (cell.strip() for cell in row.strip("|").split("|")[:2])
        r_name = re.match(r"`(mx\.[\w.]+)\(", r_cell)
        py_name = re.fullmatch(r"`(\w+)`", py_cell)
        assert r_name and py_name, row
        out.append((r_name.group(1), py_name.group(1)))
    return out


ROWS = callback_table()


def test_the_table_was_read():
    assert len(ROWS) >= 10
    assert ("mx.callback.early.stopping", "early_stopping") in ROWS


@pytest.mark.parametrize("r_name, py_name", ROWS, ids=[r for r, _ in ROWS])
def test_documented_callback_names_resolve(r_name, py_name):
    by_r_name = functools.reduce(getattr, r_name.split(".")[1:], mx)
    by_py_name = getattr(mx.callback, py_name)
    assert callable(by_py_name)
    assert by_py_name is by_r_name


def test_python_names_make_working_callbacks():
    stop = mx.callback.early_stopping(monitor="train", patience=2)
    assert type(stop).__name__ == "EarlyStopping"
    assert type(mx.callback.progress_bar()).__name__ == "ProgressBar"
    assert callable(mx.callback.log_train_metric(5))
    assert callable(mx.callback.save_checkpoint("/tmp/never-written"))
