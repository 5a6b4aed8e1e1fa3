# MXNet R's "Custom Iterator" tutorial: a reference class that contains Rcpp_MXArrayDataIter
# wraps mx.io.CSVIter, turns each CSV row (label, then 784 pixels) into a 28 x 28 image and its
# label, and LeNet trains from it. The code is the tutorial's, call for call; the data is
# smaller (synthetic digits in the "MNIST in CSV" layout instead of the download).
# The tutorial trains on mx.gpu(0), and so does this script: without GPU support, mx.gpu(0) runs
# on mx.cpu(0) with one warning per session (docs/COMPATIBILITY.md, row 10).
# Run from a directory made by r_examples/make_mnist_data.py:
#   .venv/bin/python r_examples/make_mnist_data.py DIR && cd DIR &&
#   mxnet-rscript /path/to/r_examples/custom_iterator.R
# The Python twin is r_examples/custom_iterator.py.

library(mxnet)

# The iterator: mx.io.CSVIter reads 785 numbers per row; value() splits off the label (the
# first number), scales the pixels to 0..1 and gives them R dims c(28, 28, 1, batch).
CustomCSVIter <- setRefClass("CustomCSVIter",
                             fields=c("iter", "data.csv", "data.shape", "batch.size"),
                             contains = "Rcpp_MXArrayDataIter",
                             methods=list(
                               initialize=function(iter, data.csv, data.shape, batch.size){
                                 feature_len <- data.shape*data.shape + 1
                                 csv_iter <- mx.io.CSVIter(data.csv=data.csv, data.shape=c(feature_len), batch.size=batch.size)
                                 .self$iter <- csv_iter
                                 .self$data.csv <- data.csv
                                 .self$data.shape <- data.shape
                                 .self$batch.size <- batch.size
                                 .self
                               },
                               value=function(){
                                 val <- as.array(.self$iter$value()$data)
                                 val.x <- val[-1,]
                                 val.y <- val[1,]
                                 val.x <- val.x/255
                                 dim(val.x) <- c(data.shape, data.shape, 1, ncol(val.x))
                                 val.x <- mx.nd.array(val.x)
                                 val.y <- mx.nd.array(val.y)
                                 list(data=val.x, label=val.y)
                               },
                               iter.next=function(){
                                 .self$iter$iter.next()
                               },
                               reset=function(){
                                 .self$iter$reset()
                               },
                               num.pad=function(){
                                 .self$iter$num.pad()
                               },
                               finalize=function(){
                                 .self$iter$finalize()
                               }
                             )
)

batch.size <- 100
train.iter <- CustomCSVIter$new(iter = NULL, data.csv = "mnist_train.csv", data.shape = 28, batch.size = batch.size)

# LeNet, as a function.
lenet.model <- function(){
  data <- mx.symbol.Variable('data')
  conv1 <- mx.symbol.Convolution(data=data, kernel=c(5,5), num_filter=20) #first conv
  tanh1 <- mx.symbol.Activation(data=conv1, act_type="tanh")
  pool1 <- mx.symbol.Pooling(data=tanh1, pool_type="max", kernel=c(2,2), stride=c(2,2))
  conv2 <- mx.symbol.Convolution(data=pool1, kernel=c(5,5), num_filter=50)# second conv
  tanh2 <- mx.symbol.Activation(data=conv2, act_type="tanh")
  pool2 <- mx.symbol.Pooling(data=tanh2, pool_type="max", kernel=c(2,2), stride=c(2,2))
  flatten <- mx.symbol.Flatten(data=pool2)
  fc1 <- mx.symbol.FullyConnected(data=flatten, num_hidden=100) # first fullc
  tanh3 <- mx.symbol.Activation(data=fc1, act_type="tanh")
  fc2 <- mx.symbol.FullyConnected(data=tanh3, num_hidden=10) # second fullc
  network <- mx.symbol.SoftmaxOutput(data=fc2) # loss
  network
}
network <- lenet.model()

# Train straight from the custom iterator.
model <- mx.model.FeedForward.create(symbol=network,
                                     X=train.iter,
                                     ctx=mx.gpu(0),
                                     num.round=10,
                                     array.batch.size=batch.size,
                                     learning.rate=0.1,
                                     momentum=0.9,
                                     eval.metric=mx.metric.accuracy,
                                     wd=0.00001,
                                     batch.end.callback=mx.callback.log.speedometer(batch.size, frequency = 100)
                                     )
