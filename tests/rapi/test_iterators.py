"""Data iterators from R (one child): mx.io.CSVIter and mx.io.MNISTIter through the iterator
protocol, reference-class iterators that contain Rcpp_MXArrayDataIter (MXNet R's Custom
Iterator tutorial and matrix-factorisation test), lists of functions, several inputs by name,
predict/extract over iterators, and the errors a wrong answer gets before training."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.datasets import synthetic_digits, write_idx, write_mnist_csv

N_DIGITS = 300


def digit_files(directory):
    images, labels = synthetic_digits(N_DIGITS, seed=11)
    write_idx(str(directory / "img"), images)
    write_idx(str(directory / "lab"), labels)
    write_mnist_csv(str(directory / "digits.csv"), images, labels, header=False)
    np.savetxt(directory / "d.csv", np.arange(20).reshape(10, 2), delimiter=",", fmt="%d")
    np.savetxt(directory / "l.csv", np.arange(10), delimiter=",", fmt="%d")
    return images, labels


SCRIPT = r"""
setwd(DATA_DIR)
# -- mx.io.CSVIter: the protocol, MXNet's wrap-around batches, R dims, MXNDArray values
it <- mx.io.CSVIter(data.csv = "d.csv", data.shape = c(2), label.csv = "l.csv", batch.size = 4)
emit("csv.isiter", is.mx.dataiter(it))
for (epoch in 1:2) {
  it$reset()
  k <- 0
  while (it$iter.next()) {
    k <- k + 1
    v <- it$value()
    emit(sprintf("csv.%d.%d.data", epoch, k), as.array(v$data)[1, ])
    emit(sprintf("csv.%d.%d.label", epoch, k), as.array(v$label))
    emit(sprintf("csv.%d.%d.pad", epoch, k), it$num.pad())
  }
}
emit("csv.names", names(v)); emit("csv.class", class(v$data)); emit("csv.dim", dim(v$data))
emit("csv.label.dim", dim(v$label))
it$finalize(); it$reset(); emit("csv.after.finalize", it$iter.next())
emit("csv.bad", msg(mx.io.CSVIter(data.csv = "digits.csv", data.shape = c(28, 28),
                                  batch.size = 10)$iter.next()))
emit("csv.typo", msg(mx.io.CSVIter(data.csv = "d.csv", data.shape = 2, batch.sise = 2)))

# -- mx.io.MNISTIter: MXNet's order for a seed (compared with Python's), dims, extract
m <- mx.io.MNISTIter(image = "img", label = "lab", data.shape = c(784), batch.size = 50,
                     shuffle = TRUE, flat = TRUE, silent = 0, seed = 10)
m$iter.next()
emit("mnist.flat.dim", dim(m$value()$data)); emit("mnist.label0", as.array(m$value()$label))
m2 <- mx.io.MNISTIter(image = "img", label = "lab", batch.size = 50, shuffle = FALSE,
                      silent = TRUE)
m2$iter.next(); emit("mnist.dim", dim(m2$value()$data))
x <- mx.io.extract(m2, "data")
emit("extract.class", class(x)); emit("extract.dim", dim(x))
emit("extract.label", as.array(mx.io.extract(m2, "label")))

# -- MNIST through MNISTIter trains and predicts from the iterator (the test_model.R way)
data <- mx.symbol.Variable("data")
fc1 <- mx.symbol.FullyConnected(data, name = "fc1", num_hidden = 32)
act1 <- mx.symbol.Activation(fc1, name = "relu1", act_type = "relu")
fc2 <- mx.symbol.FullyConnected(act1, name = "fc2", num_hidden = 10)
softmax <- mx.symbol.SoftmaxOutput(fc2, name = "sm")
dtrain <- mx.io.MNISTIter(image = "img", label = "lab", data.shape = c(784), batch.size = 20,
                          shuffle = TRUE, flat = TRUE, silent = TRUE, seed = 10)
dtest <- mx.io.MNISTIter(image = "img", label = "lab", data.shape = c(784), batch.size = 30,
                         shuffle = FALSE, flat = TRUE, silent = TRUE)
mx.set.seed(0)
model <- mx.model.FeedForward.create(softmax, X = dtrain, eval.data = dtest, num.round = 2,
  learning.rate = 0.1, momentum = 0.9, initializer = mx.init.uniform(0.07), verbose = FALSE,
  eval.metric = mx.metric.accuracy)
