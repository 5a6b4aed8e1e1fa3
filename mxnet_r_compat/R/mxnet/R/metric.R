# metric.R: evaluation metrics (docs/MXNET_R_BEHAVIOUR.md, "Metrics"). Built-ins also carry an
# `mx.builtin`
# tag so the trainer computes them natively; called from R they run this R code.

#' A metric from a function of (label, pred): list(init, update, get) of class "mx.metric".
#' @param maximize TRUE when higher values are better (used by mode = "auto" callbacks)
#' @param aggregate "batch" (MXNet's rule: the epoch value is the mean of per-batch values) or
#'   "epoch": feval returns the batch's SUM and the epoch value is the total over the samples
#' @examples
#' mae <- mx.metric.custom("mae", function(label, pred) mean(abs(label - pred)))
mx.metric.custom <- function(name, feval, maximize = FALSE, aggregate = "batch") {
  if (!is.function(feval)) stop("feval must be a function(label, pred)", call. = FALSE)
  aggregate <- match.arg(aggregate, c("batch", "epoch"))
  init <- function() c(0, 0)
  update <- function(label, pred, state) {
    m <- feval(label, pred)
    # "epoch": weight by samples (the last dim of a k x n label), as Python's Metric does
    w <- if (aggregate != "epoch") 1 else if (is.null(dim(label))) length(label) else
      tail(dim(label), 1)
    c(state[[1]] + w, state[[2]] + m)
  }
  get <- function(state) list(name = name, value = state[[2]] / state[[1]])
  structure(list(init = init, update = update, get = get, name = name,
                 maximize = maximize, aggregate = aggregate), class = "mx.metric")
}

.mx_builtin_metric <- function(name, feval, maximize = FALSE, key = name) {
  m <- mx.metric.custom(name, feval, maximize)
  attr(m, "mx.builtin") <- key
  m
}

# Predictions arrive as R arrays c(outputs, n); labels as vectors (or k x n).
.mx_class_pred <- function(pred) max.col(t(matrix(pred, ncol = tail(dim(pred), 1))), "first") - 1

#' Classification accuracy (labels are 0-based class ids).
#' @examples
#' mx.metric.accuracy$get(mx.metric.accuracy$update(c(0, 1), matrix(c(.9, .1, .2, .8), 2), c(0, 0)))
mx.metric.accuracy <- .mx_builtin_metric("accuracy", function(label, pred) {
  mean(as.vector(label) == .mx_class_pred(pred))
}, maximize = TRUE)

#' Top-5 accuracy.
#' @examples
#' mx.metric.top_k_accuracy$name
mx.metric.top_k_accuracy <- .mx_builtin_metric("top_k_accuracy", function(label, pred) {
  p <- matrix(pred, ncol = tail(dim(pred), 1))
  top <- apply(p, 2, function(col) order(-col)[seq_len(min(5, length(col)))] - 1)
  mean(vapply(seq_along(label), function(i) sum(top[, i] == label[i]), numeric(1)))
}, maximize = TRUE)

#' Mean squared error.
#' @examples
#' mx.metric.mse$name
mx.metric.mse <- .mx_builtin_metric("mse", function(label, pred) {
  mean((as.vector(label) - as.vector(pred))^2)
})

#' Root mean squared error, per batch (averaged over batches, as MXNet).
#' @examples
#' mx.metric.rmse$name
mx.metric.rmse <- .mx_builtin_metric("rmse", function(label, pred) {
  sqrt(mean((as.vector(label) - as.vector(pred))^2))
})

#' Mean absolute error.
#' @examples
#' mx.metric.mae$name
mx.metric.mae <- .mx_builtin_metric("mae", function(label, pred) {
  mean(abs(as.vector(label) - as.vector(pred)))
})

#' Root mean squared logarithmic error.
#' @examples
#' mx.metric.rmsle$name
mx.metric.rmsle <- .mx_builtin_metric("rmsle", function(label, pred) {
  sqrt(mean((log1p(as.vector(pred)) - log1p(as.vector(label)))^2))
})

#' Binary log loss.
#' @examples
#' mx.metric.logloss$name
mx.metric.logloss <- .mx_builtin_metric("logloss", function(label, pred) {
  p <- pmin(pmax(as.vector(pred), 1e-15), 1 - 1e-15)
  y <- as.vector(label)
  -mean(y * log(p) + (1 - y) * log(1 - p))
})

#' Accuracy of a single sigmoid output (threshold 0.5).
#' @examples
#' mx.metric.logistic_acc$name
mx.metric.logistic_acc <- .mx_builtin_metric("accuracy", function(label, pred) {
  mean(as.vector(label) == (as.vector(pred) > 0.5))
}, maximize = TRUE, key = "logistic_acc")

#' Perplexity of class predictions (label -1 is ignored).
#' @examples
#' mx.metric.Perplexity$name
mx.metric.Perplexity <- .mx_builtin_metric("Perplexity", function(label, pred) {
  p <- matrix(pred, ncol = tail(dim(pred), 1))
  y <- as.vector(label)
  keep <- y != -1
  picked <- p[cbind(ifelse(keep, y, 0) + 1, seq_along(y))]
  exp(-sum(log(picked) * keep) / max(1, sum(keep)))
})

#' A reference class that keeps per-epoch metric values in $train and $eval.
#' @examples
#' logger <- mx.metric.logger$new(); logger$train
mx.metric.logger <- setRefClass("mx.metric.logger", fields = list(train = "numeric", eval = "numeric"))
