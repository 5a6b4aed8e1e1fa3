# ndarray_ops.R: the MXNDArray operators that run on every element: R's Ops, Math and
# Summary groups, mean(), the mx.nd.* math functions, clip and MXNet R's mx.nd.internal.*
# arithmetic.
#
# These call the C core directly through .C() (native/rcall.h), without a trip through
# Python: an operator costs a few microseconds, as MXNet's did. The core's shared library
# is the one the Python package loaded; Python says where it is and what the operator
# codes are once, at the first operator.
# py: mxnet_r_compat.rbridge.rndarray (nd_native_info)

.mx_nd_native <- new.env(parent = emptyenv())

# R operator -> the core's binary operator (native/binary.h).
.mx_nd_binary_ops <- c("+" = "ADD", "-" = "SUB", "*" = "MUL", "/" = "DIV", "^" = "POW",
                       "%%" = "MOD", "==" = "EQ", "!=" = "NE", ">" = "GT", ">=" = "GE",
                       "<" = "LT", "<=" = "LE")

# R's Math group member -> the core's unary function (native/unary.h).
.mx_nd_math_ops <- c(abs = "ABS", sign = "SIGN", sqrt = "SQRT", floor = "FLOOR",
                     ceiling = "CEIL", trunc = "TRUNC", round = "ROUND", exp = "EXP",
                     log = "LOG", expm1 = "EXPM1", log1p = "LOG1P", cos = "COS", sin = "SIN",
                     tan = "TAN", acos = "ARCCOS", asin = "ARCSIN", atan = "ARCTAN",
                     cosh = "COSH", sinh = "SINH", tanh = "TANH")

#' Load the core's .C() entry points and operator codes (internal; runs once).
#'
#' @return The environment holding them.
#' @examples
#' nat <- mxnet:::.mx_nd_init(); nat$binary[["+"]]
.mx_nd_init <- function() {
  nat <- .mx_nd_native
  if (isTRUE(nat$ready)) return(nat)
  info <- .py("nd_native_info")
  dll <- dyn.load(info$path, local = TRUE, now = TRUE)
  for (f in c("elemwise_binary", "binary_scalar", "unary", "clip", "reduce_all",
              "to_float32")) {
    assign(paste0("c_", f), getNativeSymbolInfo(paste0("mxc_r_", f), dll), envir = nat)
  }
  nat$binary <- as.list(setNames(info$binary[.mx_nd_binary_ops], names(.mx_nd_binary_ops)))
  nat$unary <- as.list(info$unary)
  nat$reduce <- as.list(info$reduce)
  nat$status <- info$status
  nat$ready <- TRUE
  nat
}

# Stop with the core's message for a failed .C() call.
.mx_nd_failed <- function(status, op) {
  text <- .mx_nd_native$status[status + 1L]
  stop("MXNDArray ", op, " failed in the C core: ", text, " (status ", status, ")",
       call. = FALSE)
}

# -- kernels -----------------------------------------------------------------------------------

.mx_nd_float32 <- function(v) {
  if (length(v) == 0L) return(v)
  nat <- .mx_nd_init()
  r <- .C(nat$c_to_float32, status = 0L, x = v, length(v), NAOK = TRUE)
  if (r$status) .mx_nd_failed(r$status, "mx.nd.array")
  r$x
}

.mx_nd_binary <- function(a, b, code, op, out = NULL) {
  x <- a$data
  y <- b$data
  if (!identical(dim(x), dim(y))) .mx_nd_mismatch(op, dim(x), dim(y))
  if (length(x) == 0L) return(.mx_nd_into(out, x))
  r <- .C(.mx_nd_native$c_elemwise_binary, status = 0L, out = x, x, y, length(x), code,
          NAOK = TRUE)
  if (r$status) .mx_nd_failed(r$status, op)
  .mx_nd_into(out, r$out)
}

.mx_nd_scalar <- function(a, s, code, reverse, op, out = NULL) {
  if (!(is.numeric(s) || is.logical(s)) || length(s) != 1L || is.object(s)) {
    .mx_nd_bad_operand(op, s)
  }
  x <- a$data
  if (length(x) == 0L) return(.mx_nd_into(out, x))
  r <- .C(.mx_nd_native$c_binary_scalar, status = 0L, out = x, x, length(x), as.double(s),
          code, reverse, NAOK = TRUE)
  if (r$status) .mx_nd_failed(r$status, op)
  .mx_nd_into(out, r$out)
}

