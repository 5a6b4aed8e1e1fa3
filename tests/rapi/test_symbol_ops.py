"""Symbol operators and introspection from R, as MXNet R's own symbol tests and the "Custom
Loss Function" tutorial use them (one child per host)."""

from __future__ import annotations

import numpy as np
import pytest

SCRIPT = r"""
x <- mx.symbol.Variable("x")
shape_of <- function(s, ...) mx.symbol.infer.shape(s, ...)$out.shapes[[1]]
# -- operators, with MXNet R's parameter convention (vectors reversed, single axes as given)
emit("reshape", shape_of(mx.symbol.Reshape(x, shape = c(-1, 0)), x = c(4, 3, 2)))
emit("reshape.0", shape_of(mx.symbol.Reshape(x, shape = 0), x = c(1, 7)))
emit("reshape.json", grepl('"shape": "(0, -1)"', mx.symbol.Reshape(x, shape = c(-1, 0))$as.json(),
                           fixed = TRUE))
emit("expand", shape_of(mx.symbol.expand_dims(x, axis = 1), x = c(3, 2)))
emit("transpose", shape_of(mx.symbol.transpose(x), x = c(4, 3, 2)))
emit("transpose.axes", shape_of(mx.symbol.transpose(x, axes = c(1, 2, 0)), x = c(4, 3, 2)))
emit("sum.axis", shape_of(mx.symbol.sum_axis(x, axis = 1), x = c(5, 3)))
emit("sum.keep", shape_of(mx.symbol.sum(x, axis = 0, keepdims = TRUE), x = c(5, 3)))
emit("mean.all", shape_of(mx.symbol.mean(x), x = c(5, 3)))
emit("bcast", shape_of(mx.symbol.broadcast_mul(x, mx.symbol.Variable("y")), x = c(3, 2),
                       y = c(1, 2)))
emit("bcast.to", shape_of(mx.symbol.broadcast_to(x, shape = c(3, 4)), x = c(3, 1)))
emit("bcast.axis", shape_of(mx.symbol.broadcast_axis(x, axis = 0, size = 6), x = c(3, 1)))
emit("cast.bad", msg(mx.symbol.Cast(x, dtype = "int32")))
sl <- mx.symbol.SliceChannel(mx.symbol.Variable("data"), num_outputs = 3, name = "slice")
emit("slice.outputs", outputs(sl))
emit("slice.children", outputs(children(sl)))
emit("slice.part", outputs(sl[[2]]))
emit("slice.shapes", unlist(mx.symbol.infer.shape(sl, data = c(6, 2))$out.shapes))
emit("names", c(outputs(mx.symbol.BlockGrad(x)), outputs(mx.symbol.sqrt(x)),
                outputs(mx.symbol.broadcast_plus(x, x)), outputs(mx.symbol.log(x))))
# values through an executor: a sum over the features of exp(x)
ex <- mx.simple.bind(mx.symbol.sum(mx.symbol.exp(x), axis = 1), ctx = mx.cpu(), x = c(2, 3),
                     grad.req = "write")
mx.exec.update.arg.arrays(ex, list(x = mx.nd.array(matrix(c(0, 1, 2, 3, 4, 5), 2))),
                          match.name = TRUE)
mx.exec.forward(ex, is.train = TRUE)
emit("exp.sum", as.array(ex$ref.outputs[[1]]))
mx.exec.backward(ex, list(mx.nd.ones(3)))
emit("exp.sum.grad", as.array(ex$ref.grad.arrays$x))

# -- introspection, as in MXNet R's test_symbol.R
data <- mx.symbol.Variable("data")
oldfc <- mx.symbol.FullyConnected(data = data, name = "fc1", num_hidden = 10)
net1 <- mx.symbol.FullyConnected(data = oldfc, name = "fc2", num_hidden = 100)
net2 <- mx.symbol.FullyConnected(name = "fc3", num_hidden = 10)
net2 <- mx.symbol.Activation(data = net2, act_type = "relu")
net2 <- mx.symbol.FullyConnected(data = net2, name = "fc4", num_hidden = 20)
composed <- mx.apply(net2, fc3_data = net1, name = "composed")
emit("apply.args", arguments(composed))
emit("apply.out", outputs(composed))
emit("group.c", outputs(mx.symbol.Group(c(composed, net1))))
emit("c.length", length(c(composed, net1, data)))
internal <- internals(net1)
fc1 <- internal[[match("fc1_output", internal$outputs)]]
emit("internal.fc1", identical(arguments(fc1), arguments(oldfc)))
emit("children", outputs(children(net1)))
emit("children2", outputs(children(children(net1))))
kids <- net1$get.children()
emit("get.children", kids[[match("fc2_weight", kids$outputs)]]$arguments)
emit("children.var", is.null(children(data)))
prev <- mx.symbol.FullyConnected(data = mx.symbol.Variable("prevstate"), name = "h2h",
                                 num_hidden = 8)
out <- mx.symbol.Activation(data = mx.symbol.elemwise_add(
  mx.symbol.FullyConnected(data = data, name = "x2h", num_hidden = 8), prev), act_type = "relu")
emit("infer.null", is.null(mx.symbol.infer.shape(out, data = c(64, 10))))
emit("infer.full", mx.symbol.infer.shape(out, data = c(64, 10),
                                         prevstate = c(8, 10))$out.shapes[[1]])
s3 <- mx.symbol.concat(data = c(mx.symbol.Variable("d1"), mx.symbol.Variable("d2")),
                       num.args = 2, name = "concat")
emit("concat.children", outputs(children(s3)))

# -- the Custom Loss Function tutorial: a network ending in MakeLoss
bh <- data.frame(scale(data.matrix(BostonHousing)))
test.ind <- seq(1, 506, 5)
tr.x <- data.matrix(bh[-test.ind, -14]); tr.y <- bh[-test.ind, 14]
te.x <- data.matrix(bh[test.ind, -14])
label <- mx.symbol.Variable("label")
fc1 <- mx.symbol.FullyConnected(data, num_hidden = 14, name = "fc1")
tanh1 <- mx.symbol.Activation(fc1, act_type = "tanh", name = "tanh1")
fc2 <- mx.symbol.FullyConnected(tanh1, num_hidden = 1, name = "fc2")
lro2 <- mx.symbol.MakeLoss(mx.symbol.square(mx.symbol.Reshape(fc2, shape = 0) - label),
                           name = "lro2")
mx.set.seed(0)
model2 <- mx.model.FeedForward.create(lro2, X = tr.x, y = tr.y, ctx = mx.cpu(), num.round = 5,
                                      array.batch.size = 60, optimizer = "rmsprop",
                                      verbose = FALSE, array.layout = "rowmajor")
pred2 <- predict(model2, te.x, array.layout = "rowmajor")
emit("loss.pred.dim", c(length(dim(pred2)), length(pred2)))
internals <- internals(model2$symbol)
fc_symbol <- internals[[match("fc2_output", outputs(internals))]]
model3 <- list(symbol = fc_symbol, arg.params = model2$arg.params, aux.params = model2$aux.params)
class(model3) <- "MXFeedForwardModel"
pred3 <- predict(model3, te.x, array.layout = "rowmajor")
emit("fc.pred.dim", dim(pred3))
emit("fc.pred", pred3[1, ])
emit("loss.pred", as.vector(pred2))
model4 <- structure(list(symbol = fc_symbol, arg.params = model2$arg.params,
                         aux.params = model2$aux.params), class = "MXFeedForwardModel")
emit("structure.same", identical(predict(model4, te.x, array.layout = "rowmajor"), pred3))
p <- lapply(model2$arg.params, as.array)
emit("by.hand", as.vector(tanh(te.x %*% p$fc1_weight + rep(p$fc1_bias, each = nrow(te.x))) %*%
                            p$fc2_weight + p$fc2_bias))
emit("mse.train", mean((predict(model3, tr.x, array.layout = "rowmajor")[1, ] - tr.y)^2))
"""


