# model.R: training, prediction, saving (spec sections 1, 3, 5).
# py: mxnet_r_compat.rbridge.entry (fit, predict, model_save, model_load, model_last,
#     init_params, select_layout, iter_init)

# Re-issue the warnings Python collected, then return the value. They are R warnings
# signalled here, after the Python call returned, so withCallingHandlers(), tryCatch(),
# suppressWarnings() and knitr see them; options(warn) decides when R prints them. A
# warning Python named "LayoutWarning" gets `layout.call` as its call (MXNet R raised it in
# mx.model.select.layout.train/predict). A failure comes back as res$error and is raised
# after the warnings (.mx_raise_py_error).
.mx_with_warnings <- function(res, layout.call = NULL) {
  kinds <- names(res$warnings)
  for (i in seq_along(res$warnings)) {
    if (!is.null(layout.call) && identical(kinds[[i]], "LayoutWarning")) {
      warning(simpleWarning(res$warnings[[i]], layout.call))
    } else {
      warning(res$warnings[[i]], call. = FALSE)
    }
  }
  if (!is.null(res$error)) .mx_raise_py_error(res$error)
  res$value
}

# The layout training will use. MXNet R detected it before training, in
# mx.model.select.layout.train(X, y), and warned there: the warning comes before "Start
# training" wherever warnings are shown as they happen (knitr, options(warn = 1),
# mxnet-rscript). Python runs create's own checks of X and y first (model.train_layout), so
# bad input fails with the same error as before.
.mx_fit_layout <- function(X, y, array.layout, dots) {
  if (is.mx.dataiter(X) || !identical(array.layout, "auto")) return(array.layout)
  .mx_with_warnings(.py("fit_layout", X, y, check.finite = dots$check.finite),
                    layout.call = quote(mx.model.select.layout.train(X, y)))
}

# Raise a failure reported by Python as one R error: class c("mx_py_error", "error",
# "condition"), fields message, traceback, type. A failure of training also has class
# "mx_training_error" ("mx_callback_error" first when a callback failed) and the fields
#   message    the callback's own message, with the slot, epoch and batch;
#   model      the MXFeedForwardModel of the last completed epoch of this run (NULL before
#              the first epoch completed); the same model as mx.model.last();
#   slot, iteration, nbatch   which callback failed, and when (callback errors only);
#   parent     the condition the R callback signalled (callback errors only);
#   traceback, type           the Python side of the failure.
.mx_raise_py_error <- function(err) {
  msg <- err$message
  if (!is.null(err$model)) {
    msg <- paste0(msg, "\n(the model of the last completed epoch is in this error's $model ",
                  "and in mx.model.last())")
  }
  cls <- c(if (!is.null(err$slot)) "mx_callback_error", if (isTRUE(err$training))
           "mx_training_error", "mx_py_error", "error", "condition")
  stop(structure(class = cls, list(
    message = msg, call = NULL, model = err$model, slot = err$slot, iteration = err$iteration,
    nbatch = err$nbatch, parent = err$parent, traceback = err$traceback, type = err$type)))
}

# data.matrix() for data frames, as the tutorials do; factors become their codes.
.mx_as_matrix <- function(x, what) {
  if (!is.data.frame(x)) return(x)
  factors <- names(x)[vapply(x, function(col) is.factor(col) || is.character(col), logical(1))]
  if (length(factors)) {
    message("Note: ", what, " columns ", paste(factors, collapse = ", "),
            " are not numeric; converted with data.matrix() (factor codes).")
  }
  data.matrix(x)
}

