# ndarray.R: MXNDArray, an R numeric array tagged with class "MXNDArray" (R dimension
# order), so dim(), arithmetic and as.array() behave as R users expect.

#' Make an MXNDArray from an R vector, matrix or array.
#' @examples
#' x <- mx.nd.array(matrix(1:6, 2)); dim(x)
mx.nd.array <- function(src.array, ctx = NULL) {
  d <- dim(src.array)
  if (is.null(d)) d <- length(src.array)
  structure(array(as.numeric(src.array), dim = d), class = "MXNDArray")
}

#' An MXNDArray of zeros with R dims `shape`.
#' @examples
#' mx.nd.zeros(c(2, 2))
mx.nd.zeros <- function(shape, ctx = NULL) mx.nd.array(array(0, dim = shape))

#' An MXNDArray of ones with R dims `shape`.
#' @examples
#' mx.nd.ones(3)
mx.nd.ones <- function(shape, ctx = NULL) mx.nd.array(array(1, dim = shape))

#' TRUE for an MXNDArray.
#' @examples
#' is.mx.ndarray(mx.nd.ones(1))
is.mx.ndarray <- function(x) inherits(x, "MXNDArray")

#' The plain R array inside an MXNDArray.
#' @examples
#' as.array(mx.nd.ones(c(2, 2)))
as.array.MXNDArray <- function(x, ...) {
  x <- unclass(x)
  if (is.null(dim(x))) dim(x) <- length(x)
  x
}

#' The values of an MXNDArray as a vector.
#' @examples
#' as.vector(mx.nd.ones(2))
as.vector.MXNDArray <- function(x, mode = "any") as.vector(unclass(x), mode)

#' Print an MXNDArray like an R array.
#' @examples
#' print(mx.nd.ones(c(2, 2)))
print.MXNDArray <- function(x, ...) {
  print(as.array(x), ...)
  invisible(x)
}

#' Save a list of MXNDArrays (or one) in MXNet's binary format.
#' @examples
#' mx.nd.save(list(a = mx.nd.ones(2)), f <- tempfile()); mx.nd.load(f)
mx.nd.save <- function(ndarray, filename) {
  if (!is.list(ndarray) || is.mx.ndarray(ndarray)) ndarray <- list(ndarray)
  invisible(.py("nd_save", ndarray, path.expand(filename)))
}

#' Load a list of arrays saved by mx.nd.save (or MXNet R / Python).
#' @examples
#' arrays <- mx.nd.load(f)
mx.nd.load <- function(filename) .py("nd_load", path.expand(filename))
