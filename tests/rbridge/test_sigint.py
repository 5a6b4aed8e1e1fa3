"""Ctrl-C: a script busy in R, in Python, or nested, ends promptly with status 130.

Each child prints READY once it is busy; the test then sends SIGINT and waits at most
INTERRUPT_DEADLINE seconds. A child that outlives its deadline is killed and the test fails.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

READY_TIMEOUT = 30.0  # R start-up + package load on a loaded 2-core machine
INTERRUPT_DEADLINE = 10.0


def _wait_ready(proc: subprocess.Popen[str]) -> str:
    """Read the child's stdout until it prints READY; return what it printed."""
    seen = ""
    deadline = time.monotonic() + READY_TIMEOUT
    assert proc.stdout is not None
    while "READY" not in seen:
        left = deadline - time.monotonic()
        if left <= 0 or proc.poll() is not None:
            proc.kill()
            pytest.fail(
                f"child never printed READY (rc={proc.poll()}): {seen!r} "
                f"{proc.stderr.read() if proc.stderr else ''}"
            )
        ready, _, _ = select.select([proc.stdout], [], [], left)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096).decode()
            if not chunk:
                continue
            seen += chunk
    return seen


def _interrupt(
    child_env: dict[str, str], script: Path, signals: int = 1, gap: float = 0.5
) -> tuple[int, float, str, str]:
    """Start the script, SIGINT it once READY; return (status, seconds, stdout, stderr)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "mxnet_r_compat", str(script)],
        env=child_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out = _wait_ready(proc)
        time.sleep(0.3)  # let it get into the busy part
        t0 = time.monotonic()
        for i in range(signals):
            if i:
                time.sleep(gap)
            proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=INTERRUPT_DEADLINE)
        return proc.returncode, time.monotonic() - t0, out + rest, err
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"the child did not end within {INTERRUPT_DEADLINE} s of SIGINT")
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.fixture
def interrupt(child_env, write_r) -> Callable[..., tuple[int, float, str, str]]:
    def run(code: str, **kw: float) -> tuple[int, float, str, str]:
        return _interrupt(child_env, write_r(code), **kw)  # type: ignore[arg-type]

    return run


def test_busy_r_loop(interrupt):
    rc, secs, out, err = interrupt(
        'f <- function() { on.exit(cat("UNWOUND\\n")); repeat {} }\ncat("READY\\n"); f()\n'
        'cat("not reached\\n")\n'
    )
    assert rc == 130
    assert secs < INTERRUPT_DEADLINE
    assert out == "READY\nUNWOUND\n"  # R itself unwound (on.exit ran): it was interrupted
    assert err.endswith("Execution halted\n")


def test_r_sleep_uses_rs_own_handler(interrupt):
    rc, _, out, _ = interrupt('cat("READY\\n"); Sys.sleep(30); cat("not reached\\n")')
    assert (rc, out) == (130, "READY\n")


def test_python_entry_point_sleeping(interrupt):
    rc, _, out, _ = interrupt(
        'library(mxnet); cat("READY\\n"); mxnet:::.py("t_sleep", 30); cat("not reached\\n")'
    )
    assert (rc, out) == (130, "READY\n")


def test_nested_r_callback_inside_python_trainer(interrupt):
    rc, _, out, _ = interrupt(
        r"""
        library(mxnet)
        cb <- function(iteration, nbatch, env) {
          if (iteration == 1) cat("READY\n")
          on.exit(cat("UNWOUND", iteration, "\n")); if (iteration > 1) repeat {}; TRUE }
        mxnet:::.py("t_train", cb, 10)
        cat("not reached\n")
        """
    )
    assert rc == 130
    assert out == "READY\nUNWOUND 1 \nUNWOUND 2 \n"


def test_script_can_catch_the_interrupt(interrupt):
    rc, _, out, err = interrupt(
        r"""
        library(mxnet)
        cat("READY\n")
        r <- tryCatch(mxnet:::.py("t_sleep", 30), interrupt = function(e) "caught in R")
        print(r)
        cat("continues\n")
        """,
    )
    assert (rc, out, err) == (0, 'READY\n[1] "caught in R"\ncontinues\n', "")


def test_second_ctrl_c_ends_a_process_stuck_in_native_code(interrupt):
    # Reference BLAS does not check for interrupts: one crossprod of 2500x2500 runs for seconds.
    rc, secs, out, err = interrupt(
        'm <- matrix(runif(2500 * 2500), 2500)\ncat("READY\\n")\nx <- crossprod(m)\n'
        'cat("not reached\\n")\n',
        signals=2,
    )
    assert rc == 130
    assert secs < 3.0
    assert out == "READY\n"
    assert "interrupted again" in err
