"""Same seed, same numbers: our draws against MXNet 1.9.1's own (tests/golden/rng_mxnet191.json).

The references were recorded once from the MXNet 1.9.1 wheel by
tests/golden/make_rng_golden.py (see its docstring); MXNet is not needed here. Each
result is compared by the SHA-256 of its float32 bytes; the sampled values (index, float32
bits) make a failure readable. Covered: call sequences of uniform and normal draws after
several seeds, single draws around the chunk edges, an unseeded process, Dropout masks,
MXNet R's initialisers, and the Callback Function tutorial for seeds 0-9 and 42 (every
number of its five trainings), in Python, and in R for two seeds.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.learn import random as rng_mod
from mxnet_r_compat._lib import ffi, fptr, lib
from mxnet_r_compat.datasets import boston_tutorial_split

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = json.loads((ROOT / "tests" / "golden" / "rng_mxnet191.json").read_text())
RSCRIPT = Path(sys.executable).with_name("mxnet-rscript")


def assert_same(got: np.ndarray, ref: dict, what: str) -> None:
    """got equals MXNet's result: same size, same sampled bits, same hash of all bytes."""
    got = np.ascontiguousarray(got, dtype="<f4").ravel()
    assert got.size == ref["n"], what
    bits = got.view("<u4")
    for index, want_bits, want in ref["samples"]:
        assert int(bits[index]) == want_bits, \
            f"{what}: element {index} is {got[index]!r}, MXNet drew {want!r}"
    assert hashlib.sha256(got.tobytes()).hexdigest() == ref["sha256"], \
        f"{what}: same samples, but other elements differ"


def draw(kind: str, n: int, a: float, b: float) -> np.ndarray:
    return rng_mod.runif(n, a, b) if kind == "uniform" else rng_mod.rnorm(n, a, b)


# ---------------------------------------------------------------------------------------------
# draws

@pytest.mark.parametrize("case", GOLDEN["draws"], ids=lambda c: f"seed{c['seed']}")
def test_call_sequences_equal_mxnet(case: dict) -> None:
    rng_mod.set_seed(case["seed"])
    for k, call in enumerate(case["calls"]):
        got = draw(call["kind"], call["n"], call["a"], call["b"])
        assert_same(got, call, f"seed {case['seed']}, call {k} ({call['kind']} {call['n']})")


@pytest.mark.parametrize("case", GOLDEN["fresh"],
                         ids=lambda c: f"seed{c['seed']}-{c['kind']}-{c['n']}")
def test_single_draws_after_seeding_equal_mxnet(case: dict) -> None:
    rng_mod.set_seed(case["seed"])
    assert_same(draw(case["kind"], case["n"], 0.0, 1.0), case, "fresh draw")


def test_a_process_that_never_seeded_draws_like_mxnet() -> None:
    code = ("import numpy as np, hashlib; from mxnet_r_compat.learn import random as r; "
            "print(hashlib.sha256(r.runif(200).astype('<f4').tobytes()).hexdigest())")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert proc.stdout.strip() == GOLDEN["unseeded"]["sha256"]


def _dropout_id(case: dict) -> str:
    return f"seed{case['seed']}-p{case['p']}-{'x'.join(map(str, case['shape']))}"


@pytest.mark.parametrize("case", GOLDEN["dropout"], ids=_dropout_id)
def test_dropout_masks_equal_mxnet(case: dict) -> None:
    bank = ffi.new("mxc_rng *")
    assert lib.mxc_rng_seed(bank, case["seed"]) == 0
    x = np.ones(case["shape"], np.float32)
    out, mask = np.empty_like(x), np.empty_like(x)
    assert lib.mxc_dropout_forward(fptr(out, writable=True), fptr(mask, writable=True),
                                   fptr(x), x.size, case["p"], bank) == 0
    assert_same(out, case["mask"], "Dropout output on ones")
    after = np.empty(100, np.float32)
    assert lib.mxc_rng_uniform(fptr(after, writable=True), 100, 0.0, 1.0, bank) == 0
    assert_same(after, case["after"], "the draw after the mask")


def _initializer(kind: str, args: dict):
    if kind == "uniform":
        return mx.init.uniform(args["scale"])
    if kind == "normal":
        return mx.init.normal(args["sd"])
    return mx.init.Xavier(rnd_type=args["rnd_type"], factor_type=args["factor_type"],
                          magnitude=args["magnitude"])


