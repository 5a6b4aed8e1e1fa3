"""MXNet R's dotted names, in one table (``from mxnet_r_compat import mx``).

``R_API`` maps every ``mx.*`` name to the Python object that implements it;
:data:`mx` is a tree of namespaces built from it, so that
``mx.model.FeedForward.create`` and ``mx.callback.save.checkpoint`` work as
attribute paths. Python code inside the package never uses dotted names.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable
from typing import Any

from .. import io, viz
from .._args import with_kwargs as _with_kwargs
from ..dist import kvstore as dist_kvstore
from ..engine import context, lowlevel
from ..errors import MXValueError
from .. import ndarray as nd
from ..graph import symbol as sym
from ..learn import initializer, lr_scheduler, metric, optimizer, random
from ..ops import OPS
from ..training import callback, callbacks, fit, mlp, model, params, persistence, predict


def _op_function(op_name: str) -> Callable:
    def make(*args, **kwargs):
        return sym.create(op_name, *args, **kwargs)
    make.__name__ = op_name
    make.__doc__ = (f"mx.symbol.{op_name}: apply the {op_name} operator.\n\n"
                    f"Example:\n    >>> mx.symbol.{op_name}(mx.symbol.Variable('data'), ...)")
    return make


def _dotted_kwargs(fn: Callable) -> Callable:
    """``fn`` taking R-spelled keywords (``num.args``) too, at no cost without keywords (the
    ``mx.nd`` functions are called in loops)."""
    if isinstance(fn, type):
        return fn

    def wrapper(*args, **kwargs):
        if kwargs:
            kwargs = {k.replace(".", "_"): v for k, v in kwargs.items()}
        return fn(*args, **kwargs)
    wrapper.__name__ = getattr(fn, "__name__", "nd")
    wrapper.__doc__ = fn.__doc__
    wrapper.__wrapped__ = fn  # type: ignore[attr-defined]
    return wrapper


def _nd_names() -> dict[str, Any]:
    """``mx.nd.<name>`` for every NDArray function, also with dots (``mx.nd.slice.axis``)."""
    out: dict[str, Any] = {}
    for name, fn in nd.FUNCTIONS.items():
        wrapped = _dotted_kwargs(fn)
        out[f"mx.nd.{name}"] = wrapped
        out[f"mx.nd.{name.replace('_', '.')}"] = wrapped
    return out


def _infer_shape(symbol, *args, **shapes):
    if args:
        raise MXValueError("Need to pass parameters in key=value style.")
    return symbol.infer_shape(**shapes)


R_API: dict[str, Any] = {
    "mx.cpu": context.cpu, "mx.gpu": context.gpu, "mx.ctx.default": context.default,
    "mx.is.context": context.is_context,
    "mx.set.seed": random.set_seed, "mx.runif": random.runif, "mx.rnorm": random.rnorm,
    "mx.symbol.Variable": sym.Variable, "mx.symbol.Group": sym.Group,
    "mx.symbol.load": sym.load, "mx.symbol.load.json": sym.load_json,
    "mx.symbol.infer.shape": _infer_shape,
    "mx.model.FeedForward.create": _with_kwargs(fit.create, "mx.model.FeedForward.create"),
    "mx.model.init.params": params.init_params, "mx.model.last": model.last,
    "mx.model.save": persistence.save_model, "mx.model.load": persistence.load_model,
    "mx.model.predict": predict.predict, "mx.mlp": _with_kwargs(mlp.mlp, "mx.mlp"),
    "mx.metric.custom": metric.custom, "mx.metric.logger": callback.MetricLogger,
    **{f"mx.metric.{name}": m for name, m in metric.BUILTIN.items()},
    "mx.callback.save.checkpoint": callback.save_checkpoint,
    "mx.callback.log.train.metric": callback.log_train_metric,
    "mx.callback.log.speedometer": callback.log_speedometer,
    "mx.callback.early.stop": _with_kwargs(callback.early_stop, "mx.callback.early.stop"),
    "mx.init.uniform": initializer.uniform, "mx.init.normal": initializer.normal,
    "mx.init.Xavier": initializer.Xavier, "mx.init.create": initializer.create,
    "mx.init.internal.default": initializer.internal_default,
    "mx.opt.create": optimizer.create, "mx.opt.get.updater": optimizer.get_updater,
    **{f"mx.opt.{name}": _with_kwargs(cls, f"mx.opt.{name}")
       for name, cls in optimizer.OPTIMIZERS.items()},
    "mx.lr_scheduler.FactorScheduler": lr_scheduler.FactorScheduler,
    "mx.lr_scheduler.MultiFactorScheduler": lr_scheduler.MultiFactorScheduler,
    "mx.simple.bind": lowlevel.simple_bind, "mx.simple_bind": lowlevel.simple_bind,
    "mx.symbol.bind": lowlevel.bind,
    "mx.exec.forward": lowlevel.forward, "mx.exec.backward": lowlevel.backward,
    "mx.exec.update.arg.arrays": lowlevel.update_arg_arrays,
    "mx.exec.update.aux.arrays": lowlevel.update_aux_arrays,
    "mx.exec.update.grad.arrays": lowlevel.update_grad_arrays,
    "mx.kv.create": dist_kvstore.create,
    "mx.io.arrayiter": io.ArrayIter, "mx.io.extract": io.extract,
    "mx.io.CSVIter": io.CSVIter, "mx.io.MNISTIter": io.MNISTIter,
    **{f"mx.symbol.{name}": _op_function(name) for name in OPS},
    **_nd_names(),
}

# Callbacks beyond MXNet R (docs/CALLBACKS.md) and learning curves.
R_API.update({
    "mx.callback.early.stopping": callbacks.early_stopping,
    "mx.callback.model.checkpoint": callbacks.model_checkpoint,
    "mx.callback.csv.logger": callbacks.csv_logger,
    "mx.callback.terminate.on.nan": callbacks.terminate_on_nan,
    "mx.callback.reduce.lr.on.plateau": callbacks.reduce_lr_on_plateau,
    "mx.callback.lr.scheduler": callbacks.lr_scheduler,
    "mx.callback.timer": callbacks.timer,
    "mx.callback.progress.bar": callbacks.progress_bar,
    "mx.callback.every": callbacks.every,
    "mx.callback.safe": callbacks.safe,
    "mx.model.checkpoint.best": callbacks.checkpoint.best,
    "mx.viz.plot_history": viz.plot_history,
    "mx.viz.plot": viz.plot,
    "mx.viz.plot_network": viz.plot_network,
    "mx.viz.network_dot": viz.network_dot,
})


def _r_callable(dotted: str, obj: Any) -> Any:
    """Every function and class of the table takes keywords in R or Python spelling."""
    if obj is callback.MetricLogger or obj is nd.NDArray or hasattr(obj, "__wrapped__"):
        return obj  # a reference class (``$new()``), or wrapped above
    if inspect.isfunction(obj) or isinstance(obj, type):
        return _with_kwargs(obj, dotted)
    return obj



def _python_spellings(table: dict[str, Any]) -> dict[str, Any]:
    """``mx.callback.early_stopping`` for ``mx.callback.early.stopping``: every callback
    also under its Python name (the Python column of docs/CALLBACKS.md), the same object."""
    out = {}
    for dotted, obj in table.items():
        if dotted.startswith("mx.callback.") and dotted.count(".") > 2:
            out["mx.callback." + dotted[len("mx.callback."):].replace(".", "_")] = obj
    return out


R_API = {name: _r_callable(name, obj) for name, obj in R_API.items()}
R_API.update(_python_spellings(R_API))


class Namespace:
    """One level of the dotted-name tree; unknown names get a "did you mean" error."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._children: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        children = object.__getattribute__(self, "_children")
        if name in children:
            return children[name]
        close = difflib.get_close_matches(name, list(children), n=1)
        hint = f" Did you mean {self._path}.{close[0]}?" if close else ""
        raise AttributeError(f"{self._path} has no member `{name}`.{hint}")

    def __dir__(self) -> list[str]:
        return sorted(self._children)

    def __repr__(self) -> str:
        return f"<namespace {self._path}: {', '.join(sorted(self._children))}>"


def _attach(root: Namespace, dotted: str, obj: Any) -> None:
    parts = dotted.split(".")[1:]
    node: Any = root
    for i, part in enumerate(parts[:-1]):
        if isinstance(node, Namespace):
            child = node._children.get(part)
        else:
            child = getattr(node, part, None)
        if child is None:
            child = Namespace("mx." + ".".join(parts[: i + 1]))
            node._children[part] = child
        node = child
    leaf = parts[-1]
    if isinstance(node, Namespace):
        existing = node._children.get(leaf)
        if isinstance(existing, Namespace):  # a prefix seen first: move its children onto obj
            for k, v in existing._children.items():
                setattr(obj, k, v)
        node._children[leaf] = obj
    else:
        setattr(node, leaf, obj)


def build_namespace() -> Namespace:
    """The ``mx`` object: every name of :data:`R_API` as an attribute path."""
    root = Namespace("mx")
    for dotted in sorted(R_API, key=lambda n: n.count(".")):
        _attach(root, dotted, R_API[dotted])
    return root


mx = build_namespace()
