# MXNet R's "Handwritten Digits Classification Competition" tutorial, part 1: a multilayer
# perceptron on Kaggle's digit data. The code is the tutorial's, call for call; only the data
# is smaller (synthetic digits in Kaggle's layout).
# Run from a directory made by r_examples/make_mnist_data.py:
#   .venv/bin/python r_examples/make_mnist_data.py DIR && cd DIR &&
#   mxnet-rscript /path/to/r_examples/mnist_competition_mlp.R
# The Python twin is r_examples/mnist_competition_mlp.py. Takes a few seconds.

# Read Kaggle's files (a header line, one image per row) and make matrices of them.
require(mxnet)
train <- read.csv('data/train.csv', header=TRUE)
test <- read.csv('data/test.csv', header=TRUE)
train <- data.matrix(train)
test <- data.matrix(test)

train.x <- train[,-1]
train.y <- train[,1]

# Grey levels 0..255 to 0..1, and one image per column (R's column-major convention).
train.x <- t(train.x/255)
test <- t(test/255)

table(train.y)

# Three fully connected layers, softmax output.
data <- mx.symbol.Variable("data")
fc1 <- mx.symbol.FullyConnected(data, name="fc1", num_hidden=128)
act1 <- mx.symbol.Activation(fc1, name="relu1", act_type="relu")
fc2 <- mx.symbol.FullyConnected(act1, name="fc2", num_hidden=64)
act2 <- mx.symbol.Activation(fc2, name="relu2", act_type="relu")
fc3 <- mx.symbol.FullyConnected(act2, name="fc3", num_hidden=10)
softmax <- mx.symbol.SoftmaxOutput(fc3, name="sm")

devices <- mx.cpu()

mx.set.seed(0)
model <- mx.model.FeedForward.create(softmax, X=train.x, y=train.y,
                                     ctx=devices, num.round=10, array.batch.size=100,
                                     learning.rate=0.07, momentum=0.9,  eval.metric=mx.metric.accuracy,
                                     initializer=mx.init.uniform(0.07),
                                     epoch.end.callback=mx.callback.log.train.metric(100))

# Class probabilities, one column per test image; the most likely class is the prediction.
preds <- predict(model, test)
dim(preds)

pred.label <- max.col(t(preds)) - 1
table(pred.label)

submission <- data.frame(ImageId=1:ncol(test), Label=pred.label)
write.csv(submission, file='submission.csv', row.names=FALSE, quote=FALSE)