@pytest.mark.parametrize("case", GOLDEN["initializers"],
                         ids=lambda c: f"seed{c['seed']}-{c['initializer']}-"
                                       f"{'-'.join(str(v) for v in c['args'].values())}")
def test_initializers_draw_what_mxnet_r_drew(case: dict) -> None:
    """mx.init.create over an MLP's shapes (argument order) after mx.set.seed."""
    shapes = {name: tuple(shape) for name, shape in case["shapes"].items()}
    mx.set.seed(case["seed"])
    params = mx.init.create(_initializer(case["initializer"], case["args"]), shapes)
    assert sorted(n for n in params if n.endswith("weight")) == sorted(case["weights"])
    for name, ref in case["weights"].items():
        assert_same(params[name], ref, f"{case['initializer']} {name}")


# ---------------------------------------------------------------------------------------------
# the Callback Function tutorial (r_examples/callback_function.R) after mx.set.seed(s)

@pytest.fixture(scope="module")
def boston():
    return boston_tutorial_split()


def tutorial_trainings(seed: int, data) -> list[dict]:
    """The tutorial's five trainings, as the replay records them: per-epoch train and
    validation RMSE, and the 'Batch [5]' value of the third."""
    train_x, train_y, test_x, test_y = data
    lro = mx.symbol.LinearRegressionOutput(
        mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=1))
    common = dict(X=train_x, y=train_y, eval_data={"data": test_x, "label": test_y},
                  ctx=mx.cpu(), num_round=10, array_batch_size=20, array_layout="rowmajor",
                  learning_rate=2e-6, momentum=0.9, eval_metric=mx.metric.rmse, verbose=False)
    batch5: list[float] = []

    def log5(iteration, nbatch, env):
        if nbatch % 5 == 0:
            batch5.append(env.metric.get(env.train_metric).value)
        return True

    def early_stop(iteration, nbatch, env):
        return env.metric.get(env.eval_metric).value >= 10

    mx.set.seed(seed)
    runs = []
    for extra in ({}, {}, {"batch_end_callback": log5}, {}, {"epoch_end_callback": early_stop}):
        batch5.clear()
        model = mx.model.FeedForward.create(lro, **common, **extra)
        rows = model.history
        runs.append({"train": [r["value"] for r in rows if r["phase"] == "train"],
                     "validation": [r["value"] for r in rows if r["phase"] == "eval"],
                     "batch5_train": list(batch5)})
    return runs


def printed(block: dict) -> list[str]:
    """The epoch lines as MXNet R prints them (R's 15 significant digits)."""
    lines = []
    for e, (t, v) in enumerate(zip(block["train"], block["validation"], strict=True), start=1):
        lines += [f"[{e}] Train-rmse={t:.15g}", f"[{e}] Validation-rmse={v:.15g}"]
    return lines


@pytest.mark.parametrize("case", GOLDEN["tutorial"], ids=lambda c: f"seed{c['seed']}")
def test_seeded_tutorial_prints_mxnet_r_numbers_in_python(case: dict, boston) -> None:
    runs = tutorial_trainings(case["seed"], boston)
    assert printed(runs[0]) == case["first_block"]
    for k, (got, ref) in enumerate(zip(runs, case["trainings"], strict=True), start=1):
        for key in ("train", "validation", "batch5_train"):
            assert got[key] == ref[key], f"seed {case['seed']}, training {k}, {key}"


def test_the_published_first_block_of_seed_0() -> None:
    """What real MXNet R 1.9.1 printed for the tutorial with mx.set.seed(0), as recorded."""
    block = next(c for c in GOLDEN["tutorial"] if c["seed"] == 0)["first_block"]
    assert block[:2] == ["[1] Train-rmse=18.0516400867038", "[1] Validation-rmse=8.658862843233"]
    assert block[-1] == "[10] Validation-rmse=8.38745504267076"
    last = [c["trainings"][0]["validation"][-1] for c in GOLDEN["tutorial"]]
    assert round(min(last), 2) == 8.20 and round(max(last), 2) == 9.51


