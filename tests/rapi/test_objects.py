"""Iterators, updaters, symbols, NDArrays, contexts and random numbers from R (one child)."""

from __future__ import annotations

import numpy as np
import pytest

SCRIPT = r"""
# -- mx.io.arrayiter: MXNet R's padding (y = round((1:100)/10), batch 30: pads = samples 71-90)
it <- mx.io.arrayiter(matrix(1:200, 2), round((1:100) / 10), batch.size = 30)
emit("iter.class", class(it))
emit("iter.is", c(is.mx.dataiter(it), is.mx.dataiter(matrix(0, 2, 2)), is.mx.dataiter(NULL)))
emit("iter.print", capture.output(print(it)))
emit("iter.value.before", msg(it$value()))
pads <- c(); labels <- list(); dims <- list()
while (it$iter.next()) {
  pads <- c(pads, it$num.pad())
  v <- it$value()
  labels[[length(labels) + 1]] <- as.array(v$label)
  dims[[length(dims) + 1]] <- c(dim(v$data), dim(v$label))
}
emit("iter.pads", pads)
emit("iter.nbatch", length(labels))
emit("iter.last.labels", labels[[4]])
emit("iter.dims", unlist(dims[1]))
emit("iter.value.class", class(it$value()$data))
emit("iter.after.end", it$iter.next())
it$reset()
emit("iter.reset.first", c(it$iter.next(), as.array(it$value()$label)[1:3]))
emit("iter.extract.label", mx.io.extract(it, "label"))
emit("iter.extract.data.dim", dim(mx.io.extract(it, "data")))
emit("iter.rowmajor.error", msg(mx.io.arrayiter(matrix(0, 10, 2), 1:10)))
emit("iter.mismatch.error", msg(mx.io.arrayiter(matrix(0, 2, 10), 1:9)))
mx.set.seed(7)
sh <- mx.io.arrayiter(matrix(0, 1, 50), 0:49, batch.size = 50, shuffle = TRUE)
sh$iter.next(); first <- as.array(sh$value()$label); sh$reset(); sh$iter.next()
emit("shuffle.order", first)
emit("shuffle.same.after.reset", identical(first, as.array(sh$value()$label)))
k <- mx.io.arrayiter(matrix(1:6, 2), matrix(1:6, 2), batch.size = 2)
k$iter.next()
emit("iter.matrix.label.dim", dim(k$value()$label))
emit("init.iter", c(class(mx.model.init.iter(matrix(0, 3, 10), NULL, 4, FALSE))[1],
                    identical(mx.model.init.iter(it, NULL, 4, FALSE), it)))

# -- iterators as X in FeedForward.create and predict
fit <- function(X, ...) mx.model.FeedForward.create(lro, X = X, num.round = 2,
  array.batch.size = 20, learning.rate = 2e-6, momentum = 0.9, verbose = FALSE, ...)
w1 <- function(model) as.vector(as.array(model$arg.params$fc1_weight))
mx.set.seed(0)
m.array <- fit(train.x, y = train.y, array.layout = "rowmajor")
mx.set.seed(0)
m.iter <- fit(mx.io.arrayiter(t(train.x), train.y, batch.size = 20, shuffle = TRUE))
emit("fit.iter.same", identical(w1(m.iter), w1(m.array)))
p.iter <- predict(m.array, mx.io.arrayiter(t(test.x), rep(0, nrow(test.x)), batch.size = 50))
emit("predict.iter.dim", dim(p.iter))
emit("predict.iter.same", identical(p.iter, predict(m.array, test.x, array.layout = "rowmajor")))
ev <- mx.io.arrayiter(t(test.x), test.y, batch.size = 20)
logger <- mx.metric.logger$new()
invisible(fit(mx.io.arrayiter(t(train.x), train.y, batch.size = 20), eval.data = ev,
  eval.metric = mx.metric.rmse, epoch.end.callback = mx.callback.log.train.metric(1, logger)))
emit("eval.iter.logged", length(logger$eval))
# an iterator written in R (not ours): the same batches give the same model
my.iter <- function(x, y, b) {
  state <- new.env(); state$i <- 0
  n <- ncol(x); nb <- ceiling(n / b)
  structure(list(
    reset = function() state$i <- 0,
    iter.next = function() { state$i <- state$i + 1; state$i <= nb },
    value = function() {
      idx <- ((state$i - 1) * b + seq_len(b) - 1) %% n + 1
      list(data = mx.nd.array(x[, idx, drop = FALSE]), label = mx.nd.array(y[idx]))
    },
    num.pad = function() if (state$i == nb) (b - n %% b) %% b else 0), class = "MXDataIter")
}
tx <- t(train.x)[, 1:160]; ty <- train.y[1:160]
mx.set.seed(1)
m.mine <- fit(my.iter(tx, ty, 20))
mx.set.seed(1)
m.ours <- fit(mx.io.arrayiter(tx, ty, batch.size = 20))
emit("r.iter.same", identical(w1(m.mine), w1(m.ours)))

# -- mx.opt.get.updater: one C update per call, state kept between calls
w <- list(w = mx.nd.array(c(1.1, 1.8)))
g <- list(w = mx.nd.array(c(-0.3, -0.8)))
step <- function(opt, n = 1) { up <- mx.opt.get.updater(opt, w); x <- w
  for (i in seq_len(n)) x <- up(x, g); as.array(x$w) }
emit("upd.sgd", step(mx.opt.create("sgd", learning.rate = 1)))
emit("upd.sgd.mom2", step(mx.opt.sgd(learning.rate = 0.1, momentum = 0.9), 2))
emit("upd.adam", step(mx.opt.create("adam", learning.rate = 1)))
emit("upd.adagrad", step(mx.opt.create("adagrad", learning.rate = 1)))
emit("upd.rmsprop", step(mx.opt.create("rmsprop", learning.rate = 1)))
up <- mx.opt.get.updater(mx.opt.sgd(learning.rate = 1), w)
r <- up(list(a = mx.nd.array(1), b = mx.nd.array(2)), list(a = mx.nd.array(0.5), b = NULL))
emit("upd.null", c(names(r), as.array(r$a), is.null(r$b)))
emit("upd.class", class(r$a))
emit("upd.not.in.place", as.array(w$w))
emit("upd.bad", msg(mx.opt.get.updater("sgd")))
emit("upd.mismatch", msg(up(w, list())))
invisible(gc()); base <- mxnet:::.mx_handle_sweep()
for (i in 1:200) u <- mx.opt.get.updater(mx.opt.adam())
for (i in 1:200) w2 <- up(w, g)
for (i in 1:50) j <- mx.io.arrayiter(matrix(0, 2, 10), 1:10)
rm(u, j); invisible(gc())
emit("handles", c(base, mxnet:::.mx_handle_sweep()))

# -- symbols
data <- mx.symbol.Variable("data")
fc1 <- mx.symbol.FullyConnected(data, num_hidden = 4, name = "fc1")
act <- mx.symbol.Activation(fc1, act_type = "relu", name = "act")
net <- mx.symbol.SoftmaxOutput(mx.symbol.FullyConnected(act, num_hidden = 3, name = "fc2"),
                               name = "sm")
emit("sym.arguments", arguments(net))
emit("sym.outputs", outputs(net))
emit("sym.dollar", c(identical(net$arguments, arguments(net)),
                     identical(net$outputs, outputs(net))))
emit("sym.internals", outputs(internals(net)))
emit("sym.children", outputs(children(net)))
emit("sym.get.output", outputs(internals(net)$get.output(2)))
g2 <- mx.symbol.Group(fc1, act)
emit("sym.group", outputs(g2))
emit("sym.group.list", identical(outputs(mx.symbol.Group(list(fc1, act))), outputs(g2)))
emit("sym.brackets", outputs(g2[[2]]))
emit("sym.group.bad", msg(mx.symbol.Group(fc1, 1)))
shapes <- mx.symbol.infer.shape(net, data = c(10, 32))
emit("infer.fc1", shapes$arg.shapes$fc1_weight)
emit("infer.label", shapes$arg.shapes$sm_label)
emit("infer.out", shapes$out.shapes$sm_output)
emit("infer.names", names(shapes))
emit("infer.incomplete", is.null(mx.symbol.infer.shape(net)))
emit("infer.unnamed", msg(mx.symbol.infer.shape(net, c(10, 32))))
mx.symbol.save(net, "net.json")
emit("load.same", identical(arguments(mx.symbol.load("net.json")), arguments(net)))
emit("load.json.same", identical(outputs(mx.symbol.load.json(net$as.json())), outputs(net)))
bn <- mx.symbol.BatchNorm(data, name = "bn")
emit("sym.aux", bn$auxiliary.states)
fcd <- mx.symbol.FullyConnected(num_hidden = 2, name = "lonely")
emit("apply.before", arguments(fcd))
emit("apply.named", arguments(mx.apply(fcd, data = mx.symbol.Variable("x"))))
emit("apply.full.name", arguments(mx.apply(fcd, lonely_weight = mx.symbol.Variable("shared_w"))))
emit("apply.positional", arguments(mx.apply(fcd, mx.symbol.Variable("y"))))
emit("apply.rename", outputs(mx.apply(fcd, data = mx.symbol.Variable("x"), name = "renamed")))
emit("apply.unchanged", arguments(fcd))
emit("apply.bad", msg(mx.apply(fcd, nothing = data)))
emit("apply.mixed", msg(mx.apply(fcd, data, lonely_weight = data)))
v <- mx.symbol.Variable("v"); v$attributes <- list(mood = "happy")
emit("attr", unlist(v$attributes))
emit("attr.bad", msg({ v$arguments <- "x" }))
emit("concat", outputs(mx.symbol.concat(list(data, v), num.args = 2, name = "cc")))
emit("concat.warn", tryCatch(mx.symbol.Concat(list(data, v), num.args = 2),
                             warning = conditionMessage))
emit("unsupported", msg(mx.symbol.RNN(data, state.size = 8, num.layers = 1, mode = "lstm")))
emit("unsupported.crop", msg(mx.symbol.Crop(data, num.args = 1, h.w = c(2, 2))))
emit("arith", outputs(data + 1))
emit("arith2", outputs(2 * data))
emit("arith.bad", msg(data %% 2))
emit("mixed.style", msg(mx.symbol.FullyConnected(data, 3)))
emit("not.symbol", msg(arguments(1)))
emit("rcpp.class", c(inherits(data, "Rcpp_MXSymbol"), "Rcpp_MXSymbol" %in% class(data + 1),
                     is.mx.symbol(mx.symbol.Group(c(data, v)))))
emit("mlp", class(mx.mlp(t(train.x[1:40, 1:3]), train.y[1:40] > 20, hidden_node = 3, out_node = 2,
                         num.round = 1, array.layout = "colmajor", verbose = FALSE)))

# -- NDArrays, contexts, random numbers, initializers
a <- mx.nd.array(matrix(1:6, 2))
emit("nd.dim", dim(a))
emit("nd.zeros", c(dim(mx.nd.zeros(c(2, 3))), sum(as.array(mx.nd.zeros(c(2, 3))))))
emit("nd.ones", as.array(mx.nd.ones(3)))
emit("nd.is", c(is.mx.ndarray(a), is.mx.ndarray(1)))
mx.nd.save(list(a = a, b = mx.nd.ones(2)), "x.nd")
l <- mx.nd.load("x.nd")
emit("nd.load", c(names(l), identical(as.array(l$a), as.array(a))))
mx.nd.save(a, "one.nd")
one <- mx.nd.load("one.nd")
emit("nd.load.one", c(as.character(length(one)), is.null(names(one))))
emit("ctx", c(mx.ctx.default()$device, is.mx.context(mx.cpu()), is.mx.context(list()),
              mx.gpu(1)$device_id))
emit("gpu.fallback", c(mx.gpu(3)$device, mx.gpu(3)$device_id))
emit("gpu.off", local({
  old <- options(mxnet.gpu.fallback = FALSE)
  on.exit(options(old))
  msg(mx.gpu(2))
}))
mx.set.seed(0); emit("runif", as.array(mx.runif(2)))
mx.set.seed(0); emit("rnorm", as.array(mx.rnorm(2)))
emit("runif.dim", dim(mx.runif(c(2, 3), -1, 1)))
emit("rnorm.bad", msg(mx.rnorm(2, mean = "a")))
ini <- mx.init.create(mx.init.Xavier(), list(fc_weight = c(10, 5), fc_bias = 5, x_gamma = 5),
                      mx.cpu())
emit("init.create", c(names(ini), dim(ini$fc_weight), as.array(ini$x_gamma)[1]))
emit("init.bound", max(abs(as.array(ini$fc_weight))) <= sqrt(3 / 7.5))
emit("init.unknown", msg(mx.init.uniform(1)("foo", 2, NULL)))
emit("opt.unknown", msg(mx.opt.create("lbfgs")))
emit("sched", class(mx.lr_scheduler.FactorScheduler(step = 10, factor_val = 0.5)))
"""


