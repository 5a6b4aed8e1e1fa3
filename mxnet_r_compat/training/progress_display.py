"""The progress line of ``verbose = TRUE`` within a long epoch, on a terminal.

MXNet R printed one line per epoch; on a slow epoch nothing showed for minutes. Like Keras,
the trainer shows where the epoch is, rewritten in place::

    Batch 120/600 [=====>                   ] 12.3s, ETA 49.2s

It appears only when the training messages go to a terminal (console.py ``is_terminal``:
not a log file, a pipe, RStudio or knitr), and only once an epoch has run ``DELAY`` seconds,
so short epochs print exactly MXNet's lines. It is redrawn at most every ``REFRESH`` seconds
and erased before the next message, so the epoch lines read as without it. On the fused path
it is updated between the runs of batches computed in C (engine/fused.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ..console import Console

#: The clock a trainer's progress line reads (tests replace it with a fake one).
clock: Callable[[], float] = time.monotonic
DELAY = 2.0    # seconds into an epoch before the line appears
REFRESH = 0.1  # seconds between redraws
WIDTH = 24     # characters of the bar


def progress_line(nbatch: int, total: int | None, elapsed: float) -> str:
    """The text of the line.

    Example:
        >>> progress_line(120, 600, 12.3)
        'Batch 120/600 [===>                    ] 12.3s, ETA 49.2s'
        >>> progress_line(120, None, 12.3)
        'Batch 120 12.3s'
    """
    if not total:
        return f"Batch {nbatch} {elapsed:.1f}s"
    done = min(WIDTH, WIDTH * nbatch // total)
    bar = "=" * max(0, done - 1) + (">" if done else "") + " " * (WIDTH - done)
    eta = elapsed * (total - nbatch) / nbatch if nbatch else 0.0
    return f"Batch {nbatch}/{total} [{bar}] {elapsed:.1f}s, ETA {eta:.1f}s"


class EpochProgress:
    """The progress line of one trainer (see the module docstring).

    Example:
        >>> p = EpochProgress(console); p.start(600); p.update(1); p.finish()  # doctest: +SKIP
    """

    def __init__(self, console: Console, clock: Callable[[], float] | None = None) -> None:
        self.console = console
        self.clock = clock if clock is not None else globals()["clock"]
        self._active = False
        self.disabled = False  # set when the user's progress bar callback draws instead

    def start(self, total: int | None) -> None:
        """A new epoch of ``total`` batches (None: unknown)."""
        self._active = not self.disabled and self.console.is_terminal()
        if self._active:
            self.total = total
            self._t0 = self.clock()
            self._drawn = self._t0 - REFRESH

    def update(self, nbatch: int) -> None:
        """``nbatch`` batches of the epoch are done."""
        if not self._active:
            return
        now = self.clock()
        if now - self._t0 < DELAY or now - self._drawn < REFRESH:
            return
        self.console.status(progress_line(nbatch, self.total, now - self._t0))
        self._drawn = now

    def finish(self) -> None:
        """The epoch's batches are done: erase the line."""
        if self._active:
            self.console.clear_status()
            self._active = False
