"""`library(mxnet)` in a plain R session (rbridge/hosted.py, R/hosted.R): Python starts on
first use only, and every way it can fail to start says where it looked and what to do."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.r

TIMEOUT = 120


def run_rscript(code: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    script = cwd / "script.R"
    script.write_text(textwrap.dedent(code))
    return subprocess.run(["Rscript", str(script)], env=env, cwd=cwd, text=True,
                          capture_output=True, timeout=TIMEOUT)


@pytest.fixture
def plain_env(hosted_r_library) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("MXNET_R_COMPAT_PYTHON", "MXNET_R_COMPAT_ENTRY_MODULES")}
    env.update(R_LIBS=str(hosted_r_library), LANG="C.UTF-8")
    return env


@pytest.fixture(scope="module")
def venv_without_rpy2(tmp_path_factory) -> str:
    """A Python with neither rpy2 nor mxnet_r_compat (the base of this venv, without pip)."""
    root = tmp_path_factory.mktemp("bare") / "venv"
    subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", str(root)], check=True)
    return str(root / "bin" / "python")


def test_loading_does_not_start_python(plain_env, tmp_path):
    r = run_rscript("""
        library(mxnet)
        print(mx.cpu())
        cat("bridge", length(ls(mxnet:::.bridge)), "python", reticulate::py_available(), "\\n")
        s <- mx.symbol.Variable("data")
        cat("bridge", length(ls(mxnet:::.bridge)) > 10, "python", reticulate::py_available(),
            "\\n")
        info <- mxnet:::.py("bridge_info")
        cat(info[["rpy2_mode"]], "\\n")
        """, plain_env, tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["cpu(0)", "bridge 0 python FALSE ", "bridge TRUE python TRUE ",
                                     "API "]
    assert r.stderr == ""


def test_a_pyproject_in_the_working_directory_is_not_taken_for_a_poetry_project(
        plain_env, tmp_path):
    """`Rscript r_examples/callback_function.R` runs from the checkout's root, whose
    pyproject.toml made reticulate 1.28 warn that Poetry is missing; RETICULATE_PYTHON is
    as the user had it afterwards."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.ruff]\n'
                                             'line-length = 100\n')
    r = run_rscript("""
        library(mxnet)
        s <- mx.symbol.Variable("data")
        cat(reticulate::py_available(), Sys.getenv("RETICULATE_PYTHON", "unset"), "\n")
        """, plain_env, tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "TRUE unset \n"
    assert r.stderr == ""


def test_python_not_found_says_where_it_looked(plain_env, tmp_path):
    env = {**plain_env, "MXNET_R_COMPAT_PYTHON": "/nowhere/.venv/bin/python"}
    r = run_rscript("library(mxnet)\nmx.symbol.Variable('data')\n", env, tmp_path)
    assert r.returncode == 1
    assert r.stderr == (
        "Error: mxnet: Python not found: /nowhere/.venv/bin/python does not exist (looked there "
        "because of MXNET_R_COMPAT_PYTHON).\n  If the mxnet_r_compat checkout or its .venv moved, "
        "run `make setup` in the checkout again (it records the new path), or set "
        "MXNET_R_COMPAT_PYTHON to its .venv/bin/python.\nExecution halted\n")


def test_a_moved_venv_names_the_recorded_path(hosted_r_library, plain_env, tmp_path):
    from mxnet_r_compat.rbridge import rinstall

    lib = tmp_path / "lib"
    rinstall.install(python="/old/checkout/.venv/bin/python", library=lib)
    r = run_rscript("library(mxnet)\nmx.symbol.Variable('data')\n",
                    {**plain_env, "R_LIBS": str(lib)}, tmp_path)
    assert r.returncode == 1
    assert r.stderr.startswith(
        "Error: mxnet: Python not found: /old/checkout/.venv/bin/python does not exist (looked "
        f"there because of the path recorded by `make setup` in {lib}/mxnet/DESCRIPTION).\n"
        "  If the mxnet_r_compat checkout or its .venv moved, run `make setup`")


def test_rpy2_missing_gives_the_install_command(plain_env, venv_without_rpy2, tmp_path):
    env = {**plain_env, "MXNET_R_COMPAT_PYTHON": venv_without_rpy2}
    r = run_rscript("library(mxnet)\nmx.symbol.Variable('data')\n", env, tmp_path)
    assert r.returncode == 1
    assert r.stderr == (
        f"Error: mxnet: rpy2 is not installed in {venv_without_rpy2} (MXNET_R_COMPAT_PYTHON).\n"
        f"  Install it with:  RPY2_CFFI_MODE=API {venv_without_rpy2} -m pip install "
        "--no-cache-dir 'rpy2-rinterface==3.6.5' 'rpy2-robjects==3.6.6'\n  (or run `make setup` "
        "in the mxnet_r_compat checkout).\nExecution halted\n")


def test_reticulate_missing_gives_the_install_command(plain_env, tmp_path):
    # R_LIBS_SITE elsewhere: Debian's site library (reticulate's) is not on the path
    r = run_rscript("library(mxnet)\nmx.symbol.Variable('data')\n",
                    {**plain_env, "R_LIBS_SITE": str(tmp_path / "none")}, tmp_path)
    assert r.returncode == 1
    assert r.stderr.startswith(
        "Error: mxnet: the R package 'reticulate' is needed to run mxnet in a plain R session "
        "and is not installed.\n  Install it with:  sudo apt-get install -y r-cran-reticulate")


def test_another_python_started_first_is_named(plain_env, venv_without_rpy2, tmp_path):
    r = run_rscript(f"""
        reticulate::use_python("{venv_without_rpy2}", required = TRUE)
        invisible(reticulate::py_config())
        library(mxnet)
        mx.symbol.Variable("data")
        """, plain_env, tmp_path)
    assert r.returncode == 1
    assert r.stderr.startswith(f"Error: mxnet: this R session already runs another Python "
                               f"({venv_without_rpy2}), started by reticulate before mxnet needed "
                               f"{sys.executable}")


def test_py_objects_freed_during_training_do_not_crash(plain_env, tmp_path):
    """reticulate frees py_objects from R finalizers without the GIL; the bridge runs R with the
    GIL released (rpy2 calls R through cffi). reticulate_guard.py makes that safe."""
    r = run_rscript("""
        library(mxnet)
        data(BostonHousing, package = "mlbench")
        X <- data.matrix(BostonHousing[, -14]); y <- BostonHousing[, 14]
        lro <- mx.symbol.LinearRegressionOutput(
          mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
        os <- reticulate::import("os")
        for (i in 1:50) junk <- os$path$join("a", as.character(i))
        rm(os, junk)
        m <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 2,
          array.batch.size = 100, learning.rate = 1e-6, verbose = FALSE,
          array.layout = "rowmajor",
          batch.end.callback = function(iteration, nbatch, env) invisible(gc()))
        cat("trained", class(m), "\\n")
        """, plain_env, tmp_path)
    assert (r.returncode, r.stdout) == (0, "trained MXFeedForwardModel \n"), r.stderr