@pytest.fixture(scope="module")
def r(run_r_module):
    run = run_r_module(SCRIPT)
    assert run.returncode == 0, run.stderr
    return run


def test_array_iterator_pads_with_the_previous_batch(r):
    assert r["iter.class"] == "MXArrayDataIter MXDataIter"
    assert r["iter.is"] == "TRUE FALSE FALSE"
    assert r["iter.print"] == "MXArrayDataIter: 100 samples in 4 batches of 30"
    assert "before iter_next" in r["iter.value.before"]
    assert r.nums("iter.pads") == [0, 0, 0, 20]
    assert r.num("iter.nbatch") == 4
    expected = [float(np.round(k / 10)) for k in range(91, 101)] + \
        [float(np.round(k / 10)) for k in range(71, 91)]  # R rounds half to even, as numpy
    assert r.nums("iter.last.labels") == expected
    assert r.nums("iter.dims") == [2, 30, 30]
    assert r["iter.value.class"] == "MXNDArray"
    assert r["iter.after.end"] == "FALSE"
    assert r.nums("iter.reset.first")[1:] == [0, 0, 0]  # round(0.1..0.3) -> 0 0 0
    assert r.nums("iter.extract.label") == [float(np.round(k / 10)) for k in range(1, 101)]
    assert r.nums("iter.extract.data.dim") == [2, 100]
    assert r["iter.rowmajor.error"].startswith("Seems X, y was passed in a Row major way")
    assert r["iter.mismatch.error"].startswith("Data and label shape in-consistent")
    assert r.nums("iter.matrix.label.dim") == [2, 2]
    assert r["init.iter"] == "MXArrayDataIter TRUE"


