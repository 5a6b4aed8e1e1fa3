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

#' An iterator over an in-memory array
#' @description
#' Serves `data` and `label` in batches (MXNet R's array iterator). The sample axis is the last
#' R dim of `data` and of `label`. With `shuffle = TRUE` the order is drawn once, now, from
#' mxnet's random stream ([mx.set.seed()]); `reset()` rewinds to the same order. Every batch has
#' `batch.size` samples: the last one is padded with the samples the previous batch had in the
#' same slots, and `num.pad()` says how many.
#' @param data A numeric vector, matrix or array; samples on the last dim.
#' @param label A numeric vector (one per sample) or a k x n matrix.
#' @param batch.size Samples per batch.
#' @param shuffle Shuffle once at creation.
#' @return An iterator of class "MXArrayDataIter" with methods `reset()`, `iter.next()` (TRUE
#'   while there is a batch), `value()` (`list(data =, label =)` of MXNDArrays) and
#'   `num.pad()`. [mx.model.FeedForward.create()] and `predict()` accept it as `X`.
#' @examples
#' it <- mx.io.arrayiter(matrix(1:20, 2), 1:10, batch.size = 4)
#' while (it$iter.next()) print(it$num.pad())   # 0 0 2
#' it$reset(); it$iter.next(); dim(it$value()$data)   # 2 4
#' print(it)
#' is.mx.dataiter(it)
mx.io.arrayiter <- function(data, label, batch.size = 128, shuffle = FALSE) {
  .mx_dataiter(.py("iter_create", data, label, batch.size, isTRUE(shuffle)))
}

#' @rdname mx.io.arrayiter
#' @param x Any object (an iterator for `print()`).
#' @return `is.mx.dataiter()`: TRUE for a data iterator.
is.mx.dataiter <- function(x) {
  inherits(x, c("MXDataIter", "MXArrayDataIter", "MXNativeDataIter", "Rcpp_MXArrayDataIter",
                "Rcpp_MXNativeDataIter"))
}

#' A whole field of an iterator as one R array
#' @param iter A data iterator, such as one from [mx.io.arrayiter()].
#' @param field "data" or "label".
#' @return An R array whose last dim is the sample, without the padding of the last batch.
#' @examples
#' it <- mx.io.arrayiter(matrix(1:20, 2), 1:10, batch.size = 4)
#' mx.io.extract(it, "label")   # 1 ... 10
#' dim(mx.io.extract(it, "data"))   # 2 10
mx.io.extract <- function(iter, field) {
  if (!inherits(iter, "MXArrayDataIter")) {
    stop("mx.io.extract needs an iterator from mx.io.arrayiter", call. = FALSE)
  }
  .py("iter_extract", iter$handle$id, as.character(field))
}

#' @rdname mx.io.arrayiter
#' @param ... Ignored.
#' @return `print()`: `x`, invisibly.
print.MXArrayDataIter <- function(x, ...) {
  info <- .py("iter_call", x$handle$id, "info")
  cat("MXArrayDataIter: ", info$num.data, " samples in ", info$num.batches,
      " batches of ", info$batch.size, "\n", sep = "")
  invisible(x)
}
