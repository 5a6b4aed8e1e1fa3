"""The R constructors of the new callbacks (R/callbacks_extra.R, R/history.R) and their
conversion to Python objects (rbridge/rcallbacks.py), in child processes.

Training from R with these objects needs the R-bridge wiring in rtrain.py; that is
tested in test_r_callbacks.py. Here: what R builds, what Python makes of it, and that
R functions inside get and return the right values.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.r
RUNNER = [sys.executable, "-m", "mxnet_r_compat"]


def run(cmd: list[str], tmp_path: Path) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def run_r(code: str, tmp_path: Path) -> list[str]:
    script = tmp_path / "script.R"
    script.write_text("library(mxnet)\n" + textwrap.dedent(code))
    return run([*RUNNER, str(script)], tmp_path).splitlines()


def run_py(code: str, tmp_path: Path) -> list[str]:
    """Python with the embedded R and the mxnet R package loaded (as mxnet-rscript has)."""
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent("""
        from mxnet_r_compat.rbridge import rlib, session
        session.start([], handle_sigint=False)
        rlib.setup()
        session.evalr("suppressPackageStartupMessages(library(mxnet))")
        import rpy2.rinterface as ri
        from mxnet_r_compat.rbridge import closures, rcallbacks
        from mxnet_r_compat.training import callbacks
        """) + textwrap.dedent(code))
    return run([sys.executable, str(script)], tmp_path).splitlines()


def test_constructors_return_named_python_callbacks(tmp_path):
    out = run_r("""
        show <- function(cb) cat(class(cb), cb$kind, paste(names(cb$args), collapse = ","), "\\n")
        show(mx.callback.early.stopping(patience = 2, restore.best = TRUE))
        show(mx.callback.model.checkpoint("m", top.k = 3))
        show(mx.callback.csv.logger("log.csv", append = TRUE))
        show(mx.callback.terminate.on.nan())
        show(mx.callback.reduce.lr.on.plateau(factor = 0.5))
        show(mx.callback.lr.scheduler(function(iteration, lr) lr))
        show(mx.callback.timer(60))
        show(mx.callback.progress.bar())
        show(mx.callback.every(10, function(stats) NULL))
        show(mx.callback.safe(function(iteration, nbatch, env) TRUE, on.error = "disable"))
        cb <- mx.callback.early.stopping(baseline = NULL)
        cat(is.null(cb$args$baseline), "baseline" %in% names(cb$args), "\\n")
        mxnet:::print.mx.py.callback(mx.callback.safe(mx.callback.timer(5)))
        mxnet:::print.mx.py.callback(mx.callback.every(2, function(stats) NULL))
    """, tmp_path)
    assert out == [
        ("mx.py.callback early.stopping monitor,patience,min.delta,mode,baseline,restore.best,"
        "start.epoch "),
        "mx.py.callback model.checkpoint prefix,monitor,save.best.only,top.k,period ",
        "mx.py.callback csv.logger file,append ",
        "mx.py.callback terminate.on.nan  ",
        ("mx.py.callback reduce.lr.on.plateau monitor,factor,patience,min.lr,cooldown,mode,"
        "min.delta "),
        "mx.py.callback lr.scheduler fun ",
        "mx.py.callback timer max.seconds ",
        "mx.py.callback progress.bar width,refresh ",
        "mx.py.callback every k,fun ",
        "mx.py.callback safe cb,on.error ",
        "TRUE TRUE ",
        'mx.callback.safe(cb = mx.callback.timer(...), on.error = "warn")',
        "mx.callback.every(k = 2, fun = <function>)",
    ]


def test_bad_arguments_fail_in_the_constructor(tmp_path):
    out = run_r("""
        err <- function(expr) cat(tryCatch({ expr; "no error" },
                                           error = function(e) conditionMessage(e)), "\\n")
        err(mx.callback.early.stopping(mode = "sideways"))
        err(mx.callback.early.stopping(patience = -1))
        err(mx.callback.model.checkpoint("m", top.k = 0))
        err(mx.callback.reduce.lr.on.plateau(factor = 2))
        err(mx.callback.timer(c(1, 2)))
        err(mx.callback.every(5, function() NULL))
        err(mx.callback.lr.scheduler(function(iteration) 0.1))
        err(mx.callback.safe(function(iteration) TRUE))
        err(mx.callback.safe(function(...) TRUE, on.error = "ignore"))
        err(mx.callback.lr.scheduler(0.1))
        err(mx.model.checkpoint.best(file.path(tempdir(), "none")))
    """, tmp_path)
    assert out[:10] == [
        ("Invalid value for argument `mode`. Received: mode='sideways'. Expected \"auto\", "
        "\"min\" or \"max\". "),
        ("Invalid value for argument `patience`. Received: patience=-1. Expected a whole number "
        ">= 0. "),
        ("Invalid value for argument `top.k`. Received: top.k=0. Expected a whole number >= 1 or "
        "NULL. "),
        ("Invalid value for argument `factor`. Received: factor=2.0. Expected a number with "
        "0 < factor < 1. "),
        ("Invalid value for argument `max.seconds` of mx.callback.timer. Received: a vector of "
        "length 2. Expected one value. "),
        ("Invalid value for argument `fun` of mx.callback.every: the function is called with 1 "
        "arguments but takes (); expected function(stats). "),
        ("Invalid value for argument `fun` of mx.callback.lr.scheduler: the function is called "
        "with 2 arguments but takes (iteration); expected function(iteration, lr). "),
        ("Invalid value for argument `cb` of mx.callback.safe: the function is called with 3 "
        "arguments but takes (iteration); expected function(iteration, nbatch, env). "),
        ("Invalid value for argument `on.error`. Received: on.error='ignore'. Expected \"warn\", "
        "\"disable\" or \"abort\". "),
        ("Invalid value for argument `fun`. Received: fun=0.1. Expected a function(iteration, lr) "
        "returning the new rate. "),
    ]
    assert out[10].startswith("No checkpoint manifest ") and "none-checkpoints.json" in out[10]


def test_plot_method_draws_a_png(tmp_path):
    out = run_r("""
        h <- structure(data.frame(iteration = rep(1:3, each = 2), phase = c("train", "eval"),
                                  metric = "rmse", value = c(5, 6, 4, 5, 3, 4.5),
                                  lr = 0.1, seconds = 1:6 / 10),
                       class = c("mx.history", "data.frame"))
        f <- file.path(getwd(), "curves.png")
        png(f); r <- mxnet:::plot.mx.history(h, lr = TRUE); invisible(dev.off())
        cat(identical(r, h), file.exists(f), file.info(f)$size > 1000, "\\n")
        cat(tryCatch(mxnet:::plot.mx.history(h, metric = "mae"),
                     error = function(e) conditionMessage(e)), "\\n")
    """, tmp_path)
    assert out == ["TRUE TRUE TRUE ",
                   "plot(history): no metric mae in the history (it has rmse) "]


def test_descriptors_become_python_objects(tmp_path):
    out = run_py("""
        class Closure:   # stands for callback_adapter.RCallback
            def __init__(self, closure):
                self.closure = closure
            def __call__(self, iteration, nbatch, env):
                pass
            def __repr__(self):
                return "closure"

        def build(code, slot="epoch.end.callback"):
            return rcallbacks.slot_from_r(session.evalr(code), slot, Closure)

        es = build("mx.callback.early.stopping(patience = 2, min.delta = 0.5, mode = 'min', "
                   "restore.best = TRUE, start.epoch = 3)")
        print(type(es).__name__, es.patience, es.min_delta, es.mode, es.baseline,
              es.restore_best, es.start_epoch, es.monitor.text)
        ck = build("mx.callback.model.checkpoint('~/m', top.k = 3)")
        print(type(ck).__name__, ck.prefix.endswith('/m') and '~' not in ck.prefix, ck.top_k,
              ck.period, ck.save_best_only)
        both = build("list(function(iteration, nbatch, env) TRUE, mx.callback.timer(5), "
                     "mx.callback.safe(function(iteration, nbatch, env) TRUE))")
        print([type(b).__name__ for b in both], both[1].max_seconds, both[2].inner,
              both[2].on_error)
        print(build("NULL"))
        try:
            build("list(1, 2)")
        except Exception as e:
            print(type(e).__name__, e)
    """, tmp_path)
    assert out == [
        "EarlyStopping 2 0.5 min None True 3 eval",
        "ModelCheckpoint True 3 1 False",
        "['Closure', 'Timer', 'Safe'] 5.0 closure warn",
        "None",
        ("MXTypeError Invalid value for argument `epoch.end.callback`. Received: an R list. "
        "Expected a function(iteration, nbatch, env), a callback such as "
        "mx.callback.early.stopping(), or a list of them."),
    ]


def test_r_functions_get_data_frames_and_their_results_are_commands(tmp_path):
    out = run_py("""
        every = rcallbacks.slot_from_r(session.evalr('''mx.callback.every(2, function(stats) {
            cat(class(stats), nrow(stats), paste(names(stats), collapse = ","), "\\n")
            cat(vapply(stats, typeof, ""), "\\n")
            cat(stats$nbatch, stats$metric, stats$value, "\\n")
            list(stop = TRUE, reason = "seen", lr = 0.5)
        })'''), "batch.end.callback", None)
        rows = [{"iteration": 1, "nbatch": i, "samples": 10, "seconds": 0.1 * i, "lr": 0.1,
                 "metric": "rmse", "value": float("nan") if i == 2 else i / 2,
                 "running": 1.0} for i in (1, 2)]
        print(every.fun(rows))
        sched = rcallbacks.slot_from_r(session.evalr(
            "mx.callback.lr.scheduler(function(iteration, lr) { cat(class(iteration), lr, '\\n'); "
            "lr / iteration })"), "epoch.begin.callback", None)
        print(sched.fun(4, 0.5))
        print(rcallbacks.result_from_r(session.evalr("list(stop = TRUE, save = 'p', n = 3L)")))
        bad = rcallbacks.slot_from_r(session.evalr(
            "mx.callback.every(1, function(stats) stop('no stats today'))"), "x", None)
        try:
            bad.fun(rows[:1])
        except Exception as e:
            print(type(e).__name__, e)
    """, tmp_path)
    assert out == [
        "data.frame 2 iteration,nbatch,samples,seconds,lr,metric,value,running ",
        "integer integer integer double double character double double ",
        "1 2 rmse rmse 0.5 NA ",
        "{'stop': True, 'reason': 'seen', 'lr': 0.5}",
        "integer 0.5 ",
        "0.125",
        "{'stop': True, 'save': 'p', 'n': 3.0}",
        "RClosureError mx.callback.every: fun failed: no stats today",
    ]


def test_arity_of_r_closures(tmp_path):
    out = run_py("""
        for code in ["function(iteration, nbatch, env) TRUE",
                     "function(iteration, nbatch, env, verbose) TRUE",
                     "function(...) TRUE", "function(iteration, ...) TRUE",
                     "function(iteration, nbatch) TRUE",
                     "function(iteration, nbatch, env, extra) TRUE",
                     "function(iteration, nbatch, env, extra = 1) TRUE", "sum"]:
            print(closures.closure_arity_problem(session.evalr(code), 3))
    """, tmp_path)
    assert out == ["None", "None", "None", "None",
                   "is called with 3 arguments but takes (iteration, nbatch)",
                   "is called with 3 arguments but takes (iteration, nbatch, env, extra)",
                   "None", "None"]


def test_history_and_timing_become_data_frames(tmp_path):
    out = run_py("""
        history = [{"iteration": i, "phase": p, "metric": "rmse", "value": float(i),
                    "lr": 0.1, "seconds": i / 10} for i in (1, 2) for p in ("train", "eval")]
        h = rcallbacks.history_to_r(history)
        ri.globalenv["h"] = h
        session.evalr('cat(class(h), dim(h), names(h), h$phase, "\\n")')
        session.evalr('s <- summary(h$value); cat(is.data.frame(h), s[["Max."]], "\\n")')
        t = rcallbacks.timing_to_r([{"slot": "epoch.end", "callback": "epoch.end.callback",
                                     "calls": 3, "seconds": 0.5, "us_per_call": 1e5}])
        ri.globalenv["t"] = t
        session.evalr('cat(t$callback, t$calls, t$us_per_call, "\\n")')
    """, tmp_path)
    assert out == [("mx.history data.frame 4 6 iteration phase metric value lr seconds "
                   "train eval train eval "),
                   "TRUE 2 ",
                   "epoch.end.callback 3 1e+05 "]