def test_shuffle_happens_once_from_the_core_random_stream(r):
    from mxnet_r_compat.learn import random

    random.set_seed(7)
    assert r.nums("shuffle.order") == [float(i) for i in random.shuffle_order(50)]
    assert r.nums("shuffle.order") != list(range(50))
    assert r["shuffle.same.after.reset"] == "TRUE"


def test_iterators_as_training_and_prediction_input(r):
    assert r["fit.iter.same"] == "TRUE"  # same draws: shuffle, then weights
    assert r.nums("predict.iter.dim") == [1, 337]  # padding dropped
    assert r["predict.iter.same"] == "TRUE"
    assert r.num("eval.iter.logged") == 2
    assert r["r.iter.same"] == "TRUE"


def test_updater_matches_the_closed_form(r):
    w, g = np.array([1.1, 1.8]), np.array([-0.3, -0.8])
    np.testing.assert_allclose(r.nums("upd.sgd"), w - g, rtol=1e-6)  # spec: (1.4, 2.6)
    mom = 0.1 * -g
    mom2 = 0.9 * mom + 0.1 * -g
    np.testing.assert_allclose(r.nums("upd.sgd.mom2"), w + mom + mom2, rtol=1e-6)
    m, v = 0.1 * g, 0.001 * g * g
    np.testing.assert_allclose(r.nums("upd.adam"), w - m / (np.sqrt(v) + 1e-8), rtol=1e-5)
    np.testing.assert_allclose(r.nums("upd.adagrad"), w - g / np.sqrt(g * g + 1e-8), rtol=1e-6)
    n, gb = 0.05 * g * g, 0.05 * g
    np.testing.assert_allclose(r.nums("upd.rmsprop"), w - g / np.sqrt(n - gb * gb + 1e-4),
                               rtol=1e-5)


