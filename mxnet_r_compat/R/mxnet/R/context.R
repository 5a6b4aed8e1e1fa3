# context.R: devices. Several mx.cpu(i) contexts train as several devices (threads).

#' A CPU context.
#' @examples
#' mx.cpu()
mx.cpu <- function(dev.id = 0) {
  structure(list(device = "cpu", device_id = as.integer(dev.id), device_typeid = 1L),
            class = "MXContext")
}

#' A GPU context, which this build runs on the CPU.
#'
#' mxnet_r_compat computes on the CPU only. So that scripts written for a GPU run unchanged,
#' `mx.gpu(i)` returns `mx.cpu(i)` and warns once per R session. With
#' `options(mxnet.gpu.fallback = FALSE)` it is an error instead.
#'
#' @param dev.id The device number; `mx.gpu(1)` gives `mx.cpu(1)`.
#' @return A context (class "MXContext") for the CPU device `dev.id`.
#' @examples
#' ctx <- mx.gpu(0)    # warns: this build ... computes on the CPU only; using mx.cpu(0)
#' ctx$device          # "cpu"
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
