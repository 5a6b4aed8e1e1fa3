"""Training messages written through R's console, in order with R's own output.

The trainer writes its messages ("Start training with 1 devices", "[1] Train-rmse=...") to a
stream (console.py). In an R session that stream is :class:`RConsole`: each line becomes
``cat(line, file = stderr())`` in R, so ``sink(type = "message")``,
``capture.output(type = "message")``, RStudio's console and mxnet-rscript's stderr all see it
where R code's own output is. Under knitr (``getOption("knitr.in.progress")``) the lines go to
``stdout()`` instead, which knitr captures into the document where MXNet R's messages
appeared: a message signalled from inside training cannot reach knitr's condition handlers,
because rpy2 evaluates every R call at a new top level.

Example:
    >>> route_training_messages()     # once R runs (runner.py, hosted.py)
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from . import session

_r_objects: dict[str, Any] = session.hold_r_objects({})  # "write"

_WRITE_R = ('function(s) cat(s, file = if (isTRUE(getOption("knitr.in.progress"))) stdout() '
            'else stderr(), sep = "")')


class RConsole:
    """A text stream writing through R's console (see the module docstring).

    Writes from another thread than the main one, which must never call R, go to Python's
    own ``sys.stderr``.

    Example:
        >>> RConsole().write("Start training with 1 devices\\n")
        30
    """

    def write(self, s: str) -> int:
        if threading.current_thread() is not threading.main_thread():
            return sys.stderr.write(s)
        if "write" not in _r_objects:
            _r_objects["write"] = session.evalr(_WRITE_R)
        session.call_r(_r_objects["write"], s)
        return len(s)

    def flush(self) -> None:
        """Nothing to do: R's console writes are not buffered here."""

    def isatty(self) -> bool:
        """Is R's stderr a terminal (and knitr not capturing)? The trainer's progress line
        (training/progress_display.py) is drawn only then.

        Example:
            >>> RConsole().isatty()   # False under knitr, in RStudio, with a pipe
            False
        """
        if threading.current_thread() is not threading.main_thread() or not os.isatty(2):
            return False
        knitting = session.evalr('isTRUE(getOption("knitr.in.progress"))')
        return not bool(knitting[0])


def route_training_messages() -> None:
    """Send the trainer's messages (console.py) through R's console from now on."""
    from mxnet_r_compat import console

    console.console.set_stream(RConsole())
