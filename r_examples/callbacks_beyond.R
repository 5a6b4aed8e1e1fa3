# Callbacks beyond MXNet R (docs/CALLBACKS.md) on BostonHousing:
#   early stopping that restores the best epoch, the 3 best checkpoints, a CSV log,
#   a progress bar, and the learning curves saved to a PNG.
# Run: .venv/bin/mxnet-rscript r_examples/callbacks_beyond.R [OUTPUT_DIR]
# The Python twin is r_examples/callbacks_beyond.py. Takes about a second.

library(mxnet)
args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args)) args[1] else file.path(tempdir(), "callbacks_beyond")
dir.create(out, showWarnings = FALSE, recursive = TRUE)

data(BostonHousing, package = "mlbench")
train.ind <- seq(1, 506, 3)
train.x <- scale(data.matrix(BostonHousing[train.ind, -14]))
train.y <- BostonHousing[train.ind, 14]
test.x <- scale(data.matrix(BostonHousing[-train.ind, -14]),
                attr(train.x, "scaled:center"), attr(train.x, "scaled:scale"))
test.y <- BostonHousing[-train.ind, 14]

data <- mx.symbol.Variable("data")
hidden <- mx.symbol.Activation(mx.symbol.FullyConnected(data, num_hidden = 16), act_type = "relu")
net <- mx.symbol.LinearRegressionOutput(mx.symbol.FullyConnected(hidden, num_hidden = 1))

prefix <- file.path(out, "boston")
mx.set.seed(0)
model <- mx.model.FeedForward.create(
  net, X = train.x, y = train.y, eval.data = list(data = test.x, label = test.y),
  ctx = mx.cpu(), num.round = 100, array.batch.size = 20, array.layout = "rowmajor",
  optimizer = "adam", learning.rate = 0.03, eval.metric = mx.metric.rmse, verbose = FALSE,
  epoch.end.callback = list(
    mx.callback.early.stopping(patience = 5, restore.best = TRUE),   # mode "auto": rmse, lower is better
    mx.callback.model.checkpoint(prefix, top.k = 3),                  # keeps the 3 best .params files
    mx.callback.csv.logger(file.path(out, "train.csv"))),
  batch.end.callback = mx.callback.progress.bar())

cat("Stopped:", model$stop.reason, "\n")
best <- mx.model.checkpoint.best(prefix)
cat("Best checkpoint:", best$file, "with eval-rmse", best$value, "\n")
cat("Checkpoints kept:", grep("params$", list.files(out), value = TRUE), "\n")

# the returned model is the best epoch's: the same weights as the best checkpoint
saved <- mx.model.load(prefix, best$iteration)
cat("Returned model == best checkpoint:",
    isTRUE(all.equal(as.array(saved$arg.params[[1]]), as.array(model$arg.params[[1]]))), "\n")

log <- read.csv(file.path(out, "train.csv"))
print(tail(log, 3))
print(model$callback.time[, c("callback", "calls", "us_per_call")])

png(file.path(out, "learning_curves.png"), width = 640, height = 480)
plot(model$history)
invisible(dev.off())
cat("Learning curves:", file.path(out, "learning_curves.png"), "\n")
