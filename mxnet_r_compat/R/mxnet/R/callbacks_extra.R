# callbacks_extra.R: callbacks beyond MXNet R (docs/CALLBACKS.md).
# py: mxnet_r_compat.training.callbacks (one Python object per callback), rbridge/rcallbacks.py
#
# Each constructor returns a small R object of class "mx.py.callback", list(kind =, args =),
# that names the Python implementation. Pass it like any callback, alone or in a list with
# R closures: epoch.end.callback = list(mx.callback.early.stopping(), my.closure). The
# trainer runs the Python object itself, so these callbacks cost no R call per batch.
# Arguments are checked at once: a bad value fails here, not when training starts.
# Before the first batch every callback is checked again against the run (the metric it
# watches exists, validation data is there, its files can be written).

.mx_py_callback <- function(kind, args) {
  cb <- structure(list(kind = kind, args = args), class = "mx.py.callback")
  .py("callback_validate", cb)
  cb
}

#' Stop training when the monitored value stops improving.
#'
#' Training stops at the `patience`-th consecutive epoch (from `start.epoch` on) that does
#' not improve on the best by more than `min.delta` (at the first one when `patience = 0`).
#' Use as an epoch.end.callback. The reason is in `model$stop.reason`.
#'
#' @param monitor "eval" (the validation value of eval.metric), "train", "eval-<metric>",
#'   "train-<metric>", or the metric's name.
#' @param patience Epochs without improvement tolerated before stopping.
#' @param min.delta Smallest change that counts as an improvement.
#' @param mode "auto" (the metric's declared direction: maximize = TRUE for accuracy),
#'   "min" or "max".
#' @param baseline A value to beat; epochs that do not beat it never count as the best.
#' @param restore.best Return the model of the best epoch instead of the last one (also
#'   when training ran to the end).
#' @param start.epoch First epoch that is monitored.
#' @return An object of class "mx.py.callback".
#' @examples
#' es <- mx.callback.early.stopping(patience = 3, restore.best = TRUE)
#' # model <- mx.model.FeedForward.create(..., eval.data = list(data = test.x, label = test.y),
#' #                                      epoch.end.callback = es)
mx.callback.early.stopping <- function(monitor = "eval", patience = 0, min.delta = 0,
                                       mode = "auto", baseline = NULL, restore.best = FALSE,
                                       start.epoch = 1) {
  .mx_py_callback("early.stopping", list(monitor = monitor, patience = patience,
    min.delta = min.delta, mode = mode, baseline = baseline, restore.best = restore.best,
    start.epoch = start.epoch))
}

#' Save the model in MXNet's files; optionally only improvements, only the k best.
#'
#' Writes <prefix>-symbol.json and <prefix>-NNNN.params (as mx.model.save; atomically)
#' every `period` epochs, and records the best in <prefix>-checkpoints.json
#' (see mx.model.checkpoint.best). Use as an epoch.end.callback.
#'
#' @param prefix File prefix; its directory must exist.
#' @param monitor The value that ranks checkpoints (see mx.callback.early.stopping).
#' @param save.best.only Save only epochs that improve the monitored value.
#' @param top.k Keep only the k best .params files (NULL: keep all).
#' @param period Save every `period` epochs.
#' @return An object of class "mx.py.callback".
#' @examples
#' ckpt <- mx.callback.model.checkpoint(file.path(tempdir(), "boston"), top.k = 3)
mx.callback.model.checkpoint <- function(prefix, monitor = "eval", save.best.only = FALSE,
                                         top.k = NULL, period = 1) {
  .mx_py_callback("model.checkpoint", list(prefix = path.expand(prefix), monitor = monitor,
    save.best.only = save.best.only, top.k = top.k, period = period))
}

#' The best checkpoint recorded by mx.callback.model.checkpoint under `prefix`.
#'
#' @param prefix The prefix given to mx.callback.model.checkpoint.
#' @return list(iteration =, value =, file =), or NULL when no best was recorded.
#' @examples
#' # best <- mx.model.checkpoint.best(prefix); model <- mx.model.load(prefix, best$iteration)
mx.model.checkpoint.best <- function(prefix) .py("checkpoint_best", path.expand(prefix))

