# ndarray_functions.R: the mx.nd.* functions of MXNet R.
#
# Elementwise functions and whole-array reductions run in the C core through .C()
# (ndarray_ops.R). Functions with shape rules (dot, transpose, reshape, concat, slices,
# broadcasting, reductions over axes) call Python's NDArray functions once
# (mxnet_r_compat/ndarray/), which run the same C core.
#
# Parameters follow MXNet R: a vector parameter (axes, begin, end, ...) and any parameter
# whose name ends in "shape" is given in R order and reversed for the backend; a single
# number (axis, dim, ...) is a backend axis, as MXNet R passed it on unchanged.
# py: mxnet_r_compat.rbridge.rndarray (nd_call)

# Call a Python NDArray function: `arrays` are its positional arguments (MXNDArrays, R arrays
# or numbers), `params` its named ones. Returns an MXNDArray (or a list of them).
.mx_nd_call <- function(name, arrays, params = list()) {
  .py("nd_call", name, arrays, params[!vapply(params, is.null, logical(1))])
}

# -- elementwise families (C core) ---------------------------------------------------------------

.mx_nd_unary_names <- c(sqrt = "SQRT", square = "SQUARE", abs = "ABS", exp = "EXP", log = "LOG",
                        sign = "SIGN", round = "ROUND", floor = "FLOOR", ceil = "CEIL",
                        trunc = "TRUNC", fix = "TRUNC", negative = "NEGATIVE", rsqrt = "RSQRT",
                        log2 = "LOG2", log10 = "LOG10", expm1 = "EXPM1", log1p = "LOG1P",
                        sin = "SIN", cos = "COS", tan = "TAN", arcsin = "ARCSIN",
                        arccos = "ARCCOS", arctan = "ARCTAN", sinh = "SINH", cosh = "COSH",
                        tanh = "TANH", reciprocal = "RECIPROCAL", sigmoid = "SIGMOID",
                        relu = "RELU", identity = "COPY")

#' Elementwise math functions: mx.nd.sqrt, square, abs, exp, log, sign, round, floor, ceil,
#' trunc, fix, negative, rsqrt, log2, log10, expm1, log1p, sin, cos, tan, arcsin, arccos,
#' arctan, sinh, cosh, tanh, reciprocal, sigmoid, relu and identity.
#'
#' Each is `function(data, out = NULL)`: the function of every element of `data`, computed
#' in float32 by the C core; with `out` (an MXNDArray of the same dims) the result is written
#' into it, as MXNet R's out= did.
#' @param data An MXNDArray.
#' @param out NULL, or an MXNDArray of the same dims to write into.
#' @return An MXNDArray of the dims of `data` (`out` when given).
#' @name mx.nd.math
#' @aliases mx.nd.sqrt mx.nd.square mx.nd.abs mx.nd.exp mx.nd.log mx.nd.sign mx.nd.round mx.nd.floor mx.nd.ceil mx.nd.trunc mx.nd.fix mx.nd.negative mx.nd.rsqrt mx.nd.log2 mx.nd.log10 mx.nd.expm1 mx.nd.log1p mx.nd.sin mx.nd.cos mx.nd.tan mx.nd.arcsin mx.nd.arccos mx.nd.arctan mx.nd.sinh mx.nd.cosh mx.nd.tanh mx.nd.reciprocal mx.nd.sigmoid mx.nd.relu mx.nd.identity
#' @usage
#' mx.nd.sqrt(data, out = NULL)
#' mx.nd.square(data, out = NULL)
#' mx.nd.abs(data, out = NULL)
#' mx.nd.exp(data, out = NULL)
#' mx.nd.log(data, out = NULL)
#' mx.nd.sign(data, out = NULL)
#' mx.nd.round(data, out = NULL)
#' mx.nd.floor(data, out = NULL)
#' mx.nd.ceil(data, out = NULL)
#' mx.nd.trunc(data, out = NULL)
#' mx.nd.fix(data, out = NULL)
#' mx.nd.negative(data, out = NULL)
#' mx.nd.rsqrt(data, out = NULL)
#' mx.nd.log2(data, out = NULL)
#' mx.nd.log10(data, out = NULL)
#' mx.nd.expm1(data, out = NULL)
#' mx.nd.log1p(data, out = NULL)
#' mx.nd.sin(data, out = NULL)
#' mx.nd.cos(data, out = NULL)
#' mx.nd.tan(data, out = NULL)
#' mx.nd.arcsin(data, out = NULL)
#' mx.nd.arccos(data, out = NULL)
#' mx.nd.arctan(data, out = NULL)
#' mx.nd.sinh(data, out = NULL)
#' mx.nd.cosh(data, out = NULL)
#' mx.nd.tanh(data, out = NULL)
#' mx.nd.reciprocal(data, out = NULL)
#' mx.nd.sigmoid(data, out = NULL)
#' mx.nd.relu(data, out = NULL)
#' mx.nd.identity(data, out = NULL)
#' @examples
#' as.array(mx.nd.sqrt(mx.nd.abs(mx.nd.array(c(-4, 9)))))
#' as.array(mx.nd.square(mx.nd.array(1:3)))
NULL