pred <- predict(model, dtest)
label <- mx.io.extract(dtest, "label")
pred2 <- predict(model, X = mx.io.extract(dtest, "data"), array.layout = "colmajor")
accuracy <- function(label, pred) {
  ypred <- max.col(t(as.array(pred)))
  sum((as.array(label) + 1) == ypred) / length(label)
}
emit("mnist.pred.dim", dim(pred))
emit("mnist.same.accuracy", accuracy(label, pred) == accuracy(label, pred2))
emit("mnist.pred.diff", max(abs(pred - pred2)))
emit("mnist.fc1", as.array(model$arg.params$fc1_weight))
emit("mnist.history", model$history$value)

# -- the Custom Iterator tutorial's class over mx.io.CSVIter (an MLP here)
CustomCSVIter <- setRefClass("CustomCSVIter",
  fields = c("iter", "data.csv", "data.shape", "batch.size"),
  contains = "Rcpp_MXArrayDataIter",
  methods = list(
    initialize = function(iter, data.csv, data.shape, batch.size) {
      feature_len <- data.shape * data.shape + 1
      csv_iter <- mx.io.CSVIter(data.csv = data.csv, data.shape = c(feature_len),
                                batch.size = batch.size)
      .self$iter <- csv_iter
      .self$data.csv <- data.csv
      .self$data.shape <- data.shape
      .self$batch.size <- batch.size
      .self
    },
    value = function() {
      val <- as.array(.self$iter$value()$data)
      val.x <- val[-1, ]
      val.y <- val[1, ]
      val.x <- val.x / 255
      dim(val.x) <- c(data.shape, data.shape, 1, ncol(val.x))
      list(data = mx.nd.array(val.x), label = mx.nd.array(val.y))
    },
    iter.next = function() .self$iter$iter.next(),
    reset = function() .self$iter$reset(),
    num.pad = function() .self$iter$num.pad(),
    finalize = function() .self$iter$finalize()))
train.iter <- CustomCSVIter$new(iter = NULL, data.csv = "digits.csv", data.shape = 28,
                                batch.size = 40)
emit("custom.isiter", is.mx.dataiter(train.iter))
flat.net <- mx.symbol.SoftmaxOutput(mx.symbol.FullyConnected(mx.symbol.Activation(
  mx.symbol.FullyConnected(mx.symbol.Flatten(data), num_hidden = 32), act_type = "relu"),
  num_hidden = 10))
mx.set.seed(0)
model <- mx.model.FeedForward.create(symbol = flat.net, X = train.iter, ctx = mx.cpu(),
  num.round = 3, array.batch.size = 40, learning.rate = 0.1, momentum = 0.9,
  eval.metric = mx.metric.accuracy, wd = 0.00001, verbose = FALSE)
emit("custom.history", model$history$value)
emit("custom.pred.dim", dim(predict(model, train.iter)))   # after a wrapped pass: MXNet's
emit("custom.pred2.dim", dim(predict(model, train.iter)))  # next pass starts after the wrap
emit("custom.extract.dim", dim(mx.io.extract(train.iter, "data")))

# -- two inputs by name from a reference class over two array iterators (test_model.R's way)
TwoIter <- setRefClass("TwoIter", fields = c("iter1", "iter2"),
  contains = "Rcpp_MXArrayDataIter",
  methods = list(
    initialize = function(iter1, iter2) { .self$iter1 <- iter1; .self$iter2 <- iter2; .self },
    value = function() list(user = .self$iter1$value()$data, item = .self$iter2$value()$data,
                            label = .self$iter1$value()$label),
    iter.next = function() { .self$iter1$iter.next(); .self$iter2$iter.next() },
    reset = function() { .self$iter1$reset(); .self$iter2$reset() },
    num.pad = function() .self$iter1$num.pad(),
    finalize = function() { .self$iter1$finalize(); .self$iter2$finalize() }))
u <- matrix(rnorm(2 * 60), 2); i <- matrix(rnorm(60), 1); y <- colSums(u) - 2 * i[1, ]
two <- TwoIter$new(mx.io.arrayiter(u, y, batch.size = 10), mx.io.arrayiter(i, y, batch.size = 10))
net2 <- mx.symbol.LinearRegressionOutput(data = mx.symbol.FullyConnected(mx.symbol.concat(
  list(mx.symbol.Variable("user"), mx.symbol.Variable("item")), num.args = 2), num_hidden = 1),
  label = mx.symbol.Variable("label"), name = "pred")
