"""Error texts (docs/MXNET_R_BEHAVIOUR.md, "Messages" and the sections it points to), raised where
MXNet R raises them."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.engine.executor import simple_bind
from mxnet_r_compat.errors import MXError, MXShapeError, MXTypeError, MXValueError
from mxnet_r_compat.io import DataIter


class EmptyIter(DataIter):
    batch_size = 4

    def reset(self):
        pass

    def iter_next(self):
        return False

    def value(self):
        raise AssertionError("never called")


def test_empty_input(linreg):
    with pytest.raises(MXValueError, match=r"^Empty input$"):
        mx.model.FeedForward.create(linreg, EmptyIter(), verbose=False)


def test_need_y_for_training(linreg, tiny_data):
    with pytest.raises(MXValueError, match=r"^Need to provide y for training$"):
        mx.model.FeedForward.create(linreg, tiny_data[0], verbose=False)


def test_need_y_with_explicit_layout(linreg, tiny_data):
    with pytest.raises(MXValueError, match=r"^Need to provide parameter y for training with R "
                                           r"arrays\.$"):
        mx.model.FeedForward.create(linreg, tiny_data[0], array_layout="rowmajor",
                                    verbose=False)


def test_cannot_auto_select_layout_for_square_x(linreg):
    with pytest.raises(MXValueError, match=r"^Cannot auto select array\.layout, please specify "
                                           r"this parameter$"):
        mx.model.FeedForward.create(linreg, np.zeros((10, 10)), np.zeros(10), verbose=False)


def test_cannot_auto_select_layout_for_predict(linreg):
    model = mx.model.FeedForward.create(linreg, np.ones((10, 10)), np.ones(10),
                                        array_layout="rowmajor", num_round=1, verbose=False)
    with pytest.raises(MXValueError, match=r"^Cannot auto select array\.layout"):
        model.predict(np.ones((10, 10)))
    assert model.predict(np.ones((10, 10)), array_layout="rowmajor").shape == (10, 1)


@pytest.mark.parametrize("ctx", ["cpu", [mx.cpu(), "cpu"], [], 0])
def test_ctx_must_be_contexts(train, ctx):
    with pytest.raises(MXTypeError, match=r"^ctx must be mx\.context or list of mx\.context$"):
        train(ctx=ctx)


def test_a_gpu_context_made_by_hand_is_refused_clearly(train):
    from mxnet_r_compat.engine.context import Context

    with pytest.raises(MXValueError, match="computes on the CPU only"):
        train(ctx=Context("gpu", 0, 2))


def test_unknown_optimizer_in_create(train):
    with pytest.raises(MXValueError, match=r"^Unknown optimizer adamw\b"):
        train(optimizer="adamw")


def test_not_enough_information_to_get_shapes(linreg):
    with pytest.raises(MXShapeError, match=r"^Not enough information to get shapes$"):
        mx.model.init.params(linreg, {}, {}, mx.init.uniform(0.01))


def test_need_more_shape_information_to_bind(linreg):
    with pytest.raises(MXShapeError, match=r"^Need more shape information to decide the shapes "
                                           r"of arguments"):
        simple_bind(linreg, {})


def test_cannot_predict_on_empty_iterator(train):
    model = train(num_round=1)
    with pytest.raises(MXValueError, match=r"^Cannot predict on empty iterator$"):
        model.predict(EmptyIter())
    with pytest.raises(MXValueError, match=r"^Cannot predict on empty iterator$"):
        model.predict(np.zeros((0, 3)), array_layout="rowmajor")


def test_kvstore_must_be_a_string(train):
    with pytest.raises(MXTypeError, match=r"^kvstore must be either MXKVStore or a string$"):
        train(kvstore=3)


def test_validation_set_type(train):
    with pytest.raises(MXValueError, match=r'^The validation set should be either a dict '
                                           r'\{"data": X, "label": y\} or a DataIter$'):
        train(eval_data=np.zeros((4, 3)))


@pytest.mark.parametrize("eval_data", [{"data": np.zeros((4, 3))}, {"label": np.zeros(4)}])
def test_validation_list_fields(train, eval_data):
    with pytest.raises(MXValueError, match=r'^Please provide the validation set as '
                                           r'\{"data": X, "label": y\} \(arrays\)$'):
        train(eval_data=eval_data)


def test_symbol_needs_to_be_a_symbol(tiny_data):
    with pytest.raises(MXTypeError, match=r"^symbol needs to be MXSymbol$"):
        mx.model.FeedForward.create("net", *tiny_data)
    with pytest.raises(MXTypeError, match=r"^symbol needs to be MXSymbol$"):
        mx.model.init.params(None, {"data": (2, 3)}, {}, mx.init.uniform(0.01))


def test_extra_arg_params_need_allow_extra_params(train):
    params = {"fc_weight": np.ones((1, 3)), "fc_bias": np.zeros(1), "old_weight": np.ones(2)}
    with pytest.raises(MXValueError, match=r"cannot find key old_weight in the array "
                                           r"arg\.arrays"):
        train(arg_params=params)
    model = train(arg_params=params, allow_extra_params=True)
    assert "old_weight" not in model.arg_params


def test_arg_params_with_the_wrong_shape(train):
    with pytest.raises(MXShapeError, match="fc_weight"):
        train(arg_params={"fc_weight": np.ones((3, 1)), "fc_bias": np.zeros(1)})


def test_label_shape_inconsistent(linreg):
    X, y = np.ones((6, 3)), np.ones((6, 2))
    with pytest.raises(MXShapeError, match=r"Shape inconsistent, Provided=\(3,2\), "
                                           r"inferred shape=\(3\)"):
        mx.model.FeedForward.create(linreg, X, y, array_layout="rowmajor", verbose=False,
                                    array_batch_size=3)


def test_network_needs_one_label_argument(tiny_data):
    net = mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=1, name="fc")
    with pytest.raises(MXValueError, match="exactly one argument whose name ends in \"label\""):
        mx.model.FeedForward.create(net, *tiny_data, array_layout="rowmajor", verbose=False)


def test_num_round_is_the_last_epoch_not_a_count(train):
    with pytest.raises(MXValueError, match=r"num_round >= begin_round \(3\)"):
        train(begin_round=3, num_round=2)


@pytest.mark.parametrize("kwargs, match", [
    ({"hidden_node": [4, 4], "activation": ["tanh"]}, r"^Length of activation should be 2$"),
    ({"out_activation": "softplus"}, r"^Not supported yet\.$"),
    ({"dropout": [0.1, 0.2]}, r"^only accept dropout ratio of length 1\.$"),
])
def test_mlp_errors(tiny_data, kwargs, match):
    with pytest.raises(MXValueError, match=match):
        mx.mlp(*tiny_data, out_node=1, num_round=1, verbose=False, **kwargs)


def test_mlp_trains_with_r_settings(tiny_data, no_warnings):
    X, y = tiny_data
    mx.set.seed(0)
    model = mx.mlp(X, y, hidden_node=[5], out_node=1, out_activation="rmse", dropout=[0.2],
                   num_round=2, verbose=False, array_layout="rowmajor",
                   **{"array.batch.size": 10, "learning.rate": 0.01})
    assert model.predict(X, array_layout="rowmajor").shape == (50, 1)


def test_random_bounds_must_be_numbers():
    with pytest.raises(MXTypeError, match=r"^mx\.runif only accept numeric min$"):
        mx.runif(2, min="0")
    with pytest.raises(MXTypeError, match=r"^mx\.rnorm only accept numeric sd$"):
        mx.rnorm(2, sd=None)


def test_every_error_is_an_mx_error(train):
    for bad in ({"kvstore": 1}, {"ctx": "x"}, {"eval_data": 1}, {"optimizer": "x"}):
        with pytest.raises(MXError):
            train(**bad)
