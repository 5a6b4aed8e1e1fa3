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

#' Stop training when the monitored value stops improving
#' @description
#' Training stops at the `patience`-th consecutive epoch (from `start.epoch` on) that does not
#' improve on the best by more than `min.delta` (at the first one when `patience = 0`). Use as
#' an epoch.end.callback; the reason is in `model$stop.reason`.
#' @param monitor "eval" (the validation value of eval.metric), "train", "eval-<metric>",
#'   "train-<metric>", or the metric's name.
#' @param patience Epochs without improvement tolerated before stopping.
#' @param min.delta Smallest change that counts as an improvement.
#' @param mode "auto" (the metric's declared direction: maximize = TRUE for accuracy), "min" or
#'   "max".
#' @param baseline A value to beat; epochs that do not beat it never count as the best.
#' @param restore.best Return the model of the best epoch instead of the last one (also when
#'   training ran to the end).
#' @param start.epoch First epoch that is monitored.
#' @return A callback object of class "mx.py.callback" (run by the trainer itself, without an R
#'   call per epoch).
#' @examples
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' es <- mx.callback.early.stopping(patience = 2, restore.best = TRUE)
#' es
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 30, array.batch.size = 20,
#'   learning.rate = 0.1, eval.metric = mx.metric.rmse, array.layout = "rowmajor",
#'   eval.data = list(data = X[1:20, ], label = y[1:20]), verbose = FALSE,
#'   epoch.end.callback = es)
#' model$stop.reason
mx.callback.early.stopping <- function(monitor = "eval", patience = 0, min.delta = 0,
                                       mode = "auto", baseline = NULL, restore.best = FALSE,
                                       start.epoch = 1) {
  .mx_py_callback("early.stopping", list(monitor = monitor, patience = patience,
    min.delta = min.delta, mode = mode, baseline = baseline, restore.best = restore.best,
    start.epoch = start.epoch))
}

#' Save the model as MXNet files, optionally only the best ones
#' @description
#' Writes `<prefix>-symbol.json` and `<prefix>-NNNN.params` (as [mx.model.save()], atomically)
#' every `period` epochs, and records the best in `<prefix>-checkpoints.json` (see
#' [mx.model.checkpoint.best()]). Use as an epoch.end.callback.
#' @param prefix File prefix; its directory must exist.
#' @param monitor The value that ranks checkpoints (see [mx.callback.early.stopping()]).
#' @param save.best.only Save only epochs that improve the monitored value.
#' @param top.k Keep only the k best .params files (NULL: keep all).
#' @param period Save every `period` epochs.
#' @return A callback object of class "mx.py.callback".
#' @examples
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' prefix <- file.path(tempdir(), "best")
#' ckpt <- mx.callback.model.checkpoint(prefix, top.k = 2)
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 4, array.batch.size = 20,
#'   learning.rate = 0.1, eval.metric = mx.metric.rmse, array.layout = "rowmajor",
#'   eval.data = list(data = X[1:20, ], label = y[1:20]), verbose = FALSE,
#'   epoch.end.callback = ckpt)
#' best <- mx.model.checkpoint.best(prefix)
#' best$iteration
#' model.best <- mx.model.load(prefix, best$iteration)
mx.callback.model.checkpoint <- function(prefix, monitor = "eval", save.best.only = FALSE,
                                         top.k = NULL, period = 1) {
  .mx_py_callback("model.checkpoint", list(prefix = path.expand(prefix), monitor = monitor,
    save.best.only = save.best.only, top.k = top.k, period = period))
}

#' The best checkpoint recorded by mx.callback.model.checkpoint
#' @param prefix The prefix given to [mx.callback.model.checkpoint()].
#' @return `list(iteration =, value =, file =)`, or NULL when the runs recorded no best (an
#'   error names the manifest file when there is none under `prefix`).
#' @examples
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' prefix <- file.path(tempdir(), "ranked")
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 3, array.batch.size = 20,
#'   learning.rate = 0.1, eval.metric = mx.metric.rmse, array.layout = "rowmajor",
#'   eval.data = list(data = X[1:20, ], label = y[1:20]), verbose = FALSE,
#'   epoch.end.callback = mx.callback.model.checkpoint(prefix, save.best.only = TRUE))
#' str(mx.model.checkpoint.best(prefix))
mx.model.checkpoint.best <- function(prefix) .py("checkpoint_best", path.expand(prefix))

