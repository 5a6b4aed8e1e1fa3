# context.R: devices. Several mx.cpu(i) contexts train as several devices (threads).

#' A CPU context
#' @description
#' `mx.cpu(i)` names CPU device `i`. Training on a list of several CPU contexts splits each
#' batch over them and runs the slices in parallel threads (gradients are summed, as MXNet's
#' "local" kvstore does).
#' @param dev.id The device number.
#' @return A context: a list of class "MXContext" with fields `device` ("cpu"), `device_id`
#'   and `device_typeid` (1).
#' @seealso [mx.gpu()], [mx.ctx.default()], [mx.model.FeedForward.create()]
#' @examples
#' mx.cpu()
#' ctx <- list(mx.cpu(0), mx.cpu(1))   # two devices for mx.model.FeedForward.create(ctx = ctx)
#' is.mx.context(ctx[[1]])
mx.cpu <- function(dev.id = 0) {
  structure(list(device = "cpu", device_id = as.integer(dev.id), device_typeid = 1L),
            class = "MXContext")
}

#' A GPU context, which this build runs on the CPU
#' @description
#' mxnet_r_compat computes on the CPU only. So that scripts written for a GPU run unchanged,
#' `mx.gpu(i)` returns `mx.cpu(i)` and warns once per R session. With
#' `options(mxnet.gpu.fallback = FALSE)` it is an error instead.
#' @param dev.id The device number; `mx.gpu(1)` gives `mx.cpu(1)`.
#' @return A CPU context (see [mx.cpu()]) for device `dev.id`.
#' @examples
#' ctx <- mx.gpu(0)    # warns (once per session) and gives mx.cpu(0)
#' ctx$device
#' old <- options(mxnet.gpu.fallback = FALSE)
#' try(mx.gpu(0))      # an error that says how to turn the fallback on
#' options(old)
mx.gpu <- function(dev.id = 0) {
  dev.id <- as.integer(dev.id)
  if (!isTRUE(getOption("mxnet.gpu.fallback", TRUE))) {
    stop("mx.gpu(", dev.id, "): this build of mxnet_r_compat computes on the CPU only and ",
         "cannot use a GPU. Use mx.cpu(", dev.id, "), or options(mxnet.gpu.fallback = TRUE) to ",
         "run GPU scripts on the CPU (mx.gpu(i) then gives mx.cpu(i) with a warning).",
         call. = FALSE)
  }
  if (!isTRUE(.mx_ctx$gpu.warned)) {
    .mx_ctx$gpu.warned <- TRUE
    warning("mx.gpu(", dev.id, "): this build of mxnet_r_compat computes on the CPU only; ",
            "using mx.cpu(", dev.id, ") instead (warned once per session; ",
            "options(mxnet.gpu.fallback = FALSE) makes it an error).", call. = FALSE)
  }
  mx.cpu(dev.id)
}

.mx_ctx <- new.env()

#' The default context
#' @description
#' Get the context that training uses when `ctx` is not given, or set it.
#' @param new A context to make the default, or NULL to only read it.
#' @return The default context (after the change, when `new` is given).
#' @examples
#' mx.ctx.default()
#' old <- mx.ctx.default()
#' mx.ctx.default(mx.cpu(1))
#' mx.ctx.default(old)
mx.ctx.default <- function(new = NULL) {
  if (!is.null(new)) {
    if (!is.mx.context(new)) stop("ctx must be mx.context or list of mx.context", call. = FALSE)
    .mx_ctx$default <- new
  }
  if (is.null(.mx_ctx$default)) mx.cpu() else .mx_ctx$default
}

#' @rdname mx.cpu
#' @param x Any object.
#' @return `is.mx.context()`: TRUE for a context.
is.mx.context <- function(x) inherits(x, "MXContext")

#' @rdname mx.cpu
#' @param ... Ignored.
#' @return `print()`: `x`, invisibly, after printing it as `cpu(0)`.
print.MXContext <- function(x, ...) {
  cat(x$device, "(", x$device_id, ")\n", sep = "")
  invisible(x)
}
