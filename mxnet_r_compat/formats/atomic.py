"""Atomic file writes: a reader sees either the old file or the complete new one.

The data goes to a temporary file in the target's directory (named
``.<basename>.tmp-<pid>-<random>``), which is flushed and fsync'ed and then
renamed over the target with ``os.replace``; finally the directory itself is
fsync'ed so that the rename survives a power cut. If anything fails, including
``KeyboardInterrupt``, the temporary file is removed and the error re-raised.

OS errors become :class:`~mxnet_r_compat.errors.CheckpointWriteError`, which is
both an ``MXError`` and an ``OSError`` and names the path and the OS reason.
A process killed with SIGKILL cannot clean up: it leaves its temporary file
behind, but never a half-written target.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import stat
from collections.abc import Iterator, Sequence
from typing import IO

from ..errors import CheckpointWriteError, invalid_value

_MODES: dict[str, str | None] = {"wb": None, "w": "utf-8", "wt": "utf-8"}  # mode -> encoding
_TEMP_ATTEMPTS = 16
_skipping = [False]  # inside writes_skipped(True): every write here is a no-op


@contextlib.contextmanager
def writes_skipped(skip: bool) -> Iterator[None]:
    """While the block runs (and ``skip`` is true) the writers of this module write nothing
    and raise nothing: the workers of a distributed run other than rank 0 train with it, so
    that only rank 0 writes model files and checkpoints (docs/DISTRIBUTED.md).

    Example:
        >>> import tempfile
        >>> target = os.path.join(tempfile.mkdtemp(), "x.bin")
        >>> with writes_skipped(True):
        ...     atomic_write_bytes(target, b"abc")
        >>> os.path.exists(target)
        False
    """
    before = _skipping[0]
    _skipping[0] = before or bool(skip)
    try:
        yield
    finally:
        _skipping[0] = before


def resolve_path(path: str | os.PathLike[str]) -> str:
    """Return ``path`` as a string with ``~`` expanded, like R's ``path.expand``.

    Example:
        >>> resolve_path("~/model-0001.params").startswith("~")
        False
    """
    return os.path.expanduser(os.fspath(path))


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes | bytearray | memoryview) -> None:
    """Replace the file at ``path`` by ``data`` atomically.

    Args:
        path: the target file; ``~`` is expanded.
        data: the complete new contents.

    Raises:
        CheckpointWriteError: the file could not be written (message names path and reason).

    Example:
        >>> import tempfile
        >>> target = os.path.join(tempfile.mkdtemp(), "x.bin")
        >>> atomic_write_bytes(target, b"abc")
        >>> open(target, "rb").read()
        b'abc'
    """
    with atomic_writer(path, "wb") as handle:
        handle.write(data)


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], mode: str = "wb") -> Iterator[IO]:
    """Open a temporary file that replaces ``path`` when the ``with`` block ends normally.

    Args:
        path: the target file; ``~`` is expanded.
        mode: ``"wb"`` (binary) or ``"w"``/``"wt"`` (UTF-8 text).

    Yields:
        The open temporary file.

    Raises:
        CheckpointWriteError: an OS error while writing, syncing or renaming.
        MXValueError: ``mode`` is not a write mode listed above.

    Example:
        >>> import tempfile
        >>> target = os.path.join(tempfile.mkdtemp(), "model-symbol.json")
        >>> with atomic_writer(target, "w") as handle:
        ...     _ = handle.write("{}")
        >>> open(target).read()
        '{}'
    """
    if mode not in _MODES:
        raise invalid_value("mode", mode, 'one of "wb", "w" or "wt"')
    if _skipping[0]:
        yield io.BytesIO() if mode == "wb" else io.StringIO()
        return
    target = resolve_path(path)
    temp_path, fd = _create_temp(target)
    try:
        with os.fdopen(fd, mode, encoding=_MODES[mode]) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_path, target)
    except BaseException as exc:
        _remove_quietly(temp_path)
        if isinstance(exc, OSError) and not isinstance(exc, CheckpointWriteError):
            raise _write_error(target, exc) from exc
        raise
    _fsync_directory(os.path.dirname(target) or ".")


def atomic_write_files(files: Sequence[tuple[str | os.PathLike[str], bytes]]) -> None:
    """Replace several files together: afterwards all hold their new contents, or, if
    anything failed (including ``KeyboardInterrupt``), all still hold their old ones.

    Every new file is first written and fsync'ed as a temporary file; only then is each
    renamed over its target. The old targets are kept as hard links meanwhile, so that a
    failure between two renames puts the ones already replaced back (a file that did
    not exist before is removed again). This is how ``mx.model.save`` writes its pair.

    Args:
        files: ``(path, data)`` pairs; ``~`` is expanded.

    Raises:
        CheckpointWriteError: an OS error while writing or renaming (names the path).

    Example:
        >>> import tempfile
        >>> folder = tempfile.mkdtemp()
        >>> a, b = os.path.join(folder, "a"), os.path.join(folder, "b")
        >>> atomic_write_files([(a, b"1"), (b, b"2")])
        >>> sorted(os.listdir(folder))
        ['a', 'b']
    """
    if _skipping[0]:
        return
    targets = [resolve_path(path) for path, _ in files]
    temps: list[str] = []
    backups: list[str | bool] = []
    try:
        for target, (_, data) in zip(targets, files):
            temp_path, fd = _create_temp(target)
            temps.append(temp_path)
            _write_and_sync(fd, data, target)
        backups = [_keep_old(target) for target in targets]
        _replace_all(temps, targets, backups)
    finally:
        for path in temps + [b for b in backups if isinstance(b, str)]:
            _remove_quietly(path)
    for directory in dict.fromkeys(os.path.dirname(t) or "." for t in targets):
        _fsync_directory(directory)


def _write_and_sync(fd: int, data: bytes, target: str) -> None:
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise _write_error(target, exc) from exc


def _keep_old(target: str) -> str | bool:
    """A hard link to the current ``target``; False when there is no such file (a failed
    save removes the new one), True when it exists but cannot be linked (the file system
    has no hard links: a failed save then cannot put it back, and leaves the new one)."""
    if not os.path.lexists(target):
        return False
    directory, base = os.path.split(target)
    backup = os.path.join(directory, f".{base}.old-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        os.link(target, backup, follow_symlinks=False)
    except OSError:
        return True
    return backup


def _replace_all(temps: list[str], targets: list[str], backups: list[str | bool]) -> None:
    """Rename each temporary file over its target; on failure undo the renames done."""
    done = 0
    try:
        for temp_path, target in zip(temps, targets):
            os.replace(temp_path, target)
            done += 1
    except BaseException as exc:
        for target, backup in zip(targets[:done], backups[:done]):
            _restore_quietly(target, backup)
        if isinstance(exc, OSError) and not isinstance(exc, CheckpointWriteError):
            raise _write_error(targets[done], exc) from exc
        raise


def _restore_quietly(target: str, backup: str | bool) -> None:
    try:
        if backup is False:
            os.unlink(target)
        elif isinstance(backup, str):
            os.replace(backup, target)
    except OSError:
        pass


def _create_temp(target: str) -> tuple[str, int]:
    """Create the temporary file next to ``target``; return its path and descriptor."""
    directory, base = os.path.split(target)
    mode = _target_mode(target)
    for _ in range(_TEMP_ATTEMPTS):
        name = f".{base}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
        temp_path = os.path.join(directory, name)
        try:
            fd = os.open(temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise _write_error(target, exc) from exc
        if mode is not None:
            _chmod_quietly(fd, mode)
        return temp_path, fd
    raise CheckpointWriteError(f"Cannot write '{target}': no free temporary file name")


def _target_mode(target: str) -> int | None:
    """Permission bits of an existing regular target (kept by the new file), else None."""
    try:
        info = os.stat(target)
    except OSError:
        return None
    return stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else None


def _chmod_quietly(fd: int, mode: int) -> None:
    """Give the temporary file the old target's permissions; best effort."""
    with contextlib.suppress(OSError):
        os.fchmod(fd, mode)


def _remove_quietly(temp_path: str) -> None:
    """Delete the temporary file if it still exists."""
    with contextlib.suppress(OSError):
        os.unlink(temp_path)


def _fsync_directory(directory: str) -> None:
    """Make the rename durable. Best effort: some file systems refuse directory fsync,
    and the new file is already in place, so a failure here is not reported."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_error(target: str, exc: OSError) -> CheckpointWriteError:
    """Build the error naming the target, the OS reason and, if useful, the directory."""
    reason = exc.strerror or str(exc)
    directory = os.path.dirname(target) or "."
    if isinstance(exc, (FileNotFoundError, NotADirectoryError)) and not os.path.isdir(directory):
        problem = "is not a directory" if os.path.exists(directory) else "does not exist"
        reason = f"'{directory}' {problem} ({reason})"
    error = CheckpointWriteError(f"Cannot write '{target}': {reason}")
    error.errno = exc.errno
    error.strerror = exc.strerror
    error.filename = target
    return error
