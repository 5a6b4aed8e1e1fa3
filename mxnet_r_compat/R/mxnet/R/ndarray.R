# ndarray.R: the MXNDArray object, how arrays enter and leave it, and its base R methods.
#
# An MXNDArray is an environment of class "MXNDArray" holding `data`: an R double array whose
# dims are the R dims (the backend shape reversed, as MXNet R shows it) and whose values are
# exactly float32 values. Like MXNet R's external pointer it is a reference object: it is not
# a numeric vector, c(a, b) makes a list of arrays and apply() keeps the arrays it returns as
# a list. Its operators run the C core's float32 kernels (ndarray_ops.R); the functions that
# need shape rules run in Python (ndarray_functions.R). docs/COMPATIBILITY.md says how it
# differs from MXNet R's.
# py: mxnet_r_compat.rbridge.rndarray

#' Wrap an R double array (R dims, float32 values) as an MXNDArray (internal).
#'
#' @param data A double array with a dim attribute.
#' @return An MXNDArray.
#' @examples
#' x <- mxnet:::.mx_nd_wrap(array(1, dim = c(2, 2))); dim(x)
.mx_nd_wrap <- function(data) {
  e <- new.env(parent = emptyenv(), size = 1L)
  e$data <- data
  class(e) <- "MXNDArray"
  e
}

#' Make an MXNDArray from an R vector, matrix or array (values rounded to float32).
#'
#' @param src.array A numeric or logical vector, matrix or array.
#' @param ctx The device: NULL or mx.cpu() (this build has no GPU).
#' @return An MXNDArray with `dim(src.array)` (or `length(src.array)` for a vector).
#' @examples
#' mat <- mx.nd.array(matrix(1:6, 2)); dim(mat); as.array(mat * 2)
mx.nd.array <- function(src.array, ctx = NULL) {
  .mx_nd_check_ctx(ctx)
  if (is.mx.ndarray(src.array)) return(mx.nd.copyto(src.array, ctx))
  if (!(is.numeric(src.array) || is.logical(src.array)) || is.list(src.array)) {
    stop("mx.nd.array takes an object of class array, vector or matrix only.", call. = FALSE)
  }
  d <- dim(src.array)
  if (is.null(d)) d <- length(src.array)
  v <- .mx_nd_float32(as.double(src.array))
  dim(v) <- d
  .mx_nd_wrap(v)
}

#' An MXNDArray of zeros with R dims `shape`.
#'
#' @param shape The R dims, e.g. 10 or c(10, 5).
#' @param ctx NULL or mx.cpu().
#' @return An MXNDArray.
#' @examples
#' as.array(mx.nd.zeros(c(2, 3)))
mx.nd.zeros <- function(shape, ctx = NULL) {
  .mx_nd_check_ctx(ctx)
  # Load the C core now, as mx.nd.array does: in a plain R session this starts Python here,
  # not inside the first operator of a timed loop (MXNet's demo basic_bench.R times one).
  .mx_nd_init()
  .mx_nd_wrap(array(0, dim = .mx_nd_shape(shape)))
}

#' An MXNDArray of ones with R dims `shape`.
#'
#' @param shape The R dims, e.g. 10 or c(10, 5).
#' @param ctx NULL or mx.cpu().
#' @return An MXNDArray.
#' @examples
#' as.array(mx.nd.ones(3))
mx.nd.ones <- function(shape, ctx = NULL) {
  .mx_nd_check_ctx(ctx)
  .mx_nd_init()  # as mx.nd.zeros
  .mx_nd_wrap(array(1, dim = .mx_nd_shape(shape)))
}

#' A copy of an MXNDArray on a device (the CPU is the only one).
#'
#' @param src An MXNDArray.
#' @param ctx NULL or mx.cpu().
#' @return An MXNDArray.
#' @examples
#' b <- mx.nd.copyto(mx.nd.ones(c(2, 3)), mx.cpu())
mx.nd.copyto <- function(src, ctx = NULL) {
  .mx_nd_check_ctx(ctx)
  .mx_nd_wrap(.mx_nd_data(src, "src"))
}

#' TRUE for an MXNDArray.
#'
#' @param src.array Any R object.
#' @return TRUE or FALSE.
#' @examples
#' is.mx.ndarray(mx.nd.ones(1)); is.mx.ndarray(1:10)
is.mx.ndarray <- function(src.array) inherits(src.array, "MXNDArray")

#' The device of an MXNDArray (always the CPU here).
#'
#' @param nd An MXNDArray.
#' @return An MXContext: mx.cpu().
#' @examples
#' ctx(mx.nd.ones(2))
ctx <- function(nd) {
  .mx_nd_data(nd, "nd")
  mx.cpu()
}

#' The R array inside an MXNDArray (R dims; a 1-d array comes back as a plain vector, as
#' MXNet R's as.array gives it).
#'
#' @param x An MXNDArray.
#' @param ... Ignored.
#' @return An R array (a plain vector for an MXNDArray of one dim).
#' @examples
#' as.array(mx.nd.ones(c(2, 2))); as.array(mx.nd.array(1:3))
as.array.MXNDArray <- function(x, ...) {
  d <- x$data
  if (length(dim(d)) == 1L) as.vector(d) else d
}

#' An MXNDArray of two dims as an R matrix.
#'
#' @param x An MXNDArray.
#' @param ... Ignored.
#' @return An R matrix.
#' @examples
#' as.matrix(mx.nd.ones(c(2, 3)))
as.matrix.MXNDArray <- function(x, ...) {
  if (length(dim(x$data)) != 2L) {
    stop("The input argument is not two dimensional matrix.", call. = FALSE)
  }
  x$data
}

