"""The bridge inside a plain R session: R hosts Python (reticulate), rpy2 attaches to that R.

``library(mxnet)`` in ``Rscript``, the R console, RStudio or knitr loads the R package
installed by ``make setup`` (rinstall.py). Its first call into Python runs
``.mx_start_python()`` (R/hosted.R), which starts this Python inside the R process with
reticulate and calls :func:`attach`. From then on the bridge is the one ``mxnet-rscript``
uses: ``.py("name", ...)`` calls the registered entry points (export.py) directly through
rpy2, and the trainer calls R closures through rpy2 (shared notes RETICULATE_NOTES.md:
reticulate sets ``R_SESSION_INITIALIZED``, so ``rinterface.initr()`` attaches to this R
instead of starting another).

What differs from ``mxnet-rscript`` (session.start), and why:

* The host owns the session: its command line, options (``warn`` included), console and
  quit() are left alone, and rpy2 must not shut R down when Python exits.
* Training messages are written through R's console (:class:`RConsole`), so RStudio's
  console, ``sink()`` and ``capture.output(type = "message")`` see them in order with R's
  own output.
* Ctrl-C: see :mod:`.hosted_interrupts`.

Example (in R, any session):
    library(mxnet)
    mx.cpu()                    # pure R: Python is not started
    mx.symbol.Variable("data")  # first call into Python: attach() runs once
"""

from __future__ import annotations

import atexit
import sys
import threading
from typing import Any

from . import export, session

_r_objects: dict[str, Any] = session.hold_r_objects({})  # "write"


class RConsole:
    """A text stream that writes through R's console: ``cat(s, file = stderr())``.

    Used for the training messages (console.py) in a hosted session. Under knitr the lines
    go to ``stdout()``, where knitr captures them into the document as MXNet R's messages
    were (a message signalled from inside the trainer cannot reach knitr's handlers: rpy2
    evaluates R at a new top level). Calls from another thread than the main one, which R
    must never see, fall back to Python's own ``sys.stderr``.

    Example:
        >>> RConsole().write("Start training with 1 devices\\n")    # doctest: +SKIP
    """

    def write(self, s: str) -> int:
        if threading.current_thread() is not threading.main_thread():
            return sys.stderr.write(s)
        session.call_r(_r_writer(), s)
        return len(s)

    def flush(self) -> None:
        """Nothing to do: R's console writes are unbuffered."""


def _r_writer() -> Any:
    if "write" not in _r_objects:
        _r_objects["write"] = session.evalr(
            'function(s) cat(s, file = if (isTRUE(getOption("knitr.in.progress"))) stdout() '
            'else stderr(), sep = "")'
        )
    return _r_objects["write"]


def attach() -> None:
    """Attach the bridge to the R that hosts this Python and fill the ``mxnet`` namespace.

    Called once by ``.mx_start_python()`` (R/hosted.R) through reticulate; later calls do
    nothing. Raises :class:`~.session.RSetupError` (with the fix) when rpy2 cannot be used.

    Example:
        >>> attach()        # inside an R session that imported this module via reticulate
    """
    if session.is_started():
        return
    from rpy2.rinterface_lib import embedded

    if not embedded.is_r_externally_initialized():
        raise session.RSetupError(
            "mxnet_r_compat.rbridge.hosted.attach() runs only inside an R process that "
            "started Python through reticulate (R_SESSION_INITIALIZED is not set for this "
            "process); from Python, use `from mxnet_r_compat import mx` instead."
        )
    from . import hosted_interrupts, rlib

    hosted_interrupts.capture()  # before rpy2's rinterface replaces the host's handlers
    _start_rpy2()
    hosted_interrupts.install()
    from mxnet_r_compat import console

    console.console.set_stream(RConsole())
    export.import_entry_modules()
    export.fill_bridge(rlib.namespace_get(".bridge"))


def _start_rpy2() -> None:
    """rpy2's initr() sees R as already running and only attaches to it."""
    mode = session.check_environment()
    if mode == "ABI":
        sys.stderr.write(session.abi_mode_warning())
    import rpy2.rinterface as ri

    ri.initr()
    # rpy2 registered endr() to shut R down when Python exits; R belongs to the host.
    atexit.unregister(ri.endr)
    session.mark_started_in_host()
