"""``mx.model.FeedForward.create``: checks the arguments, prepares the data and parameters,
then runs the epoch loop (trainer.py) and returns the model."""

from __future__ import annotations

import inspect
from typing import Any

from .. import io
from .._args import normalize_kwargs
from ..console import message
from ..engine import context
from ..errors import MXTypeError, MXValueError, invalid_value
from ..graph.symbol import Symbol
from ..learn import optimizer as opt_mod
from ..learn.metric import Metric
from . import distributed
from . import resume as resume_mod
from .callbacks.dry_run import DryRun
from .checks import (check_batch_size, check_before_training, check_hyperparameters, check_metric,
                     check_rounds, check_variable_names, io_shapes)
from .data import first_batch, peek, prepare_eval_data, prepare_train_data
from .keyword_hints import check_foreign_keywords
from .labels import encode_labels
from .model import FeedForwardModel
from .params import check_param_overrides, init_params_checked
from .trainer import Trainer


def create(symbol: Symbol, X, y=None, ctx=None, begin_round: int = 1, num_round: int = 10,
           optimizer: str | opt_mod.Optimizer = "sgd", initializer=None, eval_data=None,
           eval_metric: Metric | None = None, epoch_end_callback=None, batch_end_callback=None,
           array_batch_size: int = 128, array_layout: str = "auto", kvstore="local",
           verbose: bool = True, arg_params=None, aux_params=None, input_names=None,
           output_names=None, fixed_param=None, allow_extra_params: bool = False,
           metric_cpu: bool = True, train_begin_callback=None, epoch_begin_callback=None,
           batch_begin_callback=None, train_end_callback=None, check_finite: bool = True,
           plugins=(), env=None, checkpoint=None, checkpoint_period: int = 1,
           checkpoint_on_error: str = "warn", resume=None, **kwargs: Any) -> FeedForwardModel:
    """Train a network (``mx.model.FeedForward.create``); keyword names in R or Python spelling.

    Extra keywords (``learning_rate``, ``momentum``, ``wd``...) go to the optimizer.
    Every ``*_callback`` takes a function or a list of functions (called in order);
    the return protocol is described in hooks.py. ``check_finite`` stops training at
    the first NaN/Inf weight or output and returns the last finite model. The
    returned model also carries ``history`` (one record per epoch and phase),
    ``callback_time`` and ``stop_reason``.

    Exact resume (docs/CHECKPOINTS.md): ``checkpoint="<prefix>"`` writes MXNet's files and a
    ``<prefix>-%04d.state`` sidecar every ``checkpoint_period`` epochs (a failed write warns,
    or with ``checkpoint_on_error="error"`` stops training). ``resume="<prefix>"`` continues
    from its latest checkpoint (or from epoch ``begin_round - 1`` when begin_round > 1),
    bit-for-bit as if training had not stopped; ``resume=True`` does so from ``checkpoint``
    when a checkpoint exists there.

    Example:
        >>> model = create(lro, X=train_x, y=train_y, num_round=10, array_batch_size=20,
        ...                learning_rate=2e-6, momentum=0.9,
        ...                eval_metric=mx.metric.rmse)  # doctest: +SKIP
    """
    if not isinstance(symbol, Symbol):
        raise MXTypeError("symbol needs to be MXSymbol")
    check_foreign_keywords(kwargs, "mx.model.FeedForward.create")
    check_rounds(begin_round, num_round)
    check_batch_size(array_batch_size)
    check_finite = _option(kwargs, "check_finite", check_finite)
    check_hyperparameters(kwargs)
    resuming = resume_mod.plan(resume=resume, checkpoint=checkpoint, period=checkpoint_period,
                               on_error=checkpoint_on_error, begin_round=begin_round,
                               given_params=arg_params is not None or aux_params is not None,
                               extra=kwargs, verbose=verbose)
    input_names, output_names = _names(input_names), _names(output_names)
    from_iterator = isinstance(X, io.DataIter) or io.is_user_iter(X)
    if array_layout == "auto" and io.is_frame(X):
        array_layout = "rowmajor"  # a data frame's rows are its samples
    encoded = encode_labels(symbol, y, eval_data)
    y, eval_data = encoded.y, encoded.eval_data
    train_iter, layout = prepare_train_data(X, y, array_batch_size, array_layout,
                                             check_finite)
    batch = peek(train_iter)
    with first_batch(train_iter, batch, symbol, input_names, output_names):
        input_shapes, output_shapes = io_shapes(symbol, batch, input_names, output_names)
        check_variable_names(symbol, {**input_shapes, **output_shapes})
        for note in encoded.finish(symbol, next(iter(input_shapes.values()))):
            message(note)
        initial_arg, initial_aux = init_params_checked(symbol, input_shapes, output_shapes,
                                                        initializer, from_iterator)
    arg_params = check_param_overrides(symbol, arg_params, initial_arg, "arg.params",
                                        allow_extra_params, check_finite)
    aux_params = check_param_overrides(symbol, aux_params, initial_aux, "aux.params",
                                        allow_extra_params, check_finite)
    if resuming.checkpoint is not None:
        arg_params, aux_params = resuming.params(symbol, input_shapes, output_shapes)
        begin_round = resuming.begin_round
    ctx_list = context.normalize(ctx)
    store = distributed.open_store(kvstore)  # None unless "dist_sync" (docs/DISTRIBUTED.md)
    workers = store.num_workers if store is not None else 1
    # Gradients are summed over every worker's batch: the rate is per sample of all of them.
    opt = _make_optimizer(optimizer, next(iter(input_shapes.values()))[0] * workers, kwargs)
    eval_iter = prepare_eval_data(eval_data, "auto" if from_iterator else layout,
                                  array_batch_size, check_finite)
    check_before_training(symbol, train_iter, eval_iter, batch, input_shapes, output_shapes,
                           input_names, output_names, from_iterator)
    check_metric(eval_metric)
    kv = store.type if store is not None else create_kvstore(kvstore, arg_params,
                                                             len(ctx_list), verbose)
    if resuming.finished(num_round):
        return resuming.finished_model(symbol, arg_params, aux_params)
    trainer = Trainer(
        symbol=symbol, ctx=ctx_list, input_shapes=input_shapes, output_shapes=output_shapes,
        arg_params=arg_params, aux_params=aux_params, begin_round=int(begin_round),
        end_round=int(num_round), optimizer=opt, train_data=train_iter, eval_data=eval_iter,
        metric=eval_metric, callbacks={
            "train.begin": train_begin_callback, "epoch.begin": epoch_begin_callback,
            "batch.begin": batch_begin_callback, "batch.end": batch_end_callback,
            "epoch.end": epoch_end_callback, "train.end": train_end_callback},
        kvstore=kv, fixed_param=fixed_param, verbose=verbose, metric_cpu=metric_cpu,
        check_finite=bool(check_finite), plugins=(
            *([distributed.DistributedTraining(store)] if store is not None else []),
            DryRun(), *resuming.plugins(plugins)),
        env=env)
    return distributed.run(trainer, store)


