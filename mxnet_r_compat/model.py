"""``mx.model.FeedForward.create`` and the model it returns (spec sections 1, 3 and 5)."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from . import context, initializer as init_mod, io, optimizer as opt_mod
from .console import message
from .errors import (MXShapeError, MXTypeError, MXValueError, invalid_argument, invalid_shape,
                     invalid_value)
from .executor import Executor
from .metric import Metric
from .symbol import Symbol

_last_model: list[Any] = [None]


def set_last_model(model: FeedForwardModel | None) -> None:
    _last_model[0] = model


def last() -> FeedForwardModel | None:
    """The model of the last completed epoch of the most recent training run.

    It survives a failing callback, an error or Ctrl-C (``mx.model.last()``).

    Example:
        >>> model = last()   # None before any training
    """
    return _last_model[0]


class FeedForwardModel:
    """A trained network: ``symbol``, ``arg_params`` and ``aux_params`` (backend order).

    Example:
        >>> model.predict(test_x).shape   # doctest: +SKIP
        (337, 1)
    """

    def __init__(self, symbol: Symbol, arg_params: dict[str, np.ndarray],
                 aux_params: dict[str, np.ndarray] | None = None) -> None:
        self.symbol = symbol
        self.arg_params = dict(arg_params)
        self.aux_params = dict(aux_params or {})
        self.history: list[dict[str, Any]] = []      # filled by training: one row per epoch/phase
        self.callback_time: list[dict[str, Any]] = []
        self.stop_reason: str | None = None

    def predict(self, X, *args: Any, **kwargs: Any) -> np.ndarray:
        """Outputs for ``X``, samples first: ``(n, outputs)``. See :func:`predict`.

        Keywords in R or Python spelling (``array.batch.size`` or ``array_batch_size``).
        """
        from .rnames import normalize_kwargs
        return predict(self, X, *args, **normalize_kwargs(predict, kwargs, "predict"))

    def __getitem__(self, key: str) -> Any:  # model["arg.params"], as R's model$arg.params
        return getattr(self, key.replace(".", "_"))

    def __repr__(self) -> str:
        params = sum(v.size for v in self.arg_params.values())
        return (f"<MXFeedForwardModel: {len(self.arg_params)} arg params ({params} values), "
                f"{len(self.aux_params)} aux params; outputs {', '.join(self.symbol.outputs())}>")


# -------------------------------------------------------------------------------------------
# Parameters


def init_params(symbol: Symbol, input_shape: dict, output_shape: dict,
                initializer, ctx=None) -> tuple[dict, dict]:
    """Initial ``(arg_params, aux_params)`` for the given data and label shapes.

    Weights are drawn in argument order (``mx.model.init.params``; the argument
    names are R's ``input.shape`` / ``output.shape``, named lists of shapes).
    """
    if not isinstance(symbol, Symbol):
        raise MXTypeError("symbol needs to be MXSymbol")
    shapes = symbol.infer_shape(**input_shape, **output_shape)
    if shapes is None:
        raise MXShapeError("Not enough information to get shapes")
    arg_shapes, _, aux_shapes = shapes
    arg_params = init_mod.create(initializer, arg_shapes, ctx, skip_unknown=True)
    aux_params = init_mod.create(initializer, aux_shapes, ctx, skip_unknown=False)
    return arg_params, aux_params


def _check_param_overrides(symbol: Symbol, given: dict | None, initial: dict, kind: str,
                           allow_extra: bool, check_finite: bool = True) -> dict:
    if given is None:
        return initial
    if not isinstance(given, dict):
        raise invalid_value(kind, type(given).__name__, "a named list/dict of arrays")
    names = symbol.arguments() if kind == "arg.params" else symbol.auxiliary_states()
    out = {}
    for name, value in given.items():
        if name not in names:
            if allow_extra:
                continue
            params = [n for n in names if n in initial]
            raise MXValueError(f"Invalid value for argument `{kind}`. Received: an entry named "
                               f"`{name}`, which is not a parameter of the network (cannot find "
                               f"key {name} in the array arg.arrays). Expected names among "
                               f"{', '.join(params) or 'none'}; use allow.extra.params=TRUE to "
                               f"drop the others.")
        value = io.as_numeric(value, f"{kind}${name}")
        if name in initial and value.shape != initial[name].shape:
            want = initial[name].shape
            raise MXShapeError(f"Invalid value for argument `{kind}`. Received: `{name}` of "
                               f"shape {value.shape} (R dim {_r_dim(value.shape)}). Expected "
                               f"shape {want} (R dim {_r_dim(want)}), as the network and the "
                               f"data define it.")
        if check_finite:
            io.check_finite(value, f"{kind}${name}")
        out[name] = value
    return out


def _r_dim(shape: tuple) -> str:
    """A backend shape as R's dim: ``(1, 3)`` -> ``c(3, 1)``."""
    return "c(" + ", ".join(str(d) for d in reversed(shape)) + ")"


# -------------------------------------------------------------------------------------------
# Data


def train_layout(X, y=None, layout: str = "auto", check_finite: bool = True) -> str:
    """The layout :func:`create` uses for array input ``X``: ``layout`` unless it is "auto",
    else the detected one, announced with MXNet's LayoutWarning. Runs create's checks of
    ``X`` and ``y`` first, so it fails exactly as create would. The R package calls it before
    training (R/model.R), where MXNet R detected the layout, so the warning precedes the
    training messages.

    Example:
        >>> train_layout(np.zeros((5, 3)), np.zeros(5))     # warns: "... use rowmajor.."
        'rowmajor'
    """
    if isinstance(X, io.DataIter):
        return "auto"
    return _checked_train_data(X, y, layout, check_finite)[2]


def _checked_train_data(X, y, layout: str, check_finite: bool):
    X = io.as_data(X, "X")
    if y is not None:
        y = io.as_numeric(y, "y")
    io.check_not_empty(X, "X")
    if check_finite:
        io.check_finite(X, "X")
        if y is not None:
            io.check_finite(y, "y")
    if layout == "auto":
        if y is not None and X.ndim == 2 and y.ndim <= 1:
            _check_layout_candidates(X, y)
        layout = io.select_layout_train(X, y)
    return X, y, layout


def _prepare_train_data(X, y, batch_size: int, layout: str, check_finite: bool = True):
    if isinstance(X, io.DataIter):
        return X, "auto"
    X, y, layout = _checked_train_data(X, y, layout, check_finite)
    data = io.to_backend(X, layout)
    if y is not None:
        io.check_label_count(data.shape[0], y, "y", _samples_text(X, layout, "X"))
    return io.init_iter(data, y, batch_size, is_train=True), layout


def _samples_text(X: np.ndarray, layout: str, arg: str) -> str:
    if X.ndim != 2:
        return f"{arg} has {X.shape[0]} samples (its first dimension)"
    if layout == "rowmajor":
        return (f"{arg} has {X.shape[0]} samples (array.layout=\"rowmajor\": rows are samples, "
                f"and {arg} has {X.shape[1]} columns)")
    return (f"{arg} has {X.shape[1]} samples (array.layout=\"colmajor\": columns are samples, "
            f"and {arg} has {X.shape[0]} rows)")


def _check_layout_candidates(X: np.ndarray, y: np.ndarray) -> None:
    """array.layout="auto" with no candidate at all is a label count problem, not a layout one
    (MXNet said "Cannot auto select array.layout" for this too). Vector labels only: matrix
    labels take part in MXNet's rule untransposed, and keep its message."""
    r_dims = np.shape(y)[::-1] or (1,)
    if X.shape[0] != r_dims[0] and X.shape[1] != r_dims[-1]:
        n = y.shape[0] if y.ndim else 1
        raise invalid_shape("y", f"{n} labels ({io.describe(y)})",
                               f"one label per sample of X, which is {io.describe(X)}: as many "
                               f"labels as X has rows (rows are samples) or columns (columns "
                               f"are samples)")


def _prepare_eval_data(eval_data, layout: str, batch_size: int, check_finite: bool = True):
    if eval_data is None or isinstance(eval_data, io.DataIter):
        return eval_data
    if not isinstance(eval_data, dict):
        raise MXValueError("The validation set should be either a mx.io.DataIter or a R list")
    if eval_data.get("data") is None or eval_data.get("label") is None:
        raise MXValueError("Please provide the validation set as list(data=R.array, "
                           "label=R.array)")
    X = io.as_data(eval_data["data"], "eval.data$data")
    y = io.as_numeric(eval_data["label"], "eval.data$label")
    io.check_not_empty(X, "eval.data$data")
    if check_finite:
        io.check_finite(X, "eval.data$data")
        io.check_finite(y, "eval.data$label")
    if layout == "auto":
        layout = io.select_layout_train(X, y)
    data = io.to_backend(X, layout)
    io.check_label_count(data.shape[0], y, "eval.data$label",
                         _samples_text(X, layout, "eval.data$data"))
    return io.init_iter(data, y, batch_size, is_train=True)


def _check_eval_fits(eval_iter: io.DataIter | None, train_batch: dict, input_names,
                     output_names) -> None:
    """The validation data has the training data's per-sample shapes (checked on its first
    batch, before training: MXNet failed after the first epoch)."""
    if eval_iter is None:
        return
    eval_iter.reset()
    has_batch = eval_iter.iter_next()
    batch = eval_iter.value() if has_batch else {}
    eval_iter.reset()
    if not has_batch:
        raise invalid_argument("eval.data", "an empty validation set",
                                  "at least one sample")
    fields = list(input_names or ["data"]) + list(output_names or ["label"])
    for field in fields:
        if field not in batch or field not in train_batch:
            continue
        got, want = batch[field].shape[1:], train_batch[field].shape[1:]
        if got != want and int(np.prod(got)) != int(np.prod(want)):
            what = "features" if field in (input_names or ["data"]) else "label values"
            raise invalid_shape(f"eval.data${field}",
                                   f"{int(np.prod(got))} {what} per sample (shape {got})",
                                   f"{int(np.prod(want))} {what} per sample (shape {want}), "
                                   f"as in the training data")


def _check_class_labels(symbol: Symbol, shapes: dict, labels: dict[str, np.ndarray]) -> None:
    """Class-index labels of a SoftmaxOutput head must be in [0, classes): MXNet read
    anything else as a random class; the C core refuses it in the middle of training."""
    node = symbol.outputs_[0][0] if len(symbol.outputs_) == 1 else None
    if node is None or node.op not in ("SoftmaxOutput", "Softmax"):
        return
    p = node.params
    if p.get("multi_output") or p.get("preserve_shape") or len(node.inputs) < 2:
        return
    label_var = node.inputs[1][0]
    inferred = symbol.infer_shape(**shapes)
    if inferred is None or label_var.op is not None:
        return
    out_shape = inferred[1][0]
    label_shape = inferred[0].get(label_var.name)
    if label_shape is not None and tuple(label_shape) == tuple(out_shape):
        return  # probability labels
    n_classes = int(np.prod(out_shape[1:]))
    ignore = float(p["ignore_label"]) if p.get("use_ignore") else None
    for arg, y in labels.items():
        if y is not None:
            io.check_class_labels(y, n_classes, arg, f"the network's SoftmaxOutput "
                                  f"`{node.name}`", ignore)


def _values(shape: tuple) -> str:
    n = int(np.prod(shape[1:])) if len(shape) > 1 else 1
    return f"{n} value{'s' if n != 1 else ''}"


def _label_shape_error(symbol: Symbol, input_shapes: dict, output_shapes: dict,
                       err: MXShapeError, arg: str) -> MXShapeError:
    """Name the label argument when shape inference fails because of the label's shape."""
    try:
        alone = symbol.infer_shape(**input_shapes)
    except (MXShapeError, ValueError):
        return err
    if alone is None:
        return err
    for name, given in output_shapes.items():
        want = alone[0].get(name)
        if want is not None and tuple(want) != tuple(given):
            return invalid_shape(arg, f"labels of shape {tuple(given)} per batch "
                                 f"({_values(given)} per sample)",
                                 f"shape {tuple(want)} per batch ({_values(want)} per sample) "
                                 f"for the network's label `{name}` ({err})")
    return err


def _peek(it: io.DataIter) -> dict[str, np.ndarray]:
    if not it.iter_next():
        it.reset()
        if not it.iter_next():
            raise MXValueError("Empty input")
    return it.value()


def _io_shapes(symbol: Symbol, batch: dict, input_names, output_names):
    input_names = list(input_names or ["data"])
    missing = [n for n in input_names if n not in batch]
    if missing:
        raise invalid_value("input.names", input_names,
                            f"names of the data iterator's fields ({', '.join(batch)})")
    inputs = {n: batch[n].shape for n in input_names}
    if output_names is None:
        labels = [a for a in symbol.arguments() if a.endswith("label")]
        if len(labels) != 1:
            raise MXValueError(
                f"The network must have exactly one argument whose name ends in \"label\" "
                f"(found {len(labels)}: {', '.join(labels) or 'none'}); end it with an output "
                f"layer such as mx.symbol.LinearRegressionOutput or give output.names.")
        outputs = {labels[0]: batch["label"].shape}
    else:
        outputs = {n: batch[n].shape for n in output_names}
    return inputs, outputs


def create_kvstore(kvstore, arg_params: dict, ndevice: int, verbose: bool = True):
    """The kvstore type MXNet R would use (``mx.model.create.kvstore``); None for one device."""
    if not isinstance(kvstore, str):
        raise MXTypeError("kvstore must be either MXKVStore or a string")
    if ndevice == 1:
        return None
    if kvstore == "local":
        largest = max((v.size for v in arg_params.values()), default=0)
        kvstore = "local_update_cpu" if largest < 16 * 1024 * 1024 else "local_allreduce_cpu"
        if verbose:
            message("Auto-select kvstore type = ", kvstore)
    if kvstore.startswith("dist"):
        raise invalid_value("kvstore", kvstore, "a local kvstore (distributed training is not "
                            "supported)")
    return kvstore


# -------------------------------------------------------------------------------------------
# Training


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
        ...                learning_rate=2e-6, momentum=0.9, eval_metric=mx.metric.rmse)  # doctest: +SKIP
    """
    from .callbacks.dry_run import DryRun
    from .trainer import Trainer
    if not isinstance(symbol, Symbol):
        raise MXTypeError("symbol needs to be MXSymbol")
    _check_rounds(begin_round, num_round)
    _check_batch_size(array_batch_size)
    check_finite = _option(kwargs, "check_finite", check_finite)
    _check_hyperparameters(kwargs)
    from . import resume as resume_mod
    resuming = resume_mod.plan(resume=resume, checkpoint=checkpoint, period=checkpoint_period,
                               on_error=checkpoint_on_error, begin_round=begin_round,
                               given_params=arg_params is not None or aux_params is not None,
                               extra=kwargs, verbose=verbose)
    train_iter, layout = _prepare_train_data(X, y, array_batch_size, array_layout,
                                             check_finite)
    batch = _peek(train_iter)
    input_shapes, output_shapes = _io_shapes(symbol, batch, input_names, output_names)
    initial_arg, initial_aux = _init_params_checked(symbol, input_shapes, output_shapes,
                                                    initializer, isinstance(X, io.DataIter))
    arg_params = _check_param_overrides(symbol, arg_params, initial_arg, "arg.params",
                                        allow_extra_params, check_finite)
    aux_params = _check_param_overrides(symbol, aux_params, initial_aux, "aux.params",
                                        allow_extra_params, check_finite)
    if resuming.checkpoint is not None:
        arg_params, aux_params = resuming.params(symbol, input_shapes, output_shapes)
        begin_round = resuming.begin_round
    ctx_list = context.normalize(ctx)
    opt = _make_optimizer(optimizer, next(iter(input_shapes.values()))[0], kwargs)
    eval_iter = _prepare_eval_data(eval_data, layout if not isinstance(X, io.DataIter)
                                   else "auto", array_batch_size, check_finite)
    _check_before_training(symbol, train_iter, eval_iter, batch, input_shapes, output_shapes,
                           input_names, output_names, isinstance(X, io.DataIter))
    _check_metric(eval_metric)
    kv = create_kvstore(kvstore, arg_params, len(ctx_list), verbose)
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
        check_finite=bool(check_finite), plugins=(DryRun(), *resuming.plugins(plugins)),
        env=env)
    return trainer.run()


def _option(kwargs: dict, name: str, value):
    """An argument of create that R passed in ``...`` with its dotted name (check.finite)."""
    dotted = name.replace("_", ".")
    return kwargs.pop(dotted) if dotted in kwargs else value


def _check_hyperparameters(kwargs: dict) -> None:
    """Numeric optimizer arguments must be finite (Inf passed the optimizers' own range
    checks and failed inside the first update)."""
    for key, value in kwargs.items():
        if isinstance(value, (float, np.floating)) and not np.isfinite(value):
            raise invalid_value(key.replace("_", "."), float(value), "a finite number")


def _init_params_checked(symbol: Symbol, input_shapes: dict, output_shapes: dict, initializer,
                         from_iterator: bool) -> tuple[dict, dict]:
    try:
        return init_params(symbol, input_shapes, output_shapes,
                           initializer or init_mod.uniform(0.01))
    except MXShapeError as err:
        raise _label_shape_error(symbol, input_shapes, output_shapes, err,
                                 "X" if from_iterator else "y") from err


def _check_before_training(symbol: Symbol, train_iter, eval_iter, batch: dict, input_shapes,
                           output_shapes, input_names, output_names, from_iterator: bool) -> None:
    """Checks that need the first batch: validation shapes and class labels."""
    _check_eval_fits(eval_iter, batch, input_names, output_names)
    labels = {}
    if isinstance(train_iter, io.ArrayIter) and not from_iterator:
        labels["y"] = train_iter.label
    if isinstance(eval_iter, io.ArrayIter):
        labels["eval.data$label"] = eval_iter.label
    if labels:
        _check_class_labels(symbol, {**input_shapes, **output_shapes}, labels)


def _check_metric(eval_metric) -> None:
    if eval_metric is None or isinstance(eval_metric, Metric):
        return
    if isinstance(eval_metric, str):
        from .metric import BUILTIN
        hint = (f"the metric object mx.metric.{eval_metric}, not its name"
                if eval_metric in BUILTIN else
                f"a metric object such as mx.metric.rmse (built in: {', '.join(BUILTIN)}; "
                f"or mx.metric.custom(name, feval))")
        raise invalid_value("eval.metric", eval_metric, hint)
    raise invalid_value("eval.metric", eval_metric, "a metric such as mx.metric.rmse")


def _whole(value) -> bool:
    numeric = isinstance(value, (int, float, np.integer, np.floating))
    return numeric and not isinstance(value, bool) and bool(np.isfinite(value)) \
        and value == int(value)


def _shown(value):
    """R passes whole numbers as doubles: show 2.0 as 2, as R prints it."""
    return int(value) if _whole(value) else value


def _check_rounds(begin_round, num_round) -> None:
    for arg, value in (("begin.round", begin_round), ("num.round", num_round)):
        if not _whole(value):
            raise invalid_value(arg, value, "a whole number")
    if num_round < begin_round:
        raise invalid_value("num.round", _shown(num_round),
                            f"num.round >= begin.round ({_shown(begin_round)}); num.round is the "
                            f"index of the last epoch, not a count")


def _check_batch_size(value) -> None:
    if not _whole(value) or value < 1:
        raise invalid_value("array.batch.size", _shown(value), "a whole number >= 1")


def _make_optimizer(optimizer, batch_size: int, kwargs: dict) -> opt_mod.Optimizer:
    """The optimizer; unknown extra keywords are an error naming the closest valid one.

    With an optimizer object, the extra keywords are checked but ignored (as R ignores ``...``).
    """
    from .rnames import normalize_kwargs
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


# -------------------------------------------------------------------------------------------
# Prediction


def predict(model: FeedForwardModel, X, ctx=None, array_batch_size: int = 128,
            array_layout: str = "auto", allow_extra_params: bool = False) -> np.ndarray:
    """Run the model on ``X``; returns the first output, samples first ``(n, ...)``.

    Example:
        >>> preds = predict(model, test_x)   # doctest: +SKIP
    """
    context.normalize(ctx)
    _check_batch_size(array_batch_size)
    it = _prediction_iter(model, X, array_batch_size, array_layout)
    it.reset()
    if not it.iter_next():
        raise MXValueError("Cannot predict on empty iterator")
    data = it.value()["data"]
    ex = Executor(model.symbol, {"data": data.shape}, grad_names=())
    ex.copy_params_from(model.arg_params, model.aux_params, allow_extra=allow_extra_params)
    outputs = []
    while True:
        np.copyto(ex.arg_arrays["data"], it.value()["data"])
        out = ex.forward(is_train=False)[0]
        keep = out.shape[0] - it.num_pad()
        outputs.append(out[:keep].copy())
        if not it.iter_next():
            break
    it.reset()
    return np.concatenate(outputs, axis=0)


def _prediction_iter(model: FeedForwardModel, X, batch_size: int, layout: str) -> io.DataIter:
    if isinstance(X, io.DataIter):
        return X
    X = io.as_data(X, "X")
    if X.size == 0:
        raise MXValueError("Cannot predict on empty iterator")
    if layout == "auto" and X.ndim == 2 and not _fits(model, X.shape[0]) \
            and not _fits(model, X.shape[1]):
        _check_features(model, X, "auto")
    if layout == "auto":
        layout = io.select_layout_predict(X, lambda n: _fits(model, n))
    data = io.to_backend(X, layout)
    _check_features(model, X, layout)
    return io.init_iter(data, None, min(data.shape[0], batch_size), is_train=False)


def _fits(model: FeedForwardModel, n_features: int) -> bool:
    try:
        shapes = model.symbol.infer_shape(data=(1, n_features))
    except (MXShapeError, ValueError):
        return False
    if shapes is None:
        return False
    return all(model.arg_params[k].shape == s for k, s in shapes[0].items() if k in model.arg_params)


def _check_features(model: FeedForwardModel, X: np.ndarray, layout: str) -> None:
    """X (as the caller passed it) has the feature count the model was trained with."""
    if X.ndim != 2:
        return
    n = X.shape[0] if layout == "colmajor" else X.shape[1]
    if layout != "auto" and _fits(model, n):
        return
    want = _expected_features(model)
    expected = (f"{want} features per sample, as the model was trained with"
                if want is not None else
                "a feature count that fits the model's parameters "
                f"({', '.join(f'{k}: {v.shape}' for k, v in model.arg_params.items())})")
    if layout == "auto":
        got = f"{io.describe(X)}: neither {X.shape[1]} (rows as samples) nor {X.shape[0]} " \
              f"(columns as samples) features per sample fit the model"
    else:
        got = f"{io.describe(X)} with {n} features per sample (array.layout=\"{layout}\")"
    raise invalid_shape("X", got, expected)


def _expected_features(model: FeedForwardModel) -> int | None:
    """The one feature count the model accepts, found among its parameter extents."""
    sizes = sorted({d for v in model.arg_params.values() for d in v.shape})
    fits = [n for n in sizes if _fits(model, n)]
    return fits[0] if len(fits) == 1 else None
