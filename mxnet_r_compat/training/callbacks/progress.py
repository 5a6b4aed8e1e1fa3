"""``mx.callback.progress.bar``: a live progress bar on stderr.

On a terminal the bar is redrawn in place (at most every ``refresh`` seconds)::

    [2] 6/9 [====================          ] 2841 samples/s  ETA 0.1s  train-rmse=7.93

and finished with a newline at the epoch's last batch. When stderr is not a
terminal (a log file, CI, R's console under knitr) it writes one line per epoch
instead::

    [2] 9/9 batches  2841 samples/s  0.3s  train-rmse=7.93

It is a batch callback (``batch.end.callback``). The number of batches per epoch
comes from the data iterator, or is learnt in the first epoch.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any

from ...console import r_str
from .base import TrainingCallback, number


def _seconds(s: float) -> str:
    return f"{s:.1f}s" if s < 60 else f"{int(s // 60)}m{int(s % 60):02d}s"


class ProgressBar(TrainingCallback):
    """A progress bar (see the module docstring).

    Args:
        width: characters of the bar.
        refresh: minimum seconds between redraws on a terminal.
        stream: where to write (default: the current ``sys.stderr``).

    Example:
        >>> cb = ProgressBar()   # batch.end.callback = cb
    """

    name = "progress.bar"
    slots = ("batch.end",)

    def __init__(self, width: int = 30, refresh: float = 0.1, stream: IO[str] | None = None,
                 ) -> None:
        self.width = number("width", width, low=1, whole=True, expected="a whole number >= 1")
        self.refresh = number("refresh", refresh, low=0, expected="a number of seconds >= 0")
        self.stream = stream
        super().__init__()

    def reset(self) -> None:
        self.total: int | None = None
        self._pending: tuple[int, int, float, Any, Any] | None = None  # last batch, not written
        self._metric: Any = None
        self._epoch: int | None = None
        self._samples = 0  # samples of this epoch's batches after the first (timed ones)
        self._t_first = 0.0
        self._last_nbatch = 0
        self._t_draw = 0.0

    def start(self, env, clock_start: float | None = None) -> None:
        super().start(env, clock_start)
        self._metric = env.metric
        total = getattr(env.train_data, "num_batches", None)
        self.total = int(total) if isinstance(total, int) and total > 0 else None

    def _out(self) -> IO[str]:
        return self.stream if self.stream is not None else sys.stderr

    def _tty(self) -> bool:
        try:
            return bool(self._out().isatty())
        except (AttributeError, ValueError):
            return False

    def __call__(self, iteration: int, nbatch: int, env, verbose: bool = True) -> Any:
        self.ensure_started(env)
        now = time.perf_counter()
        if nbatch == 1 or self._epoch != iteration:
            if self._pending is not None:  # the previous epoch's total was not known
                if self.total is None and self._last_nbatch:
                    self.total = self._last_nbatch
                self._emit(self._line(*self._pending, bar=False))
                self._pending = None
            self._epoch, self._samples, self._t_first = iteration, 0, now
        dlist = env.dlist
        if dlist and nbatch > 1:
            self._samples += int(next(iter(dlist.values())).shape[0])
        self._last_nbatch = nbatch
        last = self.total is not None and nbatch >= self.total
        snapshot = (iteration, nbatch, now, self._metric, env.train_metric)
        if self._tty():
            if last or now - self._t_draw >= self.refresh:
                self._out().write("\r" + self._line(*snapshot, bar=True) + ("\n" if last else ""))
                self._out().flush()
                self._t_draw = now
        elif last:
            self._emit(self._line(*snapshot, bar=False))
            self._pending = None
        else:
            self._pending = snapshot  # formatted only if it turns out to be the epoch's last
        return True

    def _emit(self, line: str) -> None:
        self._out().write(line + "\n")
        self._out().flush()

    def _line(self, iteration: int, nbatch: int, now: float, metric: Any, state: Any,
              bar: bool) -> str:
        spent = now - self._t_first
        # timing starts at the end of the first batch
        rate = self._samples / spent if nbatch > 1 and spent > 0 else None
        parts = [f"[{iteration}] {nbatch}/{self.total if self.total else '?'}"]
        if bar:
            done = int(self.width * min(1.0, nbatch / self.total)) if self.total else 0
            parts[0] += " [" + "=" * done + " " * (self.width - done) + "]"
        else:
            parts[0] += " batches"
        parts.append(f"{rate:.0f} samples/s" if rate is not None else "- samples/s")
        if bar:
            if self.total and nbatch > 1 and spent > 0:
                eta = (self.total - nbatch) * spent / (nbatch - 1)
                parts.append(f"ETA {_seconds(eta)}")
        else:
            parts.append(_seconds(spent))
        if metric is not None and state is not None:
            result = metric.get(state)
            parts.append(f"train-{result.name}={r_str(float(result.value))}")
        return "  ".join(parts)

    def close(self, error: BaseException | None = None) -> None:
        if self._pending is not None:
            self._emit(self._line(*self._pending, bar=False))
            self._pending = None
        super().close(error)


def progress_bar(width: int = 30, refresh: float = 0.1) -> ProgressBar:
    """``mx.callback.progress.bar``: see :class:`ProgressBar`.

    Example:
        >>> cb = progress_bar()
    """
    return ProgressBar(width, refresh)
