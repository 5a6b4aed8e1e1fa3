# A loop of small NDArray operations, as in MXNet's demo basic_bench.R: each `+` and `*` is
# one call into the C core. Run with: .venv/bin/mxnet-rscript r_examples/ndarray_loop.R
# (bench/ndarray_ops.py measures the same loop against MXNet's Python API.)
library(mxnet)

shape <- c(1, 1)
lr <- 0.01
x <- mx.nd.ones(shape)
y <- mx.nd.zeros(shape)
print(x)
n <- 1000

tic <- proc.time()
for (i in 1:n) {
  y <- y + x * lr
}
toc <- proc.time() - tic
print(as.array(y))
cat(sprintf("%d iterations, %.1f us per operation\n", n, toc[["elapsed"]] / (2 * n) * 1e6))