def test_updater_protocol_and_no_leak(r):
    assert r["upd.null"] == "a b 0.5 TRUE"
    assert r["upd.class"] == "MXNDArray"
    assert r.nums("upd.not.in.place") == pytest.approx([1.1, 1.8])
    assert r["upd.bad"].startswith("Invalid value for argument `optimizer`.")
    assert "1 weights and 0 gradients" in r["upd.mismatch"]
    base, after = r.nums("handles")
    assert after <= base + 2  # 200 updaters and 50 iterators were made and dropped


def test_symbols(r):
    assert r["sym.arguments"] == "data fc1_weight fc1_bias fc2_weight fc2_bias sm_label"
    assert r["sym.outputs"] == "sm_output"
    assert r["sym.dollar"] == "TRUE TRUE"
    assert r["sym.internals"].split()[:4] == ["data", "fc1_weight", "fc1_bias", "fc1_output"]
    assert r["sym.children"] == "fc2_output sm_label"
    assert r["sym.get.output"] == "fc1_weight"
    assert r["sym.group"] == "fc1_output act_output"
    assert r["sym.group.list"] == "TRUE"
    assert r["sym.brackets"] == "act_output"
    assert r["sym.group.bad"] == "Group only accept MXSymbol as input"
    assert r.nums("infer.fc1") == [10, 4]
    assert r.nums("infer.label") == [32]
    assert r.nums("infer.out") == [3, 32]
    assert r["infer.names"] == "arg.shapes out.shapes aux.shapes"
    assert r["infer.incomplete"] == "TRUE"
    assert r["infer.unnamed"] == "Need to pass parameters in key=value style."
    assert r["load.same"] == r["load.json.same"] == "TRUE"
    assert r["sym.aux"] == "bn_moving_mean bn_moving_var"


