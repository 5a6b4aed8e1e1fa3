"""``mx.model.FeedForward.create`` and the model it returns (spec sections 1, 3 and 5)."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from . import context, initializer as init_mod, io, optimizer as opt_mod
from .console import message
from .errors import MXShapeError, MXTypeError, MXValueError, invalid_value
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
                           allow_extra: bool) -> dict:
    if given is None:
        return initial
    if not isinstance(given, dict):
        raise invalid_value(kind, type(given).__name__, "a named list/dict of arrays")
    names = set(symbol.arguments() if kind == "arg.params" else symbol.auxiliary_states())
    out = {}
    for name, value in given.items():
        value = np.asarray(value, dtype=np.float32)
        if name not in names:
            if allow_extra:
                continue
            raise MXValueError(f"Invalid value for argument `{kind}`: `{name}` is not a parameter "
                               f"of the network (cannot find key {name} in the array "
                               f"arg.arrays). Use allow.extra.params=TRUE to drop it.")
        if name in initial and value.shape != initial[name].shape:
            raise MXShapeError(f"Invalid value for argument `{kind}`: `{name}` has shape "
                               f"{value.shape}; expected {initial[name].shape} (backend order).")
        out[name] = value
    return out


# -------------------------------------------------------------------------------------------
# Data


def _as_array(X) -> np.ndarray:
    """numpy from an array, matrix or (numeric) pandas DataFrame."""
    if hasattr(X, "to_numpy") and hasattr(X, "columns"):
        frame = X
        bad = [c for c in frame.columns if not np.issubdtype(frame[c].dtype, np.number)
               and frame[c].dtype != bool]
        if bad:
            raise invalid_value("X", f"a data frame with non-numeric column {bad[0]!r}",
                                "numeric columns (convert factors first)")
        X = frame.to_numpy(dtype=np.float64)
    try:
        return np.asarray(X, dtype=np.float32)
    except (TypeError, ValueError):
        raise invalid_value("X", type(X).__name__, "a numeric array or data iterator") from None


def _prepare_train_data(X, y, batch_size: int, layout: str):
    if isinstance(X, io.DataIter):
        return X, "auto"
    X = _as_array(X)
    if y is not None:
        y = _as_array(y)
    if layout == "auto":
        layout = io.select_layout_train(X, y)
    return io.init_iter(io.to_backend(X, layout), y, batch_size, is_train=True), layout


def _prepare_eval_data(eval_data, layout: str, batch_size: int):
    if eval_data is None or isinstance(eval_data, io.DataIter):
        return eval_data
    if not isinstance(eval_data, dict):
        raise MXValueError("The validation set should be either a mx.io.DataIter or a R list")
    if eval_data.get("data") is None or eval_data.get("label") is None:
        raise MXValueError("Please provide the validation set as list(data=R.array, "
                           "label=R.array)")
    X, y = _as_array(eval_data["data"]), _as_array(eval_data["label"])
    if layout == "auto":
        layout = io.select_layout_train(X, y)
    return io.init_iter(io.to_backend(X, layout), y, batch_size, is_train=True)


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
           plugins=(), env=None, **kwargs: Any) -> FeedForwardModel:
    """Train a network (``mx.model.FeedForward.create``); keyword names in R or Python spelling.

    Extra keywords (``learning_rate``, ``momentum``, ``wd``...) go to the optimizer.
    Every ``*_callback`` takes a function or a list of functions (called in order);
    the return protocol is described in hooks.py. ``check_finite`` stops training at
    the first NaN/Inf weight or output and returns the last finite model. The
    returned model also carries ``history`` (one record per epoch and phase),
    ``callback_time`` and ``stop_reason``.

    Example:
        >>> model = create(lro, X=train_x, y=train_y, num_round=10, array_batch_size=20,
        ...                learning_rate=2e-6, momentum=0.9, eval_metric=mx.metric.rmse)  # doctest: +SKIP
    """
    from .trainer import Trainer
    if not isinstance(symbol, Symbol):
        raise MXTypeError("symbol needs to be MXSymbol")
    _check_rounds(begin_round, num_round)
    _check_batch_size(array_batch_size)
    train_iter, layout = _prepare_train_data(X, y, array_batch_size, array_layout)
    batch = _peek(train_iter)
    input_shapes, output_shapes = _io_shapes(symbol, batch, input_names, output_names)
    initial_arg, initial_aux = init_params(symbol, input_shapes, output_shapes,
                                           initializer or init_mod.uniform(0.01))
    arg_params = _check_param_overrides(symbol, arg_params, initial_arg, "arg.params",
                                        allow_extra_params)
    aux_params = _check_param_overrides(symbol, aux_params, initial_aux, "aux.params",
                                        allow_extra_params)
    ctx_list = context.normalize(ctx)
    opt = _make_optimizer(optimizer, next(iter(input_shapes.values()))[0], kwargs)
    eval_iter = _prepare_eval_data(eval_data, layout if not isinstance(X, io.DataIter)
                                   else "auto", array_batch_size)
    if eval_metric is not None and not isinstance(eval_metric, Metric):
        raise invalid_value("eval.metric", eval_metric, "a metric such as mx.metric.rmse")
    kv = create_kvstore(kvstore, arg_params, len(ctx_list), verbose)
    trainer = Trainer(
        symbol=symbol, ctx=ctx_list, input_shapes=input_shapes, output_shapes=output_shapes,
        arg_params=arg_params, aux_params=aux_params, begin_round=int(begin_round),
        end_round=int(num_round), optimizer=opt, train_data=train_iter, eval_data=eval_iter,
        metric=eval_metric, callbacks={
            "train.begin": train_begin_callback, "epoch.begin": epoch_begin_callback,
            "batch.begin": batch_begin_callback, "batch.end": batch_end_callback,
            "epoch.end": epoch_end_callback, "train.end": train_end_callback},
        kvstore=kv, fixed_param=fixed_param, verbose=verbose, metric_cpu=metric_cpu,
        check_finite=bool(check_finite), plugins=plugins, env=env)
    return trainer.run()


def _check_rounds(begin_round, num_round) -> None:
    for arg, value in (("begin.round", begin_round), ("num.round", num_round)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
                or value != int(value):
            raise invalid_value(arg, value, "a whole number")
    if num_round < begin_round:
        raise invalid_value("num.round", num_round,
                            f"num.round >= begin.round ({begin_round}); num.round is the index "
                            f"of the last epoch, not a count")


def _check_batch_size(value) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or value != int(value) or value < 1:
        raise invalid_value("array.batch.size", value, "a whole number >= 1")


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
    X = _as_array(X)
    if X.size == 0:
        raise MXValueError("Cannot predict on empty iterator")
    if layout == "auto":
        layout = io.select_layout_predict(X, lambda n: _fits(model, n))
    data = io.to_backend(X, layout)
    _check_features(model, data)
    return io.init_iter(data, None, min(data.shape[0], batch_size), is_train=False)


def _fits(model: FeedForwardModel, n_features: int) -> bool:
    try:
        shapes = model.symbol.infer_shape(data=(1, n_features))
    except (MXShapeError, ValueError):
        return False
    if shapes is None:
        return False
    return all(model.arg_params[k].shape == s for k, s in shapes[0].items() if k in model.arg_params)


def _check_features(model: FeedForwardModel, data: np.ndarray) -> None:
    if data.ndim == 2 and not _fits(model, data.shape[1]):
        weights = {k: v.shape for k, v in model.arg_params.items()}
        raise MXShapeError(f"Invalid value for argument `X`: {data.shape[1]} features per sample "
                           f"do not fit the model's parameters ({weights}).")
