"""Ctrl-C during training from R: the first stops at a batch boundary and returns the partial
model with a warning, the process stays usable, a second Ctrl-C ends it (docs/COMPATIBILITY.md,
rows 11 and 20). On both hosts (tests/conftest.py): under mxnet-rscript the script ends
with status 130, under plain Rscript as Rscript ends on an interrupt (status 1); an
interactive R console stays usable.

Each child prints marker lines; the test sends SIGINT when a marker appears and waits at most
DEADLINE seconds for the next one. A child that misses a deadline is killed and the test fails.
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import time

import pytest

from .conftest import PRELUDE, parse_values, write_script

DEADLINE = 20.0

# Training that cannot finish on its own (10^6 epochs); its batch callback prints TRAINING
# once and then sleeps, so the first SIGINT lands in R's Sys.sleep or in the trainer.
SCRIPT = r"""
train <- function(cb, tag) {
  mx.set.seed(0)
  cat(tag, "started\n")
  m <- mx.model.FeedForward.create(lro, X = train.x, y = train.y, num.round = 1e6,
    array.batch.size = 20, learning.rate = 2e-6, momentum = 0.9, eval.metric = mx.metric.rmse,
    verbose = FALSE, array.layout = "rowmajor", batch.end.callback = cb)
  emit(paste0(tag, ".class"), class(m))
  emit(paste0(tag, ".is.last"), identical(as.array(m$arg.params$fc1_weight),
                                          as.array(mx.model.last()$arg.params$fc1_weight)))
  emit(paste0(tag, ".pred.dim"), dim(predict(m, test.x, array.layout = "rowmajor")))
  m
}
said <- FALSE
sleepy <- function(iteration, nbatch, env) {
  if (!said) { cat("TRAINING1\n"); said <<- TRUE }
  Sys.sleep(0.01)
}
m1 <- train(sleepy, "first")
cat("AFTER1\n")
# the process is usable: a second training (busy R callback, no sleep) is interrupted the same way
said <- FALSE
busy <- function(iteration, nbatch, env) {
  if (!said) { cat("TRAINING2\n"); said <<- TRUE }
  s <- 0; for (i in 1:3000) s <- s + i
}
m2 <- train(busy, "second")
cat("AFTER2\n")
cat("LOOPING\n")
i <- 0
repeat i <- i + 1
"""

# Two Ctrl-C while one batch callback is busy in R: the process ends at once.
TWICE = r"""
mx.set.seed(0)
m <- mx.model.FeedForward.create(lro, X = train.x, y = train.y, num.round = 1e6,
  array.batch.size = 20, learning.rate = 2e-6, verbose = FALSE, array.layout = "rowmajor",
  batch.end.callback = function(iteration, nbatch, env) {
    cat("BUSY\n"); s <- 0; for (i in 1:5e7) s <- s + i })