.mx_nd_unary_function <- function(name) {
  force(name)
  function(data, out = NULL) .mx_nd_unary(data, name, out)
}
for (.nm in names(.mx_nd_unary_names)) {
  assign(paste0("mx.nd.", .nm), .mx_nd_unary_function(.mx_nd_unary_names[[.nm]]))
}

#' Every element of `data` limited to `[a_min, a_max]` (float32, C core).
#'
#' @param data An MXNDArray.
#' @param a_min,a_max The bounds.
#' @param out Optional MXNDArray to write into.
#' @return An MXNDArray.
#' @examples
#' as.array(mx.nd.clip(mx.nd.array(c(-5, 0, 5)), -2, 3))
mx.nd.clip <- function(data, a_min, a_max, out = NULL) {
  nat <- .mx_nd_init()
  x <- .mx_nd_data(data)
  if (!is.numeric(a_min) || !is.numeric(a_max) || length(a_min) != 1L ||
      length(a_max) != 1L || !(a_min <= a_max)) {
    stop("Invalid values for arguments `a_min`, `a_max` of mx.nd.clip. Received: a_min=",
         format(a_min), ", a_max=", format(a_max), ". Expected two numbers, a_min <= a_max.",
         call. = FALSE)
  }
  if (length(x) == 0L) return(.mx_nd_into(out, x))
  r <- .C(nat$c_clip, status = 0L, out = x, x, length(x), as.double(a_min), as.double(a_max),
          NAOK = TRUE)
  if (r$status) .mx_nd_failed(r$status, "clip")
  .mx_nd_into(out, r$out)
}

# MXNet R's mx.nd.internal.<name>: binary operators of two arrays and with a scalar.
.mx_nd_internal_binary <- c(plus = "+", minus = "-", mul = "*", div = "/", mod = "%%",
                            power = "^", equal = "==", not.equal = "!=", greater = ">",
                            greater.equal = ">=", lesser = "<", lesser.equal = "<=")