#' The values of an MXNDArray as a vector (in R's column-major order).
#'
#' @param x An MXNDArray.
#' @param mode As for as.vector().
#' @return A vector of the values.
#' @examples
#' as.vector(mx.nd.ones(2))
as.vector.MXNDArray <- function(x, mode = "any") as.vector(x$data, mode)

#' The values of an MXNDArray as doubles (as.numeric(), as.double()).
#'
#' @param x An MXNDArray.
#' @param ... Ignored.
#' @return A double vector.
#' @examples
#' as.numeric(mx.nd.array(c(0.5, 2)))
as.double.MXNDArray <- function(x, ...) as.double(x$data)

#' The R dims of an MXNDArray (the backend shape reversed).
#'
#' @param x An MXNDArray.
#' @return An integer vector: the R dims.
#' @examples
#' dim(mx.nd.zeros(c(3, 4)))
dim.MXNDArray <- function(x) dim(x$data)

#' The number of elements of an MXNDArray.
#'
#' @param x An MXNDArray.
#' @return The number of values.
#' @examples
#' length(mx.nd.zeros(c(3, 4)))
length.MXNDArray <- function(x) length(x$data)

#' Values of an MXNDArray indexed like an R array (a plain R vector or array comes back).
#'
#' @param x An MXNDArray.
#' @param ... Indices, as for an R array.
#' @param drop As for R arrays.
#' @return A plain R vector or array.
#' @examples
#' mx.nd.array(matrix(1:6, 2))[2, ]
`[.MXNDArray` <- function(x, ..., drop = TRUE) as.array(x)[..., drop = drop]

#' Print an MXNDArray like the R array it holds.
#'
#' @param x An MXNDArray.
#' @param ... Passed to print().
#' @return `x`, invisibly.
#' @examples
#' print(mx.nd.ones(c(2, 2)))
print.MXNDArray <- function(x, ...) {
  print(as.array(x), ...)
  invisible(x)
}

#' Several MXNDArrays as a list (c() of MXNet R's external pointers gave a list too).
#'
#' @param ... MXNDArrays.
#' @return A list of the MXNDArrays.
#' @examples
#' length(c(mx.nd.ones(2), mx.nd.zeros(2)))   # 2
c.MXNDArray <- function(...) list(...)

#' Compare the values of an MXNDArray with another one or with an R array.
#'
#' testthat's expect_equal(X >= 0, mx.nd.ones(n)) works through this method.
#' @param target An MXNDArray.
#' @param current An MXNDArray or an R array.
#' @param ... Passed to all.equal() (e.g. tolerance).
#' @return TRUE, or a character vector describing the differences (as all.equal()).
#' @examples
#' all.equal(mx.nd.ones(3) >= 0, mx.nd.ones(3))   # TRUE
all.equal.MXNDArray <- function(target, current, ...) {
  if (is.mx.ndarray(current)) current <- as.array(current)
  all.equal(as.array(target), current, ...)
}

#' Save and load arrays in MXNet's binary format
#' @description
#' `mx.nd.save()` writes a list of MXNDArrays (named or not), or one, in the format MXNet R
#' and Python 1.x read; `mx.nd.load()` reads such a file (also files written by MXNet).
#' @param ndarray An MXNDArray or a list of them.
#' @param filename The file (`~` is expanded).
#' @return `mx.nd.save()`: NULL, invisibly. `mx.nd.load()`: a list of MXNDArrays, named when
#'   they were saved with names.
#' @examples
#' f <- tempfile(fileext = ".nd")
#' mx.nd.save(list(a = mx.nd.ones(2), b = mx.nd.array(matrix(1:4, 2))), f)
#' arrays <- mx.nd.load(f)
#' names(arrays)
#' arrays$b
mx.nd.save <- function(ndarray, filename) {
  if (is.mx.ndarray(ndarray) || !is.list(ndarray)) ndarray <- list(ndarray)
  bad <- which(vapply(ndarray, is.list, logical(1)) & !vapply(ndarray, is.mx.ndarray, logical(1)))
  if (length(bad)) {
    stop("Invalid value for argument `ndarray`. Received: a list whose element ", bad[1],
         " is a list. Expected an MXNDArray or a list of MXNDArrays (not a list of lists).",
         call. = FALSE)
  }
  invisible(.py("nd_save", ndarray, path.expand(filename)))
}

#' @rdname mx.nd.save
mx.nd.load <- function(filename) .py("nd_load", path.expand(filename))

# -- helpers ----------------------------------------------------------------------------------

# The data array of an MXNDArray, or a clear error naming the argument.
.mx_nd_data <- function(x, what = "data") {
  if (!is.mx.ndarray(x)) {
    stop("Invalid value for argument `", what, "`. Received: an object of class ",
         paste(class(x), collapse = "/"), ". Expected an MXNDArray (mx.nd.array()).",
         call. = FALSE)
  }
  x$data
}

.mx_nd_shape <- function(shape) {
  if (!is.numeric(shape) || length(shape) == 0L || anyNA(shape) || any(shape < 0) ||
      any(shape != round(shape))) {
    stop("Invalid value for argument `shape`. Received: shape=", deparse(shape),
         ". Expected a vector of non-negative whole numbers.", call. = FALSE)
  }
  as.integer(shape)
}

.mx_nd_check_ctx <- function(ctx) {
  if (!is.null(ctx) && !(is.mx.context(ctx) && identical(ctx$device, "cpu"))) {
    stop("Invalid value for argument `ctx`. Received: ", format(ctx),
         ". Expected mx.cpu(): mxnet_r_compat runs on the CPU only.", call. = FALSE)
  }
  invisible()
}
