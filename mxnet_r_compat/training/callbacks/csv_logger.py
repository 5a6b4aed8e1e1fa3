"""``mx.callback.csv.logger``: one CSV row per epoch, flushed as soon as it is written.

Columns: ``iteration``, ``train.<metric>``, ``eval.<metric>`` (only with
eval.data), ``lr`` (the rate used in the epoch) and ``seconds`` (since training
started). Missing values are written as ``NA`` so that R's ``read.csv`` reads
the file as numbers; doubles are written with 17 significant digits.
"""

from __future__ import annotations

import math
import os
from typing import IO, Any

from ...errors import invalid_value
from .base import TrainingCallback, flag, writable_problem


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NA"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ("Inf" if value > 0 else "-Inf")
    return str(value)


class CSVLogger(TrainingCallback):
    """Append one row per epoch to ``file``.

    Args:
        file: the CSV file (``~`` is expanded); its directory must exist.
        append: add to an existing file (its header must match) instead of replacing it.

    Example:
        >>> cb = CSVLogger("/tmp/train-log.csv")
    """

    name = "csv.logger"
    slots = ("epoch.end",)

    def __init__(self, file: str, append: bool = False) -> None:
        if not isinstance(file, str) or not file:
            raise invalid_value("file", file, "a file name")
        self.file = file
        self.path = os.path.expanduser(file)
        self.append = flag("append", append)
        self._fh: IO[str] | None = None
        super().__init__()

    def columns(self, env) -> list[str]:
        """The header of this run."""
        cols = ["iteration"]
        if env.metric is not None:
            cols.append(f"train.{env.metric.name}")
            if env.eval_data is not None:
                cols.append(f"eval.{env.metric.name}")
        return cols + ["lr", "seconds"]

    def _existing_header(self) -> str | None:
        if not self.append or not os.path.exists(self.path) or os.path.getsize(self.path) == 0:
            return None
        with open(self.path, encoding="utf-8") as fh:
            return fh.readline().rstrip("\r\n")

    def check(self, env, slot: str) -> list[str]:
        problems = super().check(env, slot)
        where = writable_problem(self.file, "file")
        if where:
            return problems + [where]
        header = self._existing_header()
        expected = ",".join(self.columns(env))
        if header is not None and header != expected:
            problems.append(f'file "{self.file}" has the columns "{header}"; this run writes '
                            f'"{expected}" (use append = FALSE or another file)')
        return problems

    def start(self, env, clock_start: float | None = None) -> None:
        super().start(env, clock_start)
        self.close()
        self._started = True
        header = self._existing_header()
        # kept open for the run (closed in close()), flushed after every row
        self._fh = open(self.path, "a" if self.append else "w",  # noqa: SIM115
                        encoding="utf-8", newline="")
        if header is None:
            self._write(self.columns(env))

    def _write(self, cells: list[Any]) -> None:
        assert self._fh is not None
        self._fh.write(",".join(_cell(c) for c in cells) + "\n")
        self._fh.flush()

    def __call__(self, iteration: int, nbatch: int, env, verbose: bool = True) -> Any:
        self.ensure_started(env)
        row: list[Any] = [iteration]
        if env.metric is not None:
            row.append(float(env.metric.get(env.train_metric).value)
                       if env.train_metric is not None else None)
            if env.eval_data is not None:
                row.append(float(env.metric.get(env.eval_metric).value)
                           if env.eval_metric is not None else None)
        lr = getattr(env.optimizer, "lr", None)
        self._write(row + [None if lr is None else float(lr), self.elapsed()])
        return True

    def close(self, error: BaseException | None = None) -> None:
        super().close(error)
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def csv_logger(file: str, append: bool = False) -> CSVLogger:
    """``mx.callback.csv.logger``: see :class:`CSVLogger`.

    Example:
        >>> cb = csv_logger("/tmp/train-log.csv", append=True)
    """
    return CSVLogger(file, append)
