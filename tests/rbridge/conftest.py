"""Fixtures for the rpy2 bridge tests (tests/rbridge).

R embeds once per process, so every test that needs R runs a child process:
``python -m mxnet_r_compat FILE.R ARGS`` (the same runner as ``mxnet-rscript``). The children
share one R package install in a temporary MXNET_R_COMPAT_RLIB (the first child installs it)
and load the test-only entry points of ``bridge_test_entries.py`` instead of the trainer's, so
these tests exercise the bridge alone (test_package.py checks the real entry modules once).

When R or rpy2 is missing, every R test FAILS with the install command; it never skips.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
#: The entry modules the children load (see MXNET_R_COMPAT_ENTRY_MODULES in export.py).
TEST_ENTRY_MODULES = "bridge_test_entries"
#: Every wait on a child is bounded by this many seconds.
TIMEOUT = 60


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.r)


@dataclass
class Result:
    """What a child run produced."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture(scope="session")
def r_available() -> str:
    """Fail (never skip) with the install command when R or rpy2 cannot be used."""
    from mxnet_r_compat.rbridge.session import RSetupError, check_environment

    try:
        return check_environment()
    except RSetupError as e:
        pytest.fail(f"the R bridge tests need R and rpy2:\n{e}", pytrace=False)


@pytest.fixture(scope="session")
def rlib_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One R package install shared by the children of this test session."""
    return tmp_path_factory.mktemp("rlib")


@pytest.fixture(scope="session")
def child_env(r_available: str, rlib_root: Path) -> dict[str, str]:
    """Environment of a child: private R library, test entry points, C.UTF-8."""
    env = dict(os.environ)
    env.update(
        MXNET_R_COMPAT_RLIB=str(rlib_root),
        MXNET_R_COMPAT_ENTRY_MODULES=TEST_ENTRY_MODULES,
        PYTHONPATH=os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH")])),
        LANG="C.UTF-8",
    )
    for name in ("MXNET_R_COMPAT_TRACEBACK", "MXNET_R_COMPAT_VERBOSE", "R_LIBS", "R_LIBS_USER"):
        env.pop(name, None)
    return env


def _merge(base: dict[str, str], extra: dict[str, str | None] | None) -> dict[str, str]:
    env = {**base, **(extra or {})}
    return {k: v for k, v in env.items() if v is not None}


def runner_cmd(script: Path | str, args: Sequence[str] = ()) -> list[str]:
    return [sys.executable, "-m", "mxnet_r_compat", str(script), *args]


@pytest.fixture
def write_r(tmp_path: Path) -> Callable[[str], Path]:
    """Write R code (dedented) to a fresh .R file and return its path."""
    count = [0]

    def write(code: str) -> Path:
        count[0] += 1
        path = tmp_path / f"script{count[0]}.R"
        path.write_text(textwrap.dedent(code).lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture
def run_r(child_env: dict[str, str], write_r: Callable[[str], Path]) -> Callable[..., Result]:
    """Run R code in a child ``python -m mxnet_r_compat``; returns code, stdout, stderr.

    ``run_r(code, *args, env={...}, merge=True, cmd=[...])``: ``merge`` sends stderr into stdout
    (one pipe, so the relative order of the two streams is observable); ``cmd`` replaces
    ``python -m mxnet_r_compat`` (e.g. the mxnet-rscript console script, or Rscript); an
    ``env`` value of None removes that variable.
    """

    def run(
        code: str,
        *args: str,
        env: dict[str, str | None] | None = None,
        merge: bool = False,
        cmd: list[str] | None = None,
    ) -> Result:
        script = write_r(code)
        argv = runner_cmd(script, args) if cmd is None else [*cmd, str(script), *args]
        proc = subprocess.run(
            argv,
            env=_merge(child_env, env),
            cwd=script.parent,
            text=True,
            timeout=TIMEOUT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if merge else subprocess.PIPE,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr or "")

    return run


@pytest.fixture
def runner(child_env: dict[str, str]) -> Callable[..., Result]:
    """Run ``python -m mxnet_r_compat ARGS`` as given (no script written)."""

    def run(*args: str, env: dict[str, str | None] | None = None) -> Result:
        proc = subprocess.run(
            [sys.executable, "-m", "mxnet_r_compat", *args],
            env=_merge(child_env, env),
            stdin=subprocess.DEVNULL,  # not a pipe: no script is read from it
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return run
