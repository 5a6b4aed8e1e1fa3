"""Writes mxnet191_window_ops.json: symbol JSON and inferred shapes from real MXNet 1.9.1.

Run with the benchmark's MXNet venv (``make bench-setup``), oneDNN off:

    .venv-mxnet/bin/python tests/golden/mxnet191_window_ops.py

tests/ops/test_window_symbols.py loads the networks with our parser and checks that our shape
inference gives MXNet's shapes for every argument and output.
"""

import json
import os
import warnings
from pathlib import Path

warnings.simplefilter("ignore")
# MXNet's own CPU kernels, which define the operators; its oneDNN path refuses some
# deconvolutions ("could not create a descriptor for a dilated deconvolution").
os.environ["MXNET_MKLDNN_ENABLED"] = "0"
import mxnet as mx  # noqa: E402

S = mx.sym


def network():
    """Every window operator, with non-default parameters where MXNet has them."""
    c1 = S.Convolution(S.Variable("data"), kernel=(5, 5), num_filter=20, name="conv1")
    p1 = S.Pooling(S.Activation(c1, act_type="tanh", name="t1"), pool_type="max",
                   kernel=(2, 2), stride=(2, 2), name="pool1")
    c2 = S.Convolution(p1, kernel=(3, 2), stride=(2, 1), pad=(1, 0), dilate=(1, 2),
                       num_filter=8, num_group=4, no_bias=True, name="conv2")
    act = S.LeakyReLU(S.LRN(c2, nsize=3, name="lrn"), act_type="prelu", name="prelu")
    up = S.UpSampling(act, scale=2, sample_type="nearest", num_args=1, name="up")
    p2 = S.Pooling(up, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg",
                   pooling_convention="full", count_include_pad=False, name="pool2")
    dc = S.Deconvolution(S.SoftmaxActivation(p2, mode="channel", name="sa"), kernel=(4, 4),
                         stride=(2, 2), target_shape=(14, 13), num_filter=3, name="deconv")
    g = S.Pooling(dc, kernel=(1, 1), global_pool=True, pool_type="sum", name="gpool")
    fc = S.FullyConnected(S.Flatten(g, name="flat"), num_hidden=10, name="fc")
    return S.SoftmaxOutput(fc, name="softmax"), {"data": (4, 1, 28, 28)}


def embedding():
    return S.Embedding(S.Variable("user"), input_dim=10, output_dim=4, name="emb"), \
        {"user": (5, 3)}


def record(sym, shapes):
    args, outs, _ = sym.infer_shape(**shapes)
    return {"json": sym.tojson(), "given": shapes,
            "args": dict(zip(sym.list_arguments(), args)), "outs": outs}


out = {"mxnet": mx.__version__, "network": record(*network()),
       "embedding": record(*embedding())}


# -- numbers: forward outputs and gradients of each operator ------------------------------------

def cases():
    """name -> (symbol of `data` (and `b` for a second input), input shapes, is_train)."""
    d, b = S.Variable("data"), S.Variable("b")
    return {
        "conv_2d": (S.Convolution(d, kernel=(3, 2), stride=(2, 1), pad=(1, 0), dilate=(1, 2),
                                  num_filter=4, num_group=2, name="op"), {"data": (2, 4, 6, 5)}),
        "conv_1d": (S.Convolution(d, kernel=(3,), stride=(2,), pad=(1,), num_filter=2,
                                  name="op"), {"data": (2, 3, 9)}),
        "deconv_adj": (S.Deconvolution(d, kernel=(3, 3), stride=(2, 2), pad=(1, 1), adj=(1, 0),
                                       num_filter=2, no_bias=False, name="op"),
                       {"data": (1, 2, 3, 3)}),
        "deconv_target": (S.Deconvolution(d, kernel=(4, 4), stride=(2, 2), target_shape=(8, 7),
                                          num_filter=2, name="op"), {"data": (1, 2, 4, 3)}),
        "pool_max_full": (S.Pooling(d, kernel=(3, 3), stride=(2, 2), pad=(1, 1),
                                    pooling_convention="full", name="op"),
                          {"data": (2, 2, 7, 6)}),
        "pool_avg_pad": (S.Pooling(d, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg",
                                   pooling_convention="full", name="op"), {"data": (2, 2, 7, 6)}),
        "pool_avg_nopad": (S.Pooling(d, kernel=(3, 3), stride=(2, 2), pad=(1, 1),
                                     pool_type="avg", count_include_pad=False, name="op"),
                           {"data": (2, 2, 7, 6)}),
        "pool_sum": (S.Pooling(d, kernel=(2, 3), stride=(1, 2), pool_type="sum", name="op"),
                     {"data": (2, 2, 7, 6)}),
        "pool_global_avg": (S.Pooling(d, kernel=(1, 1), global_pool=True, pool_type="avg",
                                      name="op"), {"data": (2, 3, 4, 5)}),
        "pool_1d": (S.Pooling(d, kernel=(3,), stride=(2,), name="op"), {"data": (2, 2, 9)}),
        "leaky": (S.LeakyReLU(d, slope=0.3, name="op"), {"data": (3, 8)}),
        "elu": (S.LeakyReLU(d, act_type="elu", slope=0.7, name="op"), {"data": (3, 8)}),
        "selu": (S.LeakyReLU(d, act_type="selu", name="op"), {"data": (3, 8)}),
        "gelu": (S.LeakyReLU(d, act_type="gelu", name="op"), {"data": (3, 8)}),
        "prelu": (S.LeakyReLU(d, act_type="prelu", name="op"), {"data": (2, 3, 2, 2)}),
        "softmax_instance": (S.SoftmaxActivation(d, name="op"), {"data": (3, 5)}),
        "softmax_channel": (S.SoftmaxActivation(d, mode="channel", name="op"),
                            {"data": (2, 3, 2, 2)}),
        "upsampling_concat": (S.UpSampling(d, b, scale=2, sample_type="nearest", num_args=2,
                                           name="op"), {"data": (1, 2, 2, 2), "b": (1, 1, 1, 1)}),
        "upsampling_sum": (S.UpSampling(d, b, scale=2, sample_type="nearest", num_args=2,
                                        multi_input_mode="sum", name="op"),
                           {"data": (1, 2, 2, 2), "b": (1, 2, 4, 4)}),
        "lrn": (S.LRN(d, nsize=3, alpha=0.5, beta=0.75, knorm=1.0, name="op"),
                {"data": (2, 4, 2, 2)}),
        "batchnorm_4d": (S.BatchNorm(d, fix_gamma=False, name="op"), {"data": (3, 2, 2, 2)}),
    }


