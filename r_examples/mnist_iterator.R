# MNIST from its IDX files through mx.io.MNISTIter, as MXNet R's own test (test_model.R,
# "MNIST") trains it: a multilayer perceptron on two CPU devices, validation data from a second
# iterator, a checkpoint per epoch, then prediction from the iterator and from the extracted
# arrays, which must agree. Five epochs instead of one, and the accuracy printed each epoch;
# the data is smaller (synthetic digits in MNIST's file format).
# Run from a directory made by r_examples/make_mnist_data.py:
#   .venv/bin/python r_examples/make_mnist_data.py DIR && cd DIR &&
#   mxnet-rscript /path/to/r_examples/mnist_iterator.R
# The Python twin is r_examples/mnist_iterator.py.

library(mxnet)
batch.size <- 100
data <- mx.symbol.Variable("data")
fc1 <- mx.symbol.FullyConnected(data, name="fc1", num_hidden=128)
act1 <- mx.symbol.Activation(fc1, name="relu1", act_type="relu")
fc2 <- mx.symbol.FullyConnected(act1, name = "fc2", num_hidden = 64)
act2 <- mx.symbol.Activation(fc2, name="relu2", act_type="relu")
fc3 <- mx.symbol.FullyConnected(act2, name="fc3", num_hidden=10)
softmax <- mx.symbol.Softmax(fc3, name = "sm")

# Training batches shuffled once from seed 10 (MXNet's own order for that seed); the
# validation batches in file order.
dtrain = mx.io.MNISTIter(
  image="data/train-images-idx3-ubyte",
  label="data/train-labels-idx1-ubyte",
  data.shape=c(784),
  batch.size=batch.size,
  shuffle=TRUE,
  flat=TRUE,
  silent=0,
  seed=10)

dtest = mx.io.MNISTIter(
  image="data/t10k-images-idx3-ubyte",
  label="data/t10k-labels-idx1-ubyte",
  data.shape=c(784),
  batch.size=batch.size,
  shuffle=FALSE,
  flat=TRUE,
  silent=0)

mx.set.seed(0)
devices = lapply(1:2, function(i) {
  mx.cpu(i)
})

model <- mx.model.FeedForward.create(softmax, X=dtrain, eval.data=dtest,
                                     ctx=devices, num.round=5,
                                     learning.rate=0.1, momentum=0.9,
                                     eval.metric=mx.metric.accuracy,
                                     initializer=mx.init.uniform(0.07),
                                     epoch.end.callback=mx.callback.save.checkpoint("chkpt"),
                                     batch.end.callback=mx.callback.log.train.metric(100))

# Predict from the iterator, and from the arrays extracted from it: the same accuracy.
pred <- predict(model, dtest)
label <- mx.io.extract(dtest, "label")
dataX <- mx.io.extract(dtest, "data")
pred2 <- predict(model, X=dataX)

accuracy <- function(label, pred) {
  ypred = max.col(t(as.array(pred)))
  return(sum((as.array(label) + 1) == ypred) / length(label))
}
cat("accuracy from the iterator:", accuracy(label, pred), "\n")
cat("accuracy from the arrays:  ", accuracy(label, pred2), "\n")