#' Train a feed-forward network (MXNet R's mx.model.FeedForward.create, spec section 1).
#'
#' Callbacks are R closures `function(iteration, nbatch, env)`; epoch callbacks also get
#' `verbose =` when they accept it (a `verbose` or `...` formal). `env` holds the fields of
#' spec 4.1 at MXNet's moments (`env$model` and `env$eval.metric` in batch callbacks are the
#' previous epoch's); values a callback stores in it (`env$count <- 0`) stay for the run. An
#' epoch callback returning FALSE stops training; TRUE, NULL or invisible() continue; NA or
#' a non-logical value is an error naming the callback.
#'
#' Errors: an error in a callback, metric or initializer stops training with one R error of
#' class "mx_training_error" ("mx_callback_error" too for callbacks) whose message names the
#' callback slot, epoch and batch; its `$model` field holds the model of the last completed
#' epoch (also returned by mx.model.last()). Ctrl-C finishes the current batch, stops, and
#' returns the partial model with a warning; a second Ctrl-C ends the script.
#'
#' @param symbol The network, ending in an output layer such as
#'   mx.symbol.LinearRegressionOutput.
#' @param X Training data: a matrix, array or numeric data.frame (samples in rows or, for
#'   "colmajor", in the last dim), or a data iterator (mx.io.arrayiter).
#' @param y Labels, one per sample (not used when X is an iterator).
#' @param ctx A context or a list of contexts (several CPUs train as several devices).
#' @param begin.round,num.round Indices of the first and the last epoch.
#' @param optimizer A name ("sgd", "adam", ...) or an object from mx.opt.create().
#' @param initializer An initializer such as mx.init.uniform(0.01).
#' @param eval.data Validation data: list(data =, label =) or an iterator.
#' @param eval.metric A metric such as mx.metric.rmse (NULL: none).
#' @param epoch.end.callback,batch.end.callback R closures, see above; also mx.callback.*
#'   objects (mx.callback.early.stopping() ...), or a list of either, called in order.
#' @param train.begin.callback,epoch.begin.callback,batch.begin.callback,train.end.callback
#'   More slots for the same closures: before the first epoch, at each epoch start, before
#'   each batch, and after training (also when it stopped early or failed).
#' @param checkpoint A file prefix: every checkpoint.period epochs, write MXNet's files plus a
#'   .state sidecar for exact resume (checkpoint.on.error: "warn" or "error"). See
#'   docs/CHECKPOINTS.md.
#' @param resume A checkpoint prefix (or TRUE: the `checkpoint` prefix): continue bit-for-bit
#'   from its latest epoch, or from epoch begin.round - 1.
#' @param array.batch.size Batch size for array input.
#' @param array.layout "auto", "rowmajor" or "colmajor".
#' @param kvstore "local" (the only supported kind).
#' @param verbose FALSE silences the training messages.
#' @param arg.params,aux.params Named lists of arrays replacing the initial parameters.
#' @param input.names,output.names Names of the data and label fields of an iterator.
#' @param fixed.param Arguments that are not trained.
#' @param allow.extra.params Drop arg.params that are not arguments of the network.
#' @param metric_cpu Accepted for compatibility (everything runs on the CPU).
#' @param ... Passed to the optimizer (learning.rate, momentum, wd, clip_gradient,
#'   lr_scheduler, ...).
#' @return An MXFeedForwardModel: list(symbol, arg.params, aux.params).
#' @examples
#' data <- mx.symbol.Variable("data")
#' lro <- mx.symbol.LinearRegressionOutput(mx.symbol.FullyConnected(data, num_hidden = 1))
#' X <- matrix(rnorm(200), 100); y <- X %*% c(1, 2)
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 5, array.batch.size = 10,
#'                                      learning.rate = 0.01, eval.metric = mx.metric.rmse)
#' r <- tryCatch(mx.model.FeedForward.create(lro, X = X, y = y, num.round = 5,
#'         epoch.end.callback = function(iteration, nbatch, env) if (iteration == 3) stop("no")),
#'       mx_callback_error = function(e) e)
#' r$slot; r$iteration; r$model   # "epoch.end.callback", 3, the model of epoch 2
mx.model.FeedForward.create <- function(symbol, X, y = NULL, ctx = NULL, begin.round = 1,
    num.round = 10, optimizer = "sgd", initializer = mx.init.uniform(0.01), eval.data = NULL,
    eval.metric = NULL, epoch.end.callback = NULL, batch.end.callback = NULL,
    array.batch.size = 128, array.layout = "auto", kvstore = "local", verbose = TRUE,
    arg.params = NULL, aux.params = NULL, input.names = NULL, output.names = NULL,
    fixed.param = NULL, allow.extra.params = FALSE, metric_cpu = TRUE,
    train.begin.callback = NULL, epoch.begin.callback = NULL, batch.begin.callback = NULL,
    train.end.callback = NULL, ...) {
  if (!is.mx.dataiter(X)) X <- .mx_as_matrix(X, "X")
  if (is.list(eval.data) && is.data.frame(eval.data$data)) {
    eval.data$data <- .mx_as_matrix(eval.data$data, "eval.data$data")
  }
  if (is.data.frame(y)) y <- data.matrix(y)
  array.layout <- .mx_fit_layout(X, y, array.layout, list(...))
  res <- .py("fit", symbol = symbol, X = X, y = y, ctx = ctx, begin.round = begin.round,
             num.round = num.round, optimizer = optimizer, initializer = initializer,
             eval.data = eval.data, eval.metric = eval.metric,
             epoch.end.callback = epoch.end.callback, batch.end.callback = batch.end.callback,
             array.batch.size = array.batch.size, array.layout = array.layout,
             kvstore = kvstore, verbose = verbose, arg.params = arg.params,
             aux.params = aux.params, input.names = input.names, output.names = output.names,
             fixed.param = fixed.param, allow.extra.params = allow.extra.params,
             metric_cpu = metric_cpu, train.begin.callback = train.begin.callback,
             epoch.begin.callback = epoch.begin.callback,
             batch.begin.callback = batch.begin.callback,
             train.end.callback = train.end.callback, ...)
  .mx_with_warnings(res)
}

