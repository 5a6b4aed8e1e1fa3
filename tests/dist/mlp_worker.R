# One run of the R equivalence test (tests/dist/test_equivalence.py): the MLP of
# mlp_worker.py trained by N workers with kvstore = "dist_sync" (under mpirun, each taking its
# part of the data with mx.io.arrayiter's num.parts/part.index), or by one process with the
# devices mx.cpu(0..N-1), device k taking part k's samples of every batch.
# Usage: mxnet-rscript mlp_worker.R dist|twin N OUT_PREFIX
library(mxnet)
args <- commandArgs(trailingOnly = TRUE)
mode <- args[1]; n <- as.integer(args[2]); out <- args[3]
batch <- 6L; batches <- 3L; per <- batch * batches
samples <- function(offset, count) {  # columns are samples (R's layout); no random numbers
  i <- seq_len(count) + offset
  x <- rbind(sin(i), cos(1.7 * i), sin(0.3 * i) * 2, cos(i / 5))
  list(x = x, y = as.numeric(x[1, ] + x[2, ] > 0))
}
interleave <- function(x, k) {  # batch j: part 0's batch j, then part 1's, ...
  cols <- unlist(lapply(seq_len(batches) - 1L, function(j)
    unlist(lapply(seq_len(k) - 1L, function(p) p * per + j * batch + seq_len(batch)))))
  x[, cols, drop = FALSE]
}
train <- samples(0, n * per); valid <- samples(1000, n * per)
net <- mx.symbol.SoftmaxOutput(mx.symbol.FullyConnected(mx.symbol.Activation(
  mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 5), act_type = "tanh"),
  num_hidden = 2))
mx.set.seed(0)
if (mode == "dist") {
  kv <- mx.kv.create("dist_sync")
  part <- function(d) mx.io.arrayiter(d$x, d$y, batch.size = batch, num.parts = kv$num.workers,
                                      part.index = kv$rank)
  it <- part(train); ev <- part(valid); ctx <- mx.cpu(); store <- "dist_sync"
  file <- sprintf("%s-%d", out, kv$rank)
} else {
  whole <- function(d) mx.io.arrayiter(interleave(d$x, n), interleave(t(d$y), n)[1, ],
                                       batch.size = batch * n)
  it <- whole(train); ev <- whole(valid); store <- "local"
  ctx <- lapply(seq_len(n) - 1L, mx.cpu); file <- sprintf("%s-twin", out)
}
model <- mx.model.FeedForward.create(net, X = it, eval.data = ev, ctx = ctx, num.round = 3,
  kvstore = store, learning.rate = 0.2, momentum = 0.9, eval.metric = mx.metric.accuracy,
  initializer = mx.init.uniform(0.5), verbose = FALSE)
mx.nd.save(model$arg.params, paste0(file, ".params"))
writeLines(sprintf("%.17g", model$history$value), paste0(file, ".history"))