cat("NEVER\n")
"""


class Child:
    """A child R process whose stdout is read marker by marker."""

    def __init__(self, argv, env, cwd, stdin=None) -> None:
        self.proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=stdin,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.out = ""

    def send(self, code: str) -> None:
        """Type R code into an interactive child."""
        self.proc.stdin.write(code.encode())
        self.proc.stdin.flush()

    def wait_for(self, marker: str) -> float:
        """Read stdout until ``marker``; returns the seconds it took."""
        t0 = time.monotonic()
        while marker not in self.out:
            left = t0 + DEADLINE - time.monotonic()
            if left <= 0 or (self.proc.poll() is not None and not self._readable(0)):
                self.proc.kill()
                err = self.proc.stderr.read().decode()
                pytest.fail(f"no {marker!r} within {DEADLINE} s (rc={self.proc.poll()}):\n"
                            f"stdout:\n{self.out}\nstderr:\n{err}")
            if self._readable(left):
                chunk = os.read(self.proc.stdout.fileno(), 65536).decode()
                if not chunk and self.proc.poll() is not None:
                    continue
                self.out += chunk
        return time.monotonic() - t0

    def _readable(self, timeout: float) -> bool:
        return bool(select.select([self.proc.stdout], [], [], timeout)[0])

    def interrupt(self) -> None:
        self.proc.send_signal(signal.SIGINT)

    def finish(self) -> tuple[int, str, str]:
        try:
            out, err = self.proc.communicate(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            pytest.fail(f"the child did not end within {DEADLINE} s:\n{self.out}")
        return self.proc.returncode, self.out + out.decode(), err.decode()


def _script_child(r_host, rapi_env, tmp_path, code) -> Child:
    script = write_script(tmp_path, code)
    return Child(r_host.argv(str(script)), r_host.env(rapi_env), script.parent)


def test_ctrl_c_returns_the_partial_model_and_a_second_ends_the_script(r_host, rapi_env,
                                                                       tmp_path):
    child = _script_child(r_host, rapi_env, tmp_path, SCRIPT)
    try:
        child.wait_for("TRAINING1")
        time.sleep(0.3)
        child.interrupt()
        assert child.wait_for("AFTER1") < 5
        child.wait_for("TRAINING2")
        time.sleep(0.3)
        child.interrupt()
        assert child.wait_for("AFTER2") < 5
        child.wait_for("LOOPING")
        time.sleep(0.3)
        child.interrupt()
        rc, out, err = child.finish()
    finally:
        if child.proc.poll() is None:
            child.proc.kill()
    values = parse_values(out)
    assert rc == (1 if r_host.plain else 130), err
    for tag in ("first", "second"):
        assert values[f"{tag}.class"] == "MXFeedForwardModel"
        assert values[f"{tag}.is.last"] == "TRUE"
        assert values[f"{tag}.pred.dim"] == "1 337"
    # mxnet-rscript prints warnings as they happen (warn = 1), Rscript after the call (warn = 0)
    warnings = re.findall(r"^Warning(?:: | message:\n)(.*)$", err, re.M)
    assert len(warnings) == 2, err
    # Ctrl-C lands inside an epoch, or (the epochs take milliseconds) between two of them
    within = (r"Training interrupted \(Ctrl-C\) in epoch \d+ after \d+ batches; "
              r"returning the model trained so far\. ?")
    between = (r"Training interrupted \(Ctrl-C\) after epoch \d+; "
               r"returning the model of that epoch\. ?")
    assert all(re.fullmatch(within, w) or re.fullmatch(between, w) for w in warnings), err
    # the third Ctrl-C interrupted R itself, as Rscript would be, not the emergency exit
    assert err.endswith("Execution halted\n")
    assert "interrupted again" not in err


def test_two_ctrl_c_while_busy_end_the_process(r_host, rapi_env, tmp_path):
    child = _script_child(r_host, rapi_env, tmp_path, TWICE)
    try:
        child.wait_for("BUSY")
        time.sleep(0.3)
        child.interrupt()
        time.sleep(0.3)
        child.interrupt()
        rc, out, _ = child.finish()
    finally:
        if child.proc.poll() is None:
            child.proc.kill()
    assert rc == (1 if r_host.plain else 130)
    assert "NEVER" not in out


# Typed into an interactive R console (R --interactive, stdin a pipe), line by line.
CONSOLE_STEPS = [
    # (code, marker to wait for, Ctrl-C once the marker appears); R echoes the code it reads,
    # so a marker is a line of output ("\nX\n" or "\nX "), never the echoed code ("\\n")
    (PRELUDE + TWICE.replace('cat("NEVER\\n")\n', ""), "\nBUSY\n", 2),
    ('cat("ALIVE1", exists("m"), "\\n")\n', "\nALIVE1 ", 0),
    ('i <- 0; cat("LOOPING\\n"); repeat i <- i + 1\n', "\nLOOPING\n", 1),
    ('said <- FALSE; m <- mx.model.FeedForward.create(lro, X = train.x, y = train.y, '
     'num.round = 1e6, array.batch.size = 20, learning.rate = 2e-6, verbose = FALSE, '
     'array.layout = "rowmajor", batch.end.callback = function(iteration, nbatch, env) '
     '{ if (!said) { cat("TRAINING\\n"); said <<- TRUE }; Sys.sleep(0.01) })\n', "\nTRAINING\n",
     1),
    ('cat("ALIVE2", class(m), i > 0, "\\n")\n', "\nALIVE2 ", 0),
]


def test_console_session_stays_usable(hosted_r_library, rapi_env, tmp_path):
    """A plain R console: two Ctrl-C abort a busy training call, one interrupts R's own loop,
    one returns a partial model; after each the prompt takes the next line."""
    env = {**rapi_env, "R_LIBS": str(hosted_r_library)}
    child = Child(["R", "--interactive", "--no-save", "--quiet", "--no-readline"], env, tmp_path,
                  stdin=subprocess.PIPE)
    try:
        for code, marker, interrupts in CONSOLE_STEPS:
            child.send(code)
            child.wait_for(marker)
            for _ in range(interrupts):
                time.sleep(0.3)
                child.interrupt()
        child.send("q()\n")
        rc, out, err = child.finish()
    finally:
        if child.proc.poll() is None:
            child.proc.kill()
    assert rc == 0, err
    assert "ALIVE1 FALSE" in out  # the aborted call assigned nothing
    assert "ALIVE2 MXFeedForwardModel TRUE" in out
    assert "Training interrupted (Ctrl-C)" in err
