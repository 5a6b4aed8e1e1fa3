# executor.R: MXNet R's low-level executor API for hand-written training loops.
# An MXExecutor is an environment holding a handle to the Python executor
# (engine/lowlevel.py); its arrays are read as MXNDArrays (copies) through `$`.
# py: mxnet_r_compat.rbridge.rexec (exec_*)

.mx_executor <- function(id) {
  e <- new.env(parent = emptyenv())
  e$handle <- .mx_handle(id)
  class(e) <- "MXExecutor"
  e
}

.mx_exec_id <- function(exec) {
  if (!inherits(exec, "MXExecutor")) stop("exec must be an MXExecutor from mx.simple.bind()", call. = FALSE)
  get("handle", envir = exec)$id
}

#' Bind a symbol to new zero arrays whose shapes follow from the input shapes.
#'
#' @param symbol An MXSymbol.
#' @param ctx The device (mx.cpu()).
#' @param grad.req "null", "write" or "add", one for all arguments or one per argument.
#' @param fixed.param Names of arguments that get no gradient.
#' @param ... Input shapes in R order, e.g. data = c(13, 20).
#' @return An MXExecutor.
#' @examples
#' fc <- mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1, name = "fc")
#' exec <- mx.simple.bind(fc, ctx = mx.cpu(), grad.req = "write", data = c(13, 20))
#' dim(exec$arg.arrays$fc_weight)
mx.simple.bind <- function(symbol, ctx, grad.req = "null", fixed.param = NULL, ...) {
  .mx_check_symbol(symbol)
  .mx_executor(.py("exec_simple_bind", symbol, as.list(grad.req), fixed.param, list(...)))
}

#' Bind a symbol to given arrays (matched to arguments by position).
#'
#' @param symbol An MXSymbol.
#' @param ctx The device (mx.cpu()).
#' @param arg.arrays A list of MXNDArrays, one per argument, in arguments(symbol) order.
#' @param aux.arrays A list of MXNDArrays for the auxiliary states (or NULL).
#' @param grad.reqs "null", "write" or "add" per argument (or one for all).
#' @return An MXExecutor.
#' @examples
#' a <- mx.symbol.Variable("a"); b <- mx.symbol.Variable("b")
#' exec <- mxnet:::mx.symbol.bind(a + b, mx.cpu(), list(a = mx.nd.ones(2), b = mx.nd.ones(2)),
#'                                list(), list("null", "null"))
mx.symbol.bind <- function(symbol, ctx, arg.arrays, aux.arrays, grad.reqs) {
  .mx_check_symbol(symbol)
  .mx_executor(.py("exec_bind", symbol, as.list(arg.arrays), as.list(aux.arrays),
                   as.list(grad.reqs)))
}

#' Run an executor forward.
#'
#' @param exec An MXExecutor.
#' @param is.train TRUE for a training pass (dropout active, backward possible).
#' @return NULL, invisibly; the results are in `exec$outputs`.
#' @examples
#' exec <- mx.simple.bind(mx.symbol.Variable("a") * 2, mx.cpu(), a = 3)
#' mx.exec.forward(exec, is.train = FALSE); as.array(exec$outputs[[1]])
mx.exec.forward <- function(exec, is.train = TRUE) {
  .py("exec_forward", .mx_exec_id(exec), is.train)
  invisible(NULL)
}

#' Compute gradients into exec$grad.arrays after a training forward.
#'
#' @param exec An MXExecutor.
#' @param ... Optional gradients of the outputs (MXNDArrays, one per output) for outputs
#'   that are not loss layers; ones by default.
#' @return NULL, invisibly; the gradients are in `exec$grad.arrays`.
#' @examples
#' exec <- mx.simple.bind(mx.symbol.Variable("a") * 2, mx.cpu(), grad.req = "write", a = 3)
#' mx.exec.forward(exec); mx.exec.backward(exec); as.array(exec$grad.arrays$a)
mx.exec.backward <- function(exec, ...) {
  out.grads <- list(...)
  if (length(out.grads) == 1L && is.list(out.grads[[1]])) out.grads <- out.grads[[1]]
  .py("exec_backward", .mx_exec_id(exec), out.grads)
  invisible(NULL)
}

