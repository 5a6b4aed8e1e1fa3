"""The checks ``mx.model.FeedForward.create`` runs before the first batch.

Each failure is an error naming the argument, what was received and what was expected
(docs/RELIABILITY.md), instead of a failure deep inside training."""

from __future__ import annotations

import warnings

import numpy as np

from .. import io
from .._args import number, shown
from ..errors import MXValueError, arg_name, invalid_argument, invalid_shape, invalid_value
from ..graph.roles import shared_names
from ..graph.symbol import Symbol
from ..learn.metric import BUILTIN, Metric
from ..ops import get_op


def io_shapes(symbol: Symbol, batch: dict, input_names, output_names):
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


class SharedNameWarning(UserWarning):
    """Distinct variables of the network have one name, so they share one array."""


def check_variable_names(symbol: Symbol, data_names) -> None:
    """Warn when distinct parameter variables share a name (two layers both named "fc", or a
    hand-made ``Variable("fc_weight")`` next to the one a layer made): arrays are bound by
    name, so they silently become one parameter. Variables fed by the data (``data``,
    labels) may repeat: every copy receives the data, as in MXNet. One warning names them all.
    """
    shared = []
    for name, found in shared_names(symbol).items():
        if name in data_names:
            continue
        roles = " and ".join(v.describe() for v in found)
        if len({v.describe() for v in found}) == 1 and found[0].uses:
            layer = found[0].uses[0][0].name
            roles = f"each {found[0].describe()}: {len(found)} layers are named `{layer}`"
        shared.append(f"{len(found)} different variables named `{name}` ({roles})")
    if shared:
        warnings.warn(f"The network has {'; '.join(shared)}. Variables with one name share one "
                      f"array, so they are trained as one parameter. Give them different names, "
                      f"or pass the same mx.symbol.Variable to both layers to share on purpose.",
                      SharedNameWarning, stacklevel=4)


def _check_eval_fits(eval_iter: io.DataIter | None, train_batch: dict, input_names,
                     output_names) -> None:
    """The validation data has the training data's per-sample shapes (checked on its first
    batch, before training: MXNet failed after the first epoch)."""
    if eval_iter is None:
        return
    eval_iter.reset()
    has_batch = eval_iter.iter_next()
    batch = eval_iter.arrays() if has_batch else {}
    eval_iter.reset()
    if not has_batch:
        raise invalid_argument("eval.data", "an empty validation set",
                                  "at least one sample")
    fields = list(input_names or ["data"]) + list(output_names or ["label"])
    if isinstance(eval_iter, io.CheckedIter):  # a user-defined iterator
        io.check_fields(eval_iter, batch, fields, "the fields of the training data")
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
    """Class-index labels (of a SoftmaxOutput head: ``Op.class_labels``) must be in
    [0, classes): MXNet read anything else as a random class; the C core refuses it in the
    middle of training."""
    node = symbol.outputs_[0][0] if len(symbol.outputs_) == 1 else None
    if node is None or node.op is None:
        return
    op = get_op(node.op)
    spec = op.class_labels(node.params)
    if spec is None or len(node.inputs) <= spec[0]:
        return
    label_index, ignore = spec
    label_var = node.inputs[label_index][0]
    inferred = symbol.infer_shape(**shapes)
    if inferred is None or label_var.op is not None:
        return
    out_shape = inferred[1][0]
    label_shape = inferred[0].get(label_var.name)
    if label_shape is not None and tuple(label_shape) == tuple(out_shape):
        return  # probability labels
    n_classes = int(np.prod(out_shape[1:]))
    for arg, y in labels.items():
        if y is not None:
            io.check_class_labels(y, n_classes, arg, f"the network's {op.name} "
                                  f"`{node.name}`", ignore)


def check_before_training(symbol: Symbol, train_iter, eval_iter, batch: dict, input_shapes,
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


def check_metric(eval_metric) -> None:
    if eval_metric is None or isinstance(eval_metric, Metric):
        return
    if isinstance(eval_metric, str):
        hint = (f"the metric object mx.metric.{eval_metric}, not its name"
                if eval_metric in BUILTIN else
                f"a metric object such as mx.metric.rmse (built in: {', '.join(BUILTIN)}; "
                f"or mx.metric.custom(name, feval))")
        raise invalid_value("eval.metric", eval_metric, hint)
    raise invalid_value("eval.metric", eval_metric, "a metric such as mx.metric.rmse")


def check_hyperparameters(kwargs: dict) -> None:
    """Numeric optimizer arguments must be finite (Inf passed the optimizers' own range
    checks and failed inside the first update)."""
    for key, value in kwargs.items():
        if isinstance(value, (float, np.floating)) and not np.isfinite(value):
            raise invalid_value(key.replace("_", "."), float(value), "a finite number")


def check_rounds(begin_round, num_round) -> None:
    for arg, value in (("begin.round", begin_round), ("num.round", num_round)):
        number(arg, value, "a whole number", whole=True)
    if num_round < begin_round:
        last, first = arg_name("num.round"), arg_name("begin.round")
        raise invalid_value("num.round", shown(num_round),
                            f"{last} >= {first} ({shown(begin_round)}); {last} is the "
                            f"index of the last epoch, not a count")


def check_batch_size(value) -> None:
    number("array.batch.size", value, "a whole number >= 1", low=1, whole=True, as_r=True)
