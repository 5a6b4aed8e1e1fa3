"""Exact resume: checkpoints from which training continues bit-for-bit (docs/CHECKPOINTS.md).

MXNet's files (``<prefix>-symbol.json``, ``<prefix>-%04d.params``) hold the
weights only. :class:`ResumeCheckpoint` (``create(..., checkpoint=prefix)``)
writes them every ``period`` epochs and, next to them, a sidecar
``<prefix>-%04d.state`` (formats/state_file.py) with what an uninterrupted
run carries into the next epoch: optimizer state and counters, the learning
rate (and scheduler), the random stream, each iterator's order, cursor and
batch buffers (the padding of a short last batch reuses stale rows), the
history, the original ``begin.round``, parameters that are not trained,
per-device weights and aux states where they differ from the averaged model,
and the state of callbacks that expose it (``state_dict()`` /
``load_state_dict()``, or a ``state`` dict as ``mx.callback.early.stop`` has).
The random stream is stored as the bank's seed and the engines in use
(learn/random_state.py).

``create(..., resume=prefix)`` checks that the checkpoint fits the network,
the data, the devices and the optimizer, then restores all of it *after*
the new run has made its own creation-time draws (shuffles, initialisation),
so epoch k+1 starts exactly where the first run was.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..console import message
from ..errors import MXShapeError, MXValueError, invalid_value, word
from ..formats import atomic
from ..formats.checkpoint_files import (Checkpoint, ResumeWarning, checkpoint_epochs,
                                        find_checkpoint)
from .checkpointing import CheckpointWarning, ResumeCheckpoint, capture
from .model import FeedForwardModel, set_last_model
from .restore import RestoreCheckpoint

__all__ = ["CheckpointWarning", "RestoreCheckpoint", "ResumeCheckpoint", "ResumePlan",
           "ResumeWarning", "capture", "checkpoint_epochs", "find_checkpoint", "plan"]

@dataclass
class ResumePlan:
    """What ``create`` does about checkpoints: the checkpoint to resume (or None), the
    writer plugin (or None) and the first epoch to train."""

    checkpoint: Checkpoint | None
    writer: ResumeCheckpoint | None
    begin_round: int

    def params(self, symbol: Any, input_shapes: dict, output_shapes: dict,
               ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """The checkpoint's parameters, checked against the network (names and shapes)."""
        ckpt = self.checkpoint
        assert ckpt is not None
        shapes = symbol.infer_shape(**input_shapes, **output_shapes)
        if shapes is None:
            raise ckpt.fail("the network's shapes cannot be inferred from the data.")
        arg_shapes, _, aux_shapes = shapes
        io_names = set(input_shapes) | set(output_shapes)
        expected = {n: tuple(s) for n, s in arg_shapes.items() if n not in io_names}
        args = {**ckpt.fixed, **ckpt.arg_params}
        problems = _mismatches("parameter", expected, args) + \
            _mismatches("auxiliary state", {n: tuple(s) for n, s in aux_shapes.items()},
                        ckpt.aux_params)
        if problems:
            raise MXShapeError(f"Cannot resume from '{ckpt.path}': the network does not match "
                               f"the checkpoint: {'; '.join(problems[:5])}.")
        return {n: args[n] for n in expected}, {n: ckpt.aux_params[n] for n in aux_shapes}

    def finished(self, num_round: int) -> bool:
        return self.checkpoint is not None and self.begin_round > num_round

    def finished_model(self, symbol: Any, arg_params: dict, aux_params: dict) -> Any:
        """The checkpoint's model, when it already reaches ``num.round`` (nothing to train)."""
        ckpt = self.checkpoint
        assert ckpt is not None
        model = FeedForwardModel(symbol, {n: arg_params[n] for n in ckpt.arg_params}, aux_params)
        model.history = ckpt.decode(ckpt.manifest["history"])
        model.stop_reason = f"the checkpoint of epoch {ckpt.epoch} already reaches num.round"
        set_last_model(model)
        message("Checkpoint ", ckpt.path, " is at epoch ", ckpt.epoch,
                ", num.round is reached: nothing to train")
        return model

    def plugins(self, user_plugins: Any) -> list[Any]:
        """The plugins of the run: restore first, the user's, then the writer."""
        return ([RestoreCheckpoint(self.checkpoint)] if self.checkpoint is not None else []) + \
            list(user_plugins or ()) + ([self.writer] if self.writer is not None else [])


def _mismatches(kind: str, expected: Mapping[str, tuple], got: Mapping[str, np.ndarray]) -> list:
    out = [f"{kind} `{n}` has shape {got[n].shape} in the checkpoint but {s} in this network"
           for n, s in expected.items() if n in got and got[n].shape != s]
    out += [f"the checkpoint has no {kind} `{n}`" for n in expected if n not in got]
    out += [f"the checkpoint's {kind} `{n}` is not in this network" for n in got
            if n not in expected]
    return out


def plan(*, resume: Any, checkpoint: Any, period: Any, on_error: Any, begin_round: Any,
         given_params: bool, extra: dict[str, Any], verbose: bool = True) -> ResumePlan:
    """Interpret ``create``'s ``checkpoint``/``resume`` arguments (see docs/CHECKPOINTS.md).

    R's dotted spellings in ``extra`` (``checkpoint.period``, ``checkpoint.on.error``)
    are taken out of it. With ``resume``, the checkpoint is found and verified now.
    """
    period = extra.pop("checkpoint.period", period)
    on_error = extra.pop("checkpoint.on.error", on_error)
    writer = ResumeCheckpoint(checkpoint, period, on_error) if checkpoint is not None else None
    if resume is None or resume is False:
        return ResumePlan(None, writer, int(begin_round))
    if resume is True:
        if checkpoint is None:
            raise invalid_value("resume", True, 'a checkpoint prefix, or TRUE together with '
                                'checkpoint="<prefix>"')
        prefix, required = checkpoint, False
    elif isinstance(resume, (str, os.PathLike)) and os.fspath(resume):
        prefix, required = resume, True
    else:
        raise invalid_value("resume", resume, f"a checkpoint prefix (or {word('TRUE')})")
    if given_params:
        raise MXValueError("Invalid value for argument `resume`: arg.params and aux.params "
                           "cannot be combined with resume (the checkpoint holds the weights).")
    epoch = int(begin_round) - 1 if int(begin_round) != 1 else None
    try:
        ckpt = find_checkpoint(prefix, epoch)
    except FileNotFoundError as err:
        have = checkpoint_epochs(prefix)
        raise MXValueError(f"Cannot resume from '{prefix}' at begin.round={int(begin_round)}: "
                           f"'{err.filename}' does not exist. Epochs with a checkpoint: "
                           f"{', '.join(map(str, have)) or 'none'}.") from None
    if ckpt is None:
        if required:
            raise MXValueError(f"Cannot resume from '{prefix}': there is no checkpoint "
                               f"'{atomic.resolve_path(prefix)}-NNNN.state'. Write them with "
                               f"checkpoint=\"{prefix}\".")
        if verbose:
            message("No checkpoint ", atomic.resolve_path(prefix), "-NNNN.state yet; "
                    "training from the start")
        return ResumePlan(None, writer, int(begin_round))
    if writer is not None:
        m = ckpt.manifest
        writer.origin = {"begin_round": m["begin_round"], "initial_lr": m["initial_lr"],
                         "hyper": m["hyper"]}
    return ResumePlan(ckpt, writer, ckpt.epoch + 1)
