"""pandas DataFrames and Series as X, y, eval_data and predict input. A DataFrame's rows are
its samples (no layout guess), its categorical and text columns become R's data.matrix codes,
and a categorical y is a set of classes, as an R factor (R/labels.R, training/labels.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd  # a test dependency (pyproject's dev extra); the package never imports it
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import MXValueError
from mxnet_r_compat.io import DataConversionWarning

SPECIES = ["setosa", "versicolor", "virginica"]


@pytest.fixture
def frame(tiny_data):
    X, _ = tiny_data
    return pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": X[:, 2]})


@pytest.fixture
def species(tiny_data):
    X, _ = tiny_data
    codes = np.digitize(X[:, 0], [-0.5, 0.5])  # 0, 1, 2 from the first feature
    return codes, pd.Series(pd.Categorical.from_codes(codes, SPECIES))


def softmax(classes: int):
    fc = mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=classes, name="fc")
    return mx.symbol.SoftmaxOutput(fc, name="sm")


def fit(net, X, y, **kwargs):
    mx.set.seed(0)
    args = dict(num_round=2, array_batch_size=16, learning_rate=0.1, verbose=False)
    return mx.model.FeedForward.create(net, X, y, **{**args, **kwargs})


def test_a_data_frame_and_series_train_as_the_arrays(tiny_data, linreg, frame):
    X, y = tiny_data
    with np.errstate(all="ignore"):
        by_arrays = fit(linreg, X, y, array_layout="rowmajor")
        by_pandas = fit(linreg, frame, pd.Series(y), eval_data={"data": frame,
                                                                "label": pd.Series(y)})
    np.testing.assert_array_equal(by_arrays.arg_params["fc_weight"],
                                  by_pandas.arg_params["fc_weight"])
    np.testing.assert_array_equal(by_pandas.predict(frame), by_arrays.predict(
        X, array_layout="rowmajor"))


def test_a_series_is_one_feature(tiny_data, linreg, frame):
    _, y = tiny_data
    model = fit(linreg, frame["a"], pd.Series(y))
    assert model.arg_params["fc_weight"].shape == (1, 1)
    assert model.predict(frame["a"]).shape == (50, 1)


def test_a_categorical_y_trains_on_its_codes_with_a_note(frame, species, capsys):
    codes, labels = species
    model = fit(softmax(3), frame, labels, eval_data={"data": frame, "label": labels},
                verbose=True)
    note = capsys.readouterr().err.splitlines()[0]
    assert note == ('Note: `y` is a categorical; training on its 0-based codes: '
                    '0 = "setosa", 1 = "versicolor", 2 = "virginica".')
    by_codes = fit(softmax(3), frame, codes.astype(float))
    np.testing.assert_array_equal(model.arg_params["fc_weight"], by_codes.arg_params["fc_weight"])


def test_validation_labels_are_coded_with_the_levels_of_y(frame, species):
    _, labels = species
    reordered = labels.cat.reorder_categories(SPECIES[::-1])  # same values, other codes
    a = fit(softmax(3), frame, labels, eval_data={"data": frame, "label": reordered},
            eval_metric=mx.metric.accuracy)
    b = fit(softmax(3), frame, labels, eval_data={"data": frame, "label": labels},
            eval_metric=mx.metric.accuracy)
    assert a.history == [{**r, "seconds": a.history[i]["seconds"]} for i, r in
                         enumerate(b.history)]
    other = pd.Series(pd.Categorical(["setosa"] * 49 + ["rose"]))
    with pytest.raises(MXValueError, match=r'^Invalid value for argument `eval_data\["label"\]`\. '
                       r'Received: a categorical with levels "rose" that `y` does not have\. '
                       r'Expected the levels of `y`: "setosa", "versicolor", "virginica"\.$'):
        fit(softmax(3), frame, labels, eval_data={"data": frame, "label": other})


def test_misused_categories_say_what_is_wrong(frame, species, linreg):
    _, labels = species
    with pytest.raises(MXValueError, match=r'^Invalid value for argument `y`\. Received: a '
                       r'categorical with levels "setosa", "versicolor", "virginica"\. Expected '
                       r"numeric labels: the network ends in LinearRegressionOutput, which is not "
                       r"a classification output \(a categorical is for SoftmaxOutput\)\. If the "
                       r"levels are numbers, use y\.astype\(float\)\.$"):
        fit(linreg, frame, labels)
    with pytest.raises(MXValueError, match=r'^Invalid value for argument `y`\. Received: text '
                       r'labels \("\w+", .*\)\. Expected numeric labels, or a categorical '
                       r'\(y\.astype\("category"\)\) for a classification output'):
        fit(softmax(3), frame, labels.astype(str))
    with pytest.raises(MXValueError, match=r"^Invalid value for argument `y`\. Received: a "
                       r"categorical with 3 levels \(.*\)\. Expected 2 levels, one per output of "
                       r"the network's last layer\.$"):
        fit(softmax(2), frame, labels)
    extra = labels.cat.add_categories(["extra"])
    with pytest.raises(MXValueError, match=r'of which "extra" is unused\. Expected 3 levels, one '
                       r"per output of the network's last layer: drop the unused ones with "
                       r"y\.cat\.remove_unused_categories\(\)\.$"):
        fit(softmax(3), frame, extra)


def test_categorical_and_text_columns_become_codes(frame, linreg, tiny_data):
    _, y = tiny_data
    frame["g"] = pd.Categorical(["lo", "hi"] * 25, categories=["lo", "hi"])
    with pytest.warns(DataConversionWarning, match=r"^Note: X columns g are not numeric"):
        model = fit(linreg, frame, pd.Series(y))
    assert model.arg_params["fc_weight"].shape == (1, 4)
    as_codes = np.column_stack([frame[["a", "b", "c"]].to_numpy(), [1.0, 2.0] * 25])
    with pytest.warns(DataConversionWarning):
        np.testing.assert_array_equal(model.predict(frame),
                                      model.predict(as_codes, array_layout="rowmajor"))
