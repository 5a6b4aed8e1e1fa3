# bench/run.py's MLP workload from R (mxnet-rscript bench/mlp.R BATCH REPS): the MLP of
# bench/workloads.py trained through mx.model.FeedForward.create, data made in R as an R
# matrix (784 x 60000 doubles, one sample per column, dim set in place: no copy).
# Prints "RESULT {json}" with the training calls' times.
library(mxnet)
args <- commandArgs(trailingOnly = TRUE)
batch <- as.integer(args[[1]])
reps <- as.integer(args[[2]])
set.seed(0)
X <- rnorm(784 * 60000)
dim(X) <- c(784L, 60000L)
y <- sample(0:9, 60000, replace = TRUE)
net <- mx.symbol.Variable("data")
net <- mx.symbol.FullyConnected(net, num_hidden = 128)
net <- mx.symbol.Activation(net, act_type = "relu")
net <- mx.symbol.FullyConnected(net, num_hidden = 64)
net <- mx.symbol.Activation(net, act_type = "relu")
net <- mx.symbol.FullyConnected(net, num_hidden = 10)
net <- mx.symbol.SoftmaxOutput(net)
fit <- function() {
  mx.set.seed(0)
  t0 <- proc.time()[["elapsed"]]
  invisible(mx.model.FeedForward.create(net, X = X, y = y, ctx = mx.cpu(), num.round = 1,
    array.batch.size = batch, learning.rate = 0.1, momentum = 0.9,
    eval.metric = mx.metric.accuracy, array.layout = "colmajor", verbose = FALSE))
  proc.time()[["elapsed"]] - t0
}
fit()  # warm-up
times <- vapply(seq_len(reps), function(i) fit(), numeric(1))
cat(sprintf('RESULT {"samples_per_s": %.1f, "times": [%s]}\n', 60000 / median(times),
            paste(sprintf("%.4f", times), collapse = ", ")))