.mx_nd_unary <- function(a, name, out = NULL) {
  nat <- .mx_nd_init()
  x <- .mx_nd_data(a)
  if (length(x) == 0L) return(.mx_nd_into(out, x))
  r <- .C(nat$c_unary, status = 0L, out = x, x, length(x), nat$unary[[name]], NAOK = TRUE)
  if (r$status) .mx_nd_failed(r$status, tolower(name))
  .mx_nd_into(out, r$out)
}

# The float32 reduction ("SUM", "MEAN", "MAX", "MIN") of all values, as an R number.
.mx_nd_reduce_all <- function(a, name) {
  nat <- .mx_nd_init()
  x <- .mx_nd_data(a)
  if (length(x) == 0L) {
    stop("Cannot compute ", tolower(name), " of an empty MXNDArray.", call. = FALSE)
  }
  r <- .C(nat$c_reduce_all, status = 0L, out = 0, x, length(x), nat$reduce[[name]], NAOK = TRUE)
  if (r$status) .mx_nd_failed(r$status, tolower(name))
  r$out
}

# The result as a new MXNDArray, or written into `out` (MXNet's out=) and returned.
.mx_nd_into <- function(out, data) {
  if (is.null(out)) return(.mx_nd_wrap(data))
  if (!identical(dim(.mx_nd_data(out, "out")), dim(data))) {
    .mx_nd_mismatch("out=", dim(out$data), dim(data))
  }
  out$data <- data
  out
}

.mx_nd_mismatch <- function(op, d1, d2) {
  stop("Shapes do not match for `", op, "`: dim c(", paste(d1, collapse = ", "),
       ") and dim c(", paste(d2, collapse = ", "), "). Elementwise MXNDArray operators need ",
       "arrays of the same dims, as in MXNet: use mx.nd.reshape() to make them equal, or a ",
       "broadcast operator (mx.nd.broadcast.add, mx.nd.broadcast.mul, ...) to broadcast.",
       call. = FALSE)
}

.mx_nd_bad_operand <- function(op, s) {
  what <- if (is.numeric(s) || is.logical(s)) paste("a vector of length", length(s)) else
    paste("an object of class", paste(class(s), collapse = "/"))
  stop("MXNDArray `", op, "` takes another MXNDArray or a single number; received ", what,
       ". Convert R arrays with mx.nd.array() first.", call. = FALSE)
}

# -- R's group generics -------------------------------------------------------------------------

#' Arithmetic and comparisons of MXNDArrays (+ - * / ^ %% == != > >= < <=).
#'
#' Two MXNDArrays must have the same dims; a single number may stand on either side
#' (`-5 / x`, `1 - mat`, `0 >= y`). Comparisons give MXNDArrays of 0 and 1.
#' @param e1,e2 MXNDArrays or numbers.
#' @return An MXNDArray of the operands' dims (comparisons give 1 where true and 0 elsewhere).
#' @examples
#' x <- mx.nd.array(1:3); as.array(1 - x * 2); as.array(x >= 2)
Ops.MXNDArray <- function(e1, e2) {
  # The hot path of NDArray loops (y <- y + x * lr): one .C() call and one new MXNDArray,
  # written out here rather than through helpers (an R function call costs about 1 us).
  nat <- .mx_nd_native
  if (is.null(nat$ready)) nat <- .mx_nd_init()
  if (missing(e2)) return(.mx_nd_unary_op(.Generic, e1))
  code <- nat$binary[[.Generic]]
  if (is.null(code)) {
    stop("`", .Generic, "` is not defined for MXNDArray; supported: ",
         paste(names(.mx_nd_binary_ops), collapse = " "), call. = FALSE)
  }
  if (inherits(e1, "MXNDArray")) {
    x <- e1$data
    if (inherits(e2, "MXNDArray")) {
      y <- e2$data
      if (!identical(dim(x), dim(y))) .mx_nd_mismatch(.Generic, dim(x), dim(y))
      if (length(x) == 0L) return(.mx_nd_wrap(x))
      r <- .C(nat$c_elemwise_binary, 0L, x, x, y, length(x), code, NAOK = TRUE)
    } else {
      if (!is.numeric(e2) && !is.logical(e2) || length(e2) != 1L || is.object(e2)) {
        .mx_nd_bad_operand(.Generic, e2)
      }
      if (length(x) == 0L) return(.mx_nd_wrap(x))
      r <- .C(nat$c_binary_scalar, 0L, x, x, length(x), as.double(e2), code, 0L, NAOK = TRUE)
    }
  } else {
    if (!is.numeric(e1) && !is.logical(e1) || length(e1) != 1L || is.object(e1)) {
      .mx_nd_bad_operand(.Generic, e1)
    }
    x <- e2$data
    if (length(x) == 0L) return(.mx_nd_wrap(x))
    r <- .C(nat$c_binary_scalar, 0L, x, x, length(x), as.double(e1), code, 1L, NAOK = TRUE)
  }
  if (r[[1L]]) .mx_nd_failed(r[[1L]], .Generic)
  out <- new.env(parent = emptyenv(), size = 1L)
  out$data <- r[[2L]]
  class(out) <- "MXNDArray"
  out
}