mx.set.seed(1)
seen <- NULL
model2 <- mx.model.FeedForward.create(net2, X = two, num.round = 20, learning.rate = 0.05,
  eval.metric = mx.metric.rmse, verbose = FALSE, input.names = c("user", "item"),
  output.names = "label", eval.data = TwoIter$new(mx.io.arrayiter(u, y, batch.size = 20),
                                                  mx.io.arrayiter(i, y, batch.size = 20)),
  epoch.end.callback = function(iteration, nbatch, env) {
    seen <<- identical(env$train.data, two); TRUE })
emit("two.history", model2$history$value[model2$history$phase == "train"])
emit("two.eval", model2$history$value[model2$history$phase == "eval"])
emit("two.env.train.data", seen)

# -- any list of functions is an iterator too
inner <- mx.io.arrayiter(u, y, batch.size = 15)
plain <- list(reset = function() inner$reset(), iter.next = function() inner$iter.next(),
              value = function() list(data = inner$value()$data, label = inner$value()$label),
              num.pad = function() inner$num.pad())
net1 <- mx.symbol.LinearRegressionOutput(mx.symbol.FullyConnected(data, num_hidden = 1),
                                         name = "lro")
model3 <- mx.model.FeedForward.create(net1, X = plain, num.round = 2, verbose = FALSE,
                                      learning.rate = 0.01)
emit("plain.pred.dim", dim(predict(model3, plain)))

# -- wrong answers: an error naming the method, before training starts
Bad <- setRefClass("Bad", fields = c("inner", "how"), contains = "Rcpp_MXArrayDataIter",
  methods = list(
    initialize = function(inner, how) { .self$inner <- inner; .self$how <- how; .self },
    value = function() {
      v <- .self$inner$value()
      if (how == "plain") return(list(data = as.array(v$data), label = v$label))
      if (how == "unnamed") return(list(v$data, v$label))
      if (how == "nolabel") return(list(data = v$data))
      if (how == "shape") return(list(data = v$data, label = mx.nd.array(array(0, c(3, 15)))))
      v
    },
    iter.next = function() if (how == "next") "yes" else .self$inner$iter.next(),
    reset = function() .self$inner$reset(),
    num.pad = function() .self$inner$num.pad()))
for (how in c("plain", "unnamed", "nolabel", "shape", "next")) {
  began <- FALSE
  emit(paste0("bad.", how), msg(mx.model.FeedForward.create(net1, X = Bad$new(inner, how),
    num.round = 1, verbose = FALSE,
    train.begin.callback = function(iteration, nbatch, env) began <<- TRUE)))
  emit(paste0("bad.", how, ".began"), began)
}
emit("bad.notiter", msg(mx.model.FeedForward.create(net1, X = list(reset = function() 0),
                                                     num.round = 1, verbose = FALSE)))