#' MXNet R's internal arithmetic: mx.nd.internal.plus, minus, mul, div, mod, power, equal,
#' not.equal, greater, greater.equal, lesser, lesser.equal (two MXNDArrays of one shape),
#' their `.scalar` forms (an MXNDArray and a number) and the reversed scalar forms
#' rminus.scalar, rdiv.scalar, rmod.scalar and rpower.scalar (number op array).
#'
#' The elementwise forms are `function(lhs, rhs, out = NULL)`, the scalar forms
#' `function(data, scalar, out = NULL)`; with `out` the result is written into that
#' MXNDArray and returned, as in MXNet R.
#' `mx.nd.elemwise.add`, `sub`, `mul` and `div` are the elementwise forms of MXNet's names.
#' @param lhs,rhs MXNDArrays of the same dims.
#' @param data An MXNDArray.
#' @param scalar A number.
#' @param out NULL, or an MXNDArray of the same dims to write into.
#' @return An MXNDArray (`out` when given); comparisons give 1 where true and 0 elsewhere.
#' @name mx.nd.internal
#' @aliases mx.nd.internal.plus mx.nd.internal.minus mx.nd.internal.mul mx.nd.internal.div mx.nd.internal.mod mx.nd.internal.power mx.nd.internal.equal mx.nd.internal.not.equal mx.nd.internal.greater mx.nd.internal.greater.equal mx.nd.internal.lesser mx.nd.internal.lesser.equal mx.nd.internal.plus.scalar mx.nd.internal.minus.scalar mx.nd.internal.mul.scalar mx.nd.internal.div.scalar mx.nd.internal.mod.scalar mx.nd.internal.power.scalar mx.nd.internal.equal.scalar mx.nd.internal.not.equal.scalar mx.nd.internal.greater.scalar mx.nd.internal.greater.equal.scalar mx.nd.internal.lesser.scalar mx.nd.internal.lesser.equal.scalar mx.nd.internal.rminus.scalar mx.nd.internal.rdiv.scalar mx.nd.internal.rmod.scalar mx.nd.internal.rpower.scalar mx.nd.elemwise.add mx.nd.elemwise.sub mx.nd.elemwise.mul mx.nd.elemwise.div
#' @usage
#' mx.nd.internal.plus(lhs, rhs, out = NULL)
#' mx.nd.internal.minus(lhs, rhs, out = NULL)
#' mx.nd.internal.mul(lhs, rhs, out = NULL)
#' mx.nd.internal.div(lhs, rhs, out = NULL)
#' mx.nd.internal.mod(lhs, rhs, out = NULL)
#' mx.nd.internal.power(lhs, rhs, out = NULL)
#' mx.nd.internal.equal(lhs, rhs, out = NULL)
#' mx.nd.internal.not.equal(lhs, rhs, out = NULL)
#' mx.nd.internal.greater(lhs, rhs, out = NULL)
#' mx.nd.internal.greater.equal(lhs, rhs, out = NULL)
#' mx.nd.internal.lesser(lhs, rhs, out = NULL)
#' mx.nd.internal.lesser.equal(lhs, rhs, out = NULL)
#' mx.nd.elemwise.add(lhs, rhs, out = NULL)
#' mx.nd.elemwise.sub(lhs, rhs, out = NULL)
#' mx.nd.elemwise.mul(lhs, rhs, out = NULL)
#' mx.nd.elemwise.div(lhs, rhs, out = NULL)
#' mx.nd.internal.plus.scalar(data, scalar, out = NULL)
#' mx.nd.internal.minus.scalar(data, scalar, out = NULL)
#' mx.nd.internal.mul.scalar(data, scalar, out = NULL)
#' mx.nd.internal.div.scalar(data, scalar, out = NULL)
#' mx.nd.internal.mod.scalar(data, scalar, out = NULL)
#' mx.nd.internal.power.scalar(data, scalar, out = NULL)
#' mx.nd.internal.equal.scalar(data, scalar, out = NULL)
#' mx.nd.internal.not.equal.scalar(data, scalar, out = NULL)
#' mx.nd.internal.greater.scalar(data, scalar, out = NULL)
#' mx.nd.internal.greater.equal.scalar(data, scalar, out = NULL)
#' mx.nd.internal.lesser.scalar(data, scalar, out = NULL)
#' mx.nd.internal.lesser.equal.scalar(data, scalar, out = NULL)
#' mx.nd.internal.rminus.scalar(data, scalar, out = NULL)
#' mx.nd.internal.rdiv.scalar(data, scalar, out = NULL)
#' mx.nd.internal.rmod.scalar(data, scalar, out = NULL)
#' mx.nd.internal.rpower.scalar(data, scalar, out = NULL)
#' @examples
#' mat <- mx.nd.array(matrix(1:4, 2))
#' mat <- mx.nd.internal.plus.scalar(mat, 1, out = mat)
#' as.array(mx.nd.internal.rminus.scalar(mat, 10))
NULL

