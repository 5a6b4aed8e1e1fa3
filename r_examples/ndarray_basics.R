# NDArrays from R: what MXNet's demo basic_ndarray.R and the "NDArray" tutorial do, with this
# package. Run with: .venv/bin/mxnet-rscript r_examples/ndarray_basics.R
# Its Python twin, r_examples/ndarray_basics.py, prints the same numbers.
library(mxnet)
show <- function(label, x) cat(label, paste(sprintf("%.9g", as.vector(x)), collapse = " "), "\n")

# Create: from R vectors and matrices, or filled. Dims are R dims.
a <- mx.nd.array(c(1, 2, 3), mx.cpu(0))
m <- mx.nd.array(matrix(1:6, nrow = 2))
z <- mx.nd.zeros(c(2, 3))
cat("class:", class(m), " dim:", dim(m), " length:", length(m), "\n")
cat("as.array gives:", class(as.array(m)), "\n")

# Devices: an array lives on a context; mx.nd.copyto copies it to another one (every
# mx.cpu(i) is this CPU). mx.ctx.default() is where arrays go when no context is given.
mx.ctx.default(mx.cpu(1))
print(mx.ctx.default())
print(is.mx.context(mx.cpu()))
on.cpu <- mx.nd.copyto(m, mx.cpu())
show("copyto * 3:", as.array(on.cpu * 3))

# Random arrays come from the seeded stream: MXNet's numbers for that seed.
mx.set.seed(0)
show("rnorm:", as.array(mx.rnorm(c(2, 3))))

# Arithmetic runs in float32 in the C core; a number may stand on either side.
a <- a + 1.0
a <- a + a
a <- a - 5
a <- 10 / a
a <- 7 * a
a <- 1 - a + (2 * a) / (a + 0.5)
show("chain:", as.array(a))

# Comparisons give 0/1 arrays; R's math and summary functions work on NDArrays.
show("m >= 3:", as.array(m >= 3))
show("sqrt(m):", as.array(sqrt(m)))
show("sum, max, mean:", c(sum(m), max(m), mean(m)))

# Shapes must match; broadcasting is explicit.
col <- mx.nd.array(matrix(c(10, 20), 2, 1))
show("broadcast.add:", as.array(mx.nd.broadcast.add(mx.nd.ones(c(2, 3)), col)))
msg <- tryCatch(m + mx.nd.ones(3), error = conditionMessage)
cat("mismatch:", substr(msg, 1, 60), "...\n")

# Linear algebra and layout, in MXNet R's conventions.
show("dot:", as.array(mx.nd.dot(mx.nd.transpose(m), m)))
cat("reshape dims:", dim(mx.nd.reshape(m, shape = c(3, 2))), "\n")
cat("concat dims:", dim(mx.nd.concat(data = c(m, m), num_args = 2, dim = 0)), "\n")
show("crop:", as.array(mx.nd.crop(m, begin = c(0, 1), end = c(2, 3))))

# In place, as in the demo: out= writes into the array.
mat <- mx.nd.array(matrix(1:4, 2, 2))
mat <- (mat * 3 + 5) / 10
mat <- mx.nd.internal.plus.scalar(mat, 1, out = mat)
show("plus.scalar:", as.array(mat))

# Save and load in MXNet's file format.
f <- tempfile(fileext = ".nd")
mx.nd.save(list(m = m, z = z), f)
back <- mx.nd.load(f)
cat("loaded:", names(back), identical(as.array(back$m), as.array(m)), "\n")
