"""Issue 6, item 3: faults during training. In every case the model of the last completed
epoch survives and is reachable (returned, in the error's ``model`` or ``mx.model.last()``),
and the checkpoint files already on disk stay loadable.

Faults: a Python exception and an R error in a callback, Ctrl-C (Python and R, in child
processes), disk full and permission denied while checkpointing, and the process killed
(SIGKILL) in the middle of writing a checkpoint.
"""

from __future__ import annotations

import errno
import json
import os
import select
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import CallbackError, CheckpointWriteError
from mxnet_r_compat.formats import atomic

from .conftest import R_PREAMBLE, child_env

READY_TIMEOUT = 60.0   # child start-up (R: ~1 s; a loaded CI machine is slower)
SIGNAL_DEADLINE = 20.0  # after the signal, the child must have ended


def assert_same_params(a: dict, b: dict) -> None:
    assert set(a) == set(b)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)


def checkpoints_of(prefix: Path, epochs) -> dict[int, object]:
    return {e: mx.model.load(str(prefix), e) for e in epochs}


def no_temp_files(directory: Path) -> bool:
    return not [p for p in directory.iterdir() if ".tmp-" in p.name]


# -- exceptions in callbacks -----------------------------------------------------------------


def test_python_exception_in_a_callback_keeps_the_last_epoch(fit, tmp_path):
    prefix = tmp_path / "m"

    def boom(iteration, nbatch, env):
        if iteration == 3 and nbatch == 2:
            raise RuntimeError("sensor unplugged")

    with pytest.raises(CallbackError, match=r"batch\.end\.callback.*\(epoch 3, batch 2\): "
                                            r"RuntimeError: sensor unplugged") as caught:
        fit(num_round=5, batch_end_callback=boom,
            epoch_end_callback=mx.callback.save.checkpoint(str(prefix)))
    assert caught.value.model is mx.model.last()
    reference = fit(num_round=2)
    assert_same_params(caught.value.model.arg_params, reference.arg_params)
    saved = checkpoints_of(prefix, (1, 2))
    assert_same_params(saved[2].arg_params, reference.arg_params)
    assert not (tmp_path / "m-0003.params").exists()
    assert no_temp_files(tmp_path)


def test_r_error_in_a_callback_keeps_the_last_epoch(run_r, tmp_path):
    result = run_r(R_PREAMBLE + r"""
        boom <- function(iteration, nbatch, env) {
          if (iteration == 3 && nbatch == 2) stop("sensor unplugged")
          TRUE
        }
        err <- tryCatch(fit(num.round = 5, batch.end.callback = boom,
                            epoch.end.callback = mx.callback.save.checkpoint("m")),
                        error = function(e) e)
        cat("MESSAGE", conditionMessage(err), "\n")
        ref <- fit(num.round = 2)
        same <- function(a, b) identical(as.array(a$arg.params$fc_weight),
                                         as.array(b$arg.params$fc_weight))
        cat("ERROR_MODEL", same(err$model, ref), "\n")
        cat("LAST", same(mx.model.last(), ref), "\n")
        cat("CHECKPOINT", same(mx.model.load("m", 2), ref), "\n")
        cat("NO_EPOCH_3", !file.exists("m-0003.params"), "\n")
        """)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    message = out.split("MESSAGE", 1)[1].split("\n", 1)[0]
    assert "batch.end.callback" in message and "epoch 3" in message and "batch 2" in message \
        and "sensor unplugged" in message, out
    for line in ("ERROR_MODEL TRUE", "LAST TRUE", "CHECKPOINT TRUE", "NO_EPOCH_3 TRUE"):
        assert line in out, out
    assert no_temp_files(tmp_path)


# -- checkpoint writes that fail ---------------------------------------------------------------