"""


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    directory = tmp_path_factory.mktemp("iterdata")
    images, labels = digit_files(directory)
    return directory, images, labels


@pytest.fixture(scope="module")
def r(run_r_module, data):
    directory = data[0]
    return run_r_module(SCRIPT.replace("DATA_DIR", repr(str(directory))))


def test_csviter_protocol_and_batches(r):
    assert r["csv.isiter"] == "TRUE"
    assert r.nums("csv.1.3.data") == [16, 18, 0, 2] and r.nums("csv.1.3.label") == [8, 9, 0, 1]
    assert r.num("csv.1.3.pad") == 2 and r.num("csv.1.1.pad") == 0
    assert r.nums("csv.2.1.data") == [4, 6, 8, 10]       # the pass after a wrap goes on
    assert "csv.2.3.data" not in r.values
    assert r["csv.names"] == "data label" and r["csv.class"] == "MXNDArray"
    assert r.nums("csv.dim") == [2, 4] and r.nums("csv.label.dim") == [4]
    assert r["csv.after.finalize"] == "TRUE"
    assert r["csv.bad"].startswith("Malformed row in data.csv 'digits.csv', line 1: it has 785 "
                                   "values; expected 784 per row (the product of data.shape).")
    assert r["csv.typo"] == ("mx.io.CSVIter got an unknown argument `batch.sise`. Did you mean "
                             "`batch.size`?")


def test_mnistiter_from_r_matches_python(r, data):
    directory = data[0]
    assert r.nums("mnist.flat.dim") == [784, 50] and r.nums("mnist.dim") == [28, 28, 1, 50]
    it = mx.io.MNISTIter(image=str(directory / "img"), label=str(directory / "lab"),
                         batch_size=50, flat=True, seed=10, silent=True)
    it.iter_next()
    assert r.nums("mnist.label0") == it.value()["label"].asnumpy().tolist()
    assert "MNISTIter: load 300 images, shuffle=1, shape=(50,784)" in r.stderr


def test_extract_gives_every_sample_as_an_ndarray(r, data):
    _, _, labels = data
    assert r["extract.class"] == "MXNDArray" and r.nums("extract.dim") == [28, 28, 1, N_DIGITS]
    assert r.nums("extract.label") == labels.tolist()


def test_mnist_trains_and_predicts_from_the_iterator_as_python_does(r, data):
    directory = data[0]
    assert r.nums("mnist.pred.dim") == [10, N_DIGITS] and r["mnist.same.accuracy"] == "TRUE"
    assert r.num("mnist.pred.diff") < 1e-6
    net = mx.symbol.SoftmaxOutput(mx.symbol.FullyConnected(mx.symbol.Activation(
        mx.symbol.FullyConnected(mx.symbol.Variable("data"), name="fc1", num_hidden=32),
        name="relu1", act_type="relu"), name="fc2", num_hidden=10), name="sm")
    files = {"image": str(directory / "img"), "label": str(directory / "lab"), "flat": True,
             "silent": True}
    mx.set.seed(0)
    model = mx.model.FeedForward.create(
        net, X=mx.io.MNISTIter(**files, batch_size=20, seed=10),
        eval_data=mx.io.MNISTIter(**files, batch_size=30, shuffle=False), num_round=2,
        learning_rate=0.1, momentum=0.9, initializer=mx.init.uniform(0.07), verbose=False,
        eval_metric=mx.metric.accuracy)
    assert r.nums("mnist.fc1") == model.arg_params["fc1_weight"].reshape(-1).tolist()
    history = r.nums("mnist.history")
    assert history == [h["value"] for h in model.history]
    assert history[-1] > history[1]                       # validation accuracy improves


def test_the_custom_iterator_tutorial_class_trains(r):
    assert r["custom.isiter"] == "TRUE"
    accuracy = r.nums("custom.history")
    assert accuracy[-1] > accuracy[0]
    # 300 rows in batches of 40: the last training pass ended with a batch completed from
    # the start of the file, so (as in MXNet) the next pass starts at row 21 and has 280.
    assert r.nums("custom.pred.dim") == [10, N_DIGITS - 20]
    assert r.nums("custom.pred2.dim") == [10, N_DIGITS]
    assert r.nums("custom.extract.dim") == [28, 28, 1, N_DIGITS]


def test_two_inputs_by_name_and_plain_lists(r):
    rmse = r.nums("two.history")
    assert rmse[-1] < 0.5 * rmse[0]
    validation = r.nums("two.eval")                       # a reference class as eval.data
    assert len(validation) == 20 and validation[-1] < 0.5 * validation[0]
    assert r["two.env.train.data"] == "TRUE"                # env$train.data is the R object
    assert r.nums("plain.pred.dim") == [1, 60]


@pytest.mark.parametrize(("how", "message"), [
    ("plain", "Invalid value returned by value() of the data iterator `X`. Received: field "
              "`data` is a double array with dim c(2, 15). Expected MXNDArray values (wrap R "
              "arrays with mx.nd.array())."),
    ("unnamed", "Invalid value returned by value() of the data iterator `X`. Received: a list "
                "without names of length 2. Expected a named list of MXNDArray with one entry "
                "per input and label, such as list(data = mx.nd.array(x), label = "
                "mx.nd.array(y))."),
    ("nolabel", "Invalid value returned by value() of the data iterator `X`. Received: fields "
                "`data`. Expected the fields `data`, `label` (input.names data and output.names "
                "label); `label` is missing."),
    ("shape", "Invalid value returned by value() of the data iterator `X`. Received: `label` "
              "with dim c(3, 15). Expected dim c(15), the shape of the network's `lro_label` "
              "for these inputs."),
    ("next", "Invalid value returned by iter.next() of the data iterator `X`. Received: "
             "\"yes\". Expected TRUE or FALSE (is there another batch?)."),
])
def test_wrong_answers_name_the_method_before_training(r, how, message):
    assert r[f"bad.{how}"].startswith(message)
    assert r[f"bad.{how}.began"] == "FALSE"


def test_an_object_without_the_methods(r):
    assert r["bad.notiter"].startswith("Invalid value for argument `X`.")
