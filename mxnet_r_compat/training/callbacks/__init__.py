"""Callbacks beyond MXNet R (docs/CALLBACKS.md): stopping, saving, logging, LR control, progress,
batched delivery, an error policy and the dry run.

Each is implemented once, here, as a callable object; R's ``mx.callback.*``
constructors (R/callbacks_extra.R) name these classes, and the trainer calls the
Python objects directly, with no R crossing per batch. Dotted names (rnames.py):

==================================== =================================
``mx.callback.early.stopping``       :func:`early_stopping`
``mx.callback.model.checkpoint``     :func:`model_checkpoint`
``mx.callback.csv.logger``           :func:`csv_logger`
``mx.callback.terminate.on.nan``     :func:`terminate_on_nan`
``mx.callback.reduce.lr.on.plateau`` :func:`reduce_lr_on_plateau`
``mx.callback.lr.scheduler``         :func:`lr_scheduler`
``mx.callback.timer``                :func:`timer`
``mx.callback.progress.bar``         :func:`progress_bar`
``mx.callback.every``                :func:`every`
``mx.callback.safe``                 :func:`safe`
==================================== =================================
"""

from .base import Monitor, TrainingCallback
from .checkpoint import ModelCheckpoint, model_checkpoint
from .csv_logger import CSVLogger, csv_logger
from .dry_run import DryRun, callback_problems, dry_run
from .early_stopping import EarlyStopping, early_stopping
from .every import Every, every
from .lr_control import LRScheduler, ReduceLROnPlateau, lr_scheduler, reduce_lr_on_plateau
from .progress import ProgressBar, progress_bar
from .safe import CallbackWarning, Safe, safe
from .stop_rules import TerminateOnNaN, Timer, terminate_on_nan, timer

__all__ = [
    "CSVLogger", "CallbackWarning", "DryRun", "EarlyStopping", "Every", "LRScheduler",
    "ModelCheckpoint", "Monitor", "ProgressBar", "ReduceLROnPlateau", "Safe", "TerminateOnNaN",
    "Timer", "TrainingCallback", "callback_problems", "csv_logger", "dry_run", "early_stopping",
    "every", "lr_scheduler", "model_checkpoint", "progress_bar", "reduce_lr_on_plateau", "safe",
    "terminate_on_nan", "timer",
]
