"""Ctrl-C in a plain R session that hosts Python (hosted.py): the host's handling, except
while an ``mx.*`` call runs, when the bridge's own applies (exactly as under mxnet-rscript).

Measured with Rscript and reticulate 1.28 (tests/rpkg/test_hosted_interrupts.py):

* reticulate installs a C-level SIGINT handler that sets R's ``R_interrupts_pending`` and
  trips Python's signal flag, and a Python-level handler that raises KeyboardInterrupt only
  when R has not handled the interrupt first.
* Importing rpy2's ``rinterface`` replaces both with Python's ``default_int_handler``, and
  every ``signal.signal()`` (the trainer's "finish the batch" guard) installs Python's C
  handler again. Left so, R never sees Ctrl-C again: ``repeat {}`` at R's prompt could no
  longer be interrupted.
* With Python's C handler, a SIGINT while an R callback runs only trips Python's flag; Python
  runs its handlers when Python code runs, which a busy R loop never lets happen. rpy2's own
  R (mxnet-rscript) avoids this through ``R_ProcessEvents``, which R calls at every interrupt
  check and rpy2 points at Python.

So :func:`install` records the host's handlers (C and Python level) before rpy2 touches them
and puts them back. While Python runs an entry point called from R (interrupts.enter_python at
depth 0), :func:`enter` installs the bridge's handler (interrupts.py: R innermost gets
``R_interrupts_pending``, Python innermost a KeyboardInterrupt) and chains a Python call into
``R_ProcessEvents``; :func:`leave` restores the host's handlers and clears what the
interrupt left behind. The trainer's guard therefore behaves as under mxnet-rscript: the first
Ctrl-C finishes the batch and returns the partial model with a warning, a second interrupts
the call (an R interrupt: back to the prompt, or "Execution halted" under Rscript). There is
no forced exit: the session belongs to the user.

Example:
    >>> install()       # once, in hosted.attach(), before rpy2's rinterface is imported
"""

from __future__ import annotations

import ctypes
import signal
import threading
from typing import Any

from . import interrupts

_SIGACTION_BYTES = 256  # larger than any struct sigaction; only copied, never interpreted


class _HostHandlers:
    """The host's SIGINT handlers and our R_ProcessEvents hook."""

    def __init__(self) -> None:
        self.c_action: Any = None  # the host's struct sigaction, raw bytes
        self.python: Any = None  # the host's Python-level handler (reticulate's)
        self.events_hook: Any = None  # our cffi callback (kept alive here)
        self.events_ffi: Any = None
        self.host_events: Any = None  # the host's ptr_R_ProcessEvents
        self.active = False


_host = _HostHandlers()
_libc = ctypes.CDLL(None, use_errno=True)


def _sigaction(new: Any, old: Any) -> None:
    if _libc.sigaction(signal.SIGINT, new, old) != 0:
        raise OSError(ctypes.get_errno(), "sigaction(SIGINT) failed")


def capture() -> None:
    """Record the host's SIGINT handlers (call before importing rpy2.rinterface)."""
    if threading.current_thread() is not threading.main_thread():
        return
    _host.c_action = ctypes.create_string_buffer(_SIGACTION_BYTES)
    _sigaction(None, _host.c_action)
    _host.python = signal.getsignal(signal.SIGINT)


def install() -> None:
    """Put the host's handlers back (rpy2 replaced them) and hook the bridge's depth-0 entry.

    No-op when :func:`capture` did not run on the main thread.
    """
    if _host.c_action is None:
        return
    _restore_host()
    interrupts.set_host_hooks(enter, leave)


def _restore_host() -> None:
    if callable(_host.python) or _host.python in (signal.SIG_DFL, signal.SIG_IGN):
        signal.signal(signal.SIGINT, _host.python)  # Python level (also sets its C handler)
    _sigaction(_host.c_action, None)  # then the host's C handler, byte for byte


def enter() -> None:
    """Python was entered from the host's R: the bridge owns Ctrl-C until :func:`leave`."""
    if threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGINT, interrupts.sigint_handler())
    _hook_process_events()
    _host.active = True


def leave() -> None:
    """Back to the host's R: its handlers again; no interrupt flag outlives the call.

    An interrupt that ended the call reaches R as an R interrupt (``.py_result`` in R/util.R),
    so R's own pending flag is cleared rather than delivered a second time.
    """
    if not _host.active:
        return
    _host.active = False
    _unhook_process_events()
    _restore_host()
    interrupts.clear_interrupt()


def _hook_process_events() -> None:
    """Chain a Python call into R's ``R_ProcessEvents`` (R calls it at its interrupt checks),
    so a Ctrl-C that arrives while an R callback is busy is seen by the bridge's handler."""
    from rpy2.rinterface_lib import openrlib

    rlib = openrlib.rlib
    if _host.events_hook is None:
        import cffi

        _host.events_ffi = ffi = cffi.FFI()

        def process_events() -> None:  # Python runs pending signal handlers on entry
            previous = _host.host_events
            if previous is not None and previous != openrlib.ffi.NULL:
                previous()

        _host.events_hook = ffi.callback("void(void)", process_events)
    _host.host_events = rlib.ptr_R_ProcessEvents
    address = int(_host.events_ffi.cast("uintptr_t", _host.events_hook))
    rlib.ptr_R_ProcessEvents = openrlib.ffi.cast("void(*)(void)", address)


def _unhook_process_events() -> None:
    from rpy2.rinterface_lib import openrlib

    if _host.host_events is not None:
        openrlib.rlib.ptr_R_ProcessEvents = _host.host_events
