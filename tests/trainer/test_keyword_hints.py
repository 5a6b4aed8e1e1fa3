"""Keywords of other libraries (Keras' ``epochs``, ``batch_size``, ``lr``...) get an error
naming the argument, its value and MXNet's name for it; errors raised for Python callers use
Python's spelling (``num_round``, ``True``, a dict), for R callers R's (tests/rapi)."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import MXTypeError, MXValueError, arg_name, speaking, word

WHERE = r"^mx\.model\.FeedForward\.create got an unknown argument "


@pytest.mark.parametrize("keyword, value, shown, suggestion", [
    ("epochs", 5, "5", "`num_round`"),
    ("num_epochs", 5, "5", "`num_round`"),
    ("batch_size", 32, "32", "`array_batch_size`"),
    ("lr", 0.1, "0.1", "`learning_rate`"),
    ("callbacks", [print], r"\[<built-in function print>\]",
     "`epoch_end_callback` or `batch_end_callback`"),
    ("validation_data", "v", "'v'", "`eval_data`"),
    ("metrics", "accuracy", "'accuracy'", "`eval_metric`"),
    ("initial_epoch", 3, "3", "`begin_round`"),
    ("device", "cpu", "'cpu'", "`ctx`"),
])
def test_keras_keywords_name_mxnets_argument(tiny_data, linreg, keyword, value, shown,
                                             suggestion):
    X, y = tiny_data
    with pytest.raises(MXTypeError, match=rf"{WHERE}`{keyword}` \({keyword}={shown}\)\. "
                                          rf"Did you mean {suggestion}\? "):
        mx.model.FeedForward.create(linreg, X, y, array_layout="rowmajor", verbose=False,
                                    **{keyword: value})


def test_the_hint_says_what_differs(tiny_data, linreg):
    X, y = tiny_data
    with pytest.raises(MXTypeError) as err:
        mx.model.FeedForward.create(linreg, X, y, epochs=5)
    assert str(err.value).endswith(
        "Did you mean `num_round`? num_round is the index of the last epoch: training runs "
        "epochs begin_round to num_round.")
    with pytest.raises(MXTypeError) as err:
        mx.model.FeedForward.create(linreg, X, y, validation_data=(X, y))
    assert "(validation_data=(<array of shape (50, 3)>, <array of shape (50,)>))" in str(err.value)
    assert str(err.value).endswith('eval_data is the validation data: {"data": X, "label": y} '
                                   "or a DataIter.")


def test_learning_rate_is_valid_and_a_typo_is_suggested_in_python_spelling(tiny_data, linreg):
    X, y = tiny_data
    model = mx.model.FeedForward.create(linreg, X, y, array_layout="rowmajor", verbose=False,
                                        num_round=1, learning_rate=0.01)
    assert model.arg_params["fc_weight"].shape == (1, 3)
    with pytest.raises(MXTypeError, match=r"unknown argument `num_rounds`\. Did you mean "
                                          r"`num_round`\?$"):
        mx.model.FeedForward.create(linreg, X, y, array_layout="rowmajor", num_rounds=2)


def test_python_messages_speak_python(tiny_data, linreg):
    X, y = tiny_data
    fit = dict(array_layout="rowmajor", verbose=False)
    with pytest.raises(MXValueError, match=r"^The validation set should be either a dict "):
        mx.model.FeedForward.create(linreg, X, y, eval_data=[X, y], **fit)
    with pytest.raises(MXValueError, match=r"^Invalid value for argument `num_round`\. Received: "
                                           r"num_round=0\. Expected num_round >= begin_round"):
        mx.model.FeedForward.create(linreg, X, y, num_round=0, **fit)
    with pytest.raises(MXValueError, match=r"or pass check_finite=False to train on them"):
        mx.model.FeedForward.create(linreg, np.where(X > 1, np.nan, X), y, **fit)


def test_the_same_names_in_r_spelling_inside_an_r_call():
    with speaking("R"):
        assert (arg_name("num_round"), arg_name("eval_data$label"), word("TRUE")) == \
            ("num_round", "eval_data$label", "TRUE")
        assert arg_name("num.round") == "num.round"
    assert (arg_name("num.round"), arg_name("eval.data$label"), word("NULL")) == \
        ("num_round", 'eval_data["label"]', "None")
