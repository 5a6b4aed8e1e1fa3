"""mxnet-rscript behaves like Rscript: arguments, streams, auto-print, errors, exit codes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def test_command_args_reach_the_script(run_r):
    r = run_r(
        r"""
        a <- commandArgs(trailingOnly = TRUE)
        cat(length(a), "\n"); writeLines(a)
        cat(interactive(), "\n")
        cat(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)), "\n")
        """,
        "a",
        "b c",
        "--flag",
        "é",
    )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[:5] == ["4 ", "a", "b c", "--flag", "é"]
    assert lines[5] == "FALSE "
    assert lines[6].endswith("/script1.R ")  # --file=<the script>, as Rscript passes it


def test_stdout_and_stderr_are_separate(run_r):
    code = r"""
        cat("out 1\n")
        message("err 1")
        print(1:2)
        f <- function() { warning("inside f"); "f done" }
        x <- f()
        warning("at top level")
        cat("out 2\n")
        """
    r = run_r(code)
    assert r.returncode == 0
    assert r.stdout == "out 1\n[1] 1 2\nout 2\n"
    assert r.stderr == "err 1\nWarning in f() : inside f\nWarning: at top level\n"


def test_streams_keep_their_order(run_r):
    r = run_r(
        r"""
        cat("A\n"); message("B"); cat("C\n"); warning("D"); print("E"); message("F")
        """,
        merge=True,
    )
    assert r.stdout == 'A\nB\nC\nWarning: D\n[1] "E"\nF\n'


def test_output_matches_rscript(run_r):
    """Auto-print, invisible values, S4 show, deferred warnings (warn = 0), top-level error."""
    code = r"""
        x <- 1:3
        x
        invisible(5)
        (invisible(6))
        f <- function(x) x + 1
        f
        quote(a + b)
        setClass("P", representation(v = "numeric"))
        new("P", v = 1)
        NULL
        for (i in 1:2) i
        options(warn = 0)
        g <- function() { warning("w1"); warning("w2"); 3 }
        g()
        warning("solo")
        stop("top level")
        cat("never\n")
        """
    ours = run_r(code)
    rscript = run_r(code, cmd=["Rscript"])
    assert ours.stdout == rscript.stdout
    assert ours.stderr == rscript.stderr
    assert ours.returncode == rscript.returncode == 1
    assert "[1] 6" in ours.stdout and "[1] 5" not in ours.stdout
    assert "Error: top level\nExecution halted\n" in ours.stderr


def test_error_in_function_exits_1_with_r_message(run_r):
    r = run_r(
        """
        cat("before\\n")
        g <- function() stop("deep problem")
        h <- function() g()
        h()
        cat("after\\n")
        """
    )
    assert r.returncode == 1
    assert r.stdout == "before\n"
    assert r.stderr == "Error in g() : deep problem\nCalls: h -> g\nExecution halted\n"


def test_parse_error_runs_nothing(run_r):
    r = run_r('cat("first\\n")\nx <- (1 +\n  y y\n')
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr.startswith("Error: ") and "3:5: unexpected symbol" in r.stderr
    assert r.stderr.endswith("Execution halted\n")


def test_quit_status_and_last(run_r):
    r = run_r('.Last <- function() cat("last\\n")\ncat("hi\\n")\nquit(status = 7)\ncat("no\\n")\n')
    assert (r.returncode, r.stdout) == (7, "hi\nlast\n")


def test_missing_file_and_usage(runner, tmp_path):
    missing = runner(str(tmp_path / "nope.R"))
    assert missing.returncode == 2
    assert "cannot open file" in missing.stderr and "nope.R" in missing.stderr
    assert runner().returncode == 2
    assert runner("--bogus", "x.R").returncode == 2
    helped = runner("--help")
    assert helped.returncode == 0 and "usage:" in helped.stdout and "FILE.R" in helped.stdout


def test_version(runner):
    r = runner("--version")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("mxnet_r_compat 0.1.0")
    assert "R version 4." in r.stdout and "(API mode)" in r.stdout


def test_console_script_is_the_same_runner(run_r):
    exe = Path(sys.executable).with_name("mxnet-rscript")
    if not exe.exists():
        found = shutil.which("mxnet-rscript")
        assert found, "mxnet-rscript is not installed: run `make build` (pip install -e .)"
        exe = Path(found)
    r = run_r('cat(commandArgs(trailingOnly = TRUE), "\\n"); library(mxnet)', "x", cmd=[str(exe)])
    assert (r.returncode, r.stdout, r.stderr) == (0, "x \n", "")


def test_closed_stdout_ends_quietly(child_env, write_r):
    """`mxnet-rscript x.R | head -1`: status 1 as Rscript, without a flood of errors."""
    script = write_r('for (i in 1:100000) cat(i, "\\n")\ncat("never\\n", file = stderr())\n')
    proc = subprocess.Popen(
        [sys.executable, "-m", "mxnet_r_compat", str(script)],
        env=child_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "1 \n"
    proc.stdout.close()
    _, err = proc.communicate(timeout=60)
    assert (proc.returncode, err) == (1, "")
