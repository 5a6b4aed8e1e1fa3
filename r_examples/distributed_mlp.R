# The tutorial's regression (r_examples/callback_function.R) trained by several workers:
#   .venv/bin/mxnet-launch -n 2 r_examples/distributed_mlp.R
# Each worker takes its part of the training samples (num.parts / part.index); the gradients
# are summed over the workers every batch, so every worker holds the same weights. Only rank
# 0 prints and writes the checkpoint files (docs/DISTRIBUTED.md).
library(mxnet)
data(BostonHousing, package = "mlbench")
train.ind <- seq(1, 506, 3)
train.x <- data.matrix(BostonHousing[train.ind, -14])
train.y <- BostonHousing[train.ind, 14]
test.x <- data.matrix(BostonHousing[-train.ind, -14])
test.y <- BostonHousing[-train.ind, 14]
kv <- mx.kv.create("dist_sync")
# columns are samples for the iterator (R's layout): 13 x n
train <- mx.io.arrayiter(t(train.x), train.y, batch.size = 20,
                         num.parts = kv$num.workers, part.index = kv$rank)
data <- mx.symbol.Variable("data")
fc1 <- mx.symbol.FullyConnected(data, num_hidden = 1)
lro <- mx.symbol.LinearRegressionOutput(fc1)
mx.set.seed(0)
model <- mx.model.FeedForward.create(
  lro, X = train, eval.data = list(data = test.x, label = test.y),
  ctx = mx.cpu(), num.round = 10, kvstore = kv,
  learning.rate = 2e-6, momentum = 0.9, eval.metric = mx.metric.rmse,
  epoch.end.callback = function(iteration, nbatch, env, verbose) {
    if (iteration == 10) cat(sprintf("rank %d of %d done\n", env$rank, env$num.workers))
    TRUE
  })
