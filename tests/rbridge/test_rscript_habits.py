"""`mxnet-rscript` takes the command lines `Rscript` takes: `-e EXPR` (repeatable), a script
on standard input (`-` or a pipe), R's start-up options such as `--vanilla`,
`--default-packages=`, and an R Markdown file, which it knits."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

MXNET_RSCRIPT = str(Path(sys.executable).with_name("mxnet-rscript"))
TIMEOUT = 60


@pytest.fixture
def rscript(child_env, tmp_path):
    """``rscript(*args, stdin=None, env=None, cmd=MXNET_RSCRIPT)`` in ``tmp_path``."""

    def run(*args: str, stdin: str | None = None, env: dict[str, str | None] | None = None,
            cmd: str = MXNET_RSCRIPT) -> subprocess.CompletedProcess:
        merged = {k: v for k, v in {**child_env, **(env or {})}.items() if v is not None}
        extra = {"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}
        return subprocess.run([cmd, *args], env=merged, cwd=tmp_path, capture_output=True,
                              text=True, timeout=TIMEOUT, **extra)

    return run


def test_library_mxnet_from_stdin_with_a_dash(rscript):
    r = rscript("-", stdin="library(mxnet); print(mx.cpu())\n")
    assert (r.returncode, r.stdout, r.stderr) == (0, "cpu(0)\n", "")


def test_a_script_piped_in_without_a_dash(rscript):
    r = rscript(stdin='x <- 1 + 1\ncat("piped", x, "\\n")\n')
    assert (r.returncode, r.stdout, r.stderr) == (0, "piped 2 \n", "")


def test_stdin_script_gets_its_arguments(rscript):
    r = rscript("-", "a", "b c", stdin="cat(commandArgs(trailingOnly = TRUE), sep = '|')\n")
    assert (r.returncode, r.stdout) == (0, "a|b c")


def test_e_expressions_run_in_order_and_get_the_arguments(rscript):
    r = rscript("-e", "x <- 2", "-e", 'cat(x * 3, commandArgs(TRUE), "\\n")', "p", "q")
    assert (r.returncode, r.stdout, r.stderr) == (0, "6 p q \n", "")


def test_e_visible_values_are_printed_as_by_rscript(rscript):
    expr = "c(1.5, 2); invisible(3); letters[1:2]"
    ours, theirs = rscript("-e", expr), rscript("-e", expr, cmd="Rscript")
    assert ours.stdout == theirs.stdout == '[1] 1.5 2.0\n[1] "a" "b"\n'


def test_syntax_errors_name_where_the_code_came_from(rscript):
    for args, stdin, where in ((["-e", "x y"], None, "<-e>"), (["-"], "x y\n", "<stdin>")):
        r = rscript(*args, stdin=stdin)
        assert r.returncode == 1
        assert r.stderr.startswith(f"Error: {where}:1:3: unexpected symbol\n")
        assert r.stderr.endswith("Execution halted\n")


@pytest.mark.parametrize("args, message", [
    (["-e"], "-e needs an R expression after it (e.g. -e 'print(1)')"),
    (["--bogus", "x.R"], "unknown option '--bogus' (options go before the script; see --help)"),
])
def test_usage_errors(rscript, args, message):
    r = rscript(*args)
    assert (r.returncode, r.stderr) == (2, f"mxnet-rscript: {message}\n")


def test_profile_runs_once_and_vanilla_skips_it_as_in_rscript(rscript, tmp_path):
    (tmp_path / ".Rprofile").write_text('cat("PROFILE\\n")\n')
    for options in ([], ["--vanilla"]):
        ours = rscript(*options, "-e", 'cat("run\\n")')
        theirs = rscript(*options, "-e", 'cat("run\\n")', cmd="Rscript")
        assert ours.returncode == 0, ours.stderr
        assert ours.stdout == theirs.stdout == ("run\n" if options else "PROFILE\nrun\n")


def test_default_packages_as_in_rscript(rscript):
    args = ["--default-packages=utils", "-e", 'cat(search(), "\\n")']
    ours, theirs = rscript(*args), rscript(*args, cmd="Rscript")
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout == theirs.stdout
    assert "package:stats" not in ours.stdout and "package:utils" in ours.stdout


RMD = """\
---
title: "knitted by mxnet-rscript"
---

```{r}
library(mxnet)
mx.set.seed(0)
X <- matrix(seq(0, 1, length.out = 40), 20)
y <- as.vector(X %*% c(1, 2))
lro <- mx.symbol.LinearRegressionOutput(
  mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 2,
  array.batch.size = 10, learning.rate = 0.1, eval.metric = mx.metric.rmse)
```
"""


def test_rmd_files_are_knitted_with_the_training_lines(rscript, tmp_path):
    (tmp_path / "doc.Rmd").write_text(RMD)
    r = rscript("doc.Rmd", env={"MXNET_R_COMPAT_ENTRY_MODULES": None})
    assert (r.returncode, r.stdout) == (0, "output file: doc.md\n"), r.stderr
    md = (tmp_path / "doc.md").read_text()
    warning = "## Warning in mx.model.select.layout.train(X, y): Auto detect layout"
    assert md.index(warning) < md.index("## Start training with 1 devices\n## [1] Train-rmse=")
    assert "\n## [2] Train-rmse=" in md


def test_rmd_without_knitr_says_how_to_get_it(rscript, tmp_path):
    (tmp_path / "doc.Rmd").write_text(RMD)
    r = rscript("doc.Rmd", env={"R_LIBS_SITE": str(tmp_path / "none")})  # hides knitr
    assert r.returncode == 1
    assert r.stderr == ("Error: knitting doc.Rmd needs the R package knitr; install it with:  "
                        "sudo apt-get install -y r-cran-knitr   (or install.packages('knitr'))\n"
                        "Execution halted\n")