#' Predict with a trained model (S3 method of predict, spec section 5).
#'
#' @param object An MXFeedForwardModel (or one converted by mx.serialize).
#' @param X A matrix, array, numeric data.frame or data iterator.
#' @param ctx Ignored (CPU only).
#' @param array.batch.size Batch size for array input.
#' @param array.layout "auto", "rowmajor" or "colmajor".
#' @param allow.extra.params Drop parameters that are not arguments of the network.
#' @param ... Ignored.
#' @return The first output as an R array whose last dim is the sample: c(outputs, n).
#' @examples
#' preds <- predict(model, test.x)   # dim(preds) == c(1, nrow(test.x)) for one output unit
predict.MXFeedForwardModel <- function(object, X, ctx = NULL, array.batch.size = 128,
                                       array.layout = "auto", allow.extra.params = FALSE, ...) {
  if (is.serialized(object)) object <- mx.unserialize(object)
  if (!is.mx.dataiter(X)) X <- .mx_as_matrix(X, "X")
  res <- .py("predict", object, X, ctx = ctx, array.batch.size = array.batch.size,
             array.layout = array.layout, allow.extra.params = allow.extra.params)
  .mx_with_warnings(res, layout.call = quote(mx.model.select.layout.predict(X, model)))
}

#' Print a short description of a model: its outputs and how many parameters it has.
#'
#' @param x An MXFeedForwardModel.
#' @param ... Ignored.
#' @examples
#' print(model)
print.MXFeedForwardModel <- function(x, ...) {
  if (is.serialized(x)) {
    cat("MXFeedForwardModel (serialized)\n")
    return(invisible(x))
  }
  n <- sum(vapply(x$arg.params, length, numeric(1)))
  cat("MXFeedForwardModel\n  outputs:   ", paste(outputs(x$symbol), collapse = ", "),
      "\n  parameters:", length(x$arg.params), "arrays,", n, "values\n")
  if (length(x$aux.params)) cat("  aux states:", paste(names(x$aux.params), collapse = ", "), "\n")
  invisible(x)
}

#' Save a model as <prefix>-symbol.json and <prefix>-<iteration>.params (MXNet formats).
#'
#' The files are MXNet's own formats (spec 13 and 15): MXNet R and Python 1.x read them.
#' @param model An MXFeedForwardModel.
#' @param prefix File name prefix (`~` is expanded).
#' @param iteration The number in the params file name, e.g. 10 for <prefix>-0010.params.
#' @examples
#' mx.model.save(model, file.path(tempdir(), "boston"), 10)
mx.model.save <- function(model, prefix, iteration) {
  invisible(.py("model_save", model, path.expand(prefix), iteration))
}

#' Load a model saved by mx.model.save (or by MXNet R / Python 1.x).
#'
#' @param prefix,iteration As given to mx.model.save.
#' @return An MXFeedForwardModel.
#' @examples
#' model <- mx.model.load(file.path(tempdir(), "boston"), 10)
mx.model.load <- function(prefix, iteration) .py("model_load", path.expand(prefix), iteration)

#' The model of the last completed epoch of the latest training run, even one that failed.
#'
#' NULL when the latest run failed before its first epoch completed. A failed run's error
#' carries the same model in its `$model` field.
#' @return An MXFeedForwardModel or NULL.
#' @examples
#' m <- tryCatch(mx.model.FeedForward.create(lro, X = X, y = y), error = function(e) mx.model.last())
mx.model.last <- function() .py("model_last")