.mx_nd_internal_elemwise <- function(op) {
  force(op)
  function(lhs, rhs, out = NULL) {
    nat <- .mx_nd_init()
    .mx_nd_data(lhs, "lhs")
    .mx_nd_data(rhs, "rhs")
    .mx_nd_binary(lhs, rhs, nat$binary[[op]], op, out)
  }
}
.mx_nd_internal_scalar <- function(op, reverse) {
  force(op)
  force(reverse)
  function(data, scalar, out = NULL) {
    nat <- .mx_nd_init()
    .mx_nd_data(data)
    .mx_nd_scalar(data, scalar, nat$binary[[op]], reverse, op, out)
  }
}
for (.nm in names(.mx_nd_internal_binary)) {
  .op <- .mx_nd_internal_binary[[.nm]]
  assign(paste0("mx.nd.internal.", .nm), .mx_nd_internal_elemwise(.op))
  assign(paste0("mx.nd.internal.", .nm, ".scalar"), .mx_nd_internal_scalar(.op, 0L))
  if (.nm %in% c("minus", "div", "mod", "power")) {
    assign(paste0("mx.nd.internal.r", .nm, ".scalar"), .mx_nd_internal_scalar(.op, 1L))
  }
}
for (.nm in c("add", "sub", "mul", "div")) {
  assign(paste0("mx.nd.elemwise.", .nm),
         .mx_nd_internal_elemwise(c(add = "+", sub = "-", mul = "*", div = "/")[[.nm]]))
}
rm(.nm, .op)

# -- reductions ------------------------------------------------------------------------------------

#' Reductions of an MXNDArray: mx.nd.sum, mx.nd.mean, mx.nd.max, mx.nd.min.
#'
#' Over all values (`axis = NULL`) the result is an MXNDArray of dim 1, computed by the
#' C core; with `axis` (a backend axis: 0 is the last R dim, as in MXNet R), `keepdims` and
#' `exclude` it follows MXNet's reduction rules.
#' @param data An MXNDArray.
#' @param axis NULL, or the backend axes to reduce.
#' @param keepdims Keep reduced axes with extent 1.
#' @param exclude Reduce over the axes not listed instead.
#' `mx.nd.sum.axis` is `mx.nd.sum`.
#' @return An MXNDArray: of dim 1 over all values, else the dims left after the reduction.
#' @name mx.nd.reduce
#' @aliases mx.nd.sum mx.nd.mean mx.nd.max mx.nd.min mx.nd.sum.axis
#' @usage
#' mx.nd.sum(data, axis = NULL, keepdims = FALSE, exclude = FALSE)
#' mx.nd.mean(data, axis = NULL, keepdims = FALSE, exclude = FALSE)
#' mx.nd.max(data, axis = NULL, keepdims = FALSE, exclude = FALSE)
#' mx.nd.min(data, axis = NULL, keepdims = FALSE, exclude = FALSE)
#' mx.nd.sum.axis(data, axis = NULL, keepdims = FALSE, exclude = FALSE)
#' @examples
#' as.array(mx.nd.sum(mx.nd.ones(c(2, 3))))          # 6
#' as.array(mx.nd.max(mx.nd.array(matrix(1:6, 2)), axis = 0))   # c(5, 6)
NULL

.mx_nd_reduce_function <- function(name) {
  force(name)
  function(data, axis = NULL, keepdims = FALSE, exclude = FALSE) {
    if (is.null(axis) && !isTRUE(exclude)) {
      value <- .mx_nd_reduce_all(data, toupper(name))
      d <- if (isTRUE(keepdims)) rep(1L, length(dim(data))) else 1L
      return(.mx_nd_wrap(array(value, dim = d)))
    }
    .mx_nd_call(name, list(data), list(axis = axis, keepdims = keepdims, exclude = exclude))
  }
}
mx.nd.sum <- .mx_nd_reduce_function("sum")
mx.nd.mean <- .mx_nd_reduce_function("mean")
mx.nd.max <- .mx_nd_reduce_function("max")
mx.nd.min <- .mx_nd_reduce_function("min")
mx.nd.sum.axis <- mx.nd.sum

#' Index of the largest (smallest) value along a backend axis, as a float (0-based).
#'
#' @param data An MXNDArray.
#' @param axis The backend axis (NULL: the flattened array).
#' @param keepdims Keep the reduced axis with extent 1.
#' @return An MXNDArray of indices (as floats).
#' @examples
#' as.array(mx.nd.argmax(mx.nd.array(matrix(c(1, 5, 7, 0), 2)), axis = 1))   # c(1, 0)
mx.nd.argmax <- function(data, axis = NULL, keepdims = FALSE) {
  .mx_nd_call("argmax", list(data), list(axis = axis, keepdims = keepdims))
}

