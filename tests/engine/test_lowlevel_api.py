"""Python's low-level API (engine/lowlevel.py, engine/kvstore.py): mx.simple_bind,
mx.symbol.bind, mx.exec.*, gradient requests and the local kvstore."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import MXValueError


def _fc():
    return mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=1, no_bias=True,
                                    name="fc")


def test_arrays_are_shared_with_the_executor():
    ex = mx.simple_bind(_fc(), grad_req="write", data=(3, 2))
    ex.arg_arrays["data"].copyto(ex.arg_arrays["data"])  # a view, not a copy
    np.asarray(ex.arg_arrays["data"])[:] = [[1, 2], [3, 4], [5, 6]]
    mx.exec.update.arg.arrays(ex, {"fc_weight": mx.nd.array([[1, 1]])}, match_name=True)
    out = mx.exec.forward(ex, is_train=True)
    np.testing.assert_array_equal(out[0].asnumpy().ravel(), [3, 7, 11])
    assert ex.grad_arrays["data"] is None


def test_backward_with_out_grads_and_add_request():
    ex = mx.simple_bind(_fc(), grad_req={"fc_weight": "add"}, data=(3, 2))
    mx.exec.update.arg.arrays(ex, [mx.nd.array(np.arange(6).reshape(3, 2)), mx.nd.ones((1, 2))])
    ex.forward(is_train=True)
    head = mx.nd.array([[1], [0], [2]])
    ex.backward([head])
    ex.backward([head])
    want = 2 * (np.arange(6).reshape(3, 2).T @ np.array([1, 0, 2], np.float32))
    np.testing.assert_array_equal(ex.grad_arrays["fc_weight"].asnumpy().ravel(), want)


def test_grad_req_errors():
    with pytest.raises(MXValueError, match="`grad.req`.*'often'"):
        mx.simple_bind(_fc(), grad_req="often", data=(3, 2))
    with pytest.raises(MXValueError, match="Expected one, or 2"):
        mx.symbol.bind(_fc(), arg_arrays=[mx.nd.ones((3, 2)), mx.nd.ones((1, 2))],
                       grad_reqs=["null"] * 3)


def test_kvstore_local():
    kv = mx.kv.create("local")
    kv.init([3], [np.ones(2, np.float32)])
    kv.push([3], [[np.full(2, 2, np.float32), np.full(2, 5, np.float32)]])
    np.testing.assert_array_equal(kv.pull(3), [7, 7])
    kv.set_optimizer(mx.opt.create("sgd", learning_rate=0.1))
    kv.push([3], [[np.ones(2, np.float32)]])
    np.testing.assert_allclose(kv.pull(3), [6.9, 6.9], rtol=1e-6)
    with pytest.raises(MXValueError, match="`type`.*only synchronous"):
        mx.kv.create("dist_async")
