# io.R: data iterators (docs/MXNET_R_BEHAVIOUR.md, "Array iterator"; docs/COMPATIBILITY.md,
# "Data iterators"). The built-in iterators (mx.io.arrayiter, mx.io.CSVIter, mx.io.MNISTIter)
# are Python objects held through a handle (handle.R); the R object is a list of methods, used
# as MXNet R's Rcpp iterators were: it$reset(), it$iter.next(), it$value(), it$num.pad(),
# it$finalize(). User-defined iterators are reference classes that contain
# Rcpp_MXArrayDataIter (iter_custom.R).
# py: mxnet_r_compat.rbridge.riter (iter_create, iter_native, iter_call, iter_extract)

# The R object for a Python iterator with handle number `id`.
.mx_dataiter <- function(id, class = c("MXArrayDataIter", "MXDataIter")) {
  h <- .mx_handle(id)
  structure(list(
    reset = function() invisible(.py("iter_call", h$id, "reset")),
    iter.next = function() .py("iter_call", h$id, "iter_next"),
    value = function() .py("iter_call", h$id, "value"),
    num.pad = function() .py("iter_call", h$id, "num_pad"),
    # finalize() may run from the garbage collector (a reference class's finalizer): an
    # iterator whose handle is already gone has nothing left to release.
    finalize = function() invisible(tryCatch(.py("iter_call", h$id, "finalize"),
                                             error = function(e) NULL)),
    handle = h
  ), class = class)
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
#' @param num.parts,part.index Keep only part `part.index` (from 0) of `num.parts` contiguous
#'   parts of the samples, as MNISTIter does: one part per worker of a distributed run
#'   (`part.index = kv$rank`, `num.parts = kv$num.workers`; docs/DISTRIBUTED.md).
#' @return An iterator of class "MXArrayDataIter" with methods `reset()`, `iter.next()` (TRUE
#'   while there is a batch), `value()` (`list(data =, label =)` of MXNDArrays) and
#'   `num.pad()`. [mx.model.FeedForward.create()] and `predict()` accept it as `X`.
#' @examples
#' it <- mx.io.arrayiter(matrix(1:20, 2), 1:10, batch.size = 4)
#' while (it$iter.next()) print(it$num.pad())   # 0 0 2
#' it$reset(); it$iter.next(); dim(it$value()$data)   # 2 4
#' print(it)
#' is.mx.dataiter(it)
#' half <- mx.io.arrayiter(matrix(1:20, 2), 1:10, batch.size = 5, num.parts = 2, part.index = 1)
#' half$iter.next(); as.array(half$value()$label)   # 6 7 8 9 10
mx.io.arrayiter <- function(data, label, batch.size = 128, shuffle = FALSE, num.parts = 1,
                            part.index = 0) {
  .mx_dataiter(.py("iter_create", data, label, batch.size, isTRUE(shuffle), num.parts,
                   part.index))
}

#' Batches of rows streamed from CSV files (MXNet's CSVIter).
#'
#' The file is read from disk a batch at a time, so it may be larger than memory. Each row of
#' `data.csv` is one sample of `prod(data.shape)` numbers (no header); `label.csv`, when given,
#' has one row of `prod(label.shape)` numbers per sample, else every label is 0. With
#' `round.batch = TRUE` (the default) a short last batch is completed with rows from the start
#' of the file and num.pad() says how many; the next pass then starts after those rows, as in
#' MXNet. A malformed row is an error naming the file and the line.
#'
#' @param ... key = value arguments: data.csv, data.shape (R dims, e.g. c(28, 28, 1)),
#'   batch.size, label.csv, label.shape, round.batch, prefetch.buffer, ctx, dtype ("float32");
#'   beyond MXNet's CSVIter, num.parts and part.index read only part `part.index` (from 0) of
#'   `num.parts` contiguous parts of the rows, one per worker of a distributed run.
#' @return An iterator (class MXNativeDataIter) with reset(), iter.next(), value() (list of
#'   MXNDArray data, dims c(data.shape, batch.size), and label), num.pad() and finalize().
#' @examples
#' f <- tempfile(fileext = ".csv")
#' write.table(matrix(1:40, 10), f, sep = ",", row.names = FALSE, col.names = FALSE)
#' it <- mx.io.CSVIter(data.csv = f, data.shape = 4, batch.size = 5)
#' it$iter.next(); dim(it$value()$data)   # 4 5
#' second <- mx.io.CSVIter(data.csv = f, data.shape = 4, batch.size = 5, num.parts = 2,
#'                         part.index = 1)
#' second$iter.next(); as.array(second$value()$data)[1, ]   # rows 6 to 10
mx.io.CSVIter <- function(...) {
  .mx_dataiter(.py("iter_native", "CSVIter", ...), c("MXNativeDataIter", "MXDataIter"))
}

#' Batches of MNIST images from IDX files (MXNet's MNISTIter).
#'
#' Pixels are scaled by 1/256 as MXNet does. With `shuffle = TRUE` (the default) the order is
#' drawn once from `seed` with MXNet's own generator, so a seed gives MXNet's order. Only full
#' batches are returned. Wrong or truncated files are reported before anything is read.
#'
#' @param ... key = value arguments: image, label (file names), batch.size, shuffle, flat
#'   (data dims c(784, batch) instead of c(28, 28, 1, batch)), seed, silent, num.parts,
#'   part.index; data.shape, prefetch.buffer, ctx and dtype are accepted.
#' @return An iterator (class MXNativeDataIter), as mx.io.CSVIter.
#' @examples
#' if (file.exists("train-images-idx3-ubyte")) {
#'   train <- mx.io.MNISTIter(image = "train-images-idx3-ubyte",
#'                            label = "train-labels-idx1-ubyte", data.shape = c(784),
#'                            batch.size = 100, shuffle = TRUE, flat = TRUE, seed = 10)
#' }
mx.io.MNISTIter <- function(...) {
  .mx_dataiter(.py("iter_native", "MNISTIter", ...), c("MXNativeDataIter", "MXDataIter"))
}

#' @rdname mx.io.arrayiter
#' @param x Any object (an iterator for `print()`).
#' @return `is.mx.dataiter()`: TRUE for a data iterator.
is.mx.dataiter <- function(x) {
  inherits(x, c("MXDataIter", "MXArrayDataIter", "MXNativeDataIter", "Rcpp_MXArrayDataIter",
                "Rcpp_MXNativeDataIter"))
}

# TRUE for what training and prediction read as an iterator: is.mx.dataiter(), or any list,
# environment or reference object with reset(), iter.next() and value() functions.
.mx_is_iter_like <- function(x) {
  if (is.mx.dataiter(x)) return(TRUE)
  if (!(is.list(x) || is.environment(x) || isS4(x)) || is.data.frame(x)) return(FALSE)
  all(vapply(c("reset", "iter.next", "value"),
             function(m) is.function(.mx_iter_method(x, m)), logical(1)))
}

# An iterator's method `name`, or NULL when it has none (a reference class signals an error
# for an unknown name).
.mx_iter_method <- function(x, name) {
  f <- tryCatch(
    if (isS4(x)) do.call("$", list(x, name))
    else if (is.environment(x)) get0(name, envir = x, inherits = FALSE)
    else if (is.list(x)) x[[name]],
    error = function(e) NULL)
  if (is.function(f)) f else NULL
}

# What an object is, for error messages about an iterator's answers.
.mx_describe <- function(x) {
  if (is.null(x)) return("NULL")
  d <- dim(x)
  if (is.atomic(x) && length(x) == 1 && is.null(d) && is.null(attr(x, "class"))) {
    return(if (is.character(x)) dQuote(x, FALSE) else format(x))
  }
  if (is.data.frame(x)) return(sprintf("a data.frame of %d x %d", nrow(x), ncol(x)))
  what <- if (is.list(x)) "list" else if (is.atomic(x)) paste(typeof(x), "vector") else typeof(x)
  if (!is.null(d)) what <- sprintf("%s array with dim c(%s)", typeof(x), paste(d, collapse = ", "))
  if (is.list(x) && is.null(names(x))) what <- "list without names"
  cls <- attr(x, "class")
  out <- sprintf("a %s of length %d", what, length(x))
  if (!is.null(d)) out <- sprintf("a %s", what)
  if (!is.null(cls)) out <- sprintf("%s (class %s)", out, paste(cls, collapse = "/"))
  out
}

#' A whole field of an iterator as one MXNDArray, padding removed.
#'
#' @param iter A data iterator: a built-in one or a user-defined one (with reset(),
#'   iter.next(), value() and num.pad()).
#' @param field "data" or "label" (or another field of value()).
#' @return An MXNDArray whose last dim is the sample.
#' @examples
#' it <- mx.io.arrayiter(matrix(1:20, 2), 1:10, batch.size = 4)
#' as.array(mx.io.extract(it, "label"))   # 1 ... 10
mx.io.extract <- function(iter, field) {
  if (is.list(iter) && !is.null(iter$handle) && is.mx.dataiter(iter)) {
    return(.py("iter_extract", iter$handle$id, as.character(field)))
  }
  if (!.mx_is_iter_like(iter)) {
    stop("Invalid value for argument `iter`. Received: ", .mx_describe(iter),
         ". Expected a data iterator (with reset(), iter.next(), value() and num.pad()).",
         call. = FALSE)
  }
  parts <- list()
  iter$reset()
  while (isTRUE(iter$iter.next())) {
    x <- as.array(iter$value()[[field]])
    d <- dim(x)
    if (is.null(d)) d <- length(x)
    keep <- d[length(d)] - iter$num.pad()
    x <- array(x, c(prod(d[-length(d)]), d[length(d)]))[, seq_len(keep), drop = FALSE]
    parts[[length(parts) + 1]] <- list(x = x, dim = d[-length(d)])
  }
  iter$reset()
  if (!length(parts)) stop("mx.io.extract: the iterator has no batches", call. = FALSE)
  values <- do.call(cbind, lapply(parts, `[[`, "x"))
  mx.nd.array(array(values, c(parts[[1]]$dim, ncol(values))))
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

#' Print a native data iterator (mx.io.CSVIter, mx.io.MNISTIter).
#'
#' @param x An iterator from mx.io.CSVIter or mx.io.MNISTIter.
#' @param ... Ignored.
#' @return `x`, invisibly.
#' @examples
#' f <- tempfile(fileext = ".csv")
#' write.table(matrix(1:40, 10), f, sep = ",", row.names = FALSE, col.names = FALSE)
#' print(mx.io.CSVIter(data.csv = f, data.shape = 4, batch.size = 5))
print.MXNativeDataIter <- function(x, ...) {
  info <- .py("iter_call", x$handle$id, "info")
  cat(info$kind, ": ", info$file, ", batches of ", info$batch.size, "\n", sep = "")
  invisible(x)
}
