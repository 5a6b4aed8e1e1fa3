"""Ctrl-C in a process where R and Python call each other.

rpy2's default loses SIGINT during a busy R loop (docs/RBRIDGE.md, "Ctrl-C"). Here a stack
records whether R or Python is innermost. When R is innermost the handler sets
``R_interrupts_pending`` so R unwinds at its next check; otherwise it raises KeyboardInterrupt.
Every Python→R call runs inside :func:`in_r`, which resets the flag on the way out and turns an
interrupted R evaluation into KeyboardInterrupt. A watcher thread ends the process with status
130 on a second Ctrl-C while the first is still unhandled (R inside BLAS, Python inside C), so
Ctrl-C twice always works.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, Literal

INTERRUPT_EXIT_STATUS = 130

_R = "r"  # markers on the interrupt stack: who runs innermost
_PY = "py"


class _State:
    """Process-wide interrupt state (one embedded R per process)."""

    def __init__(self) -> None:
        self.host_hooks: tuple[Callable[[], None], Callable[[], None]] | None = None
        self.stack: list[str] = []  # innermost last: _R while R runs, _PY while Python runs under R
        self.interrupted = False  # a Ctrl-C is pending for the innermost in_r()/export() frame
        self.sigint_handled = 0  # SIGINTs whose Python-level handler ran (read by the watcher)
        self.sigint_sockets: tuple[socket.socket, socket.socket] | None = None


_st = _State()


def install_sigint_handler() -> None:
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


def r_interrupt_function() -> Any:
    """A new R function that records an R-level interrupt for the enclosing :func:`in_r`
    (session.r_interrupt_hook keeps the one the runner installs)."""
    import rpy2.rinterface as ri

    true = ri.BoolSexpVector([True])

    def hook(*_: Any) -> Any:
        _st.interrupted = True
        return true

    return ri.rternalize(hook)


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
        # a stale flag aborts the process at exit (docs/RBRIDGE.md, "Ctrl-C")
        rlib.R_interrupts_pending = 0
        if etype is None and not unprocessed:
            return False  # R caught the interrupt itself (tryCatch(interrupt = ...)) and went on
        if etype is not None and not issubclass(etype, embedded.RRuntimeError):
            return False  # already a KeyboardInterrupt (inner frame) or another Python error
        raise KeyboardInterrupt("interrupted while R was running") from None


IN_R = _InR()


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
    return IN_R


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