#' Convert a model to plain R objects (for saveRDS).
#'
#' @param model An MXFeedForwardModel.
#' @return A list with symbol_json, arg.params and aux.params (R arrays) and is.serialized.
#' @examples
#' saveRDS(mx.serialize(model), f <- tempfile()); model2 <- mx.unserialize(readRDS(f))
mx.serialize <- function(model) {
  if (is.serialized(model)) return(model)
  structure(list(symbol_json = model$symbol$as.json(),
                 arg.params = lapply(model$arg.params, as.array),
                 aux.params = lapply(model$aux.params, as.array),
                 is.serialized = TRUE), class = "MXFeedForwardModel")
}

#' Rebuild a model converted by mx.serialize.
#'
#' @param model A model from mx.serialize (other models are returned unchanged).
#' @examples
#' model2 <- mx.unserialize(mx.serialize(model))
mx.unserialize <- function(model) {
  if (!is.serialized(model)) return(model)
  structure(list(symbol = mx.symbol.load.json(model$symbol_json),
                 arg.params = lapply(model$arg.params, mx.nd.array),
                 aux.params = lapply(model$aux.params, mx.nd.array)),
            class = "MXFeedForwardModel")
}

#' TRUE for a model converted by mx.serialize.
#'
#' @param model Any model.
#' @examples
#' is.serialized(mx.serialize(model))
is.serialized <- function(model) isTRUE(model$is.serialized)

#' Initial parameters of a network for given input and output shapes.
#'
#' Weights are drawn in argument order from the random stream of mx.set.seed(); names the
#' initializer does not know (data, label) are left out of arg.params.
#' @param symbol The network.
#' @param input.shape,output.shape Named lists of R shapes, e.g. list(data = c(13, 20)).
#' @param initializer An initializer such as mx.init.uniform(0.01).
#' @param ctx Ignored (CPU only).
#' @return list(arg.params =, aux.params =), named lists of MXNDArray.
#' @examples
#' p <- mx.model.init.params(lro, list(data = c(13, 20)), list(linearregressionoutput0_label = 20),
#'                           mx.init.uniform(0.01), mx.cpu())
#' dim(p$arg.params$fullyconnected0_weight)   # 13 1
mx.model.init.params <- function(symbol, input.shape, output.shape, initializer, ctx = NULL) {
  if (!inherits(symbol, "MXSymbol")) stop("symbol needs to be MXSymbol", call. = FALSE)
  .py("init_params", symbol, as.list(input.shape), as.list(output.shape), initializer)
}

#' Which way round a training matrix is: "rowmajor" (samples in rows) or "colmajor".
#'
#' Announced with a warning, as MXNet R did (spec 3).
#' @param X The data.
#' @param y The labels.
#' @return "rowmajor" or "colmajor".
#' @examples
#' mx.model.select.layout.train(matrix(0, 10, 3), 1:10)   # "rowmajor", with a warning
mx.model.select.layout.train <- function(X, y) {
  if (is.null(y)) stop("Need to provide y for training", call. = FALSE)
  if (length(dim(X)) != 2) return("colmajor")
  .mx_with_warnings(.py("select_layout", .mx_as_matrix(X, "X"), y, NULL),
                    layout.call = sys.call())
}

#' Which way round a matrix is for prediction with `model`: the layout whose feature count
#' fits the model's parameters.
#'
#' @param X The data.
#' @param model An MXFeedForwardModel.
#' @return "rowmajor" or "colmajor".
#' @examples
#' mx.model.select.layout.predict(test.x, model)
mx.model.select.layout.predict <- function(X, model) {
  if (length(dim(X)) != 2) return("colmajor")
  .mx_with_warnings(.py("select_layout", .mx_as_matrix(X, "X"), NULL, mx.unserialize(model)),
                    layout.call = sys.call())
}

#' An iterator for training or prediction data (returned unchanged when it is one already).
#'
#' @param X Data with samples on the last dim, or an iterator.
#' @param y Labels; when NULL and not training, zeros.
#' @param batch.size Batch size (at most the number of labels).
#' @param is.train TRUE shuffles (once, now), as training does.
#' @return A data iterator (mx.io.arrayiter).
#' @examples
#' it <- mx.model.init.iter(matrix(0, 3, 10), 1:10, batch.size = 4, is.train = FALSE)
mx.model.init.iter <- function(X, y, batch.size, is.train) {
  if (is.mx.dataiter(X)) return(X)
  if (is.null(y) && is.train) {
    stop("Need to provide parameter y for training with R arrays.", call. = FALSE)
  }
  .mx_dataiter(.py("iter_init", X, y, batch.size, isTRUE(is.train)))
}
