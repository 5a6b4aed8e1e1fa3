# model.R: training, prediction, saving (docs/MXNET_R_BEHAVIOUR.md, "FeedForward.create", "Layout"
# and "Prediction and model files").
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
# mxnet-rscript). Python runs create's own checks of X and y first (training/data.py train_layout), so
# bad input fails with the same error as before.
.mx_fit_layout <- function(X, y, array.layout, dots) {
  if (.mx_is_iter_like(X) || !identical(array.layout, "auto")) return(array.layout)
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

#' Train a feed-forward network
#' @description
#' MXNet R's training function: builds the network for the data's shapes, initialises its
#' parameters, and trains it for epochs `begin.round` to `num.round` with the optimizer,
#' reporting the training (and validation) metric after each epoch.
#' @details
#' Callbacks are R closures `function(iteration, nbatch, env)`; epoch callbacks also get
#' `verbose =` when they accept it (a `verbose` or `...` formal). `env` holds the fields of
#' MXNet's training frame (`env$model`, `env$metric`, `env$train.metric`, `env$eval.metric`,
#' ...) at MXNet's moments; values a callback stores in it (`env$count <- 0`) stay for the run.
#' An epoch callback returning FALSE stops training; TRUE, NULL or invisible() continue; NA or
#' a non-logical value is an error naming the callback. Every slot also takes mx.callback.*
#' objects ([mx.callback.early.stopping()] ...) or a list of callbacks, called in order.
#'
#' An error in a callback, metric or initializer stops training with one R error of class
#' "mx_training_error" ("mx_callback_error" too for callbacks) whose message names the slot,
#' epoch and batch; its `$model` field holds the model of the last completed epoch (also
#' returned by [mx.model.last()]). Ctrl-C finishes the current batch, stops, and returns the
#' partial model with a warning; a second Ctrl-C interrupts at once.
#'
#' With `array.layout = "auto"` the layout of a matrix `X` is detected from the number of
#' labels, with MXNet's warning "Auto detect layout of input matrix, use rowmajor..", raised
#' before training starts.
#' @param symbol The network, ending in an output layer such as
#'   [mx.symbol.LinearRegressionOutput()].
#' @param X Training data: a matrix, array or numeric data.frame (samples in rows or, for
#'   "colmajor", in the last dim), or a data iterator ([mx.io.arrayiter()]).
#' @param y Labels, one per sample (not used when X is an iterator). A factor is a set of
#'   classes: for a SoftmaxOutput network it trains on the 0-based codes of its levels (a note
#'   names them), with more levels than outputs (or unused levels that make the counts
#'   differ) an error; for a regression output a factor is an error, as are character labels.
#' @param ctx A context or a list of contexts (several CPUs train as several devices).
#' @param begin.round,num.round The first and the last epoch.
#' @param optimizer A name ("sgd", "adam", ...) or an object from [mx.opt.create()].
#' @param initializer An initializer such as [mx.init.uniform()].
#' @param eval.data Validation data: `list(data =, label =)` or an iterator.
#' @param eval.metric A metric such as [mx.metric.rmse] (NULL: none).
#' @param epoch.end.callback,batch.end.callback Callbacks, see Details.
#' @param train.begin.callback,epoch.begin.callback,batch.begin.callback,train.end.callback
#'   More slots for the same callbacks: before the first epoch, at each epoch start, before
#'   each batch, and after training (also when it stopped early or failed).
#' @param array.batch.size Batch size for array input.
#' @param array.layout "auto", "rowmajor" or "colmajor".
#' @param kvstore "local" (or another single-machine kind), "dist_sync" (one process per
#'   worker under mpirun: gradients summed over every worker each batch; see
#'   docs/DISTRIBUTED.md), or a store made by [mx.kv.create()].
#' @param verbose FALSE silences the training messages.
#' @param arg.params,aux.params Named lists of arrays replacing the initial parameters.
#' @param input.names,output.names Names of the data and label fields of an iterator.
#' @param fixed.param Arguments that are not trained.
#' @param allow.extra.params Drop `arg.params` that are not arguments of the network.
#' @param metric_cpu Accepted for compatibility (everything runs on the CPU).
#' @param ... Passed to the optimizer when it is given by name (`learning.rate`, `momentum`,
#'   `wd`, `clip_gradient`, `lr_scheduler`, ...), and these extensions:
#'   `checkpoint = prefix` writes MXNet's files plus a .state sidecar every `checkpoint.period`
#'   epochs (`checkpoint.on.error`: "warn" or "error"); `resume = prefix` (or TRUE: the
#'   `checkpoint` prefix) continues bit-for-bit from its latest epoch, or from epoch
#'   `begin.round - 1`; `check.finite = FALSE` turns off the NaN/Inf checks.
#' @return The trained model, a list of class "MXFeedForwardModel": `symbol`, `arg.params`,
#'   `aux.params` (named lists of MXNDArrays), and `history` (a data.frame of class
#'   "mx.history", see [plot.mx.history()]), `callback.time` and, when training stopped early,
#'   `stop.reason`.
#' @examples
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' mx.set.seed(0)
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 5, array.batch.size = 10,
#'                                      learning.rate = 0.1, eval.metric = mx.metric.rmse)
#' # A failing callback keeps the model of the last completed epoch
#' r <- tryCatch(mx.model.FeedForward.create(lro, X = X, y = y, num.round = 5,
#'         array.layout = "rowmajor", verbose = FALSE,
#'         epoch.end.callback = function(iteration, nbatch, env) if (iteration == 3) stop("no")),
#'       mx_callback_error = function(e) e)
#' r$slot; r$iteration; class(r$model)   # "epoch.end.callback", 3, "MXFeedForwardModel"
mx.model.FeedForward.create <- function(symbol, X, y = NULL, ctx = NULL, begin.round = 1,
    num.round = 10, optimizer = "sgd", initializer = mx.init.uniform(0.01), eval.data = NULL,
    eval.metric = NULL, epoch.end.callback = NULL, batch.end.callback = NULL,
    array.batch.size = 128, array.layout = "auto", kvstore = "local", verbose = TRUE,
    arg.params = NULL, aux.params = NULL, input.names = NULL, output.names = NULL,
    fixed.param = NULL, allow.extra.params = FALSE, metric_cpu = TRUE,
    train.begin.callback = NULL, epoch.begin.callback = NULL, batch.begin.callback = NULL,
    train.end.callback = NULL, ...) {
  if (!.mx_is_iter_like(X)) X <- .mx_as_matrix(X, "X")
  if (inherits(kvstore, "MXKVStore")) kvstore <- kvstore$type
  if (is.list(eval.data) && is.data.frame(eval.data$data)) {
    eval.data$data <- .mx_as_matrix(eval.data$data, "eval.data$data")
  }
  if (is.data.frame(y)) y <- data.matrix(y)
  if (!.mx_is_iter_like(X)) {
    if (is.character(y)) .mx_labels(y, symbol, NULL)  # an error that says what to do
    array.layout <- .mx_fit_layout(X, y, array.layout, list(...))
    y <- .mx_labels(y, symbol, .mx_sample_shape(X, array.layout))
  }
  if (is.list(eval.data) && !is.mx.dataiter(eval.data) &&
      (is.factor(eval.data$label) || is.character(eval.data$label))) {
    eval.data$label <- .mx_labels(eval.data$label, symbol, NULL, "eval.data$label",
                                  attr(y, "levels.used"))
  }
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

#' Predict with a trained model
#' @param object An MXFeedForwardModel (or one converted by [mx.serialize()]).
#' @param X A matrix, array, numeric data.frame or data iterator.
#' @param ctx Ignored (CPU only).
#' @param array.batch.size Batch size for array input.
#' @param array.layout "auto", "rowmajor" or "colmajor".
#' @param allow.extra.params Drop parameters that are not arguments of the network.
#' @param ... Ignored.
#' @return The network's first output as an R array whose last dim is the sample:
#'   `c(outputs, n)`.
#' @examples
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 2, array.batch.size = 20,
#'   learning.rate = 0.1, array.layout = "rowmajor", verbose = FALSE)
#' preds <- predict(model, X, array.layout = "rowmajor")
#' dim(preds)   # 1 100
predict.MXFeedForwardModel <- function(object, X, ctx = NULL, array.batch.size = 128,
                                       array.layout = "auto", allow.extra.params = FALSE, ...) {
  if (is.serialized(object)) object <- mx.unserialize(object)
  if (!.mx_is_iter_like(X)) X <- .mx_as_matrix(X, "X")
  res <- .py("predict", object, X, ctx = ctx, array.batch.size = array.batch.size,
             array.layout = array.layout, allow.extra.params = allow.extra.params)
  .mx_with_warnings(res, layout.call = quote(mx.model.select.layout.predict(X, model)))
}

#' Evaluate a model on labelled data
#' @description
#' An extension (MXNet R had no such function; docs/COMPATIBILITY.md): the value of
#' `eval.metric` for the model's predictions of `X` against the labels `y`, computed over all
#' samples at once (no padded samples, no mean of per-batch values), the number Python's
#' `model.score(X, y, metric)` gives for the same model and data.
#' @param model An MXFeedForwardModel (or one converted by [mx.serialize()]).
#' @param X A matrix, array, numeric data.frame or data iterator, as for `predict()`.
#' @param y The labels, one per sample; a factor is compared through its 0-based codes. NULL
#'   when `X` is an iterator (its labels are used).
#' @param eval.metric A metric such as [mx.metric.rmse]. NULL: the loss of the network's
#'   output layer (cross-entropy for SoftmaxOutput, mse for LinearRegressionOutput, mae for
#'   MAERegressionOutput, logloss for LogisticRegressionOutput).
#' @param array.batch.size Batch size of the predictions.
#' @param array.layout "auto", "rowmajor" or "colmajor".
#' @return The metric's value, a number.
#' @examples
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 2, array.batch.size = 20,
#'   learning.rate = 0.1, array.layout = "rowmajor", verbose = FALSE)
#' mx.model.evaluate(model, X, y, mx.metric.rmse, array.layout = "rowmajor")
#' mx.model.evaluate(model, X, y, array.layout = "rowmajor")   # mse, the output layer's loss
mx.model.evaluate <- function(model, X, y = NULL, eval.metric = NULL, array.batch.size = 128,
                              array.layout = "auto") {
  if (is.serialized(model)) model <- mx.unserialize(model)
  if (!.mx_is_iter_like(X)) X <- .mx_as_matrix(X, "X")
  if (is.data.frame(y)) y <- data.matrix(y)
  if (is.factor(y) || is.character(y)) {
    y <- as.vector(.mx_labels(y, model$symbol, NULL, "y", if (is.factor(y)) levels(y)))
  }
  res <- .py("evaluate", model, X, y, eval.metric = eval.metric,
             array.batch.size = array.batch.size, array.layout = array.layout)
  .mx_with_warnings(res, layout.call = quote(mx.model.select.layout.predict(X, model)))
}

#' Save and load a model in MXNet's files
#' @description
#' `mx.model.save()` writes `<prefix>-symbol.json` and `<prefix>-<iteration>.params` (four
#' digits), MXNet's own formats: MXNet R and Python 1.x read them, and `mx.model.load()` reads
#' files written by MXNet as well.
#' @param model An MXFeedForwardModel.
#' @param prefix File name prefix (`~` is expanded).
#' @param iteration The number in the params file name: 10 gives `<prefix>-0010.params`.
#' @return `mx.model.save()`: NULL, invisibly. `mx.model.load()`: an MXFeedForwardModel.
#' @examples
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 2, array.batch.size = 20,
#'   learning.rate = 0.1, array.layout = "rowmajor", verbose = FALSE)
#' prefix <- file.path(tempdir(), "linreg")
#' mx.model.save(model, prefix, 10)
#' model2 <- mx.model.load(prefix, 10)
#' identical(as.array(model2$arg.params[[1]]), as.array(model$arg.params[[1]]))
mx.model.save <- function(model, prefix, iteration) {
  invisible(.py("model_save", model, path.expand(prefix), iteration))
}

#' @rdname mx.model.save
mx.model.load <- function(prefix, iteration) .py("model_load", path.expand(prefix), iteration)

#' The model of the last completed epoch of the latest training
#' @description
#' Also after a training that failed or was interrupted: a failed run's error carries the same
#' model in its `$model` field.
#' @return An MXFeedForwardModel, or NULL when the latest run failed before its first epoch
#'   completed.
#' @examples
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 2, array.batch.size = 20,
#'   learning.rate = 0.1, array.layout = "rowmajor", verbose = FALSE)
#' m <- tryCatch(mx.model.FeedForward.create(lro, X = X, y = y, num.round = 3,
#'                 array.layout = "rowmajor", verbose = FALSE,
#'                 epoch.end.callback = function(iteration, nbatch, env) stop("oops")),
#'               error = function(e) mx.model.last())
#' class(m)
mx.model.last <- function() .py("model_last")

#' Convert a model to plain R objects and back
#' @description
#' `mx.serialize()` gives a model whose parameters are plain R arrays and whose network is
#' MXNet JSON, safe to keep with `saveRDS()`; `mx.unserialize()` rebuilds the model.
#' `predict()` accepts either.
#' @param model A model.
#' @return `mx.serialize()`: a list with `symbol_json`, `arg.params`, `aux.params` and
#'   `is.serialized = TRUE` (class "MXFeedForwardModel"). `mx.unserialize()`: the model (other
#'   models are returned unchanged). `is.serialized()`: TRUE for a serialized model.
#' @examples
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 2, array.batch.size = 20,
#'   learning.rate = 0.1, array.layout = "rowmajor", verbose = FALSE)
#' f <- tempfile(fileext = ".rds")
#' saveRDS(mx.serialize(model), f)
#' model2 <- mx.unserialize(readRDS(f))
#' is.serialized(readRDS(f))
mx.serialize <- function(model) {
  if (is.serialized(model)) return(model)
  structure(list(symbol_json = model$symbol$as.json(),
                 arg.params = lapply(model$arg.params, as.array),
                 aux.params = lapply(model$aux.params, as.array),
                 is.serialized = TRUE), class = "MXFeedForwardModel")
}

#' @rdname mx.serialize
mx.unserialize <- function(model) {
  if (!is.serialized(model)) return(model)
  structure(list(symbol = mx.symbol.load.json(model$symbol_json),
                 arg.params = lapply(model$arg.params, mx.nd.array),
                 aux.params = lapply(model$aux.params, mx.nd.array)),
            class = "MXFeedForwardModel")
}

#' @rdname mx.serialize
is.serialized <- function(model) isTRUE(model$is.serialized)

#' Initial parameters of a network for given input and output shapes
#' @description
#' Weights are drawn in argument order from mxnet's random stream ([mx.set.seed()]); names the
#' initializer does not know (data, label) are left out of `arg.params`.
#' @param symbol The network.
#' @param input.shape,output.shape Named lists of R shapes, such as `list(data = c(13, 20))`.
#' @param initializer An initializer such as [mx.init.uniform()].
#' @param ctx Ignored (CPU only).
#' @return `list(arg.params =, aux.params =)`, named lists of MXNDArrays.
#' @examples
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1, name = "fc"),
#'   name = "lro")
#' p <- mx.model.init.params(lro, list(data = c(13, 20)), list(lro_label = 20),
#'                           mx.init.uniform(0.01), mx.cpu())
#' dim(p$arg.params$fc_weight)   # 13 1
mx.model.init.params <- function(symbol, input.shape, output.shape, initializer, ctx = NULL) {
  if (!inherits(symbol, "MXSymbol")) stop("symbol needs to be MXSymbol", call. = FALSE)
  .py("init_params", symbol, as.list(input.shape), as.list(output.shape), initializer)
}

#' Which way round a matrix is
#' @description
#' "rowmajor" when the rows of `X` are the samples, "colmajor" when its columns are.
#' `mx.model.select.layout.train()` compares with the number of labels, and announces the
#' answer with MXNet's warning "Auto detect layout of input matrix, use rowmajor..";
#' `mx.model.select.layout.predict()` picks the layout whose feature count fits the model's
#' parameters. Arrays of more than two dimensions are always "colmajor".
#' @param X The data.
#' @param y The labels.
#' @param model An MXFeedForwardModel.
#' @return "rowmajor" or "colmajor".
#' @examples
#' mx.model.select.layout.train(matrix(0, 10, 3), 1:10)   # "rowmajor", with a warning
mx.model.select.layout.train <- function(X, y) {
  if (is.null(y)) stop("Need to provide y for training", call. = FALSE)
  if (length(dim(X)) != 2) return("colmajor")
  .mx_with_warnings(.py("select_layout", .mx_as_matrix(X, "X"), y, NULL),
                    layout.call = sys.call())
}

#' @rdname mx.model.select.layout.train
mx.model.select.layout.predict <- function(X, model) {
  if (length(dim(X)) != 2) return("colmajor")
  .mx_with_warnings(.py("select_layout", .mx_as_matrix(X, "X"), NULL, mx.unserialize(model)),
                    layout.call = sys.call())
}

#' An iterator for training or prediction data
#' @param X Data with samples on the last dim, or an iterator (returned unchanged).
#' @param y Labels; when NULL and not training, zeros.
#' @param batch.size Batch size (at most the number of labels).
#' @param is.train TRUE shuffles (once, now), as training does.
#' @return A data iterator (see [mx.io.arrayiter()]).
#' @examples
#' it <- mx.model.init.iter(matrix(0, 3, 10), 1:10, batch.size = 4, is.train = FALSE)
#' it$iter.next()
#' dim(it$value()$data)   # 3 4
mx.model.init.iter <- function(X, y, batch.size, is.train) {
  if (.mx_is_iter_like(X)) return(X)
  if (is.null(y) && is.train) {
    stop("Need to provide parameter y for training with R arrays.", call. = FALSE)
  }
  .mx_dataiter(.py("iter_init", X, y, batch.size, isTRUE(is.train)))
}
