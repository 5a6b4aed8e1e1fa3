# Package bootstrap: runs when the namespace loads.

#' Fill the Python bridge when the namespace loads.
#'
#' mxnet-rscript (mxnet_r_compat/rbridge/rlib.py) puts a Python hook in
#' `options(mxnet.bridge.init)`; it installs every registered Python entry point into
#' `.bridge`. Under plain Rscript the option is absent: the package still loads, and the first
#' call into Python fails with a clear message (see .py_missing()). Code that needs Python at
#' load time goes after the hook.
#'
#' @param libname,pkgname Supplied by R.
#' @examples
#' # library(mxnet) under mxnet-rscript, then:
#' "bridge_info" %in% ls(mxnet:::.bridge)   # TRUE
#' @noRd
.onLoad <- function(libname, pkgname) {
  init <- getOption("mxnet.bridge.init")
  if (is.function(init)) .py_result(init(.bridge))
  invisible()
}