#' Write one CSV row per epoch
#' @description
#' Columns: iteration, the training and validation metric, the learning rate and the seconds
#' since training started. The row is flushed when the epoch ends; missing values are written
#' as NA. Use as an epoch.end.callback; read the file back with read.csv().
#' @param file The CSV file.
#' @param append Add rows to an existing file with the same columns instead of replacing it.
#' @return A callback object of class "mx.py.callback".
#' @examples
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' csv <- file.path(tempdir(), "train.csv")
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 3, array.batch.size = 20,
#'   learning.rate = 0.1, eval.metric = mx.metric.rmse, array.layout = "rowmajor",
#'   eval.data = list(data = X[1:20, ], label = y[1:20]), verbose = FALSE,
#'   epoch.end.callback = mx.callback.csv.logger(csv))
#' read.csv(csv)
mx.callback.csv.logger <- function(file, append = FALSE) {
  .mx_py_callback("csv.logger", list(file = path.expand(file), append = append))
}

#' Stop as soon as the metric is NaN or infinite
#' @description
#' Checks the training metric (and, at epoch end, the validation metric). Works as a
#' batch.end.callback or an epoch.end.callback.
#' @return A callback object of class "mx.py.callback".
#' @examples
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 2, array.batch.size = 20,
#'   learning.rate = 0.1, eval.metric = mx.metric.rmse, array.layout = "rowmajor",
#'   eval.data = list(data = X[1:20, ], label = y[1:20]), verbose = FALSE,
#'   batch.end.callback = mx.callback.terminate.on.nan())
mx.callback.terminate.on.nan <- function() .mx_py_callback("terminate.on.nan", list())

#' Reduce the learning rate when the monitored value stops improving
#' @description
#' At the `patience`-th consecutive epoch without improvement (the first when 0) the rate
#' becomes max(rate * factor, min.lr); then `cooldown` epochs pass before counting again. The
#' next update uses the new rate. Use as an epoch.end.callback.
#' @param monitor,mode As for [mx.callback.early.stopping()].
#' @param factor Between 0 and 1.
#' @param patience Epochs without improvement before a reduction.
#' @param min.lr The rate never goes below this.
#' @param cooldown Epochs after a reduction during which nothing is counted.
#' @param min.delta Smallest change that counts as an improvement.
#' @return A callback object of class "mx.py.callback".
#' @examples
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' plateau <- mx.callback.reduce.lr.on.plateau(factor = 0.5, patience = 1, min.lr = 1e-4)
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 6, array.batch.size = 20,
#'   learning.rate = 0.1, eval.metric = mx.metric.rmse, array.layout = "rowmajor",
#'   eval.data = list(data = X[1:20, ], label = y[1:20]), verbose = FALSE,
#'   epoch.end.callback = plateau)
#' unique(model$history$lr)
mx.callback.reduce.lr.on.plateau <- function(monitor = "eval", factor = 0.1, patience = 10,
                                             min.lr = 0, cooldown = 0, mode = "auto",
                                             min.delta = 0) {
  .mx_py_callback("reduce.lr.on.plateau", list(monitor = monitor, factor = factor,
    patience = patience, min.lr = min.lr, cooldown = cooldown, mode = mode,
    min.delta = min.delta))
}

#' Set the learning rate with a function of the epoch
#' @description
#' The rate becomes `fun(iteration, lr)`, and the next update uses it. As an
#' epoch.begin.callback it gives the rate of each epoch; in a batch slot it is called every
#' batch.
#' @param fun An R function(iteration, lr) returning the new rate (a number >= 0).
#' @return A callback object of class "mx.py.callback".
#' @examples
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' halve <- mx.callback.lr.scheduler(function(iteration, lr) 0.1 * 0.5^(iteration - 1))
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 3, array.batch.size = 20,
#'   learning.rate = 0.1, eval.metric = mx.metric.rmse, array.layout = "rowmajor",
#'   eval.data = list(data = X[1:20, ], label = y[1:20]), verbose = FALSE,
#'   epoch.begin.callback = halve)
#' unique(model$history$lr)   # 0.1 0.05 0.025
mx.callback.lr.scheduler <- function(fun) {
  .mx_py_callback("lr.scheduler", list(fun = fun))
}

