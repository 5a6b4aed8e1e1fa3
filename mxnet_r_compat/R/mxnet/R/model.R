# model.R: training, prediction, saving (spec sections 1, 5).
# py: mxnet_r_compat.rbridge.entry (fit, predict, model_save, model_load, model_last)

# Re-issue the warnings Python collected, then return the value (R shows them as
# it showed MXNet's: after the call that raised them, or at once with warn = 1).
.mx_with_warnings <- function(res) {
  for (w in res$warnings) warning(w, call. = FALSE)
  res$value
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

#' Train a feed-forward network (MXNet R's mx.model.FeedForward.create).
#' @param symbol the network, ending in an output layer such as mx.symbol.LinearRegressionOutput
#' @param X training data (matrix, array or data.frame); y the labels
#' @param num.round index of the last epoch; begin.round the first
#' @param ... passed to the optimizer (learning.rate, momentum, wd, clip_gradient, lr_scheduler)
#' @return an MXFeedForwardModel: list(symbol, arg.params, aux.params)
#' @examples
#' data <- mx.symbol.Variable("data")
#' lro <- mx.symbol.LinearRegressionOutput(mx.symbol.FullyConnected(data, num_hidden = 1))
#' X <- matrix(rnorm(200), 100); y <- X %*% c(1, 2)
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 5, array.batch.size = 10,
#'                                      learning.rate = 0.01, eval.metric = mx.metric.rmse)
mx.model.FeedForward.create <- function(symbol, X, y = NULL, ctx = NULL, begin.round = 1,
    num.round = 10, optimizer = "sgd", initializer = mx.init.uniform(0.01), eval.data = NULL,
    eval.metric = NULL, epoch.end.callback = NULL, batch.end.callback = NULL,
    array.batch.size = 128, array.layout = "auto", kvstore = "local", verbose = TRUE,
    arg.params = NULL, aux.params = NULL, input.names = NULL, output.names = NULL,
    fixed.param = NULL, allow.extra.params = FALSE, metric_cpu = TRUE, ...) {
  X <- .mx_as_matrix(X, "X")
  if (is.list(eval.data) && is.data.frame(eval.data$data)) {
    eval.data$data <- .mx_as_matrix(eval.data$data, "eval.data$data")
  }
  if (is.data.frame(y)) y <- data.matrix(y)
  res <- .py("fit", symbol = symbol, X = X, y = y, ctx = ctx, begin.round = begin.round,
             num.round = num.round, optimizer = optimizer, initializer = initializer,
             eval.data = eval.data, eval.metric = eval.metric,
             epoch.end.callback = epoch.end.callback, batch.end.callback = batch.end.callback,
             array.batch.size = array.batch.size, array.layout = array.layout,
             kvstore = kvstore, verbose = verbose, arg.params = arg.params,
             aux.params = aux.params, input.names = input.names, output.names = output.names,
             fixed.param = fixed.param, allow.extra.params = allow.extra.params,
             metric_cpu = metric_cpu, ...)
  .mx_with_warnings(res)
}

#' Predict with a trained model; returns an array whose last dim is the sample.
#' @examples
#' preds <- predict(model, X)   # c(outputs, n)
predict.MXFeedForwardModel <- function(object, X, ctx = NULL, array.batch.size = 128,
                                       array.layout = "auto", allow.extra.params = FALSE, ...) {
  if (is.serialized(object)) object <- mx.unserialize(object)
  X <- .mx_as_matrix(X, "X")
  res <- .py("predict", object, X, ctx = ctx, array.batch.size = array.batch.size,
             array.layout = array.layout, allow.extra.params = allow.extra.params)
  .mx_with_warnings(res)
}

#' Print a short description of a model.
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
#' @examples
#' mx.model.save(model, file.path(tempdir(), "boston"), 10)
mx.model.save <- function(model, prefix, iteration) {
  invisible(.py("model_save", model, path.expand(prefix), iteration))
}

#' Load a model saved by mx.model.save (or by MXNet R / Python 1.x).
#' @examples
#' model <- mx.model.load(file.path(tempdir(), "boston"), 10)
mx.model.load <- function(prefix, iteration) .py("model_load", path.expand(prefix), iteration)

#' The model of the last completed epoch of the latest training run, even one that failed.
#' @examples
#' m <- tryCatch(mx.model.FeedForward.create(...), error = function(e) mx.model.last())
mx.model.last <- function() .py("model_last")

#' Convert a model to plain R objects (for saveRDS).
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
#' @examples
#' is.serialized(mx.serialize(model))
is.serialized <- function(model) isTRUE(model$is.serialized)
