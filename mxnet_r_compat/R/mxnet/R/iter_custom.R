# iter_custom.R: the base class of user-defined data iterators. MXNet R's Custom Iterator
# tutorial and its tests declare an iterator as a reference class that contains
# "Rcpp_MXArrayDataIter" and defines initialize, value, iter.next, reset, num.pad and finalize;
# such an object (or any object with those methods) is accepted as X, eval.data and by
# predict() and mx.io.extract(). Training checks what the methods return (rbridge/rdata.py).

.mx_iter_stub <- function(method) {
  function(...) {
    stop(sprintf(paste0("%s() is not defined: a class that contains Rcpp_MXArrayDataIter ",
                        "defines reset(), iter.next(), value() and num.pad()"), method),
         call. = FALSE)
  }
}

#' The base class of user-defined data iterators (MXNet R's Rcpp_MXArrayDataIter).
#'
#' Declare an iterator as a reference class that contains it, with the methods reset(),
#' iter.next() (TRUE while there is a batch), value() (a named list of MXNDArray, samples on
#' the last dim), num.pad() (padding samples in the batch) and, optionally, finalize().
#'
#' @return A reference class generator; `$new()` on a class that contains it gives an
#'   iterator that mx.model.FeedForward.create and predict accept as X or eval.data.
#' @examples
#' Twice <- setRefClass("Twice", fields = c("inner"), contains = "Rcpp_MXArrayDataIter",
#'   methods = list(
#'     initialize = function(inner) { .self$inner <- inner; .self },
#'     value = function() {
#'       v <- .self$inner$value()
#'       list(data = mx.nd.array(as.array(v$data) * 2), label = v$label)
#'     },
#'     iter.next = function() .self$inner$iter.next(),
#'     reset = function() .self$inner$reset(),
#'     num.pad = function() .self$inner$num.pad(),
#'     finalize = function() .self$inner$finalize()))
#' it <- Twice$new(mx.io.arrayiter(matrix(1:20, 2), 1:10, batch.size = 5))
Rcpp_MXArrayDataIter <- setRefClass("Rcpp_MXArrayDataIter", methods = list(
  reset = .mx_iter_stub("reset"),
  iter.next = .mx_iter_stub("iter.next"),
  value = .mx_iter_stub("value"),
  num.pad = function() 0L,
  finalize = function() invisible(NULL)
))
