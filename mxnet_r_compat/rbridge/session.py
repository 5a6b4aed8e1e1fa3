"""The embedded R of this process: started once, console wired to sys.stdout/stderr, Ctrl-C owned.

What :func:`start` sets up (docs/RBRIDGE.md):

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
* **Ctrl-C.** The handler of interrupts.py is installed: R unwinds at its next check when it is
  innermost, Python raises KeyboardInterrupt otherwise, and a second Ctrl-C while the first is
  still unhandled ends the process with status 130. :func:`call_r` and :func:`evalr` run inside
  :func:`interrupts.in_r`.

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
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from . import interrupts

APT_INSTALL = (
    "sudo apt-get install -y --no-install-recommends "
    "r-base-core r-base-dev r-cran-mlbench libpcre2-dev"
)
PIP_INSTALL = (
    "RPY2_CFFI_MODE=API .venv/bin/pip install --no-cache-dir "
    "'rpy2-rinterface==3.6.5' 'rpy2-robjects==3.6.6'"
)

class RSetupError(RuntimeError):
    """R or rpy2 is missing or unusable; the message says how to install it."""


class _State:
    """Process-wide bridge state (one embedded R per process)."""

    def __init__(self) -> None:
        self.started = False
        self.hosted = False  # R started by the host program (reticulate), not by us
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
        handle_sigint: install the Ctrl-C handler of interrupts.py (leave True unless the host
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
        interrupts.install_sigint_handler()
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


def r_interrupt_hook() -> Any:
    """An R function that records an R-level interrupt for the enclosing :func:`interrupts.in_r`.

    R's own SIGINT handler (active while R waits in ``Sys.sleep``, ``select`` or ``readline``)
    sets ``R_interrupts_pending`` without Python seeing the signal; the R error that follows
    would look like any other. The runner installs this function as a calling handler for
    ``interrupt`` conditions around each top-level expression, so such an interrupt still ends
    the script as an interrupt (status 130). Built once (interrupts.py) and kept referenced.
    """
    if "interrupt_hook" not in _r_objects:
        _r_objects["interrupt_hook"] = interrupts.r_interrupt_function()
    return _r_objects["interrupt_hook"]


def call_r(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call an R function (an rpy2 Sexp closure) inside :func:`interrupts.in_r`.

    Named arguments keep their R spelling: ``call_r(f, x, **{"num.round": n})``. An R error
    raises rpy2's ``RRuntimeError`` (R has already printed it on stderr); Ctrl-C raises
    KeyboardInterrupt.

    Example:
        >>> call_r(evalr("function(a, b = 1) a + b"), 1, b=2)[0]
        3.0
    """
    with interrupts.IN_R:
        return fn(*args, **kwargs)


def evalr(code: str) -> Any:
    """Evaluate R source text in the global environment inside :func:`interrupts.in_r`.

    Example:
        >>> evalr("R.version$major")[0]
        '4'
    """
    import rpy2.rinterface as ri

    with interrupts.IN_R:
        return ri.evalr(code)


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
    _close_bridge()
    for container in _st.r_holders:
        container.clear()


def _close_bridge() -> None:
    """Empty the R package's ``.bridge`` before R shuts down: finalizers that R runs at exit
    (a reference class's finalize(), such as a user-defined iterator's) then get an R error
    from ``.py()`` instead of calling into Python objects that are already gone."""
    import rpy2.rinterface as ri

    with contextlib.suppress(Exception):  # R is shutting down; nothing else to do
        ri.evalr('if ("mxnet" %in% loadedNamespaces()) local({\n'
                 '  b <- get(".bridge", envir = asNamespace("mxnet"))\n'
                 '  rm(list = ls(b, all.names = TRUE), envir = b)\n})')


_r_objects: dict[str, Any] = hold_r_objects({})  # this module's own R objects


# --------------------------------------------------------------------------- versions


def info() -> dict[str, str]:
    """Versions and paths that matter when reporting a bridge problem.

    Example:
        >>> sorted(info())
        ['R', 'package', 'python', 'rpy2', 'rpy2_mode']
    """
    from rpy2.rinterface_lib import openrlib

    from .._version import __version__

    out = {
        "package": __version__,
        "python": sys.version.split()[0],
        "rpy2": importlib.metadata.version("rpy2-rinterface"),
        "rpy2_mode": openrlib.cffi_mode.name,
    }
    out["R"] = str(evalr("R.version.string")[0]) if _st.started else "not started"
    return out
