# ndarray.R: MXNDArray, an R numeric array tagged with class "MXNDArray" (R dimension
# order), so dim(), arithmetic and as.array() behave as R users expect.

#' Arrays for mxnet (MXNDArray)
#' @description
#' An MXNDArray is an R numeric array with class "MXNDArray", in R's dimension order: `dim()`,
#' arithmetic and `as.array()` work as on any R array. Model parameters (`model$arg.params`)
#' are MXNDArrays.
#' @param src.array An R vector, matrix or array.
#' @param ctx Ignored (CPU only).
#' @return `mx.nd.array()`, `mx.nd.zeros()`, `mx.nd.ones()`: an MXNDArray.
#' @examples
#' x <- mx.nd.array(matrix(1:6, 2))
#' dim(x)
#' mx.nd.zeros(c(2, 2))
#' mx.nd.ones(3)
#' is.mx.ndarray(x)
#' as.array(x * 2)
#' as.vector(x)
mx.nd.array <- function(src.array, ctx = NULL) {
  d <- dim(src.array)
  if (is.null(d)) d <- length(src.array)
  structure(array(as.numeric(src.array), dim = d), class = "MXNDArray")
}

#' @rdname mx.nd.array
#' @param shape The R dimensions of the result.
mx.nd.zeros <- function(shape, ctx = NULL) mx.nd.array(array(0, dim = shape))

#' @rdname mx.nd.array
mx.nd.ones <- function(shape, ctx = NULL) mx.nd.array(array(1, dim = shape))

#' @rdname mx.nd.array
#' @param x An object (an MXNDArray for the methods).
#' @return `is.mx.ndarray()`: TRUE for an MXNDArray.
is.mx.ndarray <- function(x) inherits(x, "MXNDArray")

#' @rdname mx.nd.array
#' @param ... Passed on to `print()` of the R array; ignored by `as.array()`.
#' @return `as.array()`: the plain R array; `as.vector()`: its values.
as.array.MXNDArray <- function(x, ...) {
  x <- unclass(x)
  if (is.null(dim(x))) dim(x) <- length(x)
  x
}

#' @rdname mx.nd.array
#' @param mode As for [base::as.vector()].
as.vector.MXNDArray <- function(x, mode = "any") as.vector(unclass(x), mode)

#' @rdname mx.nd.array
#' @return `print()`: `x`, invisibly.
print.MXNDArray <- function(x, ...) {
  print(as.array(x), ...)
  invisible(x)
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
  if (!is.list(ndarray) || is.mx.ndarray(ndarray)) ndarray <- list(ndarray)
  invisible(.py("nd_save", ndarray, path.expand(filename)))
}

#' @rdname mx.nd.save
mx.nd.load <- function(filename) .py("nd_load", path.expand(filename))