@pytest.fixture(scope="module")
def r(run_r_module):
    run = run_r_module(SCRIPT)
    assert run.returncode == 0, run.stderr
    return run


def test_operators_take_mxnet_r_parameters(r):
    assert r.nums("reshape") == [12, 2]  # shape = c(-1, 0) is the backend's (0, -1)
    assert r.nums("reshape.0") == [7]
    assert r["reshape.json"] == "TRUE"
    assert r.nums("expand") == [3, 1, 2]
    assert r.nums("transpose") == [2, 3, 4]
    assert r.nums("transpose.axes") == [3, 4, 2]  # R c(1, 2, 0) is the backend's (0, 2, 1)
    assert r.nums("sum.axis") == [3]
    assert r.nums("sum.keep") == [5, 1]
    assert r.nums("mean.all") == [1]
    assert r.nums("bcast") == [3, 2]
    assert r.nums("bcast.to") == [3, 4]
    assert r.nums("bcast.axis") == [3, 6]
    assert r["cast.bad"] == ("Invalid value for parameter `dtype` of Cast. Received: "
                             "dtype='int32'. Expected one of float32.")
    assert r["slice.outputs"] == "slice_output0 slice_output1 slice_output2"
    assert r["slice.children"] == "data"
    assert r["slice.part"] == "slice_output1"
    assert r.nums("slice.shapes") == [2, 2] * 3
    names = r["names"].split()
    assert [n.removesuffix("_output").rstrip("0123456789") for n in names] == \
        ["blockgrad", "sqrt", "broadcast_add", "log"]


def test_operators_compute_in_r(r):
    x = np.array([[0, 2, 4], [1, 3, 5]], np.float64)  # matrix(0:5, 2): R dims c(2, 3)
    np.testing.assert_allclose(r.nums("exp.sum"), np.exp(x).sum(axis=0), rtol=1e-6)
    np.testing.assert_allclose(r.nums("exp.sum.grad"), np.exp(x).T.ravel(), rtol=1e-6)


def test_introspection_as_mxnet_r(r):
    assert r["apply.args"] == ("data fc1_weight fc1_bias fc2_weight fc2_bias fc3_weight fc3_bias "
                               "fc4_weight fc4_bias")
    assert r["apply.out"] == "composed_output"
    assert r["group.c"] == "composed_output fc2_output"
    assert r.num("c.length") == 3
    assert r["internal.fc1"] == "TRUE"
    assert r["children"] == "fc1_output fc2_weight fc2_bias"
    assert r["children2"] == "data fc1_weight fc1_bias"
    assert r["get.children"] == "fc2_weight"
    assert r["children.var"] == "TRUE"
    assert r["infer.null"] == "TRUE"
    assert r.nums("infer.full") == [8, 10]
    assert r["concat.children"] == "d1 d2"


def test_custom_loss_tutorial_predicts_from_the_internal_output(r):
    assert r.nums("loss.pred.dim") == [1, 102]  # the MakeLoss output: one value per sample
    assert r.nums("fc.pred.dim") == [1, 102]
    fc = np.array(r.nums("fc.pred"))
    np.testing.assert_allclose(fc, r.nums("by.hand"), rtol=1e-4, atol=1e-5)
    # predict binds the label as zeros (as MXNet's predict does): the loss is fc2 ** 2
    np.testing.assert_allclose(r.nums("loss.pred"), fc ** 2, rtol=1e-5, atol=1e-6)
    assert r["structure.same"] == "TRUE"
    assert r.num("mse.train") < 0.5  # scaled targets: variance 1 before training