.mx_nd_unary_op <- function(op, x) {
  switch(op,
         "-" = .mx_nd_unary(x, "NEGATIVE"),
         "+" = x,
         "!" = x == 0,
         stop("Unary `", op, "` is not defined for MXNDArray.", call. = FALSE))
}

#' R's math functions on MXNDArrays: abs, sign, sqrt, floor, ceiling, trunc, round, exp,
#' log, expm1, log1p, the trigonometric and hyperbolic functions.
#'
#' They run the C core in float32 and return MXNDArrays. round() takes halves away from zero
#' (MXNet's rule) and no digits; log() takes an optional base.
#' @param x An MXNDArray.
#' @param ... `base` for log(), `digits` (0) for round().
#' @return An MXNDArray of the dims of `x`.
#' @examples
#' as.array(sqrt(abs(mx.nd.array(c(-4, 9)))))
Math.MXNDArray <- function(x, ...) {
  name <- .mx_nd_math_ops[.Generic]
  if (is.na(name)) {
    stop(.Generic, "() is not defined for MXNDArray; use ", .Generic, "(as.array(x)).",
         call. = FALSE)
  }
  extra <- list(...)
  if (.Generic == "log" && length(extra)) return(.mx_nd_unary(x, "LOG") / log(extra[[1]]))
  if (.Generic == "round" && length(extra) && !identical(as.numeric(extra[[1]]), 0)) {
    stop("round() of an MXNDArray rounds to whole numbers (digits = 0); received digits = ",
         format(extra[[1]]), ".", call. = FALSE)
  }
  .mx_nd_unary(x, name)
}

#' sum, max, min, prod, range, all and any over MXNDArrays, as plain R values.
#'
#' sum, max and min run the C core's float32 reductions (sums accumulate in double); the
#' others use the values (`as.array`). Use mx.nd.sum() and friends for an MXNDArray result.
#' @param ... MXNDArrays and numbers.
#' @param na.rm Passed to R for prod, range, all and any.
#' @return A plain R value: a number, or TRUE/FALSE for all() and any().
#' @examples
#' sum(mx.nd.ones(c(2, 3))); max(mx.nd.array(1:5))
Summary.MXNDArray <- function(..., na.rm = FALSE) {
  args <- list(...)
  reduce <- c(sum = "SUM", max = "MAX", min = "MIN")[.Generic]
  if (is.na(reduce)) {
    values <- lapply(args, function(a) if (is.mx.ndarray(a)) as.array(a) else a)
    if (.Generic %in% c("all", "any")) values <- lapply(values, function(v) v != 0)
    return(do.call(.Generic, c(values, na.rm = na.rm)))
  }
  parts <- vapply(args, function(a) {
    if (is.mx.ndarray(a)) .mx_nd_reduce_all(a, reduce) else do.call(.Generic, list(a))
  }, numeric(1))
  do.call(.Generic, as.list(parts))
}

#' The mean of all values of an MXNDArray (float32, accumulated in double), as a number.
#'
#' @param x An MXNDArray.
#' @param ... Ignored.
#' @return A number: the mean of the values.
#' @examples
#' mean(mx.nd.array(c(1, 2, 6)))   # 3
mean.MXNDArray <- function(x, ...) .mx_nd_reduce_all(x, "MEAN")