#' @rdname mx.nd.argmax
#' @examples
#' as.array(mx.nd.argmin(mx.nd.array(c(3, 1, 2))))   # 1
mx.nd.argmin <- function(data, axis = NULL, keepdims = FALSE) {
  .mx_nd_call("argmin", list(data), list(axis = axis, keepdims = keepdims))
}

#' The L2 norm of all values, an MXNDArray of dim 1.
#'
#' @param data An MXNDArray.
#' @return An MXNDArray of dim 1.
#' @examples
#' as.array(mx.nd.norm(mx.nd.array(c(3, 4))))   # 5
mx.nd.norm <- function(data) .mx_nd_call("norm", list(data))

# -- shapes and data movement (Python shape rules, C core) ---------------------------------------

#' Matrix product of two MXNDArrays (MXNet's dot on the backend arrays).
#'
#' With R dims, `mx.nd.dot(A, B)` holds `t(t(A) %*% t(B))`, i.e. `B %*% A` in R's terms,
#' exactly as in MXNet R.
#' @param lhs,rhs MXNDArrays.
#' @param transpose_a,transpose_b Transpose the backend arrays first.
#' @return An MXNDArray.
#' @examples
#' a <- matrix(runif(6), 2); b <- matrix(runif(6), 3)
#' all.equal(t(as.matrix(mx.nd.dot(mx.nd.array(t(a)), mx.nd.array(t(b))))), a %*% b,
#'           tolerance = 1e-6)
mx.nd.dot <- function(lhs, rhs, transpose_a = FALSE, transpose_b = FALSE) {
  .mx_nd_call("dot", list(lhs, rhs), list(transpose_a = transpose_a, transpose_b = transpose_b))
}

#' Permute the axes of an MXNDArray (reversed when `axes` is NULL: a matrix transpose).
#'
#' @param data An MXNDArray.
#' @param axes A permutation of the backend axes, given in R order as MXNet R did.
#' @return An MXNDArray.
#' @examples
#' dim(mx.nd.transpose(mx.nd.ones(c(2, 3))))   # 3 2
mx.nd.transpose <- function(data, axes = NULL) {
  .mx_nd_call("transpose", list(data), list(axes = axes))
}

#' The transpose of a 2-d MXNDArray (base R's t()).
#'
#' @param x An MXNDArray.
#' @return An MXNDArray.
#' @examples
#' dim(t(mx.nd.ones(c(2, 3))))
t.MXNDArray <- function(x) mx.nd.transpose(x)

#' An MXNDArray with new dims; in `shape` (R order) 0 keeps a dim and -1 infers one, and
#' -2, -3, -4 work as in MXNet (applied to the backend shape, as MXNet R did).
#'
#' @param data An MXNDArray.
#' @param shape The new shape, in R order.
#' @param reverse Apply the special values from the right.
#' @return An MXNDArray.
#' @examples
#' dim(mx.nd.reshape(mx.nd.ones(c(1, 10)), shape = 0))   # 10
#' dim(mx.nd.reshape(mx.nd.ones(c(2, 3, 4)), shape = c(-1, 4)))   # 6 4
mx.nd.reshape <- function(data, shape, reverse = FALSE) {
  .mx_nd_call("reshape", list(data), list(shape = shape, reverse = reverse))
}

#' @rdname mx.nd.reshape
#' @examples
#' dim(mx.nd.Reshape(mx.nd.ones(c(2, 3)), shape = -1))   # 6
mx.nd.Reshape <- mx.nd.reshape

#' An MXNDArray as (first backend dim, everything else): R dims c(rest, last).
#'
#' @param data An MXNDArray.
#' @return An MXNDArray.
#' @examples
#' dim(mx.nd.flatten(mx.nd.ones(c(2, 3, 4))))   # 6 4
mx.nd.flatten <- function(data) .mx_nd_call("flatten", list(data))

