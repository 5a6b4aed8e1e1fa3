"""The dry run: every callback is checked before the first batch, so that a mistake
fails in the first second rather than after hours of training.

:class:`DryRun` is a trainer plugin (``mx.model.FeedForward.create`` installs it
first). Before the first batch it checks, for every callback of every slot:

- that it can be called as ``function(iteration, nbatch, env)`` (R closures are
  checked through their ``formals()``; MXNet R failed only when first called,
  apache/mxnet#3680);
- for the built-in callback objects: that they sit in a slot where they work, that
  the metrics they monitor exist ("eval" needs eval.data), and that the files they
  write can be created (a temporary file is created and removed in the directory).

All problems are reported together in one error naming each callback. Then the
callback objects are started for this run (``start``), and closed after it
(``close``, also when training failed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ...errors import CallbackError
from .base import arity_problem, managed
from .safe import Safe


def _unwrap(fn: Callable) -> Callable:
    """The callback inside mx.callback.safe wrappers."""
    while isinstance(fn, Safe):
        fn = fn.inner
    return fn


def callback_problems(fn: Any, slot: str, env) -> list[str]:
    """What is wrong with ``fn`` as a ``slot`` callback in the run described by ``env``.

    Example:
        >>> callback_problems(lambda iteration, nbatch: 0, "epoch.end", None)
        ['is called with 3 arguments but takes (iteration, nbatch)']
    """
    if not callable(fn):
        return [f"is not a function (received a {type(fn).__name__})"]
    problems = []
    inner = _unwrap(fn)
    if not managed(inner):  # the built-in objects have a known signature
        problem = arity_problem(inner, 3, verbose=slot != "batch.end")
        if problem:
            problems.append(problem)
    if managed(fn) and env is not None:
        problems += fn.check(env, slot)
    return problems


def _entries(trainer) -> Iterator[tuple[str, Any, str]]:
    for slot, entries in trainer.callbacks.entries.items():
        for entry in entries:
            name = entry.name
            own = getattr(entry.fn, "name", None)
            if isinstance(own, str) and own not in name:
                name = f"{name} ({own})"
            yield slot, entry.fn, name


def dry_run(trainer) -> None:
    """Check every callback of ``trainer``; raise one error listing every problem.

    Raises:
        CallbackError: at least one callback cannot work in this run.
    """
    problems = []
    for slot, fn, name in _entries(trainer):
        problems += [f"{name}: {p}" for p in callback_problems(fn, slot, trainer.env)]
    if problems:
        raise CallbackError("Callback check before the first batch failed:\n  - "
                            + "\n  - ".join(problems), slot="dry run",
                            iteration=trainer.begin_round)


class DryRun:
    """Trainer plugin: :func:`dry_run`, then start the callback objects; close them at
    the end. A callback object used in two slots is started and closed once."""

    def _objects(self, trainer) -> list[Any]:
        seen: dict[int, Any] = {}
        for _, fn, _ in _entries(trainer):
            if managed(fn):
                seen.setdefault(id(fn), fn)
        return list(seen.values())

    def on_train_begin(self, trainer) -> None:
        dry_run(trainer)
        clock = getattr(trainer, "_start", None)  # the trainer's clock: same seconds as history
        for fn in self._objects(trainer):
            fn.start(trainer.env, clock)

    def on_train_end(self, trainer, error: BaseException | None) -> None:
        first: BaseException | None = None
        for fn in self._objects(trainer):
            try:
                fn.close(error)
            except Exception as err:  # noqa: BLE001 (close every callback, then re-raise the first)
                first = first or err
        if first is not None:
            raise first