def _names(names) -> list[str] | None:
    """input.names / output.names: one name (R's "label") or several."""
    return [names] if isinstance(names, str) else names


def _option(kwargs: dict, name: str, value):
    """An argument of create that R passed in ``...`` with its dotted name (check.finite)."""
    dotted = name.replace("_", ".")
    return kwargs.pop(dotted) if dotted in kwargs else value


def _make_optimizer(optimizer, batch_size: int, kwargs: dict) -> opt_mod.Optimizer:
    """The optimizer; unknown extra keywords are an error naming the closest valid one.

    With an optimizer object, the extra keywords are checked but ignored (as R ignores ``...``).
    """
    if isinstance(optimizer, opt_mod.Optimizer):
        cls: type[opt_mod.Optimizer] | None = type(optimizer)
    elif isinstance(optimizer, str):
        cls = opt_mod.OPTIMIZERS.get(optimizer)
    else:
        raise invalid_value("optimizer", optimizer, 'an optimizer name such as "sgd", or an '
                            "optimizer object")
    if cls is not None:
        own = tuple(p.replace("_", ".") for p in inspect.signature(create).parameters
                    if p not in ("kwargs", "env"))
        kwargs = normalize_kwargs(cls.__init__, kwargs, "mx.model.FeedForward.create",
                                  also_valid=own)
    if isinstance(optimizer, opt_mod.Optimizer):
        return optimizer
    if any(k.replace(".", "_") == "rescale_grad" for k in kwargs):
        raise MXValueError('formal argument "rescale.grad" matched by multiple actual arguments '
                           "(the trainer sets it to 1/batch size)")
    return opt_mod.create(optimizer, rescale_grad=1.0 / batch_size, **kwargs)


#: The kvstore types of MXNet that train on one machine (all the same here: devices.py).
KVSTORES = ("local", "device", "local_update_cpu", "local_allreduce_cpu", "local_allreduce_device")


def create_kvstore(kvstore, arg_params: dict, ndevice: int, verbose: bool = True):
    """The kvstore type MXNet R would use (``mx.model.create.kvstore``); None for one device.

    The name is checked whatever the device count: a misspelt one is an error rather than
    silently ignored. The distributed kinds are training/distributed.py's.
    """
    if not isinstance(kvstore, str):
        raise MXTypeError("kvstore must be either MXKVStore or a string")
    if kvstore not in KVSTORES:
        raise invalid_value("kvstore", kvstore, f"one of {', '.join(KVSTORES)}")
    if ndevice == 1:
        return None
    if kvstore == "local":
        largest = max((v.size for v in arg_params.values()), default=0)
        kvstore = "local_update_cpu" if largest < 16 * 1024 * 1024 else "local_allreduce_cpu"
        if verbose:
            message("Auto-select kvstore type = ", kvstore)
    return kvstore
