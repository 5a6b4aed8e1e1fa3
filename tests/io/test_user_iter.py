"""User-defined iterators from Python (duck-typed: reset, iter_next, value, num_pad), built-in
iterators in training and prediction, and the errors a wrong answer gets before training."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.datasets import synthetic_digits, write_idx, write_mnist_csv
from mxnet_r_compat.errors import MXShapeError, MXTypeError, MXValueError


class Batches:
    """A plain Python object (no base class) over in-memory arrays, as a user writes one."""

    def __init__(self, fields: dict[str, np.ndarray], batch_size: int, pad_last: bool = True):
        self.fields, self.batch_size, self.i = fields, batch_size, 0
        self.n = len(next(iter(fields.values())))
        self.calls: list[str] = []

    def reset(self):
        self.calls.append("reset")
        self.i = 0

    def iter_next(self):
        self.calls.append("iter_next")
        self.i += 1
        return (self.i - 1) * self.batch_size < self.n

    def value(self):
        self.calls.append("value")
        lo = (self.i - 1) * self.batch_size
        idx = np.arange(lo, lo + self.batch_size) % self.n   # wrap to fill the last batch
        return {k: v[idx] for k, v in self.fields.items()}

    def num_pad(self):
        return max(0, self.i * self.batch_size - self.n)


@pytest.fixture
def linreg():
    fc = mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=1, name="fc")
    return mx.symbol.LinearRegressionOutput(fc, name="lro")


@pytest.fixture
def regression():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 3)).astype(np.float32)
    y = (X @ np.array([1.5, -2.0, 0.5]) + 0.3).astype(np.float32)
    return X, y


def test_a_plain_object_trains_as_the_same_arrays_do(linreg, regression):
    X, y = regression
    it = Batches({"data": X, "label": y}, 10)
    kwargs = dict(num_round=3, learning_rate=0.1, verbose=False,
                  initializer=mx.init.uniform(0.1))
    mx.set.seed(0)
    from_iter = mx.model.FeedForward.create(linreg, X=it, **kwargs)
    mx.set.seed(0)
    from_arrays = mx.model.FeedForward.create(linreg, X=mx.io.arrayiter(X, y, batch_size=10),
                                              **kwargs)
    for name, value in from_arrays.arg_params.items():
        np.testing.assert_array_equal(from_iter.arg_params[name], value)
    assert it.calls.count("reset") >= 3
    preds = from_iter.predict(Batches({"data": X[:13], "label": y[:13]}, 5))
    assert preds.shape == (13, 1)                            # padding of the last batch dropped
    np.testing.assert_array_equal(preds, from_iter.predict(X[:13], array_layout="rowmajor"))


class NDBatches(Batches):
    """The same batches as ``mx.nd.array`` values, as a user following MXNet writes them."""

    def value(self):
        return {k: mx.nd.array(v) for k, v in super().value().items()}


def test_ndarray_values_train_as_numpy_values_do(linreg, regression):
    X, y = regression
    kwargs = dict(num_round=3, learning_rate=0.1, verbose=False,
                  initializer=mx.init.uniform(0.1))
    mx.set.seed(0)
    from_nd = mx.model.FeedForward.create(linreg, X=NDBatches({"data": X, "label": y}, 10),
                                          **kwargs)
    mx.set.seed(0)
    from_np = mx.model.FeedForward.create(linreg, X=Batches({"data": X, "label": y}, 10),
                                          **kwargs)
    for name, value in from_np.arg_params.items():
        np.testing.assert_array_equal(from_nd.arg_params[name], value)
    test = NDBatches({"data": X[:13], "label": y[:13]}, 5)
    np.testing.assert_array_equal(from_nd.predict(test), from_np.predict(X[:13],
                                                                         array_layout="rowmajor"))
    assert mx.io.extract(test, "label").asnumpy().tolist() == y[:13].tolist()


def test_builtin_value_is_an_ndarray_copy_of_the_batch(regression):
    X, y = regression
    it = mx.io.arrayiter(X, y, batch_size=20)
    it.iter_next()
    first = it.value()
    assert all(isinstance(v, mx.nd.NDArray) for v in first.values())
    np.testing.assert_array_equal(first["data"].asnumpy(), X[:20])
    it.iter_next()                                     # the iterator's buffer is reused ...
    np.testing.assert_array_equal(first["data"].asnumpy(), X[:20])   # ... the value kept


def test_several_inputs_by_name(regression):
    """input.names/output.names pick the iterator's fields, as in MXNet's matrix
    factorisation test (two inputs and a label named "label")."""
    X, y = regression
    user, item = mx.symbol.Variable("user"), mx.symbol.Variable("item")
    both = mx.symbol.Concat(user, item, num_args=2, dim=1)
    net = mx.symbol.LinearRegressionOutput(data=mx.symbol.FullyConnected(both, num_hidden=1),
                                           label=mx.symbol.Variable("label"))
    it = Batches({"user": X[:, :2], "item": X[:, 2:], "label": y}, 10)
    mx.set.seed(0)
    model = mx.model.FeedForward.create(net, X=it, num_round=30, learning_rate=0.05,
                                        verbose=False, input_names=["user", "item"],
                                        output_names="label", eval_metric=mx.metric.rmse)
    assert model.history[-1]["value"] < 0.5 * model.history[0]["value"]
    with pytest.raises(MXValueError) as err:
        mx.model.FeedForward.create(net, X=it, num_round=1, verbose=False,
                                    input_names=["user", "itm"], output_names="label")
    assert str(err.value) == (
        "Invalid value returned by value() of the data iterator `X`. Received: fields `user`, "
        "`item`, `label`. Expected the fields `user`, `itm`, `label` (input.names user, itm and "
        "output.names label); `itm` is missing.")
    # predict feeds the same inputs by name (the label stays zero, as MXNet's predict has it)
    pred = model.predict(it)
    w, b = (next(v for k, v in model.arg_params.items() if k.endswith(end))
            for end in ("_weight", "_bias"))
    np.testing.assert_allclose(pred, X @ w.T + b, rtol=1e-5, atol=1e-5)
    with pytest.raises(MXValueError, match=r"Invalid value for argument `X`\. Received: an "
                                           r"iterator whose value\(\) has the fields u, i, "
                                           r"label\. Expected `data` or fields named as inputs"):
        model.predict(Batches({"u": X[:, :2], "i": X[:, 2:], "label": y}, 10))


class Broken(Batches):
    def __init__(self, fields, batch_size, **changes):
        super().__init__(fields, batch_size)
        self.changes = changes

    def value(self):
        out = super().value()
        if "value" in self.changes:
            return self.changes["value"](out, self.i)
        return out

    def iter_next(self):
        return self.changes["iter_next"] if "iter_next" in self.changes else super().iter_next()


@pytest.mark.parametrize(("change", "error", "message"), [
    ({"value": lambda v, i: [v["data"], v["label"]]}, MXValueError,
     "Invalid value returned by value() of the data iterator `X`. Received: a list. Expected a "
     "dict of NDArrays (or numpy arrays) with one entry per input and label, such as "
     "{\"data\": x, \"label\": y}."),
    ({"value": lambda v, i: {**v, "label": v["label"].tolist()}}, MXTypeError,
     "Invalid value returned by value() of the data iterator `X`. Received: field `label` is a "
     "list. Expected NDArrays or numpy arrays of numbers."),
    ({"value": lambda v, i: {"data": v["data"]}}, MXValueError,
     "Invalid value returned by value() of the data iterator `X`. Received: fields `data`. "
     "Expected the fields `data`, `label` (input.names data and output.names label); `label` "
     "is missing."),
    ({"value": lambda v, i: {**v, "label": v["label"][:5]}}, MXShapeError,
     "Invalid value returned by value() of the data iterator `X`. Received: `data` with shape "
     "(10, 3), `label` with shape (5,). Expected fields with the same batch size (samples on "
     "the last R dim, the first Python axis)."),
    ({"value": lambda v, i: {**v, "label": np.tile(v["label"][:, None], (1, 2))}}, MXShapeError,
     "Invalid value returned by value() of the data iterator `X`. Received: `label` with shape "
     "(10, 2). Expected shape (10,), the shape of the network's `lro_label` for these "
     "inputs."),
    ({"iter_next": "yes"}, MXValueError,
     "Invalid value returned by iter_next() of the data iterator `X`. Received: str 'yes'. "
     "Expected TRUE or FALSE (is there another batch?)."),
])
def test_wrong_answers_stop_before_the_first_update(linreg, regression, change, error,
                                                    message):
    X, y = regression
    began = []
    with pytest.raises(error) as err:
        mx.model.FeedForward.create(linreg, X=Broken({"data": X, "label": y}, 10, **change),
                                    num_round=1, verbose=False,
                                    train_begin_callback=lambda *a: began.append(1))
    assert str(err.value).startswith(message)
    assert began == []                                       # training never started


def test_a_later_batch_of_another_shape_names_the_batch(linreg, regression):
    X, y = regression
    it = Broken({"data": X, "label": y}, 10,
                value=lambda v, i: {"data": v["data"][:, :2] if i == 3 else v["data"],
                                    "label": v["label"]})
    with pytest.raises(MXShapeError) as err:
        mx.model.FeedForward.create(linreg, X=it, num_round=1, verbose=False)
    assert str(err.value) == (
        "Invalid value returned by value() of the data iterator `X`. Received: `data` with "
        "shape (10, 2) in batch 3. Expected shape (10, 3), as in the first batch (the network "
        "is bound to it).")


def test_a_later_batch_whose_fields_disagree_names_the_batch(linreg, regression):
    X, y = regression
    it = Broken({"data": X, "label": y}, 10,
                value=lambda v, i: {**v, "label": v["label"][:5]} if i == 2 else v)
    with pytest.raises(MXShapeError) as err:
        mx.model.FeedForward.create(linreg, X=it, num_round=1, verbose=False)
    assert str(err.value) == (
        "Invalid value returned by value() of the data iterator `X`. Received: `data` with "
        "shape (10, 3), `label` with shape (5,) in batch 2. Expected fields with the same "
        "batch size (samples on the last R dim, the first Python axis).")


def test_num_pad_out_of_range(linreg, regression):
    X, y = regression
    it = Batches({"data": X, "label": y}, 10)
    it.num_pad = lambda: 10
    model = mx.model.FeedForward.create(linreg, X=X, y=y, num_round=1, verbose=False,
                                        array_batch_size=10, array_layout="rowmajor")
    with pytest.raises(MXValueError, match=r"num_pad\(\) of the data iterator `X`. Received: "
                                           r"int 10. Expected a whole number 0 <= num.pad < 10"):
        model.predict(it)


def test_eval_data_iterator_is_checked_too(linreg, regression):
    X, y = regression
    bad = Broken({"data": X, "label": y}, 10, value=lambda v, i: {"data": v["data"]})
    with pytest.raises(MXValueError, match="the data iterator `eval.data`"):
        mx.model.FeedForward.create(linreg, X=X, y=y, eval_data=bad, num_round=1,
                                    verbose=False, array_layout="rowmajor")


def test_subclass_of_mx_io_dataiter_that_writes_value(linreg, regression):
    from mxnet_r_compat.io import DataIter
    X, y = regression

    class Sub(DataIter):
        def __init__(self):
            self.inner = Batches({"data": X, "label": y}, 25)

        def reset(self):
            self.inner.reset()

        def iter_next(self):
            return self.inner.iter_next()

        def value(self):
            return self.inner.value()

    model = mx.model.FeedForward.create(linreg, X=Sub(), num_round=1, verbose=False)
    assert mx.io.extract(Sub(), "label").asnumpy().tolist() == y.tolist()
    assert model.predict(Sub()).shape == (50, 1)


def write_digits(tmp_path, n: int):
    images, labels = synthetic_digits(n, seed=3)
    write_idx(str(tmp_path / "img"), images)
    write_idx(str(tmp_path / "lab"), labels)
    write_mnist_csv(str(tmp_path / "digits.csv"), images, labels, header=False)
    return images, labels


def mlp():
    h = mx.symbol.Activation(mx.symbol.FullyConnected(mx.symbol.Variable("data"),
                                                       num_hidden=32), act_type="relu")
    return mx.symbol.SoftmaxOutput(mx.symbol.FullyConnected(h, num_hidden=10), name="sm")


def test_mnist_iterator_trains_predicts_and_extracts(tmp_path):
    images, labels = write_digits(tmp_path, 400)
    train = mx.io.MNISTIter(image=str(tmp_path / "img"), label=str(tmp_path / "lab"),
                            batch_size=20, flat=True, seed=1, silent=True)
    test = mx.io.MNISTIter(image=str(tmp_path / "img"), label=str(tmp_path / "lab"),
                           batch_size=40, flat=True, shuffle=False, silent=True)
    mx.set.seed(0)
    model = mx.model.FeedForward.create(mlp(), X=train, eval_data=test, num_round=4,
                                        learning_rate=0.1, momentum=0.9, verbose=False,
                                        eval_metric=mx.metric.accuracy)
    accuracy = [h["value"] for h in model.history if h["phase"] == "eval"]
    assert accuracy[-1] > accuracy[0] and accuracy[-1] > 0.5
    preds = model.predict(test)
    assert preds.shape == (400, 10)
    assert mx.io.extract(test, "label").asnumpy().tolist() == labels.tolist()
    np.testing.assert_array_equal(mx.io.extract(test, "data"),
                                  images.reshape(400, -1).astype(np.float32) / 256)
    assert np.mean(preds.argmax(axis=1) == labels) == pytest.approx(accuracy[-1])


def test_csv_iterator_trains_and_predicts_without_the_padding(tmp_path):
    _, labels = write_digits(tmp_path, 230)
    np.savetxt(tmp_path / "labels.csv", labels, fmt="%d")
    pixels = tmp_path / "pixels.csv"
    with open(tmp_path / "digits.csv") as src, open(pixels, "w") as dst:
        for line in src:
            dst.write(line.split(",", 1)[1])
    train = mx.io.CSVIter(data_csv=str(pixels), data_shape=(784,), batch_size=50,
                          label_csv=str(tmp_path / "labels.csv"))
    mx.set.seed(0)
    model = mx.model.FeedForward.create(mlp(), X=train, num_round=3, learning_rate=0.001,
                                        momentum=0.9, verbose=False,
                                        eval_metric=mx.metric.accuracy)
    accuracy = [h["value"] for h in model.history]
    assert accuracy[-1] > accuracy[0]
    preds = model.predict(mx.io.CSVIter(data_csv=str(pixels), data_shape=(784,),
                                        batch_size=50))
    assert preds.shape == (230, 10)