def test_mx_apply_and_attributes(r):
    assert r["apply.before"] == "lonely_data lonely_weight lonely_bias"
    assert r["apply.named"] == "x lonely_weight lonely_bias"
    assert r["apply.full.name"] == "lonely_data shared_w lonely_bias"
    assert r["apply.positional"] == "y lonely_weight lonely_bias"
    assert r["apply.rename"] == "renamed_output"
    assert r["apply.unchanged"] == "lonely_data lonely_weight lonely_bias"
    assert r["apply.bad"].startswith("mx.apply: `nothing` is not an argument of the symbol.")
    assert r["apply.mixed"] == ("Input symbols need to be either positional or key=value style, "
                                "not both")
    assert r["attr"] == "happy"
    assert r["attr.bad"] == "MXSymbol: only `attributes` can be assigned"
    assert r["concat"] == "cc_output"
    assert r["concat.warn"] == "mx.symbol.Concat is deprecated. Use mx.symbol.concat instead."


def test_unsupported_operators_say_so_and_arithmetic_builds_scalar_ops(r):
    assert r["unsupported"].startswith("Operator RNN is not supported by mxnet_r_compat."
                                       " Supported: Activation, BatchNorm,")
    assert r["unsupported.crop"].startswith("Operator Crop is not supported")
    assert r["arith"].startswith("_plusscalar") and r["arith"].endswith("_output")
    assert r["arith2"].startswith("_mulscalar")
    assert r["arith.bad"].startswith("Symbol operator %% is not supported")
    assert r["mixed.style"] == "Non Symbol parameters is only accepted via key=value style."
    assert r["not.symbol"] == "only for MXSymbol type"
    assert r["rcpp.class"] == "TRUE TRUE TRUE"  # MXNet R code tests for Rcpp_MXSymbol
    assert r["mlp"] == "MXFeedForwardModel"


def test_ndarrays_contexts_random_initializers(r):
    assert r.nums("nd.dim") == [2, 3]
    assert r.nums("nd.zeros") == [2, 3, 0]
    assert r.nums("nd.ones") == [1, 1, 1]
    assert r["nd.is"] == "TRUE FALSE"
    assert r["nd.load"] == "a b TRUE"
    assert r["nd.load.one"] == "1 TRUE"
    assert r["ctx"] == "cpu TRUE FALSE 1"


def test_gpu_contexts_fall_back_to_the_cpu_with_one_warning(r):
    assert r["gpu.fallback"] == "cpu 3"
    assert r.stderr.count("this build of mxnet_r_compat computes on the CPU only") == 1
    assert ("mx.gpu(1): this build of mxnet_r_compat computes on the CPU only; using mx.cpu(1) "
            "instead (warned once per session; options(mxnet.gpu.fallback = FALSE) makes it an "
            "error).") in r.stderr.replace("\n", " ")
    assert r["gpu.off"] == (
        "mx.gpu(2): this build of mxnet_r_compat computes on the CPU only and cannot use a GPU. "
        "Use mx.cpu(2), or options(mxnet.gpu.fallback = TRUE) to run GPU scripts on the CPU "
        "(mx.gpu(i) then gives mx.cpu(i) with a warning).")
    assert r.nums("runif") == pytest.approx([0.5488135, 0.5928446], abs=1e-7)  # MXNet's doc
    # MXNet 1.9.1 draws one fresh polar value per number: 0.7740038 second (the old docs'
    # 1.163079 came from a generator that kept the pair's other value)
    assert r.nums("rnorm") == pytest.approx([2.2122064, 0.7740038], abs=1e-7)
    assert r.nums("runif.dim") == [2, 3]
    assert r["rnorm.bad"] == "mx.rnorm only accept numeric mean"
    assert r["init.create"] == "fc_weight fc_bias x_gamma 10 5 1"
    assert r["init.bound"] == "TRUE"
    assert r["init.unknown"] == "Unkown initialization pattern for  foo"
    assert r["opt.unknown"] == "Unknown optimizer lbfgs"
    assert r["sched"] == "MXLRScheduler"
