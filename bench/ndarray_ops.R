# The R twin of bench/ndarray_ops.py: MXNet's demo basic_bench.R loop `y <- y + x * lr` on
# MXNDArrays, timed per repetition; prints one `RESULT <json>` line for the Python driver.
#
#   .venv/bin/mxnet-rscript bench/ndarray_ops.R '{"shape": [1, 1], "iters": 1000, "reps": 15}'
library(mxnet)

spec <- if (length(commandArgs(trailingOnly = TRUE))) commandArgs(trailingOnly = TRUE)[1] else
  '{"shape": [1, 1], "iters": 1000, "reps": 15}'
field <- function(name) {
  m <- regmatches(spec, regexec(paste0('"', name, '": *\\[?([0-9, ]+)\\]?'), spec))[[1]][2]
  as.integer(strsplit(m, ", *")[[1]])
}
shape <- field("shape"); iters <- field("iters"); reps <- field("reps")

lr <- 0.01
per.op <- numeric(0)
for (rep in 0:reps) {                 # repetition 0 warms up
  x <- mx.nd.ones(shape)
  y <- mx.nd.zeros(shape)
  t0 <- proc.time()[["elapsed"]]
  for (i in seq_len(iters)) {
    y <- y + x * lr
  }
  value <- as.array(y)[1]
  t1 <- proc.time()[["elapsed"]]
  if (rep > 0) per.op <- c(per.op, (t1 - t0) / (2 * iters) * 1e6)
}
stopifnot(abs(value - iters * lr) < 1e-3 * iters * lr)
cat("RESULT {\"impl\": \"mxnet_r_compat (R)\", \"us_per_op\": [",
    paste(sprintf("%.3f", per.op), collapse = ", "), "]}\n", sep = "")
