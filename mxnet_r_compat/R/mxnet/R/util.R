# Bridge helpers used by every R file of the package (internal: none of them is exported).
#
# The Python side (mxnet_r_compat/rbridge/export.py) fills `.bridge` with one R closure per
# registered Python entry point when the namespace loads (see zzz.R). The mx.* wrappers call
# them with .py(); the Python trainer calls R callbacks through .invoke_cb().

#' Python entry points, one closure per name, filled by the bridge when the namespace loads.
#'
#' @examples
#' ls(mxnet:::.bridge)   # "bridge_info" "fit" ... under mxnet-rscript; empty under plain Rscript
#' @noRd
.bridge <- new.env(parent = emptyenv())

#' The value .invoke_cb() returns when the callback was interrupted (Ctrl-C).
#'
#' @examples
#' inherits(mxnet:::.mx_r_interrupt, "mx_r_interrupt")   # TRUE
#' @noRd
.mx_r_interrupt <- structure(list(), class = "mx_r_interrupt")

#' Call a Python entry point.
#'
#' Arguments are forwarded unchanged; named ones keep their R spelling (`num.round` arrives in
#' Python as `kwargs["num.round"]`). A Python exception becomes an R error (see .py_result()),
#' Ctrl-C inside Python becomes an R interrupt.
#'
#' @param name Name under which the Python function was registered (`@register("name")`).
#' @param ... Arguments for the Python function.
#' @return The Python function's result as an R object.
#' @examples
#' mxnet:::.py("bridge_info")[["rpy2_mode"]]          # "API"
#' mx.set.seed <- function(seed) invisible(.py("set_seed", as.integer(seed)))
#' @noRd
.py <- function(name, ...) {
  f <- .bridge[[name]]
  if (is.null(f)) f <- .py_missing(name)
  .py_result(f(...))
}

#' Turn the markers of export.py back into R conditions; other values pass through.
#'
#' An `mx_py_error` marker is raised as an error of class c("mx_py_error", "error",
#' "condition") with `call = NULL`, so it prints as "Error: <message>" exactly like
#' `stop(message, call. = FALSE)`; the Python traceback is in the condition's `traceback` field.
#' An `mx_py_interrupt` marker is re-signalled as an R interrupt.
#'
#' @param res A value returned by a Python entry point.
#' @return `res`, when it is not a marker.
#' @examples
#' r <- tryCatch(mxnet:::.py("fit", NULL), error = function(e) e)
#' conditionMessage(r); cat(r$traceback)
#' @noRd
.py_result <- function(res) {
  if (inherits(res, "mx_py_error")) {
    stop(structure(class = c("mx_py_error", "error", "condition"),
                   list(message = res$message, call = NULL, traceback = res$traceback,
                        type = res$type)))
  }
  if (inherits(res, "mx_py_interrupt")) .py_interrupt()
  res
}

#' Re-signal Ctrl-C that reached Python as an R interrupt, then unwind to the top level.
#'
#' `tryCatch(..., interrupt = )` and `withCallingHandlers(interrupt = )` see it as they would
#' see R's own interrupt. Without a handler the "abort" restart unwinds silently and the bridge
#' ends the script with status 130.
#'
#' @examples
#' tryCatch(mxnet:::.py_interrupt(), interrupt = function(e) "caught")   # "caught"
#' @noRd
.py_interrupt <- function() {
  signalCondition(structure(class = c("interrupt", "condition"), list()))
  invokeRestart("abort")
}

