"""The Callback Function tutorial against its golden output, in R and in Python.

``r_examples/callback_function.R`` (the MXNet R tutorial, verbatim) runs through
``mxnet-rscript`` and ``r_examples/callback_function.py`` (its Python twin) through Python,
each in a temporary directory. From each run we take the per-epoch metric lines of the five
trainings, the batch-level lines of the third and the two ``head(logger$...)`` lines, and
compare them with ``tests/golden/callback_function.json`` (relative tolerance 1e-6). R and
Python reach the same C core and random stream, so they must agree with each other exactly.

Regenerate the golden file with ``make golden`` (``UPDATE_GOLDEN=1``); review its diff like
code. It records how it was made in ``_provenance``.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
R_SCRIPT = ROOT / "r_examples" / "callback_function.R"
PY_SCRIPT = ROOT / "r_examples" / "callback_function.py"
GOLDEN = ROOT / "tests" / "golden" / "callback_function.json"
RTOL = 1e-6
SEED = 0  # the tutorial calls mx.set.seed(0) once, before its first training
START = "Start training with 1 devices\n"

pytestmark = pytest.mark.r


def parse_run(stdout: str, stderr: str) -> dict:
    """The numbers of one tutorial run: per training, its epoch lines; the logger heads."""
    trainings = []
    for block in stderr.split(START)[1:]:
        t: dict[str, list] = {"train": [], "validation": [], "batch5_train": [], "epochs": []}
        for line in block.splitlines():
            if m := re.fullmatch(r"\[(\d+)\] (Train|Validation)-rmse=(\S+)", line):
                key = "train" if m[2] == "Train" else "validation"
                t[key].append(float(m[3]))
                if key == "train":
                    t["epochs"].append(int(m[1]))
            elif m := re.fullmatch(r"Batch \[5\] Train-rmse=(\S+)", line):
                t["batch5_train"].append(float(m[1]))
        trainings.append(t)
    heads = re.findall(r"^(?:\[1\]|logger\.\w+:)\s+\[?([-\d. ,]+)\]?$", stdout, re.M)
    return {"trainings": trainings,
            "logger_head": [[float(v) for v in re.split(r"[ ,]+", h.strip())] for h in heads]}


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess:
    env = {**(os.environ if env is None else env), "LANG": "C.UTF-8", "PYTHONWARNINGS": "ignore"}
    env.pop("MXNET_R_COMPAT_ENTRY_MODULES", None)
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def r_runs(tmp_path_factory, r_hosts):
    """The R tutorial run by `make demo` (mxnet-rscript) and by plain `Rscript`."""
    runs = {}
    for name, host in r_hosts.items():
        cwd = tmp_path_factory.mktemp("tutorial_r")
        proc = _run(host.argv(str(R_SCRIPT)), cwd, host.env())
        assert proc.returncode == 0, f"{name}:\n{proc.stderr}"
        runs[name] = (proc, cwd)
    return runs


@pytest.fixture(params=["mxnet-rscript", "Rscript"])
def r_run(request, r_runs):
    return r_runs[request.param]


@pytest.fixture(scope="module")
def py_run(tmp_path_factory):
    cwd = tmp_path_factory.mktemp("tutorial_py")
    proc = _run([sys.executable, str(PY_SCRIPT)], cwd)
    assert proc.returncode == 0, proc.stderr
    return proc, cwd


@pytest.fixture(scope="module")
def golden(r_runs, py_run):
    """The golden numbers; with UPDATE_GOLDEN=1, first rewritten from the mxnet-rscript run."""
    if os.environ.get("UPDATE_GOLDEN") == "1":
        r_run = r_runs["mxnet-rscript"]
        r = parse_run(r_run[0].stdout, r_run[0].stderr)
        assert r == parse_run(py_run[0].stdout, py_run[0].stderr), \
            "R and Python disagree: not writing a golden file"
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps({"_provenance": {
            "command": f"mxnet-rscript {R_SCRIPT.relative_to(ROOT)} (run in an empty directory)",
            "python_twin": f"python {PY_SCRIPT.relative_to(ROOT)}",
            "seed": SEED, "git_commit": commit or "unknown",
            "regenerate": "make golden  (UPDATE_GOLDEN=1 pytest tests/test_tutorials.py)",
            "content": "per training: epochs, Train/Validation RMSE per epoch, 'Batch [5]' "
                       "train RMSE; logger_head: head(logger$train), head(logger$eval)"},
            **r}, indent=1) + "\n")
    assert GOLDEN.exists(), f"{GOLDEN} is missing: run `make golden`"
    return json.loads(GOLDEN.read_text())


def _assert_close(actual: dict, expected: dict, what: str) -> None:
    assert len(actual["trainings"]) == len(expected["trainings"]) == 5, what
    for k, (a, e) in enumerate(zip(actual["trainings"], expected["trainings"], strict=True),
                              start=1):
        for key in ("train", "validation", "batch5_train"):
            assert len(a[key]) == len(e[key]), f"{what}: training {k} {key}"
            np.testing.assert_allclose(a[key], e[key], rtol=RTOL,
                                       err_msg=f"{what}: training {k} {key}")
        assert a["epochs"] == e["epochs"], f"{what}: training {k} epochs"
    assert len(actual["logger_head"]) == 2, what
    for a, e in zip(actual["logger_head"], expected["logger_head"], strict=True):
        np.testing.assert_allclose(a, e, rtol=RTOL, err_msg=f"{what}: logger head")


def _without_warnings(stderr: str) -> list[str]:
    """stderr lines without warnings: mxnet-rscript prints them as they happen
    ("Warning in f(X, y) :" and the indented message), Rscript after each top-level call
    ("Warning message:", "In f(X, y) :" and the message)."""
    lines, skip = [], 0
    for line in stderr.splitlines():
        if skip:
            skip -= 1
        elif line.startswith("Warning in "):
            skip = 1
        elif line == "Warning message:":
            skip = 2
        else:
            lines.append(line)
    return lines


def test_plain_rscript_prints_what_make_demo_prints(r_runs):
    """`Rscript r_examples/callback_function.R` (plain R, library(mxnet) hosting Python) prints
    the lines of `make demo`; only where R shows the layout warnings differs (R's own rule:
    warn = 0 defers warnings to the end of the top-level call, as it did for MXNet R)."""
    demo, plain = r_runs["mxnet-rscript"][0], r_runs["Rscript"][0]
    assert plain.stdout == demo.stdout
    assert _without_warnings(plain.stderr) == _without_warnings(demo.stderr)
    layout = "Auto detect layout of input matrix, use rowmajor.."
    assert demo.stderr.count("Warning in mx.model.select.layout.train(X, y) :\n  " + layout) == 5
    assert plain.stderr.count("Warning message:\nIn mx.model.select.layout.train(X, y) :\n  "
                              + layout) == 5


def test_layout_warning_comes_before_the_training_messages(r_runs):
    """MXNet R warned in mx.model.select.layout.train, before "Start training": with warnings
    shown as they happen (mxnet-rscript) the warning precedes each training's lines."""
    blocks = r_runs["mxnet-rscript"][0].stderr.split(START)
    assert len(blocks) == 6
    for before in blocks[:-1]:
        assert before.endswith("Warning in mx.model.select.layout.train(X, y) :\n"
                               "  Auto detect layout of input matrix, use rowmajor..\n")