def numbers(sym, shapes, rs):
    """Inputs and parameters drawn from rs; the op's training forward output; and, through a
    projection to one value per sample (FullyConnected, weight 'proj_weight', head gradient
    1), the gradient of every argument."""
    net = S.FullyConnected(sym, num_hidden=1, no_bias=True, name="proj")
    args = {}
    for name, shape in zip(net.list_arguments(), net.infer_shape(**shapes)[0]):
        low = 0.2 if name.endswith("gamma") else -1.0
        args[name] = rs.uniform(low, 1.0, shape).astype("float32")
    ex = net.simple_bind(mx.cpu(), grad_req="write", **shapes)
    for name, value in args.items():
        ex.arg_dict[name][:] = value
    ex.forward(is_train=True)
    ex.backward([mx.nd.ones(ex.outputs[0].shape)])
    op = sym.simple_bind(mx.cpu(), grad_req="null", **shapes)
    for name in sym.list_arguments():
        op.arg_dict[name][:] = args[name]
    op.forward(is_train=True)
    return {"op_json": sym.tojson(), "net_json": net.tojson(), "shapes": shapes,
            "args": {k: v.tolist() for k, v in args.items()},
            "out": op.outputs[0].asnumpy().tolist(),
            "grads": {k: v.asnumpy().tolist() for k, v in ex.grad_dict.items()}}


def embedding_numbers():
    """Indices out of range and fractional: MXNet clips them after truncation."""
    sym = S.Embedding(S.Variable("data"), input_dim=5, output_dim=3, name="op")
    idx = [[-2.0, 0.7, 4.9], [7.0, 2.0, 3.5]]
    weight = [[i + j / 10 for j in range(3)] for i in range(5)]
    ex = sym.simple_bind(mx.cpu(), grad_req={"data": "null", "op_weight": "write"}, data=(2, 3))
    ex.arg_dict["data"][:] = idx
    ex.arg_dict["op_weight"][:] = weight
    ex.forward(is_train=True)
    ex.backward([mx.nd.ones((2, 3, 3))])
    return {"idx": idx, "weight": weight, "out": ex.outputs[0].asnumpy().tolist(),
            "dweight": ex.grad_dict["op_weight"].asnumpy().tolist()}


def short(x):
    """float32 values in 9 significant digits (enough to read back the same float32)."""
    if isinstance(x, float):
        return float(f"{x:.9g}")
    if isinstance(x, list):
        return [short(v) for v in x]
    if isinstance(x, dict):
        return {k: short(v) for k, v in x.items()}
    return x


if __name__ == "__main__":
    import numpy as np
    rs = np.random.default_rng(2024)
    out["numbers"] = {name: numbers(sym, shapes, rs) for name, (sym, shapes) in cases().items()}
    out["embedding_numbers"] = embedding_numbers()
    Path(__file__).with_suffix(".json").write_text(json.dumps(short(out)) + "\n")