.mx_exec_update <- function(kind, exec, arrays, match.name, skip.null) {
  .py("exec_update", .mx_exec_id(exec), kind, as.list(arrays), match.name, skip.null)
  invisible(NULL)
}

#' Copy new values into an executor's argument arrays.
#'
#' @param exec An MXExecutor.
#' @param arg.arrays A list of MXNDArrays, by position (or by name with match.name = TRUE).
#' @param match.name Match by name instead of position.
#' @param skip.null Skip NULL entries instead of failing.
#' @return NULL, invisibly.
#' @examples
#' exec <- mx.simple.bind(mx.symbol.Variable("a") * 2, mx.cpu(), a = 2)
#' mx.exec.update.arg.arrays(exec, list(a = mx.nd.ones(2)))
mx.exec.update.arg.arrays <- function(exec, arg.arrays, match.name = FALSE, skip.null = FALSE) {
  .mx_exec_update("arg", exec, arg.arrays, match.name, skip.null)
}

#' Copy new values into an executor's auxiliary states.
#'
#' @inheritParams mx.exec.update.arg.arrays
#' @param aux.arrays A list of MXNDArrays.
#' @return NULL, invisibly.
#' @examples
#' exec <- mx.simple.bind(mx.symbol.Variable("a") * 2, mx.cpu(), a = 2)
#' mx.exec.update.aux.arrays(exec, list())
mx.exec.update.aux.arrays <- function(exec, aux.arrays, match.name = FALSE, skip.null = FALSE) {
  .mx_exec_update("aux", exec, aux.arrays, match.name, skip.null)
}

#' Copy new values into an executor's gradient arrays.
#'
#' @inheritParams mx.exec.update.arg.arrays
#' @param grad.arrays A list of MXNDArrays (NULL entries skipped with skip.null).
#' @return NULL, invisibly.
#' @examples
#' exec <- mx.simple.bind(mx.symbol.Variable("a") * 2, mx.cpu(), grad.req = "write", a = 2)
#' mx.exec.update.grad.arrays(exec, list(a = mx.nd.zeros(2)))
mx.exec.update.grad.arrays <- function(exec, grad.arrays, match.name = FALSE, skip.null = FALSE) {
  .mx_exec_update("grad", exec, grad.arrays, match.name, skip.null)
}

#' Fields of an executor: arg.arrays, grad.arrays, aux.arrays, outputs and their ref.* forms.
#'
#' Each read gives the current values as a named list of MXNDArrays (NULL for an argument
#' without gradient).
#' @param x An MXExecutor.
#' @param name The field.
#' @return A named list of MXNDArrays (the executor's arrays of that kind).
#' @examples
#' exec <- mx.simple.bind(mx.symbol.Variable("a") * 2, mx.cpu(), a = 2)
#' names(exec$arg.arrays)
`$.MXExecutor` <- function(x, name) {
  kind <- switch(sub("^ref\\.", "", name), arg.arrays = "arg", grad.arrays = "grad",
                 aux.arrays = "aux", outputs = "outputs", NULL)
  if (is.null(kind)) stop("MXExecutor has no field `", name, "`", call. = FALSE)
  .py("exec_arrays", .mx_exec_id(x), kind)
}

#' Print an executor's arguments and outputs.
#' @param x An MXExecutor.
#' @param ... Ignored.
#' @return `x`, invisibly.
#' @examples
#' print(mx.simple.bind(mx.symbol.Variable("a") * 2, mx.cpu(), a = 2))
print.MXExecutor <- function(x, ...) {
  cat("MXExecutor\n  arguments:", paste(names(x$arg.arrays), collapse = ", "),
      "\n  outputs:  ", paste(names(x$outputs), collapse = ", "), "\n")
  invisible(x)
}