def test_the_tutorial_golden_file_holds_mxnet_numbers() -> None:
    """tests/golden/callback_function.json (make golden, from our R run's printed lines, so
    15 significant digits) equals the replay."""
    ours = json.loads((ROOT / "tests" / "golden" / "callback_function.json").read_text())
    ref = next(c for c in GOLDEN["tutorial"] if c["seed"] == 0)["trainings"]
    for k, (got, want) in enumerate(zip(ours["trainings"], ref, strict=True), start=1):
        for key in ("train", "validation", "batch5_train"):
            assert got[key] == [float(f"{v:.15g}") for v in want[key]], f"training {k}, {key}"


R_TUTORIAL = r"""
library(mxnet)
seed <- as.integer(commandArgs(trailingOnly = TRUE)[1])
data(BostonHousing, package="mlbench")
train.ind = seq(1, 506, 3)
train.x = data.matrix(BostonHousing[train.ind, -14])
train.y = BostonHousing[train.ind, 14]
test.x = data.matrix(BostonHousing[-train.ind, -14])
test.y = BostonHousing[-train.ind, 14]
data <- mx.symbol.Variable("data")
fc1 <- mx.symbol.FullyConnected(data, num_hidden=1)
lro <- mx.symbol.LinearRegressionOutput(fc1)
mx.set.seed(seed)
model <- mx.model.FeedForward.create(
  lro, X=train.x, y=train.y,
  eval.data=list(data=test.x, label=test.y),
  ctx=mx.cpu(), num.round=10, array.batch.size=20,
  learning.rate=2e-6, momentum=0.9, eval.metric=mx.metric.rmse)
"""


@pytest.mark.r
@pytest.mark.parametrize("seed", [3, 42])
def test_seeded_tutorial_prints_mxnet_r_lines_in_r(seed: int, tmp_path: Path) -> None:
    script = tmp_path / "tutorial.R"
    script.write_text(R_TUTORIAL)
    proc = subprocess.run([str(RSCRIPT), str(script), str(seed)], capture_output=True,
                          text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if "-rmse=" in ln]
    assert lines == next(c for c in GOLDEN["tutorial"] if c["seed"] == seed)["first_block"]


R_DRAWS = r"""
library(mxnet)
mx.set.seed(42)
for (n in c(169, 13, 337, 10)) {
  x <- if (n == 13) mx.runif(n, -0.01, 0.01) else if (n == 10) mx.rnorm(n) else mx.runif(n)
  cat(sprintf("%.9g", as.array(x)), "\n")
}
"""


@pytest.mark.r
def test_r_draws_equal_mxnet(tmp_path: Path) -> None:
    """mx.set.seed(42); mx.runif / mx.rnorm from R continue the same engines."""
    script = tmp_path / "draws.R"
    script.write_text(R_DRAWS)
    proc = subprocess.run([str(RSCRIPT), str(script)], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = [ln.split() for ln in proc.stdout.splitlines() if ln.strip()]
    calls = next(c for c in GOLDEN["draws"] if c["seed"] == 42)["calls"][:4]
    assert len(rows) == len(calls)
    for row, call in zip(rows, calls, strict=True):
        assert_same(np.array([float(v) for v in row], np.float32), call, f"R {call['n']}")


def test_threads_that_seed_draw_mxnet_sequences_from_their_own_banks() -> None:
    """Each thread that calls mx.set.seed gets its own bank: two threads drawing at the
    same time (in lockstep) each get MXNet's single-threaded sequence for their seed,
    and the main thread's bank is left alone."""
    import threading

    cases = {c["seed"]: c["calls"][:6] for c in GOLDEN["draws"] if c["seed"] in (1, 42)}
    barrier = threading.Barrier(len(cases))
    failures: list[str] = []
    rng_mod.set_seed(3)
    main_before = rng_mod.get_state()

    def worker(seed: int, calls: list[dict]) -> None:
        try:
            rng_mod.set_seed(seed)
            for k, call in enumerate(calls):
                barrier.wait(timeout=30)
                assert_same(draw(call["kind"], call["n"], call["a"], call["b"]), call,
                            f"thread seed {seed}, call {k}")
        except BaseException as err:  # noqa: BLE001 (reported below)
            failures.append(f"{type(err).__name__}: {err}")
            barrier.abort()

    threads = [threading.Thread(target=worker, args=item) for item in cases.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert rng_mod.get_state() == main_before
