"""The environment a callback reads: MXNet R's ``env`` (docs/MXNET_R_BEHAVIOUR.md, "Callback
environment").

In MXNet R, ``env`` is the evaluation frame of ``mx.model.train``. Here it is
a :class:`TrainEnv` that the trainer fills at the same moments. Fields read
as attributes with underscores (``env.train_metric``) or as items with R
names (``env["train.metric"]``). A field that is not set yet reads as None,
as ``env$x`` is NULL in R. Callbacks may store their own fields; they last
for the whole training run.
"""

from __future__ import annotations

from typing import Any

# The fields of docs/MXNET_R_BEHAVIOUR.md, "Callback environment", R spelling. All read as None
# until the trainer sets them.
KNOWN_FIELDS = (
    "symbol", "ctx", "input.shape", "output.shape", "begin.round", "end.round", "optimizer",
    "train.data", "eval.data", "metric", "epoch.end.callback", "batch.end.callback", "kvstore",
    "fixed.param", "verbose", "metric_cpu", "arg.params", "aux.params", "ndevice",
    "input_slice", "output_slice", "arg_names", "output.names", "train.execs", "params.index",
    "update.on.kvstore", "updaters", "texec", "iteration", "nbatch", "train.metric", "dlist",
    "slices", "i", "s", "preds", "labels", "arg.blocks", "result", "eval.metric", "model",
    "epoch_continue", "count", "init", "tic", "rank", "num.workers",
)


def _key(name: str) -> str:
    return name.replace(".", "_")


_KNOWN_KEYS = frozenset(_key(f) for f in KNOWN_FIELDS)


class TrainEnv:
    """Attribute- and item-style view of the training state.

    Example:
        >>> env = TrainEnv()
        >>> env["train.metric"] = [1, 2.5]
        >>> env.train_metric, env.eval_metric, env["nbatch"]
        ([1, 2.5], None, None)
        >>> env.count = 0; env["count"]
        0
    """

    __slots__ = ("_d", "_version")

    def __init__(self) -> None:
        object.__setattr__(self, "_d", {})
        object.__setattr__(self, "_version", {})

    def __getitem__(self, name: str) -> Any:
        return self._d.get(_key(name))

    def __setitem__(self, name: str, value: Any) -> None:
        key = _key(name)
        self._d[key] = value
        self._version[key] = self._version.get(key, 0) + 1

    def __getattr__(self, name: str) -> Any:
        d = object.__getattribute__(self, "_d")
        if name in d:
            return d[name]
        if name in _KNOWN_KEYS:
            return None
        raise AttributeError(f"env has no field `{name}`. Set fields: {', '.join(sorted(d))}")

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __contains__(self, name: str) -> bool:
        return _key(name) in self._d

    def get(self, name: str, default: Any = None) -> Any:
        """Like ``dict.get``, with either spelling."""
        return self._d.get(_key(name), default)

    def fields(self) -> dict[str, Any]:
        """The underlying dict (underscore names). The trainer's hot loop writes fields that
        no front end tracks by version (nbatch, train_metric, dlist, preds, labels) into it
        directly; everything else goes through item assignment."""
        return self._d

    def version(self, name: str) -> int:
        """How many times a field was set (lets a front end copy only what changed)."""
        return self._version.get(_key(name), 0)

    def names(self) -> list[str]:
        """The fields set so far (underscore spelling)."""
        return list(self._d)

    def __repr__(self) -> str:
        return f"<TrainEnv: {', '.join(sorted(self._d))}>"
