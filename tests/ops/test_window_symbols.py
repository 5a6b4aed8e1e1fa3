"""The convolutional-network operators as symbols: MXNet's shape rules and parameter checks,
and gradients through a bound executor (finite differences of the whole node)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.engine.executor import Executor
from mxnet_r_compat.errors import MXShapeError

S = mx.symbol
f32 = np.float32


def data(name: str = "data"):
    return S.Variable(name)


def shapes_of(sym, **shapes):
    args, outs, aux = sym.infer_shape(**shapes)
    return args, outs, aux


# -- shape rules ----------------------------------------------------------------------------

# (symbol, data shape, output shape, {argument: shape}), each rule as MXNet 1.x states it.
CASES = {
    "lenet_conv": (S.Convolution(data(), kernel=(5, 5), num_filter=20, name="c"),
                   (100, 1, 28, 28), (100, 20, 24, 24), {"c_weight": (20, 1, 5, 5),
                                                         "c_bias": (20,)}),
    "conv_stride_pad_dilate": (S.Convolution(data(), kernel=(3, 3), stride=(2, 2), pad=(1, 1),
                                             dilate=(2, 2), num_filter=4, no_bias=True, name="c"),
                               (2, 3, 11, 10), (2, 4, 5, 4), {"c_weight": (4, 3, 3, 3)}),
    "conv_groups": (S.Convolution(data(), kernel=(3, 3), num_filter=6, num_group=3, name="c"),
                    (1, 9, 5, 5), (1, 6, 3, 3), {"c_weight": (6, 3, 3, 3)}),
    "conv_1d": (S.Convolution(data(), kernel=(4,), stride=(2,), num_filter=2, name="c"),
                (3, 5, 20), (3, 2, 9), {"c_weight": (2, 5, 4)}),
    "deconv": (S.Deconvolution(data(), kernel=(3, 3), stride=(2, 2), pad=(1, 1), adj=(1, 1),
                               num_filter=4, name="d"),
               (2, 3, 5, 5), (2, 4, 10, 10), {"d_weight": (3, 4, 3, 3)}),
    "deconv_target_shape": (S.Deconvolution(data(), kernel=(4, 4), stride=(2, 2),
                                            target_shape=(13, 14), num_filter=2, no_bias=False,
                                            name="d"),
                            (1, 2, 6, 7), (1, 2, 13, 14), {"d_weight": (2, 2, 4, 4),
                                                          "d_bias": (2,)}),
    "pool_valid": (S.Pooling(data(), kernel=(3, 3), stride=(2, 2), pool_type="max"),
                   (1, 2, 8, 8), (1, 2, 3, 3), {}),
    "pool_full": (S.Pooling(data(), kernel=(3, 3), stride=(2, 2), pooling_convention="full"),
                  (1, 2, 8, 8), (1, 2, 4, 4), {}),
    "pool_global": (S.Pooling(data(), kernel=(1, 1), global_pool=True, pool_type="avg"),
                    (4, 3, 7, 5), (4, 3, 1, 1), {}),
    "pool_1d_pad": (S.Pooling(data(), kernel=(3,), pad=(1,), pool_type="sum"),
                    (2, 2, 6), (2, 2, 6), {}),
    "embedding": (S.Embedding(data(), input_dim=10, output_dim=4, name="e"),
                  (5, 3), (5, 3, 4), {"e_weight": (10, 4)}),
    "prelu": (S.LeakyReLU(data(), act_type="prelu", name="l"), (2, 5, 3, 3), (2, 5, 3, 3),
              {"l_gamma": (5,)}),
    "upsampling_concat": (S.UpSampling(data("a"), data("b"), scale=2, sample_type="nearest",
                                       num_args=2),
                          None, (2, 5, 8, 8), {"a": (2, 3, 4, 4), "b": (2, 2, 2, 2)}),
    "upsampling_sum": (S.UpSampling(data("a"), data("b"), scale=2, sample_type="nearest",
                                    multi_input_mode="sum", num_args=2),
                       None, (2, 3, 8, 8), {"a": (2, 3, 4, 4), "b": (2, 3, 8, 8)}),
    "lrn": (S.LRN(data(), nsize=5), (2, 7, 3, 3), (2, 7, 3, 3), {}),
    "softmax_activation": (S.SoftmaxActivation(data(), mode="channel"), (2, 3, 4, 4),
                           (2, 3, 4, 4), {}),
    "batchnorm_4d": (S.BatchNorm(data(), name="bn"), (2, 5, 3, 3), (2, 5, 3, 3),
                     {"bn_gamma": (5,), "bn_beta": (5,)}),
    "flatten_4d": (S.Flatten(data()), (2, 5, 3, 3), (2, 45), {}),
}


@pytest.mark.parametrize("sym,shape,out,args", CASES.values(), ids=CASES.keys())
def test_infer_shape_follows_mxnet(sym, shape, out, args):
    given = {"data": shape} if shape is not None else {k: v for k, v in args.items()
                                                       if k in ("a", "b")}
    arg_shapes, out_shapes, _ = shapes_of(sym, **given)
    assert out_shapes == [out]
    for name, want in args.items():
        assert arg_shapes[name] == want


def test_lenet_infers_through_every_layer():
    net = lenet()
    arg_shapes, out_shapes, _ = shapes_of(net, data=(100, 1, 28, 28))
    assert out_shapes == [(100, 10)]
    assert arg_shapes["conv2_weight"] == (50, 20, 5, 5)
    assert arg_shapes["fc1_weight"] == (500, 800)  # 50 channels of 4 x 4 after two poolings


def lenet():
    d = data()
    c1 = S.Convolution(d, kernel=(5, 5), num_filter=20, name="conv1")
    p1 = S.Pooling(S.Activation(c1, act_type="tanh"), pool_type="max", kernel=(2, 2),
                   stride=(2, 2))
    c2 = S.Convolution(p1, kernel=(5, 5), num_filter=50, name="conv2")
    p2 = S.Pooling(S.Activation(c2, act_type="tanh"), pool_type="max", kernel=(2, 2),
                   stride=(2, 2))
    fc1 = S.FullyConnected(S.Flatten(p2), num_hidden=500, name="fc1")
    fc2 = S.FullyConnected(S.Activation(fc1, act_type="tanh"), num_hidden=10, name="fc2")
    return S.SoftmaxOutput(fc2, name="softmax")


ERRORS = {
    "groups": (lambda: S.Convolution(data(), kernel=(3, 3), num_filter=4, num_group=3),
               (1, 6, 5, 5), "num_group"),
    "kernel_too_big": (lambda: S.Convolution(data(), kernel=(5, 5), num_filter=1),
                       (1, 1, 4, 9), "exceeds the input"),
    "kernel_3d": (lambda: S.Convolution(data(), kernel=(2, 2, 2), num_filter=1),
                  (1, 1, 4, 4, 4), "3-D is not supported"),
    "data_rank": (lambda: S.Convolution(data(), kernel=(2, 2), num_filter=1),
                  (1, 4, 4), "4-D data"),
    "stride_length": (lambda: S.Convolution(data(), kernel=(2, 2), stride=(1,), num_filter=1),
                      (1, 1, 4, 4), "stride"),
    "layout": (lambda: S.Convolution(data(), kernel=(2, 2), num_filter=1, layout="NHWC"),
               (1, 4, 4, 1), "layout"),
    "adj": (lambda: S.Deconvolution(data(), kernel=(3, 3), stride=(2, 2), adj=(2, 2),
                                    num_filter=1), (1, 1, 3, 3), "adj"),
    "target_too_big": (lambda: S.Deconvolution(data(), kernel=(3, 3), target_shape=(9, 9),
                                               num_filter=1), (1, 1, 3, 3),
                       "too big"),
    "lp": (lambda: S.Pooling(data(), kernel=(2, 2), pool_type="lp"), (1, 1, 4, 4),
           "pool_type"),
    "same": (lambda: S.Pooling(data(), kernel=(2,), pooling_convention="same"), (1, 1, 4),
             "pooling_convention"),
    "pool_no_kernel": (lambda: S.Pooling(data()), (1, 1, 4, 4), "kernel"),
    "pool_kernel_too_big": (lambda: S.Pooling(data(), kernel=(5, 5)), (1, 1, 4, 4),
                            "at most the input"),
    "bilinear": (lambda: S.UpSampling(data(), scale=2, sample_type="bilinear", num_args=1),
                 (1, 1, 4, 4), "sample_type"),
    "upsampling_uneven": (lambda: S.UpSampling(data("a"), data("b"), scale=2,
                                               sample_type="nearest", num_args=2),
                          {"a": (1, 1, 3, 3), "b": (1, 1, 4, 4)}, "integer factor"),
    "prelu_gamma": (lambda: S.LeakyReLU(data(), S.Variable("g"), act_type="prelu"),
                    {"data": (2, 3, 4), "g": (2,)}, "gamma"),
    "dropout_axes": (lambda: S.Dropout(data(), axes=(4,)), (2, 3, 4), "axes"),
}


@pytest.mark.parametrize("make,shape,text", ERRORS.values(), ids=ERRORS.keys())
def test_bad_parameters_are_named(make, shape, text):
    # Shape inference reports every operator error as an MXShapeError naming the node.
    given = shape if isinstance(shape, dict) else {"data": shape}
    with pytest.raises(MXShapeError, match=text):
        make().infer_shape(**given)


# -- gradients through the executor -----------------------------------------------------------


def bound(sym, shapes, gen, positive=()):
    """An executor with gradients for every argument, filled with seeded values."""
    ex = Executor(sym, shapes, sym.arguments())
    for name, arr in ex.arg_arrays.items():
        arr[...] = gen.uniform(0.2, 1.0, arr.shape) if name in positive else \
            gen.standard_normal(arr.shape)
    return ex


def check_node_gradients(ex, gen, skip=(), eps=1e-2, tol=3e-3):
    """d sum(out * R) / d arg by central differences, against the executor's backward with
    head gradient R (set by scaling: the head gradient is ones, so out is multiplied by R)."""
    ex.forward(is_train=True)
    ex.backward()
    for name, grad in ex.grad_arrays.items():
        if name in skip:
            continue
        arr = ex.arg_arrays[name].reshape(-1)
        numeric = np.zeros(arr.size)
        for k in range(arr.size):
            orig = arr[k]
            arr[k] = orig + f32(eps)
            hi, lp = float(arr[k]), float(np.sum(ex.forward(is_train=True)[0], dtype=np.float64))
            arr[k] = orig - f32(eps)
            lo, lm = float(arr[k]), float(np.sum(ex.forward(is_train=True)[0], dtype=np.float64))
            arr[k] = orig
            numeric[k] = (lp - lm) / (hi - lo)
        np.testing.assert_allclose(grad.reshape(-1), numeric, rtol=tol, atol=tol, err_msg=name)


def project(sym):
    """A random linear functional of sym's output (FullyConnected to one value per sample), so
    that sum(output) is not a constant (as it is for a softmax or a normalisation)."""
    return S.FullyConnected(sym, num_hidden=1, no_bias=True, name="r")


GRADS = {
    "conv": (lambda: S.Convolution(data(), kernel=(3, 2), stride=(2, 1), pad=(1, 1),
                                   num_filter=3, num_group=1, name="c"), {"data": (2, 2, 5, 4)}),
    "conv_1d_groups": (lambda: S.Convolution(data(), kernel=(3,), dilate=(2,), num_filter=4,
                                             num_group=2, name="c"), {"data": (2, 2, 9)}),
    "deconv": (lambda: S.Deconvolution(data(), kernel=(3, 3), stride=(2, 2), pad=(1, 1),
                                       adj=(1, 0), num_filter=2, no_bias=False, name="d"),
               {"data": (1, 2, 3, 3)}),
    "pool_max": (lambda: S.Pooling(data(), kernel=(2, 2), stride=(2, 2)), {"data": (2, 2, 4, 6)}),
    "pool_avg_full": (lambda: S.Pooling(data(), kernel=(3, 3), stride=(2, 2), pad=(1, 1),
                                        pool_type="avg", pooling_convention="full",
                                        count_include_pad=False), {"data": (1, 2, 6, 5)}),
    "pool_global_sum": (lambda: S.Pooling(data(), global_pool=True, pool_type="sum"),
                        {"data": (2, 3, 3, 2)}),
    "embedding": (lambda: S.Embedding(data(), input_dim=6, output_dim=3, name="e"),
                  {"data": (4,)}),
    "prelu": (lambda: S.LeakyReLU(data(), act_type="prelu", name="l"), {"data": (2, 3, 2, 2)}),
    "elu": (lambda: S.LeakyReLU(data(), act_type="elu", slope=0.5), {"data": (3, 4)}),
    "softmax_instance": (lambda: project(S.SoftmaxActivation(data())), {"data": (2, 5)}),
    "softmax_channel": (lambda: project(S.SoftmaxActivation(data(), mode="channel")),
                        {"data": (2, 3, 2, 2)}),
    "upsampling": (lambda: project(S.UpSampling(data("a"), data("b"), scale=2,
                                                sample_type="nearest", num_args=2)),
                   {"a": (1, 2, 2, 2), "b": (1, 1, 1, 1)}),
    "lrn": (lambda: project(S.LRN(data(), nsize=3, alpha=0.5, knorm=1.0)),
            {"data": (2, 4, 2, 2)}),
    "batchnorm_4d": (lambda: project(S.BatchNorm(data(), fix_gamma=False, name="bn")),
                     {"data": (3, 2, 2, 2)}),
}


@pytest.mark.parametrize("case", GRADS.keys())
def test_node_gradients_match_finite_differences(case, gen):
    make, shapes = GRADS[case]
    ex = bound(make(), shapes, gen, positive={"l_gamma"})
    skip: set[str] = set()
    if case == "embedding":
        ex.arg_arrays["data"][...] = [5, 0, 2, 5]  # indices (a repeated one): no gradient
        skip.add("data")
    if case.startswith("pool"):
        x = ex.arg_arrays["data"]  # distinct values: a step never changes which one is max
        x[...] = (gen.permutation(x.size) * 0.05).reshape(x.shape)
    check_node_gradients(ex, gen, skip=skip)


def test_rrelu_trains_with_random_slopes_and_predicts_with_their_mean(gen):
    sym = S.LeakyReLU(data(), act_type="rrelu", lower_bound=0.1, upper_bound=0.3)
    ex = bound(sym, {"data": (4, 50)}, gen)
    x = ex.arg_arrays["data"]
    x[...] = -np.abs(x) - 0.1
    mx.set.seed(3)
    slopes = ex.forward(is_train=True)[0] / x
    assert slopes.min() >= 0.1 and slopes.max() < 0.3 and slopes.std() > 0.01
    ex.backward()
    np.testing.assert_allclose(ex.grad_arrays["data"], slopes, rtol=1e-6)
    np.testing.assert_allclose(ex.forward(is_train=False)[0] / x, 0.2, rtol=1e-6)


def test_dropout_axes_shares_the_mask_along_the_axes(gen):
    sym = S.Dropout(data(), p=0.5, axes=(2, 3))
    ex = bound(sym, {"data": (4, 6, 3, 3)}, gen)
    ex.arg_arrays["data"][...] = 1.0
    mx.set.seed(0)
    out = ex.forward(is_train=True)[0]
    per_channel = out.reshape(4, 6, 9)
    assert np.all(per_channel == per_channel[:, :, :1])  # one value per (sample, channel)
    assert set(np.unique(out)) == {0.0, 2.0}
    ex.backward()
    np.testing.assert_array_equal(ex.grad_arrays["data"], out)


# -- files written by MXNet ---------------------------------------------------------------------

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "mxnet191_window_ops.json"


@pytest.mark.parametrize("case", ["network", "embedding"])
def test_mxnet_191_files_load_and_infer_mxnet_s_shapes(case):
    # Symbol JSON and shapes written by real MXNet 1.9.1 (tests/golden/mxnet191_window_ops.py).
    ref = json.loads(GOLDEN.read_text())[case]
    sym = mx.symbol.load.json(ref["json"])
    args, outs, _ = sym.infer_shape(**{k: tuple(v) for k, v in ref["given"].items()})
    assert {k: list(v) for k, v in args.items()} == ref["args"]
    assert [list(o) for o in outs] == ref["outs"]
    # Every operator attribute survives our writer unchanged.
    ours = {n["name"]: n.get("attrs", {}) for n in json.loads(sym.tojson())["nodes"]}
    for node in json.loads(ref["json"])["nodes"]:
        if node["op"] != "null":
            assert ours[node["name"]] == node.get("attrs", {}), node["name"]


def _numbers() -> dict:
    return json.loads(GOLDEN.read_text())["numbers"]


@pytest.mark.parametrize("case", sorted(_numbers()))
def test_outputs_and_gradients_match_mxnet_191(case):
    # MXNet 1.9.1's own CPU kernels computed these (tests/golden/mxnet191_window_ops.py): the
    # operator's training forward, then every gradient through a projection to one value.
    ref = _numbers()[case]
    shapes = {k: tuple(v) for k, v in ref["shapes"].items()}
    op = mx.symbol.load.json(ref["op_json"])
    ex = Executor(op, shapes, [])
    for name in op.arguments():
        ex.arg_arrays[name][...] = ref["args"][name]
    np.testing.assert_allclose(ex.forward(is_train=True)[0], ref["out"], rtol=1e-5, atol=1e-6)
    net = mx.symbol.load.json(ref["net_json"])
    ex = Executor(net, shapes, net.arguments())
    for name, value in ref["args"].items():
        ex.arg_arrays[name][...] = value
    ex.forward(is_train=True)
    ex.backward()
    grads = dict(ref["grads"])
    if case == "selu":
        grads["data"] = _selu_grad_mxnet_means(ref, ex.grad_arrays["data"])
    for name, grad in grads.items():
        np.testing.assert_allclose(ex.grad_arrays[name], grad, rtol=1e-5, atol=1e-5,
                                   err_msg=name)


def _selu_grad_mxnet_means(ref: dict, ours: np.ndarray) -> np.ndarray:
    """MXNet 1.9.1's SELU backward gives lambda (alpha + y) for y <= 0 instead of the
    derivative y + lambda alpha (docs/COMPATIBILITY.md, row 45): check that this is the only
    difference, and return the true derivative for the comparison with ours."""
    lam, alpha = 1.0507009873554805, 1.6732632423543772
    x = np.array(ref["args"]["data"], np.float64)
    w = np.array(ref["args"]["proj_weight"], np.float64).reshape(1, -1)
    y = lam * np.where(x > 0, x, alpha * np.expm1(x))
    np.testing.assert_allclose(ref["grads"]["data"], np.where(y > 0, lam, lam * (alpha + y)) * w,
                               rtol=1e-5, atol=1e-6)
    return np.where(x > 0, lam, y + lam * alpha) * w


def test_embedding_clips_indices_as_mxnet_191():
    ref = json.loads(GOLDEN.read_text())["embedding_numbers"]
    sym = S.Embedding(data(), input_dim=5, output_dim=3, name="op")
    ex = Executor(sym, {"data": (2, 3)}, ["op_weight"])
    ex.arg_arrays["data"][...] = ref["idx"]
    ex.arg_arrays["op_weight"][...] = ref["weight"]
    np.testing.assert_array_equal(ex.forward(is_train=True)[0], np.float32(ref["out"]))
    ex.backward()
    np.testing.assert_array_equal(ex.grad_arrays["op_weight"], np.float32(ref["dweight"]))