#' Write one CSV row per epoch: iteration, train and eval metric, learning rate, seconds.
#'
#' The row is flushed when the epoch ends. Missing values are written as NA.
#' Use as an epoch.end.callback; read the file back with read.csv().
#'
#' @param file The CSV file.
#' @param append Add rows to an existing file with the same columns instead of replacing it.
#' @return An object of class "mx.py.callback".
#' @examples
#' log <- mx.callback.csv.logger(file.path(tempdir(), "train.csv"))
mx.callback.csv.logger <- function(file, append = FALSE) {
  .mx_py_callback("csv.logger", list(file = path.expand(file), append = append))
}

#' Stop as soon as the training metric (or, at epoch end, the validation metric) is NaN
#' or infinite. Works as a batch.end.callback or an epoch.end.callback.
#'
#' @return An object of class "mx.py.callback".
#' @examples
#' nan.stop <- mx.callback.terminate.on.nan()
mx.callback.terminate.on.nan <- function() .mx_py_callback("terminate.on.nan", list())

#' Multiply the learning rate by `factor` when the monitored value stops improving.
#'
#' At the `patience`-th consecutive epoch without improvement (the first when 0) the rate
#' becomes max(rate * factor, min.lr); then `cooldown` epochs pass before counting again.
#' The next update uses the new rate. Use as an epoch.end.callback.
#'
#' @param monitor,mode As for mx.callback.early.stopping.
#' @param factor Between 0 and 1.
#' @param patience Epochs without improvement before a reduction.
#' @param min.lr The rate never goes below this.
#' @param cooldown Epochs after a reduction during which nothing is counted.
#' @param min.delta Smallest change that counts as an improvement.
#' @return An object of class "mx.py.callback".
#' @examples
#' plateau <- mx.callback.reduce.lr.on.plateau(factor = 0.5, patience = 2, min.lr = 1e-6)
mx.callback.reduce.lr.on.plateau <- function(monitor = "eval", factor = 0.1, patience = 10,
                                             min.lr = 0, cooldown = 0, mode = "auto",
                                             min.delta = 0) {
  .mx_py_callback("reduce.lr.on.plateau", list(monitor = monitor, factor = factor,
    patience = patience, min.lr = min.lr, cooldown = cooldown, mode = mode,
    min.delta = min.delta))
}

#' Set the learning rate to fun(iteration, lr) (the rate really changes: the next update
#' uses it).
#'
#' As an epoch.begin.callback it gives the rate of each epoch; in a batch slot it is called
#' every batch.
#'
#' @param fun An R function(iteration, lr) returning the new rate (a number >= 0).
#' @return An object of class "mx.py.callback".
#' @examples
#' halve <- mx.callback.lr.scheduler(function(iteration, lr) 0.1 * 0.5^(iteration - 1))
#' # mx.model.FeedForward.create(..., epoch.begin.callback = halve)
mx.callback.lr.scheduler <- function(fun) {
  .mx_py_callback("lr.scheduler", list(fun = fun))
}

#' Stop once `max.seconds` of training time are used up.
#'
#' As a batch.end.callback it stops within a batch of the budget (the last complete
#' epoch's model is returned); as an epoch.end.callback, at an epoch end.
#'
#' @param max.seconds The time budget in seconds.
#' @return An object of class "mx.py.callback".
#' @examples
#' budget <- mx.callback.timer(max.seconds = 3600)
mx.callback.timer <- function(max.seconds) .mx_py_callback("timer", list(max.seconds = max.seconds))

#' A live progress bar on stderr: batch count, samples/s, ETA and the running metric.
#'
#' On a terminal the bar is redrawn in place; otherwise (a log file, knitr) one line is
#' written per epoch. Use as a batch.end.callback.
#'
#' @param width Characters of the bar.
#' @param refresh Minimum seconds between redraws.
#' @return An object of class "mx.py.callback".
#' @examples
#' bar <- mx.callback.progress.bar()
mx.callback.progress.bar <- function(width = 30, refresh = 0.1) {
  .mx_py_callback("progress.bar", list(width = width, refresh = refresh))
}

