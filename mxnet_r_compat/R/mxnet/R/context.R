# context.R: devices. Several mx.cpu(i) contexts train as several devices (threads).

#' A CPU context.
#' @examples
#' mx.cpu()
mx.cpu <- function(dev.id = 0) {
  structure(list(device = "cpu", device_id = as.integer(dev.id), device_typeid = 1L),
            class = "MXContext")
}

#' A GPU context (this build has no GPU support: training on it is an error).
#' @examples
#' mx.gpu(0)
mx.gpu <- function(dev.id = 0) {
  structure(list(device = "gpu", device_id = as.integer(dev.id), device_typeid = 2L),
            class = "MXContext")
}

.mx_ctx <- new.env()

#' Get (or, with `new`, set) the default context.
#' @examples
#' mx.ctx.default()
mx.ctx.default <- function(new = NULL) {
  if (!is.null(new)) {
    if (!is.mx.context(new)) stop("ctx must be mx.context or list of mx.context", call. = FALSE)
    .mx_ctx$default <- new
  }
  if (is.null(.mx_ctx$default)) mx.cpu() else .mx_ctx$default
}

#' TRUE for a context.
#' @examples
#' is.mx.context(mx.cpu())
is.mx.context <- function(x) inherits(x, "MXContext")

#' Print a context as cpu(0).
#' @examples
#' print(mx.cpu(1))
print.MXContext <- function(x, ...) {
  cat(x$device, "(", x$device_id, ")\n", sep = "")
  invisible(x)
}
