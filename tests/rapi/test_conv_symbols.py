"""The convolutional-network operators from R: MXNet R's spellings and vector order."""

from __future__ import annotations

import pytest

SCRIPT = r"""
lenet <- function(filter1, filter2) {
  data <- mx.symbol.Variable("data")
  conv1 <- filter1(data)
  tanh1 <- mx.symbol.Activation(data = conv1, act_type = "tanh", name = "tanh1")
  pool1 <- mx.symbol.Pooling(data = tanh1, pool_type = "max", kernel = c(2, 2), stride = c(2, 2),
                             name = "pool1")
  conv2 <- filter2(pool1)
  tanh2 <- mx.symbol.Activation(data = conv2, act.type = "tanh", name = "tanh2")
  pool2 <- mx.symbol.Pooling(data = tanh2, pool.type = "max", kernel = c(2, 2), stride = c(2, 2),
                             name = "pool2")
  flat <- mx.symbol.Flatten(data = pool2, name = "flat")
  fc1 <- mx.symbol.FullyConnected(data = flat, num_hidden = 500, name = "fc1")
  tanh3 <- mx.symbol.Activation(fc1, act_type = "tanh", name = "tanh3")
  fc2 <- mx.symbol.FullyConnected(data = tanh3, num_hidden = 10, name = "fc2")
  mx.symbol.SoftmaxOutput(data = fc2, name = "softmax")
}
# The tutorial's spelling (num_filter) and the dotted one (num.filter) build the same network.
a <- lenet(function(x) mx.symbol.Convolution(data = x, kernel = c(5, 5), num_filter = 20,
                                             name = "conv1"),
           function(x) mx.symbol.Convolution(data = x, kernel = c(5, 5), num_filter = 50,
                                             name = "conv2"))
b <- lenet(function(x) mx.symbol.Convolution(data = x, kernel = c(5, 5), num.filter = 20,
                                             name = "conv1"),
           function(x) mx.symbol.Convolution(data = x, kernel = c(5, 5), num.filter = 50,
                                             name = "conv2"))
emit("spellings.same", identical(a$as.json(), b$as.json()))
s <- mx.symbol.infer.shape(a, data = c(28, 28, 1, 100))
emit("lenet.out", s$out.shapes[[1]])
emit("lenet.conv2.weight", s$arg.shapes$conv2_weight)
emit("lenet.fc1.weight", s$arg.shapes$fc1_weight)

# Vectors are reversed for the backend: kernel = c(3, 5) is 3 wide and 5 high.
c3 <- mx.symbol.Convolution(mx.symbol.Variable("data"), kernel = c(3, 5), stride = c(1, 2),
                            num.filter = 2, name = "c3")
emit("rev.json", grepl('"kernel": "(5, 3)"', c3$as.json(), fixed = TRUE))
emit("rev.stride", grepl('"stride": "(2, 1)"', c3$as.json(), fixed = TRUE))
r <- mx.symbol.infer.shape(c3, data = c(20, 11, 1, 4))
emit("rev.weight", r$arg.shapes$c3_weight)
emit("rev.out", r$out.shapes[[1]])

# Several inputs: in order, or as data = list(...); concat keeps both inputs too.
va <- mx.symbol.Variable("a"); vb <- mx.symbol.Variable("b")
up1 <- mx.symbol.UpSampling(va, vb, scale = 2, sample.type = "nearest", num.args = 2,
                            name = "up")
up2 <- mx.symbol.UpSampling(data = list(va, vb), scale = 2, sample.type = "nearest",
                            num.args = 2, name = "up")
emit("up.args", arguments(up2))
emit("up.same", identical(up1$as.json(), up2$as.json()))
emit("up.out", mx.symbol.infer.shape(up2, a = c(4, 4, 3, 2), b = c(2, 2, 1, 2))$out.shapes[[1]])
emit("concat.args", arguments(mx.symbol.concat(list(va, vb), num.args = 2)))

# The other operators, by their R spellings.
d <- mx.symbol.Variable("data")
emit("deconv", mx.symbol.infer.shape(mx.symbol.Deconvolution(d, kernel = c(4, 4),
  stride = c(2, 2), target.shape = c(14, 13), num.filter = 3),
  data = c(7, 6, 2, 1))$out.shapes[[1]])
emit("pool.full", mx.symbol.infer.shape(mx.symbol.Pooling(d, kernel = c(3, 3), stride = c(2, 2),
  pooling.convention = "full"), data = c(8, 8, 2, 1))$out.shapes[[1]])
emit("pool.global", mx.symbol.infer.shape(mx.symbol.Pooling(d, kernel = c(1, 1),
  global.pool = TRUE, pool.type = "avg"), data = c(5, 7, 3, 4))$out.shapes[[1]])
emit("emb", mx.symbol.infer.shape(mx.symbol.Embedding(d, input.dim = 10, output.dim = 4,
  name = "e"), data = c(3, 5))$arg.shapes$e_weight)
emit("prelu", mx.symbol.infer.shape(mx.symbol.LeakyReLU(d, act.type = "prelu", name = "l"),
  data = c(3, 3, 5, 2))$arg.shapes$l_gamma)
emit("lrn", mx.symbol.infer.shape(mx.symbol.LRN(d, nsize = 5),
  data = c(3, 3, 7, 2))$out.shapes[[1]])
emit("softmax.act", mx.symbol.infer.shape(mx.symbol.SoftmaxActivation(d, mode = "channel"),
  data = c(4, 4, 3, 2))$out.shapes[[1]])
emit("pool.error", msg(mx.symbol.infer.shape(mx.symbol.Pooling(d, kernel = c(2, 2),
  pool.type = "lp"), data = c(4, 4, 1, 1))))
"""


@pytest.fixture(scope="module")
def r(run_r_module):
    run = run_r_module(SCRIPT)
    assert run.returncode == 0, run.stderr
    return run


def test_lenet_infers_shapes_with_either_spelling(r):
    assert r["spellings.same"] == "TRUE"
    assert r.nums("lenet.out") == [10, 100]
    assert r.nums("lenet.conv2.weight") == [5, 5, 20, 50]  # backend (50, 20, 5, 5)
    assert r.nums("lenet.fc1.weight") == [800, 500]


def test_vectors_are_reversed_for_the_backend(r):
    assert r["rev.json"] == "TRUE" and r["rev.stride"] == "TRUE"
    assert r.nums("rev.weight") == [3, 5, 1, 2]  # backend (2, 1, 5, 3)
    # data c(20, 11, 1, 4) is 20 wide, 11 high: width 20 - 3 + 1, height (11 - 5) / 2 + 1
    assert r.nums("rev.out") == [18, 4, 2, 4]


def test_several_inputs(r):
    assert r["up.args"] == "a b"
    assert r["up.same"] == "TRUE"
    assert r.nums("up.out") == [8, 8, 4, 2]
    assert r["concat.args"] == "a b"


def test_other_operators(r):
    assert r.nums("deconv") == [14, 13, 3, 1]
    assert r.nums("pool.full") == [4, 4, 2, 1]
    assert r.nums("pool.global") == [1, 1, 3, 4]
    assert r.nums("emb") == [4, 10]
    assert r.nums("prelu") == [5]
    assert r.nums("lrn") == [3, 3, 7, 2]
    assert r.nums("softmax.act") == [4, 4, 3, 2]
    assert "pool_type" in r["pool.error"] and "'lp'" in r["pool.error"]
