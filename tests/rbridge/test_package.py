"""library(mxnet) and the Python bridge: loading forms, entry points, errors, callbacks."""

from __future__ import annotations

import mxnet_r_compat


def test_library_forms_and_namespace(run_r):
    r = run_r(
        r"""
        cat("loaded before library():", "mxnet" %in% loadedNamespaces(), "\n")
        library(mxnet)
        cat("attached:", "package:mxnet" %in% search(), "\n")
        cat("bridge filled:", "bridge_info" %in% ls(mxnet:::.bridge), "\n")
        cat("require:", require(mxnet), "\n")
        cat("requireNamespace:", requireNamespace("mxnet", quietly = TRUE), "\n")
        cat("version:", as.character(packageVersion("mxnet")), "\n")
        cat(".py is a function:", is.function(mxnet:::.py), "\n")
        cat("::", mxnet:::.py("bridge_info")[["rpy2_mode"]], "\n")
        detach("package:mxnet")
        cat("after detach:", "package:mxnet" %in% search(), "\n")
        suppressPackageStartupMessages(library("mxnet", character.only = TRUE))
        cat("attached again:", "package:mxnet" %in% search(), "\n")
        """
    )
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert r.stdout.splitlines() == [
        "loaded before library(): FALSE ",
        "attached: TRUE ",
        "bridge filled: TRUE ",
        "require: TRUE ",
        "requireNamespace: TRUE ",
        f"version: {mxnet_r_compat.__version__} ",
        ".py is a function: TRUE ",
        ":: API ",
        "after detach: FALSE ",
        "attached again: TRUE ",
    ]


def test_bridge_info_entry_point(run_r):
    r = run_r(
        r"""
        info <- mxnet::: .py("bridge_info")
        for (n in names(info)) cat(n, "=", info[[n]], "\n", sep = "")
        """
    )
    assert r.returncode == 0, r.stderr
    info = dict(line.split("=", 1) for line in r.stdout.splitlines())
    assert info["package"] == mxnet_r_compat.__version__
    assert info["rpy2_mode"] == "API"
    assert info["rpy2"] == "3.6.5"
    assert info["R"].startswith("R version 4.")
    assert "/R4." in info["rlib"]


def test_results_reach_r_with_their_type(run_r):
    r = run_r(
        r"""
        py <- mxnet:::.py
        for (k in c("none", "null", "true", "false", "str", "int", "bigint", "float",
                    "np_float", "np_int", "np_bool")) {
          v <- py("t_result", k)
          cat(k, typeof(v), format(v), "\n")
        }
        writeLines(py("t_types", 1L, 2.5, "s", TRUE, NULL, list(1), function(x) x, new.env(),
                      num.round = 3))
        """
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "none NULL NULL ",
        "null NULL NULL ",
        "true logical TRUE ",
        "false logical FALSE ",
        "str character héllo ",
        "int integer 7 ",
        "bigint double 1.099512e+12 ",
        "float double 2.5 ",
        "np_float double 0.5 ",
        "np_int integer 3 ",
        "np_bool logical TRUE ",
        "IntSexpVector",
        "FloatSexpVector",
        "StrSexpVector",
        "BoolSexpVector",
        "NULLType",
        "ListSexpVector",
        "SexpClosure",
        "SexpEnvironment",
        "num.round=FloatSexpVector",
    ]


def test_python_exceptions_are_r_errors(run_r):
    r = run_r(
        r"""
        py <- mxnet:::.py
        e <- tryCatch(py("t_raise", "mx"), error = function(e) e)
        cat(class(e), "\n"); cat(conditionMessage(e), "\n")
        e <- tryCatch(py("t_raise", "key"), error = function(e) e)
        cat(conditionMessage(e), "|", e$type, "|", grepl("Traceback", e$traceback), "\n")
        cat(conditionMessage(tryCatch(py("t_raise", "bare"), error = identity)), "\n")
        cat(conditionMessage(tryCatch(py("t_result", "object"), error = identity)), "\n")
        f <- function() py("t_raise", "key")
        f()
        cat("never\n")
        """
    )
    assert r.returncode == 1
    assert r.stdout.splitlines() == [
        "mx_py_error error condition ",
        "Invalid value for argument `x`. Received: x=-1. Expected x > 0. ",
        "KeyError: 'x' | KeyError | TRUE ",
        "ValueError ",
        "TypeError: Python entry point 't_result' returned a builtins.object; return an rpy2 "
        "Sexp, None, bool, int, float or str (convert arrays in rbridge) ",
    ]
    assert r.stderr == "Error: KeyError: 'x'\nExecution halted\n"


