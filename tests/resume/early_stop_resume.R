# Exact resume of an R callback's state: mx.callback.early.stop's patience count.
# Run: mxnet-rscript early_stop_resume.R full|first|second DIR
# With seed 7 the validation RMSE rises after epoch 5, so bad.steps = 3 stops at epoch 8;
# a run checkpointed at 6 and resumed must stop there too, with the same weights
# (a fresh patience count would stop only at epoch 13).
library(mxnet)
args <- commandArgs(trailingOnly = TRUE); mode <- args[1]; dir <- args[2]
data(BostonHousing, package = "mlbench")
train.ind <- seq(1, 506, 3)
train.x <- data.matrix(BostonHousing[train.ind, -14]); train.y <- BostonHousing[train.ind, 14]
test.x <- data.matrix(BostonHousing[-train.ind, -14]); test.y <- BostonHousing[-train.ind, 14]
lro <- mx.symbol.LinearRegressionOutput(mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1, name = "fc"), name = "lro")
fit <- function(num.round, ...) {
  mx.set.seed(7)
  mx.model.FeedForward.create(lro, X = train.x, y = train.y, eval.data = list(data = test.x, label = test.y),
    num.round = num.round, array.batch.size = 20, learning.rate = 2e-6, momentum = 0.9,
    eval.metric = mx.metric.rmse, verbose = FALSE, array.layout = "rowmajor",
    epoch.end.callback = mx.callback.early.stop(bad.steps = 3), ...)
}
if (mode == "full") m <- fit(15)
if (mode == "first") m <- fit(6, checkpoint = file.path(dir, "es"))
if (mode == "second") m <- fit(15, checkpoint = file.path(dir, "es"), resume = TRUE)
cat(mode, max(m$history$iteration), sprintf("%.17g", as.array(m$arg.params$fc_weight)), "\n")
