# handle.R: R objects that stand for a Python object (an iterator, an updater, a training
# environment). Python keeps the object in a table under a number (rbridge/convert.py,
# HANDLES); R keeps the number in an environment. When R garbage-collects that environment
# its finalizer only notes the number (pure R: a finalizer may run at any allocation, even
# while R shuts down, when Python can no longer be called); the next handle made, or
# .mx_handle_sweep(), tells Python to forget the noted objects. So a Python object lives as
# long as R can reach it, and a loop creating updaters or iterators does not grow the table.
# py: mxnet_r_compat.rbridge.entry (handle_free, handle_count)

.mx_dead_handles <- new.env(parent = emptyenv())

#' Wrap a handle number returned by Python (internal).
#'
#' @param id The number, as returned by an entry point such as "iter_create".
#' @return An environment with field `id`.
#' @examples
#' h <- mxnet:::.mx_handle(mxnet:::.py("iter_create", matrix(0, 2, 3), 1:3, 2L, FALSE))
#' h$id
#' @noRd
.mx_handle <- function(id) {
  .mx_handle_sweep()
  h <- new.env(parent = emptyenv())
  h$id <- id
  reg.finalizer(h, .mx_handle_dead, onexit = FALSE)
  h
}

.mx_handle_dead <- function(h) {
  .mx_dead_handles$ids <- c(.mx_dead_handles$ids, h$id)
  invisible()
}

#' Tell Python to forget the objects of the handles R has garbage-collected (internal).
#'
#' @return The number of objects Python still holds for R, invisibly.
#' @examples
#' gc(); mxnet:::.mx_handle_sweep()
#' @noRd
.mx_handle_sweep <- function() {
  ids <- .mx_dead_handles$ids
  if (length(ids)) {
    .mx_dead_handles$ids <- NULL
    .py("handle_free", ids)
  }
  invisible(.py("handle_count"))
}
