# metric.R: evaluation metrics (docs/MXNET_R_BEHAVIOUR.md, "Metrics"). Built-ins also carry an
# `mx.builtin`
# tag so the trainer computes them natively; called from R they run this R code.

#' A metric from an R function
#' @description
#' A metric measures predictions against labels batch by batch: `init()` gives its state,
#' `update(label, pred, state)` the state after one batch, `get(state)` the value,
#' `list(name =, value =)`. With `aggregate = "batch"` (MXNet's rule) the epoch's value is the
#' mean of `feval`'s per-batch values; with "epoch", `feval` returns the batch's sum and the
#' epoch's value is that total divided by the number of samples.
#' @param name The metric's name, shown in the training messages ("Train-<name>=").
#' @param feval A function(label, pred) giving the value of one batch. In training it receives
#'   MXNDArrays (as in MXNet R 1.x): with one output per sample `label` and `pred` both have
#'   dim n, with several outputs `pred` has dim c(outputs, n). It may return a number or an
#'   MXNDArray of one value.
#' @param maximize TRUE when higher values are better (used by callbacks with `mode = "auto"`,
#'   such as [mx.callback.early.stopping()]).
#' @param aggregate "batch" or "epoch", see above.
#' @return A metric: a list of class "mx.metric" with `init`, `update`, `get`, `name`,
#'   `maximize` and `aggregate`.
#' @examples
#' mae <- mx.metric.custom("mae", function(label, pred) mean(abs(label - pred)))
#' state <- mae$update(c(1, 2), array(c(1.5, 2.5), c(1, 2)), mae$init())
#' mae$get(state)   # list(name = "mae", value = 0.5)
mx.metric.custom <- function(name, feval, maximize = FALSE, aggregate = "batch") {
  if (!is.function(feval)) stop("feval must be a function(label, pred)", call. = FALSE)
  aggregate <- match.arg(aggregate, c("batch", "epoch"))
  init <- function() c(0, 0)
  update <- function(label, pred, state) {
    m <- .mx_metric_value(feval(label, pred), name)
    # "epoch": weight by samples (the last dim of a k x n label), as Python's Metric does
    w <- if (aggregate != "epoch") 1 else if (is.null(dim(label))) length(label) else
      tail(dim(label), 1)
    c(state[[1]] + w, state[[2]] + m)
  }
  get <- function(state) list(name = name, value = state[[2]] / state[[1]])
  structure(list(init = init, update = update, get = get, name = name,
                 maximize = maximize, aggregate = aggregate), class = "mx.metric")
}

# One batch's value as a number: feval may return an MXNDArray of one value.
.mx_metric_value <- function(m, name) {
  if (is.mx.ndarray(m)) m <- as.array(m)
  if (!(is.numeric(m) || is.logical(m)) || length(m) != 1L) {
    stop("The feval of metric `", name, "` must return one number or an MXNDArray of one ",
         "value; it returned ", if (is.numeric(m)) paste(length(m), "values") else
           paste("an object of class", paste(class(m), collapse = "/")), ".", call. = FALSE)
  }
  as.numeric(m)
}

# The built-in metrics' fevals work on R arrays; MXNDArrays are converted first.
.mx_builtin_metric <- function(name, feval, maximize = FALSE, key = name) {
  on_arrays <- function(label, pred) {
    feval(if (is.mx.ndarray(label)) as.array(label) else label,
          if (is.mx.ndarray(pred)) as.array(pred) else pred)
  }
  m <- mx.metric.custom(name, on_arrays, maximize)
  attr(m, "mx.builtin") <- key
  m
}

# Predictions arrive as R arrays c(outputs, n); labels as vectors (or k x n).
.mx_class_pred <- function(pred) max.col(t(matrix(pred, ncol = tail(dim(pred), 1))), "first") - 1

