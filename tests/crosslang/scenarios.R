# Cross-language scenarios, R side. Run: mxnet-rscript scenarios.R OUTFILE
# Writes one line per value: "<scenario> <key> <numbers...>" (17 significant digits).
# tests/crosslang/scenarios.py defines the same scenarios in Python.
library(mxnet)
out <- commandArgs(trailingOnly = TRUE)[1]
lines <- character(0)
emit <- function(scenario, key, values) {
  lines <<- c(lines, paste(scenario, key, paste(sprintf("%.17g", as.numeric(values)), collapse = " ")))
}
emit_model <- function(scenario, model, logger) {
  emit(scenario, "train", logger$train)
  emit(scenario, "eval", logger$eval)
  # parameters by position: automatic names depend on what the session built before
  for (i in seq_along(model$arg.params)) emit(scenario, paste0("param", i), as.array(model$arg.params[[i]]))
}

data(BostonHousing, package = "mlbench")
train.ind <- seq(1, 506, 3)
train.x <- data.matrix(BostonHousing[train.ind, -14])
train.y <- BostonHousing[train.ind, 14]
test.x <- data.matrix(BostonHousing[-train.ind, -14])
test.y <- BostonHousing[-train.ind, 14]
lro <- mx.symbol.LinearRegressionOutput(mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))

boston <- function(scenario, ctx = mx.cpu(), optimizer = "sgd", x = train.x, tx = test.x, ...) {
  mx.set.seed(0)
  logger <- mx.metric.logger$new()
  model <- mx.model.FeedForward.create(lro, X = x, y = train.y, ctx = ctx, num.round = 5,
    array.batch.size = 20, optimizer = optimizer, eval.metric = mx.metric.rmse,
    eval.data = list(data = tx, label = test.y), verbose = FALSE,
    epoch.end.callback = mx.callback.log.train.metric(5, logger), ...)
  emit_model(scenario, model, logger)
}

boston("tutorial", learning.rate = 2e-6, momentum = 0.9)
boston("devices", ctx = list(mx.cpu(0), mx.cpu(1)), learning.rate = 2e-6, momentum = 0.9)
scaled.x <- scale(train.x); scaled.tx <- scale(test.x, attr(scaled.x, "scaled:center"), attr(scaled.x, "scaled:scale"))
boston("sgd", x = scaled.x, tx = scaled.tx, learning.rate = 0.01)
boston("nag", optimizer = "nag", x = scaled.x, tx = scaled.tx, learning.rate = 0.01, momentum = 0.5)
boston("adam", optimizer = "adam", x = scaled.x, tx = scaled.tx, learning.rate = 0.1)
boston("rmsprop", optimizer = "rmsprop", x = scaled.x, tx = scaled.tx, learning.rate = 0.05)
boston("rmsprop_plain", optimizer = "rmsprop", x = scaled.x, tx = scaled.tx, learning.rate = 0.05, centered = FALSE)
boston("adagrad", optimizer = "adagrad", x = scaled.x, tx = scaled.tx, learning.rate = 0.5)
boston("adadelta", optimizer = "adadelta", x = scaled.x, tx = scaled.tx)

# A softmax MLP with dropout on data made by the core's random stream (same in both languages).
mx.set.seed(1)
X <- as.array(mx.runif(c(4, 120)))
y <- (X[1, ] > 0.5) + (X[2, ] > 0.5)
mx.set.seed(2)
logger <- mx.metric.logger$new()
model <- mx.mlp(X, y, hidden_node = c(8, 6), out_node = 3, dropout = 0.2, activation = "relu",
                num.round = 4, array.batch.size = 16, learning.rate = 0.1, momentum = 0.9,
                eval.metric = mx.metric.accuracy, array.layout = "colmajor", verbose = FALSE,
                epoch.end.callback = mx.callback.log.train.metric(1, logger))
emit_model("mlp", model, logger)
emit("mlp", "predict", predict(model, X[, 1:10], array.layout = "colmajor"))

# A small convolutional network. The kernel and the padding are not square: MXNet R reverses
# vectors for the backend, so kernel = c(3, 2) here is (2, 3) in scenarios.py.
d <- mx.symbol.Variable("data")
c1 <- mx.symbol.Convolution(d, kernel = c(3, 2), pad = c(1, 0), num.filter = 4)
p1 <- mx.symbol.Pooling(mx.symbol.Activation(c1, act.type = "tanh"), pool.type = "max",
                        kernel = c(2, 2), stride = c(2, 2))
conv.net <- mx.symbol.SoftmaxOutput(mx.symbol.FullyConnected(mx.symbol.Flatten(p1), num_hidden = 3))
mx.set.seed(1)
X <- as.array(mx.runif(c(8, 8, 1, 40)))
y <- (X[1, 1, 1, ] > 0.5) + (X[2, 2, 1, ] > 0.5)
mx.set.seed(2)
logger <- mx.metric.logger$new()
model <- mx.model.FeedForward.create(conv.net, X = X, y = y, num.round = 4, array.batch.size = 10,
  learning.rate = 0.1, momentum = 0.9, eval.metric = mx.metric.accuracy, verbose = FALSE,
  epoch.end.callback = mx.callback.log.train.metric(1, logger))
emit_model("conv", model, logger)
emit("conv", "predict", predict(model, X[, , , 1:10, drop = FALSE]))
writeLines(lines, out)
