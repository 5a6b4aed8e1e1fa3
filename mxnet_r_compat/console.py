"""Training messages, written like MXNet R's ``message()``: to stderr, one line each.

Numbers are formatted the way R's ``as.character`` does (15 significant
digits, trailing zeros dropped, scientific notation when it is shorter), so
``[1] Train-rmse=16.063282524034`` reads exactly as it did in R.
"""

from __future__ import annotations

import math
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np


def r_str(x: Any) -> str:
    """Format a value as R's ``as.character`` / ``paste0`` would.

    Example:
        >>> r_str(16.0632825240340), r_str(1e5), r_str(2e-6), r_str(3), r_str(0.1)
        ('16.063282524034', '1e+05', '2e-06', '3', '0.1')
    """
    if isinstance(x, (bool, np.bool_)):
        return "TRUE" if x else "FALSE"
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    if isinstance(x, (float, np.floating)):
        return _r_double(float(x))
    return str(x)


def _r_double(x: float) -> str:
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Inf" if x > 0 else "-Inf"
    if x == 0:
        return "0"
    mantissa, exp_text = ("%.14e" % x).split("e")
    digits = mantissa.replace("-", "").replace(".", "").rstrip("0") or "0"
    nsig, exp = len(digits), int(exp_text)
    sci_mantissa = digits[0] + ("." + digits[1:] if nsig > 1 else "")
    sign = "-" if x < 0 else ""
    sci = sign + sci_mantissa + "e" + ("-" if exp < 0 else "+") + "%02d" % abs(exp)
    decimals = max(0, nsig - 1 - exp)
    fixed = "%.*f" % (decimals, x)
    return fixed if len(fixed) <= len(sci) else sci


class Console:
    """Where training messages go. ``verbose=False`` silences everything but warnings."""

    def __init__(self, stream=None) -> None:
        self._stream = stream
        self._local = threading.local()
        self._status = 0  # length of the status line drawn (0: none)

    def set_stream(self, stream: Any) -> None:
        """Write to ``stream`` from now on (None: ``sys.stderr`` at each write).

        Example:
            >>> Console().set_stream(sys.stdout)
        """
        self._stream = stream

    def message(self, *parts: Any) -> None:
        """Write one line built like R's ``message(...)`` (pieces pasted together)."""
        if getattr(self._local, "quiet", 0):
            return
        self.clear_status()
        stream = self._stream or sys.stderr
        stream.write("".join(r_str(p) for p in parts) + "\n")
        stream.flush()

    def is_terminal(self) -> bool:
        """Are messages shown, on a terminal (the stream's ``isatty()``)? Logs, pipes, files
        and R's console under knitr are not.

        Example:
            >>> import io; Console(io.StringIO()).is_terminal()
            False
        """
        if getattr(self._local, "quiet", 0):
            return False
        try:
            return bool((self._stream or sys.stderr).isatty())
        except (AttributeError, ValueError, OSError):
            return False

    def status(self, text: str) -> None:
        """Draw ``text`` as a status line, rewritten in place with ``\\r`` (terminals only:
        check :meth:`is_terminal`); the next :meth:`message` or :meth:`clear_status`
        erases it.

        Example:
            >>> import io; Console(io.StringIO()).status("Batch 1/10")
        """
        stream = self._stream or sys.stderr
        stream.write("\r" + text.ljust(self._status))
        stream.flush()
        self._status = len(text)

    def clear_status(self) -> None:
        """Erase the status line, if one is drawn."""
        if self._status:
            stream = self._stream or sys.stderr
            stream.write("\r" + " " * self._status + "\r")
            stream.flush()
            self._status = 0

    @contextmanager
    def quiet(self, on: bool = True) -> Iterator[None]:
        """Drop this thread's messages inside the block (a training run with verbose=FALSE).

        Spec 16: verbose=FALSE mutes every training message, including those of the
        built-in batch callbacks (which get no ``verbose`` argument) and of schedulers.
        """
        depth = getattr(self._local, "quiet", 0)
        self._local.quiet = depth + (1 if on else 0)
        try:
            yield
        finally:
            self._local.quiet = depth


console = Console()


def message(*parts: Any) -> None:
    """Module-level shortcut for :meth:`Console.message` on the default console.

    Example:
        >>> message("Start training with ", 1, " devices")   # doctest: +SKIP
    """
    console.message(*parts)
