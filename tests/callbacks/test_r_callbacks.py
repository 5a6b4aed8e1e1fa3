"""The new callbacks used from R through mx.model.FeedForward.create, under mxnet-rscript and
plain Rscript: the same run as in Python, the six slots and lists, list commands from batch
callbacks, the dry run, every(k), safe(), lr.scheduler, R metrics' direction, plot/print
methods and r_examples/callbacks_beyond.R against its Python twin.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.datasets import boston_tutorial_split

pytestmark = pytest.mark.r

PRELUDE = """
library(mxnet)
data(BostonHousing, package = "mlbench")
train.ind <- seq(1, 506, 3)
train.x <- data.matrix(BostonHousing[train.ind, -14]); train.y <- BostonHousing[train.ind, 14]
test.x <- data.matrix(BostonHousing[-train.ind, -14]); test.y <- BostonHousing[-train.ind, 14]
lro <- mx.symbol.LinearRegressionOutput(mx.symbol.FullyConnected(mx.symbol.Variable("data"),
                                                                 num_hidden = 1))
fit <- function(...) {   # the tutorial's settings; any of them can be overridden
  args <- list(symbol = lro, X = train.x, y = train.y, ctx = mx.cpu(), array.batch.size = 20,
               learning.rate = 2e-6, momentum = 0.9, eval.metric = mx.metric.rmse,
               array.layout = "rowmajor", verbose = FALSE)
  extra <- list(...)
  args[names(extra)] <- extra
  mx.set.seed(0)
  do.call(mx.model.FeedForward.create, args)
}
emit <- function(...) cat(..., "\\n")
"""


@pytest.fixture
def run_r(r_host) -> Callable[..., subprocess.CompletedProcess]:
    """``run_r(code, tmp_path, ok=True)``: PRELUDE + code as one R script, on each host in
    turn (mxnet-rscript, then plain Rscript: the ``r_host`` fixture of tests/conftest.py)."""
    def run(code: str, tmp_path: Path, ok: bool = True) -> subprocess.CompletedProcess:
        script = tmp_path / "script.R"
        script.write_text(PRELUDE + textwrap.dedent(code))
        proc = subprocess.run(r_host.argv(str(script)), capture_output=True, text=True,
                              timeout=120, cwd=tmp_path, check=False, env=r_host.env())
        if ok:
            assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc
    return run


@pytest.fixture(scope="module")
def boston():
    return boston_tutorial_split()


def python_run(boston, prefix: str, log: str, **kw):
    train_x, train_y, test_x, test_y = boston
    lro = mx.symbol.LinearRegressionOutput(mx.symbol.FullyConnected(
        mx.symbol.Variable("data"), num_hidden=1))
    mx.set.seed(0)
    return mx.model.FeedForward.create(
        lro, X=train_x, y=train_y, eval_data={"data": test_x, "label": test_y},
        num_round=20, array_batch_size=20, learning_rate=2e-6, momentum=0.9,
        eval_metric=mx.metric.rmse, array_layout="rowmajor", verbose=False,
        epoch_end_callback=[mx.callback.early.stopping(patience=2, restore_best=True),
                            mx.callback.model.checkpoint(prefix, top_k=3),
                            mx.callback.csv.logger(log)], **kw)


def test_same_run_in_r_and_python(run_r, tmp_path, boston):
    (tmp_path / "r").mkdir()
    proc = run_r("""
        sizes <- integer(0)
        model <- fit(eval.data = list(data = test.x, label = test.y), num.round = 20,
          epoch.end.callback = list(mx.callback.early.stopping(patience = 2, restore.best = TRUE),
                                    mx.callback.model.checkpoint("r/m", top.k = 3),
                                    mx.callback.csv.logger("r/log.csv")),
          batch.end.callback = list(mx.callback.progress.bar(),
                                    mx.callback.every(4, function(stats) {
                                      sizes <<- c(sizes, nrow(stats)); NULL })))
        h <- model$history
        emit(class(h))
        emit(sprintf("%.17g", h$value))
        emit(h$phase)
        emit(model$stop.reason)
        emit(sprintf("%.17g", as.array(model$arg.params[[1]])))
        emit(sizes)
        emit(sort(list.files("r")))
        emit(mx.model.checkpoint.best("r/m")$iteration)
        emit(class(model$callback.time), nrow(model$callback.time))
    """, tmp_path)
    out = proc.stdout.splitlines()
    (tmp_path / "py").mkdir()
    model = python_run(boston, str(tmp_path / "py" / "m"), str(tmp_path / "py" / "log.csv"))
    assert out[0] == "mx.history data.frame "
    assert [float(v) for v in out[1].split()] == [h["value"] for h in model.history]
    assert out[2].split() == [h["phase"] for h in model.history]
    assert out[3].strip() == model.stop_reason and model.stop_reason.startswith("early stop")
    np.testing.assert_array_equal([float(v) for v in out[4].split()],
                                  np.float64(next(v for k, v in model.arg_params.items()
                                                  if k.endswith("_weight"))).ravel())
    batches = 9 * len({h["iteration"] for h in model.history})   # 169 samples, batch 20
    sizes = [int(v) for v in out[5].split()]
    assert sum(sizes) == batches and set(sizes[:-1]) == {4}
    assert out[6].split() == sorted(p.name for p in (tmp_path / "py").iterdir())
    best = mx.model.checkpoint.best(str(tmp_path / "py" / "m"))["iteration"]
    assert int(out[7]) == best
    assert out[8].split() == ["data.frame", "5"]   # 3 epoch and 2 batch callbacks
    with open(tmp_path / "r" / "log.csv") as r_log, open(tmp_path / "py" / "log.csv") as py_log:
        r_rows, py_rows = list(csv.DictReader(r_log)), list(csv.DictReader(py_log))
    assert [(r["iteration"], r["train.rmse"], r["eval.rmse"], r["lr"]) for r in r_rows] == \
        [(r["iteration"], r["train.rmse"], r["eval.rmse"], r["lr"]) for r in py_rows]
    progress = [line for line in proc.stderr.splitlines() if " 9/9 batches " in line]
    assert len(progress) == batches // 9   # one line per epoch (stderr is not a terminal)


def test_six_slots_lists_and_list_commands(run_r, tmp_path):
    out = run_r("""
        log <- character(0)
        rec <- function(tag) function(iteration, nbatch, env) {
          log <<- c(log, paste0(tag, iteration, ":", nbatch)); TRUE }
        control <- function(iteration, nbatch, env) {
          if (iteration == 1) return(list(lr = 1e-6))
          if (iteration == 2) return(list(stop = TRUE, reason = "r says stop"))
          TRUE
        }
        model <- fit(num.round = 5, array.batch.size = 85,
                     train.begin.callback = rec("T"), epoch.begin.callback = rec("E"),
                     batch.begin.callback = rec("b"), batch.end.callback = rec("B"),
                     epoch.end.callback = list(rec("X"), control, rec("Y")),
                     train.end.callback = rec("Z"))
        emit(log)
        emit(model$history$lr)
        emit(model$stop.reason)
    """, tmp_path)
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["T1:0", "E1:0", "b1:1", "B1:1", "b1:2", "B1:2", "X1:0", "Y1:0",
                                "E2:0", "b2:1", "B2:1", "b2:2", "B2:2", "X2:0", "Y2:0", "Z2:0"]
    assert lines[1].split() == ["2e-06", "1e-06"]
    assert lines[2].strip() == "r says stop"


def test_batch_callbacks_stop_with_a_list_but_false_is_ignored(run_r, tmp_path):
    out = run_r("""
        m1 <- fit(num.round = 3, batch.end.callback = function(iteration, nbatch, env) FALSE)
        m2 <- fit(num.round = 3, batch.end.callback = function(iteration, nbatch, env)
          if (iteration == 2 && nbatch == 3) list(stop = TRUE, reason = "batch says stop"))
        # the value of a last assignment (a list with other names) is ignored, as in MXNet
        m3 <- fit(num.round = 3, batch.end.callback = function(iteration, nbatch, env)
          env$seen <- list(iteration = iteration, nbatch = nbatch))
        emit(unique(m1$history$iteration))
        emit(unique(m2$history$iteration))
        emit(m2$stop.reason)
        emit(unique(m3$history$iteration))
    """, tmp_path)
    assert out.stdout.splitlines() == ["1 2 3 ", "1 ", "batch says stop ", "1 2 3 "]


def test_dry_run_fails_before_the_first_batch(run_r, tmp_path):
    out = run_r("""
        batches <- 0
        count <- function(iteration, nbatch, env) { batches <<- batches + 1; TRUE }
        try1 <- function(...) tryCatch({ fit(num.round = 2, batch.begin.callback = count, ...)
                                         "no error" }, error = function(e) conditionMessage(e))
        emit(try1(epoch.end.callback = function(iteration, nbatch) TRUE))
        emit(try1(epoch.end.callback = mx.callback.early.stopping()))
        emit(try1(epoch.end.callback =
                    mx.callback.model.checkpoint(file.path(tempdir(), "no", "m"))))
        emit(try1(batch.end.callback = mx.callback.early.stopping(monitor = "train")))
        emit(try1(epoch.end.callback = mx.callback.safe(function(iteration, nbatch) TRUE)))
        emit(batches)
        emit(try1(epoch.end.callback = function(iteration, nbatch, env, verbose) TRUE), batches)
    """, tmp_path)
    text = out.stdout
    assert ("Callback check before the first batch failed:\n  - epoch.end.callback (R function): "
            "is called "
            "with 3 arguments but takes (iteration, nbatch)") in text
    assert 'early.stopping): monitor "eval" needs validation data, but eval.data is NULL' in text
    assert "/no does not exist" in text
    assert ("early.stopping): belongs in epoch.end.callback, but was given as "
            "batch.end.callback") in text
    # an R closure given to mx.callback.safe is checked when the callback is made
    assert ("Invalid value for argument `cb` of mx.callback.safe: the function is called with 3 "
            "arguments but takes (iteration, nbatch)") in text
    assert text.splitlines()[-2:] == ["0 ", "no error 18 "]


def test_every_delivers_data_frames_and_can_stop(run_r, tmp_path):
    out = run_r("""
        seen <- list()
        model <- fit(num.round = 5, batch.end.callback = mx.callback.every(3, function(stats) {
          seen[[length(seen) + 1]] <<- stats
          if (stats$iteration[1] == 2) list(stop = TRUE, reason = "seen epoch 2")
        }))
        emit(length(seen), vapply(seen, nrow, 1L))
        s <- do.call(rbind, seen)
        emit(s$iteration); emit(s$nbatch); emit(unique(s$metric), unique(s$samples))
        emit(isTRUE(all.equal(s$running[9], model$history$value[1])))
        emit(model$stop.reason)
    """, tmp_path)
    assert out.stdout.splitlines() == [
        "4 3 3 3 3 ", "1 1 1 1 1 1 1 1 1 2 2 2 ", "1 2 3 4 5 6 7 8 9 1 2 3 ", "rmse 20 ",
        "TRUE ", "seen epoch 2 "]


def test_safe_keeps_training_when_an_r_callback_fails(run_r, tmp_path):
    out = run_r("""
        model <- fit(num.round = 4, epoch.end.callback = mx.callback.safe(
          function(iteration, nbatch, env) if (iteration >= 2) stop("disk full")))
        emit(unique(model$history$iteration))
    """, tmp_path)
    assert out.stdout.splitlines() == ["1 2 3 4 "]
    warned = [line for line in out.stderr.splitlines() if "disk full" in line]
    assert len(warned) == 3 and "training continues" in warned[0]


def test_lr_scheduler_from_r_changes_the_updates(run_r, tmp_path):
    out = run_r("""
        sched <- mx.callback.lr.scheduler(function(iteration, lr) if (iteration == 1) lr else 0)
        # without momentum: a rate of 0 must leave the weights of epoch 1 unchanged
        m3 <- fit(num.round = 3, momentum = 0, epoch.begin.callback = sched)
        m1 <- fit(num.round = 1, momentum = 0)
        emit(m3$history$lr)
        emit(identical(as.array(m3$arg.params[[1]]), as.array(m1$arg.params[[1]])))
    """, tmp_path)
    assert out.stdout.splitlines() == ["2e-06 0 0 ", "TRUE "]


def test_r_metric_direction_and_plot_dispatch(run_r, tmp_path):
    out = run_r("""
        neg <- mx.metric.custom("neg_rmse", function(label, pred)
          -sqrt(mean((as.vector(label) - as.vector(pred))^2)), maximize = TRUE)
        a <- fit(eval.data = list(data = test.x, label = test.y), num.round = 20,
                 eval.metric = neg, epoch.end.callback = mx.callback.early.stopping(patience = 2))
        b <- fit(eval.data = list(data = test.x, label = test.y), num.round = 20,
                 epoch.end.callback = mx.callback.early.stopping(patience = 2))
        emit(max(a$history$iteration) == max(b$history$iteration), max(a$history$iteration))
        png("curves.png"); r <- plot(b$history, lr = TRUE); invisible(dev.off())
        emit(file.exists("curves.png"), identical(r, b$history))
        print(mx.callback.early.stopping(patience = 2))
    """, tmp_path)
    lines = out.stdout.splitlines()
    assert lines[0] == "TRUE 5 "
    assert lines[1] == "TRUE TRUE "
    assert lines[2] == ('mx.callback.early.stopping(monitor = "eval", patience = 2, min.delta = 0, '
                        'mode = "auto", baseline = NULL, restore.best = FALSE, start.epoch = 1)')


def test_r_example_matches_its_python_twin(tmp_path):
    root = Path(__file__).resolve().parents[2] / "r_examples"
    outs = {}
    for lang, cmd in (("R", [sys.executable, "-m", "mxnet_r_compat",
                             str(root / "callbacks_beyond.R")]),
                      ("py", [sys.executable, str(root / "callbacks_beyond.py")])):
        (tmp_path / lang).mkdir()
        proc = subprocess.run([*cmd, str(tmp_path / lang)], capture_output=True, text=True,
                              timeout=120, check=False)
        assert proc.returncode == 0, proc.stderr
        outs[lang] = proc.stdout.splitlines()
    assert outs["R"][0].strip() == outs["py"][0]          # Stopped: ... (same epochs)
    assert "Returned model == best checkpoint: TRUE " in outs["R"]
    for lang in ("R", "py"):
        assert sorted(p.name for p in (tmp_path / lang).iterdir()) == [
            "boston-0047.params", "boston-0052.params", "boston-0056.params",
            "boston-checkpoints.json", "boston-symbol.json", "learning_curves.png", "train.csv"]
