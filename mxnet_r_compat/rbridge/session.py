"""The embedded R of this process: started once, console wired to sys.stdout/stderr, Ctrl-C owned.

What :func:`start` sets up (shared notes RPY2_NOTES.md, sections 1, 3.3 and 7):

* **Locale.** ``LANG=C.UTF-8`` (and ``LC_ALL`` when it is set), so R strings and messages are
  UTF-8 and untranslated.
* **Command line.** R is started like ``Rscript FILE ARGS``: the init options carry
  ``--no-echo --no-restore --args ARGS`` and, once R is up, the full Rscript-style vector
  (``<R_HOME>/bin/exec/R --no-echo --no-restore --file=FILE --args ARGS``) is installed with
  ``R_set_command_line_arguments``, so ``commandArgs(trailingOnly = TRUE)`` returns ``ARGS``
  and the ``--file=`` idiom for finding the script's own path works. Non-ASCII arguments,
  which rpy2's init options cannot carry, survive this way too.
* **Non-interactive R.** ``interactive()`` is FALSE; ``keep.source = FALSE`` and
  ``showErrorCalls = TRUE`` as in Rscript (R's Rprofile sets them from ``interactive()``, which
  rpy2 forces to TRUE while R boots).
* **Console.** R's stdout (``cat``, ``print``, auto-print) goes to ``sys.stdout`` and R's stderr
  (``message``, warnings, errors) to ``sys.stderr``, unprefixed and flushed on every write, so the
  two streams stay separate and in order with Python's own prints.
* **Warnings: ``options(warn = 1)``.** Each warning is printed on stderr the moment it occurs,
  in R's own immediate format: ``Warning in f() : msg`` or ``Warning: msg`` (exactly what Rscript
  prints for a script that sets ``options(warn = 1)``). R's machinery stays in charge, so
  ``suppressWarnings``, ``tryCatch(warning = )`` and a script's own ``options(warn = 2)`` behave
  as in R. A script that sets ``options(warn = 0)`` gets Rscript's deferred
  ``Warning message:`` blocks after each top-level expression (see runner.py).
* **quit()/q().** ``quit(status = n)`` ends the process with status ``n`` after R's own clean-up
  (``.Last``, finalizers, temp dir), as in Rscript. (Left to rpy2, R would call ``exit(0)``.)
* **Ctrl-C.** rpy2's default loses SIGINT during a busy R loop (notes, trap 2.4.7). Here a stack
  records whether R or Python is innermost. When R is innermost the handler sets
  ``R_interrupts_pending`` so R unwinds at its next check; otherwise it raises KeyboardInterrupt.
  Every Python→R call runs inside :func:`in_r`, which resets the flag on the way out and turns an
  interrupted R evaluation into KeyboardInterrupt. A watcher thread ends the process with status
  130 on a second Ctrl-C while the first is still unhandled (R inside BLAS, Python inside C), so
  Ctrl-C twice always works.

Example:
    >>> from mxnet_r_compat.rbridge import session
    >>> session.start()
    >>> import rpy2.rinterface as ri
    >>> session.call_r(ri.baseenv["sum"], ri.IntSexpVector([1, 2]))[0]
    3
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.metadata
import logging
import os
import shutil
import signal
import socket
import sys
import threading
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Literal, TypeVar

APT_INSTALL = (
    "sudo apt-get install -y --no-install-recommends "
    "r-base-core r-base-dev r-cran-mlbench libpcre2-dev"
)
PIP_INSTALL = (
    "RPY2_CFFI_MODE=API .venv/bin/pip install --no-cache-dir "
    "'rpy2-rinterface==3.6.5' 'rpy2-robjects==3.6.6'"
)
INTERRUPT_EXIT_STATUS = 130

_R = "r"  # markers on the interrupt stack: who runs innermost
_PY = "py"


class RSetupError(RuntimeError):
    """R or rpy2 is missing or unusable; the message says how to install it."""


class _State:
    """Process-wide bridge state (one embedded R per process)."""

    def __init__(self) -> None:
        self.started = False
        self.hosted = False  # R started by the host program (reticulate), not by us
        self.host_hooks: tuple[Callable[[], None], Callable[[], None]] | None = None
        self.stack: list[str] = []  # innermost last: _R while R runs, _PY while Python runs under R
        self.interrupted = False  # a Ctrl-C is pending for the innermost in_r()/export() frame
        self.sigint_handled = 0  # SIGINTs whose Python-level handler ran (read by the watcher)
        self.sigint_sockets: tuple[socket.socket, socket.socket] | None = None
        self.r_holders: list[Any] = []  # containers of R objects, emptied at exit (hold_r_objects)


_st = _State()


# --------------------------------------------------------------------------- environment checks


def check_environment() -> str:
    """Check that R and rpy2 are usable and return rpy2's CFFI mode, ``"API"`` or ``"ABI"``.

    Raises:
        RSetupError: R is not installed, rpy2 is not installed, or rpy2 cannot load this R
            (rpy2-rinterface >= 3.6.6 needs R >= 4.5); the message has the install command.

    Example:
        >>> check_environment()
        'API'
    """
    if not os.environ.get("R_HOME") and shutil.which("R") is None:
        raise RSetupError(
            "R is not installed (no `R` on PATH and R_HOME is not set).\n"
            f"  Install it with:  {APT_INSTALL}\n"
            f"  then rpy2 with:   {PIP_INSTALL}"
        )
    quiet = logging.getLogger("rpy2")  # rpy2 logs its ABI fallback; we say it better below
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        from rpy2.rinterface_lib import openrlib
    except ImportError as e:
        raise RSetupError(
            f"rpy2 is not installed in this Python ({sys.executable}): {e}.\n"
            f"  Install it with:  {PIP_INSTALL}"
        ) from e
    except Exception as e:  # ffi.error (undefined R symbol), RuntimeError (no R_HOME), ...
        raise RSetupError(
            f"rpy2 is installed but cannot load R: {type(e).__name__}: {e}.\n"
            "  rpy2-rinterface >= 3.6.6 needs R >= 4.5; this project pins the last version that\n"
            f"  works with Debian's R 4.2:  {PIP_INSTALL}"
        ) from e
    finally:
        quiet.setLevel(level)
    return "API" if openrlib.cffi_mode.name == "API" else "ABI"


def abi_mode_warning() -> str:
    """The warning printed when rpy2 fell back to its slower ABI mode."""
    return (
        "warning: rpy2 runs in ABI mode (its API-mode extension is missing, usually because\n"
        "  libpcre2-dev was absent when rpy2 was built, and pip then cached that build);\n"
        "  callbacks are 10-20% slower. Rebuild it in API mode with:\n"
        f"  {APT_INSTALL}\n  {PIP_INSTALL} --force-reinstall\n"
    )


# --------------------------------------------------------------------------- start


def is_started() -> bool:
    """True once :func:`start` (or :func:`mark_started_in_host`) has run in this process."""
    return _st.started


def is_hosted() -> bool:
    """True when R hosts this Python (``library(mxnet)`` in a plain R session, hosted.py)."""
    return _st.hosted


def mark_started_in_host() -> None:
    """Record that R runs, started by the program hosting this Python (hosted.py).

    Only this module's bookkeeping: the host keeps its console, options and signal handlers.
    """
    atexit.register(_forget_r_objects)
    _st.started = True
    _st.hosted = True


def start(
    args: Sequence[str] = (), *, script: str | None = None, handle_sigint: bool = True,
    r_options: Sequence[str] = (),
) -> None:
    """Start the embedded R once per process (later calls do nothing).

    Args:
        args: the script arguments, returned by ``commandArgs(trailingOnly = TRUE)``.
        script: path of the script being run; appears as ``--file=<script>`` in ``commandArgs()``.
        handle_sigint: install the Ctrl-C design of this module (leave True unless the host
            program owns SIGINT; only possible from the main thread).
        r_options: R start-up options such as ``--vanilla``, placed before ``--file=``.

    Raises:
        RSetupError: R or rpy2 is missing (see :func:`check_environment`).

    Example:
        >>> start(["--epochs", "3"], script="train.R")
        >>> list(evalr("commandArgs(trailingOnly = TRUE)"))
        ['--epochs', '3']
    """
    if _st.started:
        return
    mode = check_environment()
    if mode == "ABI":
        sys.stderr.write(abi_mode_warning())
    os.environ["LANG"] = "C.UTF-8"
    if "LC_ALL" in os.environ:
        os.environ["LC_ALL"] = "C.UTF-8"

    import rpy2.rinterface as ri
    from rpy2.rinterface_lib import callbacks, embedded, openrlib

    callbacks.consolewrite_print = _write_stdout
    callbacks.consolewrite_warnerror = _write_stderr
    callbacks.showmessage = _write_stderr_line
    callbacks.consoleflush = _flush_both
    callbacks.cleanup = _quit
    if not embedded.isinitialized():  # R started by the host program keeps its command line
        argv = _command_line(openrlib.R_HOME, args, script, r_options)
        # rpy2 encodes init options as ASCII, and R would open a --file= itself: both are left
        # to _set_command_line(), which installs the exact vector once R is up.
        ascii_only = [a.encode("ascii", "backslashreplace").decode("ascii") for a in argv]
        options = tuple(a for a in ascii_only if not a.startswith("--file="))
        embedded.set_initoptions(options)  # type: ignore[arg-type]  # rpy2 annotates tuple[str]
        with _r_environment_probe_kept_apart(ri):
            ri.initr(interactive=False)
        _set_command_line(openrlib, argv)
    atexit.register(_forget_r_objects)  # registered after rpy2's endr(), so it runs before it
    ri.evalr("options(warn = 1, keep.source = FALSE, showErrorCalls = TRUE)")
    if handle_sigint and threading.current_thread() is threading.main_thread():
        _install_sigint_handler()
    _st.started = True


def _command_line(r_home: str | None, args: Sequence[str], script: str | None,
                  r_options: Sequence[str] = ()) -> list[str]:
    exe = os.path.join(r_home, "bin", "exec", "R") if r_home else "R"
    argv = [exe, "--no-echo", "--no-restore", *r_options]
    if script is not None:
        argv.append(f"--file={script}")
    if args:
        argv += ["--args", *args]
    return argv


@contextlib.contextmanager
def _r_environment_probe_kept_apart(ri: Any) -> Any:
    """rpy2's initr() first runs ``Rscript -e`` to learn R's environment variables. That child
    would read the user's ``~/.Rprofile`` (printing its output a second time) and obey
    ``R_DEFAULT_PACKAGES`` (``--default-packages=base`` leaves it without write.csv, and
    initr() fails): it runs with neither, and the embedded R itself keeps both."""
    original = ri._setrenvvars

    def probe(action_map: Any) -> None:
        saved = {k: os.environ.pop(k, None) for k in ("R_DEFAULT_PACKAGES", "R_PROFILE_USER")}
        os.environ["R_PROFILE_USER"] = os.devnull
        try:
            original(action_map)
        finally:
            for key, value in saved.items():
                os.environ.pop(key, None)
                if value is not None:
                    os.environ[key] = value

    ri._setrenvvars = probe
    try:
        yield
    finally:
        ri._setrenvvars = original


def _set_command_line(openrlib: Any, argv: list[str]) -> None:
    # R strdup()s every string, so the cffi buffers may die after the call.
    cstrings = [openrlib.ffi.new("char[]", a.encode("utf-8", "surrogateescape")) for a in argv]
    c_argv = openrlib.ffi.new("char *[]", cstrings)
    openrlib.rlib.R_set_command_line_arguments(len(cstrings), c_argv)


# --------------------------------------------------------------------------- console


def _write_stdout(s: str) -> None:
    try:
        sys.stdout.write(s)
        sys.stdout.flush()
    except BrokenPipeError:
        _stdout_closed()


def _stdout_closed() -> None:
    """The reader of stdout has gone (``mxnet-rscript x.R | head``): end now, with status 1.

    Rscript stops at its next output with "ignoring SIGPIPE signal" and status 1; we end
    quietly (as Python programs do) instead of letting each later write fail.
    """
    from rpy2.rinterface_lib import openrlib

    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    openrlib.rlib.R_CleanTempDir()
    _flush_both()
    os._exit(1)


def _write_stderr(s: str) -> None:
    try:
        sys.stderr.write(s)
        sys.stderr.flush()
    except BrokenPipeError:  # nobody reads stderr any more: drop R's messages
        pass


def _write_stderr_line(s: str) -> None:
    _write_stderr(s if s.endswith("\n") else s + "\n")


def _flush_both() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError):
            stream.flush()


def _quit(saveact: int, status: int, runlast: int) -> None:
    """R's R_CleanUp for quit(): R's own clean-up, then end the process with ``status``.

    It cannot return: R would then call ``exit(0)`` and the status would be lost.
    """
    from rpy2.rinterface_lib import openrlib

    rlib = openrlib.rlib
    if runlast:
        rlib.R_dot_Last()
    rlib.R_RunExitFinalizers()
    rlib.Rf_KillAllDevices()
    rlib.R_CleanTempDir()
    _flush_both()
    os._exit(int(status))


# --------------------------------------------------------------------------- Ctrl-C


def _install_sigint_handler() -> None:
    signal.signal(signal.SIGINT, _on_sigint)
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    _st.sigint_sockets = (reader, writer)  # keep both ends open for the life of the process
    threading.Thread(target=_watch_sigint, args=(reader,), name="mxnet-sigint", daemon=True).start()


def note_sigint_handled() -> None:
    """Count a Ctrl-C that another Python handler took (the trainer's: finish the batch).

    The watcher thread sees every SIGINT through the wakeup fd; without this it would
    believe the first Ctrl-C was never handled and end the process at the next one.
    """
    _st.sigint_handled += 1


def _on_sigint(signum: int, frame: object) -> None:
    _st.sigint_handled += 1
    if _st.stack and _st.stack[-1] == _R:
        from rpy2.rinterface_lib import openrlib

        _st.interrupted = True
        openrlib.rlib.R_interrupts_pending = 1  # R unwinds at its next R_CheckUserInterrupt()
    else:
        raise KeyboardInterrupt


def _watch_sigint(reader: socket.socket) -> None:
    """Count SIGINTs at the C level; a second one while the first is unhandled ends the process.

    Python runs its signal handlers only between bytecodes, so a SIGINT arriving while R sits in
    BLAS (or Python in a C loop) waits; R acts on ``R_interrupts_pending`` only at its checks.
    """
    from rpy2.rinterface_lib import openrlib

    received = 0
    while True:
        try:
            data = reader.recv(64)
        except OSError:
            return
        if not data:
            return
        for signum in data:
            if signum != signal.SIGINT:
                continue
            received += 1
            unhandled = _st.sigint_handled < received - 1
            r_ignoring = _st.interrupted and openrlib.rlib.R_interrupts_pending != 0
            if received > 1 and (unhandled or r_ignoring):
                os.write(2, b"\nmxnet: interrupted again while busy; exiting\n")
                os._exit(INTERRUPT_EXIT_STATUS)


def r_interrupt_hook() -> Any:
    """An R function that records an R-level interrupt for the enclosing :func:`in_r`.

    R's own SIGINT handler (active while R waits in ``Sys.sleep``, ``select`` or ``readline``)
    sets ``R_interrupts_pending`` without Python seeing the signal; the R error that follows
    would look like any other. The runner installs this function as a calling handler for
    ``interrupt`` conditions around each top-level expression, so such an interrupt still ends
    the script as an interrupt (status 130).
    """
    if "interrupt_hook" not in _r_objects:
        import rpy2.rinterface as ri

        true = ri.BoolSexpVector([True])

        def hook(*_: Any) -> Any:
            _st.interrupted = True
            return true

        _r_objects["interrupt_hook"] = ri.rternalize(hook)  # kept referenced (trap 2.4.1)
    return _r_objects["interrupt_hook"]


def note_interrupt() -> None:
    """Record a KeyboardInterrupt that Python swallowed on its way back into R.

    export() calls it when an entry point was interrupted: R then unwinds (``.py()`` re-signals
    the interrupt) and the enclosing :func:`in_r` raises KeyboardInterrupt again.
    """
    _st.interrupted = True


class _InR:
    """Context manager for one Python→R call; see :func:`in_r`."""

    __slots__ = ()

    def __enter__(self) -> None:
        _st.stack.append(_R)

    def __exit__(
        self,
        etype: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> Literal[False]:
        _st.stack.pop()
        if not _st.interrupted:
            return False
        from rpy2.rinterface_lib import embedded, openrlib

        rlib = openrlib.rlib
        unprocessed = rlib.R_interrupts_pending != 0
        _st.interrupted = False
        rlib.R_interrupts_pending = 0  # a stale flag aborts the process at exit (notes 3.3)
        if etype is None and not unprocessed:
            return False  # R caught the interrupt itself (tryCatch(interrupt = ...)) and went on
        if etype is not None and not issubclass(etype, embedded.RRuntimeError):
            return False  # already a KeyboardInterrupt (inner frame) or another Python error
        raise KeyboardInterrupt("interrupted while R was running") from None


_IN_R = _InR()


def in_r() -> _InR:
    """Mark a Python→R call so that Ctrl-C interrupts R cleanly.

    Use it around every call into R made from Python. Inside, Ctrl-C makes R unwind at its next
    interrupt check; on exit the pending flag is always reset and an interrupted evaluation
    raises KeyboardInterrupt (an R interrupt that R code caught itself is not re-raised).

    Example:
        >>> with in_r():
        ...     r = evalr("sum(1:10)")
        >>> r[0]
        55
    """
    return _IN_R


def call_r(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call an R function (an rpy2 Sexp closure) inside :func:`in_r`.

    Named arguments keep their R spelling: ``call_r(f, x, **{"num.round": n})``. An R error
    raises rpy2's ``RRuntimeError`` (R has already printed it on stderr); Ctrl-C raises
    KeyboardInterrupt.

    Example:
        >>> call_r(evalr("function(a, b = 1) a + b"), 1, b=2)[0]
        3.0
    """
    with _IN_R:
        return fn(*args, **kwargs)


def evalr(code: str) -> Any:
    """Evaluate R source text in the global environment inside :func:`in_r`.

    Example:
        >>> evalr("R.version$major")[0]
        '4'
    """
    import rpy2.rinterface as ri

    with _IN_R:
        return ri.evalr(code)


def enter_python() -> None:
    """Push a Python frame on the interrupt stack (export() does this around every entry)."""
    if not _st.stack and _st.host_hooks is not None:
        _st.host_hooks[0]()  # called from the host's R: the bridge takes Ctrl-C over
    _st.stack.append(_PY)


def leave_python() -> None:
    """Pop the frame pushed by :func:`enter_python`."""
    _st.stack.pop()
    if not _st.stack and _st.host_hooks is not None:
        _st.host_hooks[1]()


def set_host_hooks(enter: Callable[[], None], leave: Callable[[], None]) -> None:
    """Call ``enter``/``leave`` around each entry point the host's R calls at top level
    (hosted_interrupts.py: the host's Ctrl-C handlers outside, the bridge's inside)."""
    _st.host_hooks = (enter, leave)


def sigint_handler() -> Callable[[int, Any], None]:
    """The bridge's Python-level SIGINT handler (see the module docstring)."""
    return _on_sigint


def clear_interrupt() -> None:
    """Forget an interrupt that no enclosing :func:`in_r` will consume (hosted top level):
    ``.py()`` in R has turned it into an R interrupt already."""
    if _st.interrupted:
        from rpy2.rinterface_lib import openrlib

        _st.interrupted = False
        openrlib.rlib.R_interrupts_pending = 0


# --------------------------------------------------------------------------- object lifetime

H = TypeVar("H", bound="list[Any] | dict[Any, Any]")


def hold_r_objects(container: H) -> H:
    """Register a module-level list/dict of R objects; returns it unchanged.

    Rternalized closures must stay referenced from Python for as long as R may call them (trap
    2.4.1), so modules keep them in such containers. At exit the containers are emptied before
    rpy2 shuts R down; otherwise the objects die during interpreter teardown, when rpy2 can no
    longer release them ("Exception ignored in SexpCapsuleWithPassenger.__del__").

    Example:
        >>> _KEEP: list[Any] = hold_r_objects([])
    """
    _st.r_holders.append(container)
    return container


def _forget_r_objects() -> None:
    for container in _st.r_holders:
        container.clear()


_r_objects: dict[str, Any] = hold_r_objects({})  # this module's own R objects


# --------------------------------------------------------------------------- versions


def info() -> dict[str, str]:
    """Versions and paths that matter when reporting a bridge problem.

    Example:
        >>> sorted(info())
        ['R', 'package', 'python', 'rpy2', 'rpy2_mode']
    """
    from rpy2.rinterface_lib import openrlib

    from mxnet_r_compat import __version__

    out = {
        "package": __version__,
        "python": sys.version.split()[0],
        "rpy2": importlib.metadata.version("rpy2-rinterface"),
        "rpy2_mode": openrlib.cffi_mode.name,
    }
    out["R"] = str(evalr("R.version.string")[0]) if _st.started else "not started"
    return out