#' @rdname mx.nd.flatten
#' @examples
#' dim(mx.nd.Flatten(mx.nd.ones(c(2, 3, 4))))
mx.nd.Flatten <- mx.nd.flatten

#' An axis of extent 1 inserted at backend position `axis`.
#'
#' @param data An MXNDArray.
#' @param axis The backend position.
#' @return An MXNDArray.
#' @examples
#' dim(mx.nd.expand.dims(mx.nd.ones(c(2, 3)), axis = 0))   # 2 3 1
mx.nd.expand.dims <- function(data, axis) {
  .mx_nd_call("expand_dims", list(data), list(axis = axis))
}

#' MXNDArrays joined along backend dim `dim` (0 is the last R dim).
#'
#' @param data A list of MXNDArrays (c(x1, x2) makes one).
#' @param num_args The number of arrays (checked when given).
#' @param dim The backend axis.
#' @return An MXNDArray.
#' @examples
#' dim(mx.nd.concat(data = c(mx.nd.ones(4), mx.nd.zeros(4)), num_args = 2, dim = 0))   # 8
mx.nd.concat <- function(data, num_args = NULL, dim = 1) {
  if (is.mx.ndarray(data)) data <- list(data)
  .mx_nd_call("concat", as.list(data), list(num_args = num_args, dim = dim))
}

#' @rdname mx.nd.concat
#' @examples
#' dim(mx.nd.Concat(data = list(mx.nd.ones(c(2, 2)), mx.nd.ones(c(2, 2))), num_args = 2))
mx.nd.Concat <- mx.nd.concat

#' The part `begin:end` (0-based, end excluded) of backend axis `axis`.
#'
#' @param data An MXNDArray.
#' @param axis The backend axis (0 is the last R dim).
#' @param begin,end The range; negative values count from the end, end NULL is the end.
#' @return An MXNDArray.
#' @examples
#' dim(mx.nd.slice.axis(mx.nd.ones(c(4, 5)), axis = 0, begin = 1, end = 3))   # 4 2
mx.nd.slice.axis <- function(data, axis, begin, end) {
  .mx_nd_call("slice_axis", list(data), list(axis = axis, begin = begin, end = end))
}

#' A box of an MXNDArray: `begin` and `end` (0-based, end excluded) per dim, in R order.
#'
#' @param data An MXNDArray.
#' @param begin,end The box corners, one value per R dim.
#' @return An MXNDArray.
#' @examples
#' dim(mx.nd.crop(mx.nd.ones(c(2, 3, 4)), begin = c(0, 0, 0), end = c(2, 1, 3)))   # 2 1 3
mx.nd.crop <- function(data, begin, end) {
  .mx_nd_call("crop", list(data), list(begin = begin, end = end))
}

#' MXNet R's mx.nd.slice: with single numbers, the range `begin:end` (0-based, end excluded)
#' of the last R dim (the batch axis); with vectors, a box as mx.nd.crop.
#'
#' @param data An MXNDArray.
#' @param begin,end The range, or the box corners in R order.
#' @return An MXNDArray.
#' @examples
#' dim(mx.nd.slice(mx.nd.ones(c(3, 10)), 2, 5))   # 3 3
mx.nd.slice <- function(data, begin, end) {
  if (length(begin) == 1L && length(end) == 1L) {
    return(mx.nd.slice.axis(data, axis = 0L, begin = begin, end = end))
  }
  mx.nd.crop(data, begin, end)
}

#' A copy of `lhs` whose box `begin:end` (R order) holds `rhs` (MXNet's _crop_assign).
#'
#' @param lhs An MXNDArray.
#' @param rhs An MXNDArray with the box's dims.
#' @param begin,end The box corners, one value per R dim.
#' @return A new MXNDArray with the dims of `lhs`.
#' @examples
#' x <- mxnet:::mx.nd.internal.crop.assign(mx.nd.ones(c(2, 3)), mx.nd.zeros(c(2, 1)),
#'                                         begin = c(0, 0), end = c(2, 1))
#' as.array(x)
mx.nd.internal.crop.assign <- function(lhs, rhs, begin, end) {
  .mx_nd_call("crop_assign", list(lhs, rhs), list(begin = begin, end = end))
}