#' Stop once a time budget is used up
#' @description
#' As a batch.end.callback it stops within a batch of the budget (the model of the last
#' complete epoch is returned); as an epoch.end.callback, at an epoch end.
#' @param max.seconds The time budget in seconds.
#' @return A callback object of class "mx.py.callback".
#' @examples
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 1000, array.batch.size = 20,
#'   learning.rate = 0.1, eval.metric = mx.metric.rmse, array.layout = "rowmajor",
#'   eval.data = list(data = X[1:20, ], label = y[1:20]), verbose = FALSE,
#'   epoch.end.callback = mx.callback.timer(max.seconds = 0.5))
#' model$stop.reason
mx.callback.timer <- function(max.seconds) .mx_py_callback("timer", list(max.seconds = max.seconds))

#' A progress bar on stderr
#' @description
#' Shows the batch count, samples per second, the estimated time left and the running
#' metric. On a terminal the bar is redrawn in place; otherwise (a log file, knitr) one line is
#' written per epoch. Use as a batch.end.callback.
#' @param width Characters of the bar.
#' @param refresh Minimum seconds between redraws.
#' @return A callback object of class "mx.py.callback".
#' @examples
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 2, array.batch.size = 20,
#'   learning.rate = 0.1, eval.metric = mx.metric.rmse, array.layout = "rowmajor",
#'   eval.data = list(data = X[1:20, ], label = y[1:20]), verbose = FALSE,
#'   batch.end.callback = mx.callback.progress.bar())
mx.callback.progress.bar <- function(width = 30, refresh = 0.1) {
  .mx_py_callback("progress.bar", list(width = width, refresh = refresh))
}

#' Call an R function every k batches with the statistics of those batches
#' @description
#' One R call per `k` batches instead of one per batch. `fun` receives a data.frame with
#' columns iteration, nbatch, samples, seconds (since training started), lr, metric (its
#' name), value (the metric on that batch alone) and running (the epoch's running value). Its
#' value is acted upon like a callback's: NULL or TRUE continue;
#' `list(stop = TRUE, reason = "...")`, `list(lr = ...)` or `list(save = TRUE)` are commands.
#' The rows of a last incomplete block are delivered when training ends. Use as a
#' batch.end.callback.
#' @param k Batches per call.
#' @param fun An R function(stats).
#' @return A callback object of class "mx.py.callback".
#' @examples
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' watch <- mx.callback.every(5, function(stats) {
#'   if (mean(stats$value) > 1e3) list(stop = TRUE, reason = "diverging")
#' })
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 2, array.batch.size = 20,
#'   learning.rate = 0.1, eval.metric = mx.metric.rmse, array.layout = "rowmajor",
#'   eval.data = list(data = X[1:20, ], label = y[1:20]), verbose = FALSE,
#'   batch.end.callback = watch)
mx.callback.every <- function(k, fun) .mx_py_callback("every", list(k = k, fun = fun))

#' Keep training when a callback fails
#' @description
#' `on.error = "warn"`: a failure becomes a warning naming the callback, epoch and batch;
#' "disable": warn once and stop calling it; "abort": fail as usual. Interrupts are never
#' caught. Works with R closures and with the mx.callback.* objects.
#' @param cb A callback: function(iteration, nbatch, env) or an "mx.py.callback".
#' @param on.error "warn", "disable" or "abort".
#' @return A callback object of class "mx.py.callback".
#' @examples
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' flaky <- mx.callback.safe(function(iteration, nbatch, env) stop("disk full"),
#'                           on.error = "disable")
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 2, array.batch.size = 20,
#'   learning.rate = 0.1, eval.metric = mx.metric.rmse, array.layout = "rowmajor",
#'   eval.data = list(data = X[1:20, ], label = y[1:20]), verbose = FALSE,
#'   epoch.end.callback = flaky)   # one warning; training completes
mx.callback.safe <- function(cb, on.error = "warn") {
  .mx_py_callback("safe", list(cb = cb, on.error = on.error))
}

#' @rdname mx.callback.early.stopping
#' @param x An object of class "mx.py.callback".
#' @param ... Ignored.
#' @return `print()`: `x`, invisibly, after printing the call that made it.
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