class _DiskFull:
    """A file whose writes fail with ENOSPC after ``room`` bytes (the rest never lands)."""

    def __init__(self, handle, room: int) -> None:
        self.handle, self.room = handle, room

    def write(self, data) -> int:
        data = bytes(data)
        if len(data) > self.room:
            self.handle.write(data[: self.room])
            self.room = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(data)
        return self.handle.write(data)

    def __getattr__(self, name):
        return getattr(self.handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()


@pytest.mark.parametrize("where", ["write", "fsync"])
def test_disk_full_while_checkpointing(fit, tmp_path, monkeypatch, where):
    prefix = tmp_path / "m"
    real_fdopen, real_fsync = os.fdopen, os.fsync
    epoch = {"n": 0}

    def count(iteration, nbatch, env):
        epoch["n"] = iteration

    def fdopen(fd, *args, **kwargs):
        handle = real_fdopen(fd, *args, **kwargs)
        return _DiskFull(handle, 100) if epoch["n"] == 3 and where == "write" else handle

    def fsync(fd):
        if epoch["n"] == 3 and where == "fsync":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_fsync(fd)

    monkeypatch.setattr(atomic.os, "fdopen", fdopen)
    monkeypatch.setattr(atomic.os, "fsync", fsync)
    with pytest.raises(CallbackError, match=r"epoch\.end\.callback.*\(epoch 3, batch 0\): "
                                            r"CheckpointWriteError: Cannot write '.*m-.*': No "
                                            r"space left on device") as caught:
        fit(num_round=5, epoch_begin_callback=count,
            epoch_end_callback=mx.callback.save.checkpoint(str(prefix)))
    assert isinstance(caught.value.__cause__, CheckpointWriteError)
    assert caught.value.__cause__.errno == errno.ENOSPC
    assert caught.value.model is mx.model.last()
    monkeypatch.undo()
    reference = fit(num_round=3)  # epoch 3 completed; only its checkpoint failed
    assert_same_params(caught.value.model.arg_params, reference.arg_params)
    saved = checkpoints_of(prefix, (1, 2))
    assert_same_params(saved[2].arg_params, fit(num_round=2).arg_params)
    assert not (tmp_path / "m-0003.params").exists()
    assert no_temp_files(tmp_path)


@pytest.mark.parametrize("kind", ["parent is a file", "/sys", "EACCES"])
def test_permission_denied_while_checkpointing(fit, tmp_path, monkeypatch, kind):
    if kind == "parent is a file":
        (tmp_path / "file").write_text("not a directory")
        prefix, pattern = tmp_path / "file" / "m", r"is not a directory"
    elif kind == "/sys":  # root may write almost anywhere, but not into sysfs
        prefix, pattern = Path("/sys/mxnet-r-compat-test"), r"Permission denied"
    else:
        prefix, pattern = tmp_path / "m", r"Permission denied"
        real_open = os.open

        def deny(path, flags, *args, **kwargs):
            if flags & os.O_CREAT:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)
            return real_open(path, flags, *args, **kwargs)
        monkeypatch.setattr(atomic.os, "open", deny)
    with pytest.raises(CallbackError, match=rf"\(epoch 1, batch 0\): CheckpointWriteError: "
                                            rf"Cannot write '{prefix}-symbol\.json': .*{pattern}"
                       ) as caught:
        fit(num_round=3, epoch_end_callback=mx.callback.save.checkpoint(str(prefix)))
    monkeypatch.undo()
    assert_same_params(caught.value.model.arg_params, fit(num_round=1).arg_params)
    assert not list(tmp_path.glob("m-*"))


# -- killed while writing a checkpoint ---------------------------------------------------------

KILL_CHILD = r"""
import os, sys, time
import numpy as np
from mxnet_r_compat import mx
from mxnet_r_compat.formats import atomic

prefix = sys.argv[1]
real_fdopen = os.fdopen

class Stall:
    '''Writes half of the data of epoch 3's params file, then waits to be killed.'''
    def __init__(self, handle):
        self.handle = handle
    def write(self, data):
        data = bytes(data)
        self.handle.write(data[: len(data) // 2])
        self.handle.flush()
        os.fsync(self.handle.fileno())
        print("MIDWRITE", flush=True)
        time.sleep(120)
    def __getattr__(self, name):
        return getattr(self.handle, name)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        self.handle.close()

def fdopen(fd, *args, **kwargs):
    handle = real_fdopen(fd, *args, **kwargs)
    name = os.readlink(f"/proc/self/fd/{fd}")
    return Stall(handle) if "-0003.params" in name else handle

atomic.os.fdopen = fdopen
rng = np.random.default_rng(7)
X = rng.normal(size=(40, 3)).astype(np.float32).astype(np.float64)
y = (X @ np.array([1.0, -2.0, 0.5]) + 1.0).astype(np.float32).astype(np.float64)
net = mx.symbol.LinearRegressionOutput(
    mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=1, name="fc"), name="lro")
mx.set.seed(0)
mx.model.FeedForward.create(net, X, y, array_layout="rowmajor", num_round=5,
                            array_batch_size=10, learning_rate=0.05, verbose=False,
                            epoch_end_callback=mx.callback.save.checkpoint(prefix))
print("NOT KILLED", flush=True)
"""


