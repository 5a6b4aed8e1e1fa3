# io.R: data iterators (docs/MXNET_R_BEHAVIOUR.md, "Array iterator"). The iterator itself is the
# Python ArrayIter
# (mxnet_r_compat/io/), held through a handle (handle.R); the R object is a list of
# methods, used as MXNet R's Rcpp iterator was: it$reset(), it$iter.next(), it$value(),
# it$num.pad().
# py: mxnet_r_compat.rbridge.entry (iter_create, iter_call, iter_extract)

# The R object for a Python iterator with handle number `id`.
.mx_dataiter <- function(id) {
  h <- .mx_handle(id)
  structure(list(
    reset = function() invisible(.py("iter_call", h$id, "reset")),
    iter.next = function() .py("iter_call", h$id, "iter_next"),
    value = function() .py("iter_call", h$id, "value"),
    num.pad = function() .py("iter_call", h$id, "num_pad"),
    handle = h
  ), class = c("MXArrayDataIter", "MXDataIter"))
}

#' An iterator over an in-memory array, in batches (MXNet R's mx.io.arrayiter).
#'
#' The sample axis is the last R dim of `data` and of `label`. With `shuffle = TRUE` the order
#' is drawn once, now, from the random stream of mx.set.seed(); reset() rewinds to the same
#' order. Every batch has `batch.size` samples; the last one is padded with the samples the
#' previous batch had in the same slots, and num.pad() says how many (docs/MXNET_R_BEHAVIOUR.md,
#' "Array iterator").
#'
#' @param data A numeric vector, matrix or array; samples on the last dim.
#' @param label A numeric vector (one per sample) or a k x n matrix.
#' @param batch.size Samples per batch.
#' @param shuffle Shuffle once at creation.
#' @return An object of class MXArrayDataIter with methods reset(), iter.next() (TRUE/FALSE),
#'   value() (list(data=, label=) of MXNDArray) and num.pad().
#' @examples
#' it <- mx.io.arrayiter(matrix(1:20, 2), 1:10, batch.size = 4)
#' while (it$iter.next()) print(it$num.pad())   # 0 0 2
#' it$reset(); it$iter.next(); dim(it$value()$data)   # 2 4
mx.io.arrayiter <- function(data, label, batch.size = 128, shuffle = FALSE) {
  .mx_dataiter(.py("iter_create", data, label, batch.size, isTRUE(shuffle)))
}

#' TRUE for a data iterator (what FeedForward.create and predict accept as X).
#'
#' @param x Any object.
#' @examples
#' is.mx.dataiter(mx.io.arrayiter(matrix(0, 2, 3), 1:3))   # TRUE
#' is.mx.dataiter(matrix(0, 2, 3))                          # FALSE
is.mx.dataiter <- function(x) {
  inherits(x, c("MXDataIter", "MXArrayDataIter", "MXNativeDataIter", "Rcpp_MXArrayDataIter",
                "Rcpp_MXNativeDataIter"))
}

#' A whole field of an iterator as one R array, padding removed.
#'
#' @param iter A data iterator.
#' @param field "data" or "label".
#' @return An R array whose last dim is the sample.
#' @examples
#' it <- mx.io.arrayiter(matrix(1:20, 2), 1:10, batch.size = 4)
#' mx.io.extract(it, "label")   # 1 ... 10
mx.io.extract <- function(iter, field) {
  if (!inherits(iter, "MXArrayDataIter")) {
    stop("mx.io.extract needs an iterator from mx.io.arrayiter", call. = FALSE)
  }
  .py("iter_extract", iter$handle$id, as.character(field))
}

#' Print a data iterator.
#'
#' @param x An iterator from mx.io.arrayiter.
#' @param ... Ignored.
#' @examples
#' print(mx.io.arrayiter(matrix(0, 2, 3), 1:3, batch.size = 2))
print.MXArrayDataIter <- function(x, ...) {
  info <- .py("iter_call", x$handle$id, "info")
  cat("MXArrayDataIter: ", info$num.data, " samples in ", info$num.batches,
      " batches of ", info$batch.size, "\n", sep = "")
  invisible(x)
}