def test_the_tutorial_on_mx_gpu_runs_on_the_cpu_with_one_warning(r_runs, r_hosts, tmp_path):
    """The tutorial with ctx=mx.gpu() (plain Rscript): the numbers of ctx=mx.cpu(), and one
    warning for its five mx.gpu() calls."""
    script = tmp_path / "callback_function_gpu.R"
    text = R_SCRIPT.read_text()
    assert text.count("ctx=mx.cpu()") == 5
    script.write_text(text.replace("ctx=mx.cpu()", "ctx=mx.gpu()"))
    host = r_hosts["Rscript"]
    proc = _run(host.argv(str(script)), tmp_path, host.env())
    assert proc.returncode == 0, proc.stderr
    cpu = r_runs["Rscript"][0]
    assert parse_run(proc.stdout, proc.stderr) == parse_run(cpu.stdout, cpu.stderr)
    assert proc.stderr.count("mx.gpu(0): this build of mxnet_r_compat computes on the CPU only; "
                             "using mx.cpu(0) instead") == 1


def test_golden_provenance(golden):
    prov = golden["_provenance"]
    assert prov["seed"] == SEED
    assert re.fullmatch(r"[0-9a-f]{40}", prov["git_commit"])
    assert "callback_function.R" in prov["command"]


def test_r_matches_golden(r_run, golden):
    _assert_close(parse_run(r_run[0].stdout, r_run[0].stderr), golden, "R")


def test_python_matches_golden(py_run, golden):
    _assert_close(parse_run(py_run[0].stdout, py_run[0].stderr), golden, "Python")


def test_r_and_python_agree_exactly(r_run, py_run):
    r = parse_run(r_run[0].stdout, r_run[0].stderr)
    py = parse_run(py_run[0].stdout, py_run[0].stderr)
    assert r == py


def test_shape_of_the_run(r_run):
    """Five trainings of ten epochs but the last; batch lines in the third; logger heads."""
    r = parse_run(r_run[0].stdout, r_run[0].stderr)
    assert [t["epochs"] for t in r["trainings"][:4]] == [list(range(1, 11))] * 4
    assert [len(t["batch5_train"]) for t in r["trainings"]] == [0, 0, 10, 0, 0]
    train4 = r["trainings"][3]
    assert r["logger_head"] == [pytest.approx(train4["train"][:6], abs=5e-7),
                                pytest.approx(train4["validation"][:6], abs=5e-7)]


def test_checkpoints_are_written_and_loadable(r_run):
    from mxnet_r_compat.graph.symbol import load
    from mxnet_r_compat.training.persistence import load_model

    _, cwd = r_run
    expected = ["boston-symbol.json"] + [f"boston-{k:04d}.params" for k in range(1, 11)]
    assert sorted(p.name for p in cwd.iterdir()) == sorted(expected)
    assert load(str(cwd / "boston-symbol.json")).arguments() == [
        "data", "fullyconnected0_weight", "fullyconnected0_bias", "linearregressionoutput0_label"]
    weights = []
    for k in range(1, 11):
        model = load_model(str(cwd / "boston"), k)
        assert model.arg_params["fullyconnected0_weight"].shape == (1, 13)
        weights.append(model.arg_params["fullyconnected0_weight"])
    assert all(not np.array_equal(a, b) for a, b in itertools.pairwise(weights))
    messages = [line for line in r_run[0].stderr.splitlines() if line.startswith("Model check")]
    assert messages == [f"Model checkpoint saved to boston-{k:04d}.params" for k in range(1, 11)]


def test_user_early_stop_stops_below_10(r_run):
    """The tutorial's own 3-argument early-stop closure runs (real MXNet R 1.9 fails on it with
    "unused argument (verbose = TRUE)") and stops at the first validation RMSE below 10."""
    proc, _ = r_run
    assert "unused argument" not in proc.stderr
    assert proc.stderr.count(START) == 5
    last = parse_run(proc.stdout, proc.stderr)["trainings"][4]
    assert len(last["validation"]) < 10
    assert last["validation"][-1] < 10
    assert all(v >= 10 for v in last["validation"][:-1])
