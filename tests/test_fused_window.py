"""The convolutional operators on the fused path (their ops.def rows: native/window.c and the
families' steps): the same trainings with and without it give the same bits, and really run
their batches in C (tests/test_fused.py's harness)."""

from __future__ import annotations

import numpy as np
import pytest
from test_fused import compare_fused

from mxnet_r_compat import mx
from mxnet_r_compat.engine.executor import simple_bind

S = mx.symbol
f32 = np.float32


def lenet():
    c1 = S.Convolution(S.Variable("data"), kernel=(3, 3), num_filter=4, name="c1")
    p1 = S.Pooling(S.Activation(c1, act_type="tanh"), pool_type="max", kernel=(2, 2),
                   stride=(2, 2))
    c2 = S.Convolution(p1, kernel=(2, 2), num_filter=6, name="c2")
    fc = S.FullyConnected(S.Flatten(S.Activation(c2, act_type="tanh")), num_hidden=3, name="fc")
    return S.SoftmaxOutput(fc, name="sm")


def every_operator():
    """Every window operator the fused path runs, rrelu and shared dropout masks included."""
    x = S.Convolution(S.Variable("data"), kernel=(3, 3), pad=(1, 1), num_filter=4,
                      num_group=2, name="cv")
    x = S.LeakyReLU(S.LRN(x, nsize=3, alpha=0.5, knorm=1.0), act_type="prelu", name="pr")
    x = S.UpSampling(x, S.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type="max"), scale=2,
                     sample_type="nearest", num_args=2)
    x = S.Pooling(x, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg",
                  pooling_convention="full", count_include_pad=False)
    x = S.Deconvolution(S.SoftmaxActivation(x, mode="channel"), kernel=(2, 2), stride=(2, 2),
                        num_filter=2, no_bias=False, name="dc")
    x = S.LeakyReLU(S.Dropout(x, p=0.3, axes=(2, 3)), act_type="rrelu")
    x = S.LeakyReLU(S.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type="sum"),
                    act_type="elu", slope=0.5)
    return S.SoftmaxOutput(S.FullyConnected(S.Flatten(x), num_hidden=3, name="fc"), name="sm")


def conv_batchnorm():
    """BatchNorm on 4-D input (over the channel axis) between a convolution and a pooling."""
    x = S.BatchNorm(S.Convolution(S.Variable("data"), kernel=(3, 3), num_filter=4, name="c1"),
                    name="bn")
    x = S.Pooling(S.Activation(x, act_type="relu"), kernel=(2, 2), stride=(2, 2),
                  pool_type="max")
    return S.SoftmaxOutput(S.FullyConnected(S.Flatten(x), num_hidden=3, name="fc"), name="sm")


def embedding_net():
    e = S.Embedding(S.Variable("data"), input_dim=7, output_dim=4, name="emb")
    return S.LinearRegressionOutput(S.FullyConnected(e, num_hidden=1, name="fc"), name="out")


@pytest.fixture
def images():
    rs = np.random.default_rng(5)
    return rs.standard_normal((61, 2, 8, 8)).astype(f32), rs.integers(0, 3, 61).astype(f32)


@pytest.mark.parametrize("net", [lenet, every_operator, conv_batchnorm],
                         ids=["lenet", "every_operator", "conv_batchnorm"])
def test_networks_are_compiled_into_one_c_graph(net):
    ex = simple_bind(net(), {"data": (4, 2, 8, 8), "sm_label": (4,)})
    assert ex.graph is not None


@pytest.mark.parametrize("net", [lenet, every_operator, conv_batchnorm],
                         ids=["lenet", "every_operator", "conv_batchnorm"])
@pytest.mark.parametrize("ctx", [1, 2], ids=["one_device", "two_devices"])
def test_training_is_bit_identical_to_the_per_kernel_path(monkeypatch, images, net, ctx):
    X, y = images
    compare_fused(monkeypatch, net, X, y, num_round=2, array_batch_size=10, learning_rate=0.1,
                  momentum=0.9, eval_metric=mx.metric.accuracy,
                  eval_data={"data": X[:20], "label": y[:20]}, ctx=[mx.cpu(i) for i in range(ctx)])


def test_embedding_training_is_bit_identical(monkeypatch):
    rs = np.random.default_rng(2)
    X = rs.integers(-1, 9, (50, 3)).astype(f32)  # some indices out of range: clipped
    y = rs.standard_normal(50).astype(f32)
    compare_fused(monkeypatch, embedding_net, X, y, num_round=2, array_batch_size=8,
                  learning_rate=0.05)