def _wait_for(proc: subprocess.Popen, token: str) -> str:
    seen = ""
    deadline = time.monotonic() + READY_TIMEOUT
    while token not in seen:
        left = deadline - time.monotonic()
        if left <= 0 or proc.poll() is not None:
            proc.kill()
            out, err = proc.communicate()
            pytest.fail(f"child never printed {token} (rc={proc.returncode}): {seen}{out}{err}")
        ready, _, _ = select.select([proc.stdout], [], [], left)
        if ready:
            seen += os.read(proc.stdout.fileno(), 4096).decode()
    return seen


def _start(argv: list[str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(argv, cwd=cwd, env=child_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def _finish(proc: subprocess.Popen) -> tuple[str, str]:
    try:
        out, err = proc.communicate(timeout=SIGNAL_DEADLINE)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"the child did not end within {SIGNAL_DEADLINE} s of the signal")
    return out.decode(), err.decode()


def test_killed_while_writing_a_checkpoint(fit, tmp_path):
    prefix = tmp_path / "m"
    proc = _start([sys.executable, "-c", KILL_CHILD, str(prefix)], tmp_path)
    try:
        _wait_for(proc, "MIDWRITE")
        proc.send_signal(signal.SIGKILL)
        out, _ = _finish(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL and "NOT KILLED" not in out
    # epochs 1 and 2 are intact and loadable; epoch 3 never appeared under its name
    saved = checkpoints_of(prefix, (1, 2))
    assert_same_params(saved[2].arg_params, fit(num_round=2).arg_params)
    assert not (tmp_path / "m-0003.params").exists()
    # the pair's temporary files (the symbol's complete, the params' half-written) are all
    # that is left, and neither is a checkpoint; the symbol file is epoch 2's
    temps = sorted(p.name for p in tmp_path.iterdir() if ".tmp-" in p.name)
    assert [name.split(".tmp-")[0] for name in temps] == [".m-0003.params", ".m-symbol.json"]
    # training again with the same prefix works and overwrites nothing it should not
    fit(num_round=3, epoch_end_callback=mx.callback.save.checkpoint(str(prefix)))
    assert_same_params(mx.model.load(str(prefix), 3).arg_params, fit(num_round=3).arg_params)


# -- Ctrl-C -------------------------------------------------------------------------------------

SIGINT_CHILD = r"""
import json, sys, time, warnings
import numpy as np
from mxnet_r_compat import mx

where = sys.argv[1]
rng = np.random.default_rng(7)
X = rng.normal(size=(40, 3)).astype(np.float32).astype(np.float64)
y = (X @ np.array([1.0, -2.0, 0.5]) + 1.0).astype(np.float32).astype(np.float64)
net = mx.symbol.LinearRegressionOutput(
    mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=1, name="fc"), name="lro")

def batch_cb(iteration, nbatch, env):
    if where in ("batch", "twice") and iteration == 3 and nbatch == 2:
        print("READY", flush=True)
        time.sleep(3)  # Ctrl-C arrives here; the first one lets the batch (and this) finish

def epoch_cb(iteration, nbatch, env):
    if where == "epoch" and iteration == 3:
        print("READY", flush=True)
        time.sleep(3)
    return True

mx.set.seed(0)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    try:
        model = mx.model.FeedForward.create(
            net, X, y, array_layout="rowmajor", num_round=1000, array_batch_size=10,
            learning_rate=0.05, verbose=False, batch_end_callback=batch_cb,
            epoch_end_callback=[mx.callback.save.checkpoint("m"), epoch_cb])
    except KeyboardInterrupt:
        print(json.dumps({"KeyboardInterrupt": True,
                          "weight": mx.model.last().arg_params["fc_weight"].tolist()}))
        sys.exit(0)
print(json.dumps({
    "stop_reason": model.stop_reason,
    "warnings": [str(w.message) for w in caught],
    "weight": model.arg_params["fc_weight"].tolist(),
    "is_last": mx.model.last() is model,
    "epochs": [h["iteration"] for h in model.history],
}), flush=True)
"""


@pytest.mark.parametrize("where", ["batch", "epoch", "twice"])
def test_ctrl_c_returns_the_model_python(fit, tmp_path, where):
    proc = _start([sys.executable, "-c", SIGINT_CHILD, where], tmp_path)
    try:
        _wait_for(proc, "READY")
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        if where == "twice":
            time.sleep(0.3)
            proc.send_signal(signal.SIGINT)
        out, err = _finish(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    report = json.loads(out.splitlines()[-1])
    weight = np.array(report["weight"], np.float32)
    saved = checkpoints_of(tmp_path / "m", (1, 2))
    assert_same_params(saved[2].arg_params, fit(num_round=2).arg_params)
    if where == "twice":
        # the second Ctrl-C interrupts at once; mx.model.last() still holds epoch 2's model
        assert report["KeyboardInterrupt"]
        np.testing.assert_array_equal(weight, saved[2].arg_params["fc_weight"])
        return
    assert report["is_last"]
    if where == "batch":
        # the interrupted batch finishes; the model trained so far (2 batches of epoch 3)
        assert report["stop_reason"] == "interrupted (Ctrl-C) in epoch 3"
        assert any("Training interrupted (Ctrl-C) in epoch 3 after 2 batches" in w
                   for w in report["warnings"]), report
        assert report["epochs"] == [1, 2], report  # the loss of the completed epochs only
        partial = fit(num_round=3, batch_end_callback=lambda i, n, env: {"stop": i == 3 and
                                                                         n == 2})
        assert np.isfinite(weight).all()
        assert not np.array_equal(weight, saved[2].arg_params["fc_weight"])
        assert not np.array_equal(weight, partial.arg_params["fc_weight"])  # epoch 2's model
    else:
        # during the epoch-end callback: epoch 3 is complete, and its model comes back
        np.testing.assert_array_equal(weight, fit(num_round=3).arg_params["fc_weight"])
        assert mx.model.load(str(tmp_path / "m"), 3) is not None


def test_ctrl_c_returns_the_model_r(tmp_path):
    script = tmp_path / "script.R"
    script.write_text(textwrap.dedent(R_PREAMBLE + r"""
        cb <- function(iteration, nbatch, env) {
          if (iteration == 3 && nbatch == 2) { cat("READY\n"); flush(stdout()); Sys.sleep(30) }
          TRUE
        }
        m <- fit(num.round = 1000, batch.end.callback = cb,
                 epoch.end.callback = mx.callback.save.checkpoint("m"))
        cat("RETURNED", class(m), "\n")
        w <- as.array(m$arg.params$fc_weight)
        cat("FINITE", all(is.finite(w)), "\n")
        cat("LAST", identical(w, as.array(mx.model.last()$arg.params$fc_weight)), "\n")
        cat("CHECKPOINT2", !is.null(mx.model.load("m", 2)), "\n")
        cat("NO_EPOCH_3", !file.exists("m-0003.params"), "\n")
        """), encoding="utf-8")
    proc = _start([sys.executable, "-m", "mxnet_r_compat", str(script)], tmp_path)
    try:
        _wait_for(proc, "READY")
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        out, err = _finish(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    for line in ("RETURNED MXFeedForwardModel", "FINITE TRUE", "LAST TRUE", "CHECKPOINT2 TRUE",
                 "NO_EPOCH_3 TRUE"):
        assert line in out, out + err
    assert "Training interrupted (Ctrl-C) in epoch 3" in err
    assert no_temp_files(tmp_path)
