"""Writes mxnet191_window_ops.json: symbol JSON and inferred shapes from real MXNet 1.9.1.

Run with the benchmark's MXNet venv (``make bench-setup``):

    .venv-mxnet/bin/python tests/golden/mxnet191_window_ops.py

tests/ops/test_window_symbols.py loads the networks with our parser and checks that our shape
inference gives MXNet's shapes for every argument and output.
"""

import json
import warnings
from pathlib import Path

warnings.simplefilter("ignore")
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
Path(__file__).with_suffix(".json").write_text(json.dumps(out, indent=1) + "\n")
