"""``mx.model.save`` writes both files of the pair or neither: every argument is checked
before anything is written, and a failure between the two files puts the previous pair
back (docs/RELIABILITY.md, "Saving a model").
"""

from __future__ import annotations

import errno
from pathlib import Path

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import CheckpointWriteError, MXTypeError, MXValueError
from mxnet_r_compat.formats import atomic

from .conftest import R_PREAMBLE, parse_cases


def files_in(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


@pytest.mark.parametrize("prefix, iteration, error, message", [
    ("p", 1.5, MXValueError, r"`iteration`\. Received: iteration=1\.5\. Expected a whole number"),
    ("p", float("nan"), MXValueError, r"`iteration`\. Received: iteration=nan"),
    ("p", True, MXValueError, r"`iteration`\. Received: iteration=True"),
    ("p", "1", MXValueError, r"`iteration`\. Received: iteration='1'"),
    ("", 1, MXValueError, r"`prefix`\. Received: prefix=''\. Expected a non-empty file name"),
    (None, 1, MXValueError, r"`prefix`\. Received: prefix=None"),
], ids=["iteration 1.5", "iteration NaN", "iteration TRUE", "iteration text", "empty prefix",
        "no prefix"])
def test_save_with_a_bad_argument_writes_nothing(fit, tmp_path, monkeypatch, prefix, iteration,
                                                 error, message):
    model = fit(num_round=1)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(error, match=message):
        mx.model.save(model, prefix, iteration)
    assert files_in(tmp_path) == {}


def test_save_of_something_else_than_a_model_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(MXTypeError, match=r"^Invalid value for argument `model`\. Received: "
                                          r"dict\. Expected a model from "
                                          r"mx\.model\.FeedForward\.create"):
        mx.model.save({"symbol": None}, "p", 1)
    assert files_in(tmp_path) == {}


def test_save_with_a_parameter_that_is_not_numeric_writes_nothing(fit, tmp_path):
    model = fit(num_round=1)
    model.arg_params["fc_weight"] = "text"
    with pytest.raises(MXValueError, match=r"arrays\[0\]"):
        mx.model.save(model, str(tmp_path / "p"), 1)
    assert files_in(tmp_path) == {}


def _fail_on_call(monkeypatch, name: str, call: int, error: BaseException) -> None:
    """Make the ``call``-th call of ``atomic.os.<name>`` raise ``error``."""
    real = getattr(atomic.os, name)
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == call:
            raise error
        return real(*args, **kwargs)
    monkeypatch.setattr(atomic.os, name, wrapper)


FAULTS = {
    "disk full writing the params": ("fsync", 2, OSError(errno.ENOSPC, "No space left on device")),
    "rename of the params fails": ("replace", 2, OSError(errno.EIO, "Input/output error")),
    "Ctrl-C between the renames": ("replace", 2, KeyboardInterrupt()),
}


def other_network():
    """Not the fixture's network (no bias), so that its symbol file differs too."""
    fc = mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=1, no_bias=True,
                                  name="fc")
    return mx.symbol.LinearRegressionOutput(fc, name="lro")


@pytest.mark.parametrize("fault", FAULTS)
def test_failed_save_leaves_the_previous_pair_as_it_was(fit, tmp_path, monkeypatch, fault):
    old, new = fit(num_round=1), fit(num_round=3, symbol=other_network())
    prefix = str(tmp_path / "p")
    mx.model.save(old, prefix, 1)
    before = files_in(tmp_path)
    name, call, error = FAULTS[fault]
    _fail_on_call(monkeypatch, name, call, error)
    with pytest.raises(type(error)):
        mx.model.save(new, prefix, 1)
    monkeypatch.undo()
    assert files_in(tmp_path) == before  # both files as they were, no temporary file left
    loaded = mx.model.load(prefix, 1)
    np.testing.assert_array_equal(loaded.arg_params["fc_weight"], old.arg_params["fc_weight"])


@pytest.mark.parametrize("fault", FAULTS)
def test_failed_first_save_leaves_no_file(fit, tmp_path, monkeypatch, fault):
    model = fit(num_round=1)
    name, call, error = FAULTS[fault]
    _fail_on_call(monkeypatch, name, call, error)
    with pytest.raises(CheckpointWriteError if isinstance(error, OSError) else type(error)):
        mx.model.save(model, str(tmp_path / "p"), 1)
    assert files_in(tmp_path) == {}


def test_save_replaces_both_files_together(fit, tmp_path):
    prefix = str(tmp_path / "p")
    mx.model.save(fit(num_round=1), prefix, 1)
    newer = fit(num_round=3)
    mx.model.save(newer, prefix, 1)
    assert sorted(files_in(tmp_path)) == ["p-0001.params", "p-symbol.json"]
    np.testing.assert_array_equal(mx.model.load(prefix, 1).arg_params["fc_weight"],
                                  newer.arg_params["fc_weight"])


@pytest.mark.r
def test_r_save_with_a_bad_iteration_writes_nothing(run_r, tmp_path):
    child = run_r(R_PREAMBLE + r"""
    model <- fit()
    case("iteration 1.5", mx.model.save(model, "p", 1.5))
    case("iteration NA", mx.model.save(model, "p", NA))
    case("iteration c(1, 2)", mx.model.save(model, "p", c(1, 2)))
    case("prefix c('a', 'b')", mx.model.save(model, c("a", "b"), 1))
    case("load iteration NaN", mx.model.load("p", NaN))
    cat("FILES", length(list.files(".", pattern = "^(p|a|b)-")), "\n")
    cat("DONE\n")
    """)
    assert child.returncode == 0, child.stderr
    cases = parse_cases(child.stdout.split("FILES")[0])
    assert cases == {
        "iteration 1.5": "Invalid value for argument `iteration`. Received: iteration=1.5. "
                         "Expected a whole number.",
        "iteration NA": "Invalid value for argument `iteration`. Received: NA. Expected a "
                        "whole number such as 10.",
        "iteration c(1, 2)": "Invalid value for argument `iteration`. Received: a numeric "
                             "vector of length 2. Expected a whole number such as 10.",
        "prefix c('a', 'b')": "Invalid value for argument `prefix`. Received: a character "
                              "vector of length 2. Expected one file name (a character "
                              "string).",
        "load iteration NaN": "Invalid value for argument `iteration`. Received: NaN. Expected "
                              "a whole number such as 10.",
    }, child.stdout
    assert "FILES 0" in child.stdout
    assert not list(tmp_path.glob("p-*"))
