# Executors from R: what MXNet's demo basic_executor.R does (bind a symbol to arrays, run it,
# swap its inputs), and one training step by hand. Run with:
# .venv/bin/mxnet-rscript r_examples/executor_basics.R   (or Rscript)
# Its Python twin, r_examples/executor_basics.py, prints the same numbers.
library(mxnet)
show <- function(label, x) cat(label, paste(sprintf("%.9g", as.vector(x)), collapse = " "), "\n")

# C = A + B, bound to two arrays of 2 values; no gradients.
A <- mx.symbol.Variable("A")
B <- mx.symbol.Variable("B")
C <- A + B
a <- mx.nd.zeros(c(2), mx.cpu())
b <- mx.nd.array(as.array(c(1, 2)), mx.cpu())
exec <- mxnet:::mx.symbol.bind(symbol = C, ctx = mx.cpu(),
                               arg.arrays = list(A = a, B = b), aux.arrays = list(),
                               grad.reqs = list("null", "null"))
mx.exec.forward(exec)
show("A + B:", as.array(exec$outputs[[1]]))

# New inputs, same executor.
mx.exec.update.arg.arrays(exec, list(A = b, B = b))
mx.exec.forward(exec)
show("B + B:", as.array(exec$outputs[[1]]))

# One gradient step by hand: a linear regression bound with mx.simple.bind.
data <- mx.symbol.Variable("data")
fc <- mx.symbol.FullyConnected(data = data, num_hidden = 1, no.bias = TRUE, name = "fc")
loss <- mx.symbol.LinearRegressionOutput(data = fc, name = "loss")
exec <- mx.simple.bind(loss, ctx = mx.cpu(), grad.req = "write", data = c(2, 3))
cat("arguments:", names(exec$arg.arrays), "\n")
mx.exec.update.arg.arrays(exec, list(data = mx.nd.array(matrix(1:6, 2, 3)),
                                     fc_weight = mx.nd.array(matrix(c(0.5, -0.25), 2, 1)),
                                     loss_label = mx.nd.array(c(1, 2, 3))), match.name = TRUE)
mx.exec.forward(exec, is.train = TRUE)
mx.exec.backward(exec)
show("prediction:", as.array(exec$outputs[[1]]))
show("gradient:", as.array(exec$ref.grad.arrays$fc_weight))

# The update of an SGD optimizer, as MXNet R's own training loop applies it.
updater <- mx.opt.get.updater(mx.opt.create("sgd", learning.rate = 0.1), exec$ref.arg.arrays)
weights <- updater(exec$ref.arg.arrays, exec$ref.grad.arrays)
mx.exec.update.arg.arrays(exec, weights, skip.null = TRUE)
show("new weight:", as.array(exec$arg.arrays$fc_weight))
