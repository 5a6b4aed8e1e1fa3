# The local key-value store from R, as MXNet's demo basic_kvstore.R uses it: one value per
# device is pushed under a key, the store sums them, every device pulls the sum back.
# Run with: .venv/bin/mxnet-rscript r_examples/kvstore_basics.R   (or Rscript)
# Its Python twin, r_examples/kvstore_basics.py, prints the same numbers.
library(mxnet)
show <- function(label, x) cat(label, paste(sprintf("%.9g", as.vector(x)), collapse = " "), "\n")

kv <- mx.kv.create()
cat("type:", kv$type, "\n")

# Three devices, each with its own array c(i, i + 1) under key 0.
dlist <- lapply(1:3, function(i) {
  x <- as.array(c(i, i + 1))
  mat <- mx.nd.array(x, mx.cpu(i))
  list(x = mat)
})
kv$init(c(0), dlist[[1]])
kv$push(c(0), dlist, 0)
kv$pull(c(0), dlist, 0)
show("pulled on device 1:", as.array(dlist[[1]][[1]]))
show("pulled on device 3:", as.array(dlist[[3]][[1]]))

# With an optimizer set, a push is a gradient: the store updates its weight instead.
kv$set.optimizer(mx.opt.create("sgd", learning.rate = 0.5))
grads <- lapply(1:3, function(i) list(mx.nd.ones(2)))
kv$push(c(0), grads, 0)
kv$pull(c(0), dlist, 0)
show("after one sgd step:", as.array(dlist[[2]][[1]]))