def test_traceback_env_var_prints_python_traceback(run_r):
    r = run_r(
        'try(mxnet:::.py("t_raise", "key"), silent = TRUE)', env={"MXNET_R_COMPAT_TRACEBACK": "1"}
    )
    assert r.returncode == 0
    assert r.stderr.startswith("Traceback (most recent call last):")
    assert "KeyError: 'x'" in r.stderr


def test_invoke_cb_passes_verbose_only_when_accepted(run_r):
    r = run_r(
        r"""
        inv <- mxnet:::.invoke_cb
        e <- new.env()
        three <- function(iteration, nbatch, env) "three"
        named <- function(iteration, nbatch, env, verbose) paste("named", verbose)
        dots <- function(iteration, nbatch, env, ...) paste("dots", list(...)$verbose)
        cat(inv(three, 1L, 0L, e, verbose = TRUE), "\n")
        cat(inv(named, 1L, 0L, e, verbose = FALSE), "\n")
        cat(inv(dots, 1L, 0L, e, verbose = TRUE), "\n")
        cat(inv(dots, 1L, 0L, e), "\n")
        err <- inv(function(iteration, nbatch, env) stop("cb failed"), 1L, 0L, e)
        cat(class(err)[1:2], conditionMessage(err), "\n")
        cat(inv(function(iteration, nbatch, env) iteration * 10 + nbatch, 2L, 3L, e), "\n")
        """
    )
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""  # the error condition is returned, never printed
    assert r.stdout.splitlines() == [
        "three ",
        "named FALSE ",
        "dots TRUE ",
        "dots  ",
        "simpleError error cb failed ",
        "23 ",
    ]


def test_python_calls_r_callbacks(run_r):
    r = run_r(
        r"""
        library(mxnet)
        seen <- c()
        n <- mxnet:::.py("t_train", function(iteration, nbatch, env) {
          seen <<- c(seen, iteration); iteration < 3 }, 10)
        cat("rounds", n, "seen", seen, "\n")
        n <- mxnet:::.py("t_train", function(iteration, nbatch, env, verbose) {
          cat("verbose", verbose, "\n"); FALSE }, 10, TRUE)
        e <- tryCatch(mxnet:::.py("t_train", function(iteration, nbatch, env) stop("bad cb"), 5),
                      error = identity)
        cat("error:", conditionMessage(e), "\n")
        """
    )
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert r.stdout.splitlines() == ["rounds 3 seen 1 2 3 ", "verbose TRUE ", "error: bad cb "]


def test_plain_rscript_with_a_package_setup_did_not_install_says_so(run_r):
    libdir = run_r('cat(dirname(find.package("mxnet")))').stdout
    r = run_r("library(mxnet)\nmxnet:::.py('fit')", cmd=["Rscript"], env={"R_LIBS": libdir})
    assert r.returncode == 1
    assert r.stderr == (
        f"Error: mxnet: this copy of the R package ({libdir}/mxnet) does not record which "
        "Python to start: `make setup` did not install it.\n  Run `make setup` in the "
        "mxnet_r_compat checkout, or set MXNET_R_COMPAT_PYTHON to its .venv/bin/python.\n"
        "Execution halted\n"
    )


def test_entry_modules_and_s3_dispatch(run_r):
    """Only registered entries reach .bridge; the real ones load, and S3 methods dispatch."""
    r = run_r(
        r"""
        library(mxnet)
        cat(sort(ls(mxnet:::.bridge)), sep = "\n")
        """,
        env={"MXNET_R_COMPAT_ENTRY_MODULES": ""},
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["bridge_info"]
    real = run_r(
        """
        library(mxnet)
        cat(length(ls(mxnet:::.bridge)) > 1, "\\n")
        s <- mx.symbol.Variable("data")
        s
        cat(is.function(getS3method("predict", "MXFeedForwardModel")), "\\n")
        """,
        env={"MXNET_R_COMPAT_ENTRY_MODULES": None},  # the default: export.ENTRY_MODULES
    )
    assert (real.returncode, real.stderr) == (0, "")
    lines = real.stdout.splitlines()
    assert lines[0] == "TRUE "
    assert lines[1] == "MXSymbol"  # auto-print dispatched to print.MXSymbol (S3 via NAMESPACE)
    assert lines[-1] == "TRUE "