#' Call `fun` every `k` batches with a data.frame of the per-batch statistics since the
#' previous call: one R call per k batches instead of one per batch.
#'
#' Columns: iteration, nbatch, samples, seconds (since training started), lr, metric (its
#' name), value (the metric on that batch alone), running (the epoch's running value).
#' `fun`'s value is acted upon like a callback's: NULL or TRUE continue;
#' list(stop = TRUE, reason = "..."), list(lr = ...) or list(save = TRUE) are commands.
#' The rows of a last incomplete block are delivered when training ends.
#' Use as a batch.end.callback.
#'
#' @param k Batches per call.
#' @param fun An R function(stats).
#' @return An object of class "mx.py.callback".
#' @examples
#' watch <- mx.callback.every(50, function(stats) {
#'   if (mean(stats$value) > 1e3) list(stop = TRUE, reason = "diverging")
#' })
mx.callback.every <- function(k, fun) .mx_py_callback("every", list(k = k, fun = fun))

#' Keep training when a callback fails.
#'
#' on.error = "warn": a failure becomes a warning naming the callback, epoch and batch;
#' "disable": warn once and stop calling it; "abort": fail as usual. Interrupts are never
#' caught. Works with R closures and with the mx.callback.* objects.
#'
#' @param cb A callback: function(iteration, nbatch, env) or an "mx.py.callback".
#' @param on.error "warn", "disable" or "abort".
#' @return An object of class "mx.py.callback".
#' @examples
#' logger <- mx.callback.safe(function(iteration, nbatch, env) {
#'   cat(iteration, file = "/nonexistent/log.txt", append = TRUE)   # fails: training goes on
#' })
mx.callback.safe <- function(cb, on.error = "warn") {
  .mx_py_callback("safe", list(cb = cb, on.error = on.error))
}

#' Print an mx.callback.* object as the call that made it.
#'
#' @param x An object of class "mx.py.callback".
#' @param ... Ignored.
#' @examples
#' print(mx.callback.early.stopping(patience = 2))
print.mx.py.callback <- function(x, ...) {
  shown <- vapply(x$args, function(a) {
    if (is.function(a)) "<function>"
    else if (inherits(a, "mx.py.callback")) paste0("mx.callback.", a$kind, "(...)")
    else if (is.null(a)) "NULL"
    else paste(deparse(a), collapse = " ")
  }, character(1))
  cat("mx.callback.", x$kind, "(", paste(names(shown), shown, sep = " = ", collapse = ", "),
      ")\n", sep = "")
  invisible(x)
}

# formals() of a callback for the dry run (rbridge/rcallbacks.py closure_arity_problem):
# the argument names and which have no default; NULL for a primitive.
.mx_formals <- function(f) {
  if (!is.function(f) || is.primitive(f)) return(NULL)
  fm <- formals(f)
  list(names = as.character(names(fm)),
       required = vapply(seq_along(fm), function(i) identical(fm[[i]], quote(expr = )),
                         logical(1)))
}

# mx.callback.every: call fun(stats) with the rows of the last k batches. Python sends the
# numeric columns as one vector, column after column (iteration, nbatch, samples, seconds,
# lr, value, running), and the metric's name: one vector to convert instead of eight.
.mx_call_with_stats <- function(fun, values, metric) {
  n <- length(values) %/% 7L
  col <- function(j) values[(j - 1L) * n + seq_len(n)]
  value <- col(6); value[is.nan(value)] <- NA
  running <- col(7); running[is.nan(running)] <- NA
  lr <- col(5); lr[is.nan(lr)] <- NA
  stats <- structure(list(iteration = as.integer(col(1)), nbatch = as.integer(col(2)),
                          samples = as.integer(col(3)), seconds = col(4), lr = lr,
                          metric = rep(metric, n), value = value, running = running),
                     class = "data.frame", row.names = c(NA_integer_, -n))
  fun(stats)
}
