"""Atomic writes: old file or new file, never a mix; clear errors; no temp files left."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from mxnet_r_compat.errors import CheckpointWriteError, MXError, MXValueError
from mxnet_r_compat.formats import atomic
from mxnet_r_compat.formats.atomic import atomic_write_bytes, atomic_writer
from mxnet_r_compat.formats.ndarray_file import load_ndarray_list, save_ndarray_list

ROOT = Path(__file__).resolve().parents[2]


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if ".tmp-" in p.name)


def test_writes_and_replaces(tmp_path):
    target = tmp_path / "m.bin"
    atomic_write_bytes(target, b"old")
    atomic_write_bytes(target, b"new contents")
    assert target.read_bytes() == b"new contents"
    assert leftovers(tmp_path) == []


def test_text_mode(tmp_path):
    with atomic_writer(tmp_path / "s.json", "w") as handle:
        handle.write('{"é": 1}')
    assert (tmp_path / "s.json").read_bytes() == '{"é": 1}'.encode()


def test_temp_file_lives_next_to_target_with_the_documented_name(tmp_path):
    with atomic_writer(tmp_path / "m.params") as handle:
        handle.write(b"x")
        names = leftovers(tmp_path)
    assert len(names) == 1 and names[0].startswith(f".m.params.tmp-{os.getpid()}-")
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt()])
def test_failure_midway_keeps_old_file_and_removes_temp(tmp_path, error):
    target = tmp_path / "m.bin"
    target.write_bytes(b"old")
    with pytest.raises(type(error)), atomic_writer(target) as handle:
        handle.write(b"half of the new")
        raise error
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_os_error_during_sync_becomes_checkpoint_write_error(tmp_path, monkeypatch):
    target = tmp_path / "m.bin"
    target.write_bytes(b"old")

    def full_disk(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "fsync", full_disk)
    with pytest.raises(CheckpointWriteError, match="No space left on device") as caught:
        atomic_write_bytes(target, b"new")
    assert str(target) in str(caught.value)
    assert caught.value.errno == errno.ENOSPC
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_parent_is_a_file_gives_clear_error(tmp_path):
    blocker = tmp_path / "not_a_dir"
    blocker.write_bytes(b"")
    target = blocker / "m.params"
    with pytest.raises(CheckpointWriteError) as caught:
        atomic_write_bytes(target, b"x")
    assert isinstance(caught.value, OSError) and isinstance(caught.value, MXError)
    assert caught.value.errno == errno.ENOTDIR
    assert f"Cannot write '{target}': '{blocker}' is not a directory" in str(caught.value)


@pytest.mark.parametrize("target", ["{tmp}/missing/m.params", "/proc/mxnet_r_compat.params"])
def test_unwritable_location_names_the_path(tmp_path, target):
    target = target.format(tmp=tmp_path)
    with pytest.raises(CheckpointWriteError, match=f"Cannot write '{target}'"):
        atomic_write_bytes(target, b"x")


def test_bad_mode_is_rejected(tmp_path):
    with pytest.raises(MXValueError, match="Invalid value for argument `mode`"), \
            atomic_writer(tmp_path / "x", "ab"):
        pass


def test_home_is_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    atomic_write_bytes("~/h.bin", b"h")
    assert (tmp_path / "h.bin").read_bytes() == b"h"


def test_existing_permissions_are_kept(tmp_path):
    target = tmp_path / "m.bin"
    target.write_bytes(b"old")
    target.chmod(0o640)
    atomic_write_bytes(target, b"new")
    assert target.stat().st_mode & 0o777 == 0o640


def test_new_file_gets_umask_permissions_not_0600(tmp_path):
    old = os.umask(0o022)
    try:
        atomic_write_bytes(tmp_path / "m.bin", b"x")
    finally:
        os.umask(old)
    assert (tmp_path / "m.bin").stat().st_mode & 0o777 == 0o644


CHILD = textwrap.dedent("""
    import sys, time
    from mxnet_r_compat.formats.atomic import atomic_writer
    with atomic_writer(sys.argv[1]) as handle:
        for chunk in range(10_000):
            handle.write(b"\\x7f" * 65536)
            handle.flush()
            if chunk == 3:
                print("writing", flush=True)
            time.sleep(0.01)
""")


def test_sigkill_midway_leaves_previous_file_loadable(tmp_path):
    target = tmp_path / "m-0001.params"
    weights = [np.arange(12, dtype=np.float32).reshape(3, 4)]
    save_ndarray_list(target, weights, ["arg:w"])
    before = target.read_bytes()
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(target)], stdout=subprocess.PIPE,
                             env=env, text=True)
    try:
        assert child.stdout.readline().strip() == "writing"
        temps = leftovers(tmp_path)
        assert len(temps) == 1 and (tmp_path / temps[0]).stat().st_size >= 4 * 65536
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert target.read_bytes() == before
    arrays, names = load_ndarray_list(target)
    assert names == ["arg:w"]
    np.testing.assert_array_equal(arrays[0], weights[0])


def test_missing_directory_is_named(tmp_path):
    with pytest.raises(CheckpointWriteError, match=f"'{tmp_path}/missing' does not exist"):
        atomic_write_bytes(tmp_path / "missing" / "m.params", b"x")