#' Built-in evaluation metrics
#' @description
#' Metrics to pass as `eval.metric` to [mx.model.FeedForward.create()]. The trainer computes
#' the built-in ones in its C core; called from R (`$update`, `$get`) they run this R code,
#' with the same results. Labels of classification metrics are 0-based class ids.
#' * `mx.metric.accuracy`: the share of samples whose highest output is the label.
#' * `mx.metric.top_k_accuracy`: the label is among the five highest outputs.
#' * `mx.metric.mse`, `mx.metric.rmse`, `mx.metric.mae`, `mx.metric.rmsle`: mean squared error,
#'   its root (per batch, then averaged over batches, as MXNet), mean absolute error, root mean
#'   squared logarithmic error.
#' * `mx.metric.logloss`: binary log loss of a sigmoid output.
#' * `mx.metric.logistic_acc`: accuracy of a sigmoid output thresholded at 0.5.
#' * `mx.metric.Perplexity`: perplexity of class predictions (label -1 is ignored).
#' @format A metric: see [mx.metric.custom()].
#' @return Each is a metric (a list of class "mx.metric"), not a function.
#' @examples
#' pred <- matrix(c(0.9, 0.1, 0.2, 0.8), 2)   # 2 classes (rows) x 2 samples (columns)
#' state <- mx.metric.accuracy$update(c(0, 0), pred, mx.metric.accuracy$init())
#' mx.metric.accuracy$get(state)$value   # 0.5
#' rmse <- mx.metric.rmse
#' rmse$get(rmse$update(c(1, 2), array(c(1, 4), c(1, 2)), rmse$init()))$value   # sqrt(2)
mx.metric.accuracy <- .mx_builtin_metric("accuracy", function(label, pred) {
  mean(as.vector(label) == .mx_class_pred(pred))
}, maximize = TRUE)

#' @rdname mx.metric.accuracy
#' @format NULL
mx.metric.top_k_accuracy <- .mx_builtin_metric("top_k_accuracy", function(label, pred) {
  p <- matrix(pred, ncol = tail(dim(pred), 1))
  top <- apply(p, 2, function(col) order(-col)[seq_len(min(5, length(col)))] - 1)
  mean(vapply(seq_along(label), function(i) sum(top[, i] == label[i]), numeric(1)))
}, maximize = TRUE)

#' @rdname mx.metric.accuracy
#' @format NULL
mx.metric.mse <- .mx_builtin_metric("mse", function(label, pred) {
  mean((as.vector(label) - as.vector(pred))^2)
})

#' @rdname mx.metric.accuracy
#' @format NULL
mx.metric.rmse <- .mx_builtin_metric("rmse", function(label, pred) {
  sqrt(mean((as.vector(label) - as.vector(pred))^2))
})

#' @rdname mx.metric.accuracy
#' @format NULL
mx.metric.mae <- .mx_builtin_metric("mae", function(label, pred) {
  mean(abs(as.vector(label) - as.vector(pred)))
})

#' @rdname mx.metric.accuracy
#' @format NULL
mx.metric.rmsle <- .mx_builtin_metric("rmsle", function(label, pred) {
  sqrt(mean((log1p(as.vector(pred)) - log1p(as.vector(label)))^2))
})

#' @rdname mx.metric.accuracy
#' @format NULL
mx.metric.logloss <- .mx_builtin_metric("logloss", function(label, pred) {
  p <- pmin(pmax(as.vector(pred), 1e-15), 1 - 1e-15)
  y <- as.vector(label)
  -mean(y * log(p) + (1 - y) * log(1 - p))
})

#' @rdname mx.metric.accuracy
#' @format NULL
mx.metric.logistic_acc <- .mx_builtin_metric("accuracy", function(label, pred) {
  mean(as.vector(label) == (as.vector(pred) > 0.5))
}, maximize = TRUE, key = "logistic_acc")

#' @rdname mx.metric.accuracy
#' @format NULL
mx.metric.Perplexity <- .mx_builtin_metric("Perplexity", function(label, pred) {
  p <- matrix(pred, ncol = tail(dim(pred), 1))
  y <- as.vector(label)
  keep <- y != -1
  picked <- p[cbind(ifelse(keep, y, 0) + 1, seq_along(y))]
  exp(-sum(log(picked) * keep) / max(1, sum(keep)))
})

#' A logger of per-epoch metric values
#' @description
#' A reference class with fields `train` and `eval` (numeric vectors). Given to
#' [mx.callback.log.train.metric()], it receives the training and validation value of the
#' metric at every epoch end; read them after training.
#' @format A reference class generator: `mx.metric.logger$new()` makes a logger.
#' @return `mx.metric.logger$new()` returns a logger with empty `train` and `eval`.
#' @examples
#' logger <- mx.metric.logger$new()
#' logger$train <- c(logger$train, 0.5)
#' logger$train
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' logger <- mx.metric.logger$new()
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 3, array.batch.size = 20,
#'   learning.rate = 0.1, eval.metric = mx.metric.rmse, array.layout = "rowmajor",
#'   verbose = FALSE, epoch.end.callback = mx.callback.log.train.metric(1, logger))
#' logger$train   # three values, one per epoch
mx.metric.logger <- setRefClass("mx.metric.logger", fields = list(train = "numeric", eval = "numeric"))