#' The entry point `name` when `.bridge` has not been filled yet; fail clearly otherwise.
#'
#' An empty bridge means a plain R session (not mxnet-rscript): Python is started here, in
#' this process, on first use (.mx_start_python() in hosted.R), which fills the bridge. A name
#' still missing after that means the R and Python packages do not match.
#'
#' @param name The entry point that was asked for.
#' @return The R closure of the entry point.
#' @examples
#' f <- mxnet:::.py_missing("bridge_info")   # starts Python when it is not running yet
#' try(mxnet:::.py_missing("no_such_entry"))
#' @noRd
.py_missing <- function(name) {
  if (length(ls(.bridge, all.names = TRUE)) == 0L) {
    .mx_start_python()
    f <- .bridge[[name]]
    if (!is.null(f)) return(f)
  }
  stop("mxnet: Python entry point '", name, "' is not registered (the R package and the ",
       "Python package mxnet_r_compat do not match; run `make setup` to reinstall the R ",
       "package)", call. = FALSE)
}

#' Does a callback accept a `verbose` argument (by name or through `...`)?
#'
#' @param f A function.
#' @return TRUE or FALSE.
#' @examples
#' mxnet:::.accepts_verbose(function(iteration, nbatch, env) TRUE)            # FALSE
#' mxnet:::.accepts_verbose(function(iteration, nbatch, env, verbose) TRUE)   # TRUE
#' mxnet:::.accepts_verbose(function(...) TRUE)                               # TRUE
#' @noRd
.accepts_verbose <- function(f) {
  a <- names(formals(if (is.primitive(f)) args(f) else f))
  "verbose" %in% a || "..." %in% a
}

#' Call an R training callback for the Python trainer.
#'
#' MXNet R passed `verbose =` to every epoch callback, which broke its own tutorials'
#' three-argument closures; here it is passed only when given and when the callback accepts
#' it (a `verbose` or `...` formal). Batch callbacks are called without it, as in MXNet R.
#' Errors and interrupts are returned, never printed: the condition object for an error,
#' `.mx_r_interrupt` for Ctrl-C. Python turns them into CallbackError / KeyboardInterrupt
#' (rlib.invoke_callback, callback_adapter.RCallback).
#'
#' @param cb The callback, `function(iteration, nbatch, env, verbose)`.
#' @param iteration Epoch number (1-based).
#' @param nbatch Batch number within the epoch (0 at epoch end).
#' @param env The training environment (`env$model`, `env$metric`, ...).
#' @param verbose Passed on as `verbose =` when supplied and accepted by `cb`.
#' @return What `cb` returned, an error condition, or `.mx_r_interrupt`.
#' @examples
#' mxnet:::.invoke_cb(function(iteration, nbatch, env) iteration < 3, 1L, 0L, new.env(),
#'                    verbose = TRUE)                                  # TRUE, verbose not passed
#' r <- mxnet:::.invoke_cb(function(...) stop("boom"), 1L, 0L, new.env())
#' conditionMessage(r)                                                # "boom"
#' @noRd
.invoke_cb <- function(cb, iteration, nbatch, env, verbose) {
  tryCatch(
    .mx_knitr_messages(
      if (!missing(verbose) && .accepts_verbose(cb)) cb(iteration, nbatch, env, verbose = verbose)
      else cb(iteration, nbatch, env)),
    interrupt = function(e) .mx_r_interrupt,
    error = function(e) e
  )
}

#' Evaluate `expr`; under knitr, write its messages as output.
#'
#' The trainer calls R callbacks through rpy2, which evaluates R at a new top level, so the
#' condition handlers knitr set around a chunk never see a callback's message() (such as
#' mx.callback.save.checkpoint's): R would print it on the console and the document would
#' lack it. Under knitr it is written to stdout, where knitr captures it in order, as the
#' training messages are (mxnet_r_compat/rbridge/rconsole.py). Elsewhere nothing changes.
#'
#' @param expr The code to evaluate.
#' @return The value of `expr`.
#' @examples
#' mxnet:::.mx_knitr_messages({ message("saved"); 1 })   # the message as usual, then 1
#' @noRd
.mx_knitr_messages <- function(expr) {
  if (!isTRUE(getOption("knitr.in.progress"))) return(expr)
  withCallingHandlers(expr, message = function(m) {
    cat(conditionMessage(m), sep = "")
    invokeRestart("muffleMessage")
  })
}