#' @rdname mx.nd.internal.crop.assign
#' @examples
#' mxnet:::mx.nd.internal.slice.assign(mx.nd.ones(2), mx.nd.zeros(1), begin = 0, end = 1)
mx.nd.internal.slice.assign <- mx.nd.internal.crop.assign

#' For each row i of the backend matrix `lhs` (n, k), its value at column `rhs[i]` (0-based):
#' with R dims, `lhs` is k x n and the result has length n.
#'
#' @param lhs An MXNDArray of R dims c(k, n).
#' @param rhs An MXNDArray of n whole numbers in 0..k-1.
#' @return An MXNDArray.
#' @examples
#' as.array(mx.nd.choose.element.0index(mx.nd.array(matrix(1:6, 3)), mx.nd.array(c(2, 0))))
mx.nd.choose.element.0index <- function(lhs, rhs) {
  .mx_nd_call("choose_element_0index", list(lhs, rhs))
}

# -- broadcast operators (Python shape rules, C core) ------------------------------------------

.mx_nd_broadcast_names <- c("add", "plus", "sub", "minus", "mul", "div", "mod", "power",
                            "maximum", "minimum", "equal", "not_equal", "greater",
                            "greater_equal", "lesser", "lesser_equal")

#' Broadcast operators: mx.nd.broadcast.add, plus, sub, minus, mul, div, mod, power,
#' maximum, minimum, equal, not.equal, greater, greater.equal, lesser, lesser.equal.
#'
#' Each is `function(lhs, rhs)`: the operator with dims of extent 1 stretched to match
#' (numpy's rule on the backend shapes, so in R dims the missing dims are the last ones).
#' @param lhs,rhs MXNDArrays whose dims agree or are 1.
#' @return An MXNDArray of the broadcast dims.
#' @name mx.nd.broadcast
#' @aliases mx.nd.broadcast.add mx.nd.broadcast.plus mx.nd.broadcast.sub mx.nd.broadcast.minus mx.nd.broadcast.mul mx.nd.broadcast.div mx.nd.broadcast.mod mx.nd.broadcast.power mx.nd.broadcast.maximum mx.nd.broadcast.minimum mx.nd.broadcast.equal mx.nd.broadcast.not.equal mx.nd.broadcast.greater mx.nd.broadcast.greater.equal mx.nd.broadcast.lesser mx.nd.broadcast.lesser.equal
#' @usage
#' mx.nd.broadcast.add(lhs, rhs)
#' mx.nd.broadcast.plus(lhs, rhs)
#' mx.nd.broadcast.sub(lhs, rhs)
#' mx.nd.broadcast.minus(lhs, rhs)
#' mx.nd.broadcast.mul(lhs, rhs)
#' mx.nd.broadcast.div(lhs, rhs)
#' mx.nd.broadcast.mod(lhs, rhs)
#' mx.nd.broadcast.power(lhs, rhs)
#' mx.nd.broadcast.maximum(lhs, rhs)
#' mx.nd.broadcast.minimum(lhs, rhs)
#' mx.nd.broadcast.equal(lhs, rhs)
#' mx.nd.broadcast.not.equal(lhs, rhs)
#' mx.nd.broadcast.greater(lhs, rhs)
#' mx.nd.broadcast.greater.equal(lhs, rhs)
#' mx.nd.broadcast.lesser(lhs, rhs)
#' mx.nd.broadcast.lesser.equal(lhs, rhs)
#' @examples
#' x <- mx.nd.ones(c(3, 2)); col <- mx.nd.array(matrix(1:3, 3, 1))
#' as.array(mx.nd.broadcast.mul(x, col))
NULL

.mx_nd_broadcast_function <- function(name) {
  force(name)
  function(lhs, rhs) .mx_nd_call(paste0("broadcast_", name), list(lhs, rhs))
}
for (.nm in .mx_nd_broadcast_names) {
  assign(paste0("mx.nd.broadcast.", gsub("_", ".", .nm)), .mx_nd_broadcast_function(.nm))
}
rm(.nm)
