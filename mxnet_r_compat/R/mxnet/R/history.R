# history.R: learning curves of a trained model (docs/CALLBACKS.md).
# py: mxnet_r_compat.rbridge.rcallbacks (history_to_r)
#
# model$history is a data.frame of class c("mx.history", "data.frame"), one row per epoch
# and phase: iteration, phase ("train" or "eval"), metric, value, lr (the rate of that
# epoch), seconds (since training started). mx.metric.logger keeps working alongside.

#' Plot the learning curves of a trained model
#' @description
#' A trained model's `model$history` is a data.frame of class "mx.history" with one row per
#' epoch and phase: `iteration`, `phase` ("train" or "eval"), `metric`, `value`, `lr` (the rate of
#' that epoch) and `seconds` (since training started). `plot()` draws, with base graphics, one
#' panel per metric with the training and validation values against the epoch.
#' @param x `model$history`.
#' @param y Ignored.
#' @param metric Metric names to draw (default: all).
#' @param lr Add a panel with the learning rate.
#' @param ... Passed to plot() for every panel (e.g. `log = "y"`).
#' @return `x`, invisibly.
#' @examples
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 4, array.batch.size = 20,
#'   learning.rate = 0.1, eval.metric = mx.metric.rmse, array.layout = "rowmajor",
#'   eval.data = list(data = X[1:20, ], label = y[1:20]), verbose = FALSE)
#' head(model$history)
#' png(file.path(tempdir(), "curves.png"))
#' plot(model$history, lr = TRUE)
#' dev.off()
plot.mx.history <- function(x, y = NULL, metric = NULL, lr = FALSE, ...) {
  metrics <- if (is.null(metric)) unique(x$metric) else metric
  unknown <- setdiff(metrics, x$metric)
  if (length(unknown)) {
    stop("plot(history): no metric ", paste(unknown, collapse = ", "), " in the history (it has ",
         paste(unique(x$metric), collapse = ", "), ")", call. = FALSE)
  }
  panels <- length(metrics) + isTRUE(lr)
  old <- graphics::par(mfrow = c(panels, 1), mar = c(4, 4, 1, 1))
  on.exit(graphics::par(old))
  for (m in metrics) {
    rows <- x[x$metric == m, , drop = FALSE]
    train <- rows[rows$phase == "train", , drop = FALSE]
    eval <- rows[rows$phase == "eval", , drop = FALSE]
    graphics::plot(rows$iteration, rows$value, type = "n", xlab = "epoch (iteration)",
                   ylab = m, ...)
    if (nrow(train)) graphics::lines(train$iteration, train$value, type = "o", pch = 20)
    if (nrow(eval)) graphics::lines(eval$iteration, eval$value, type = "o", pch = 17, lty = 2,
                                    col = "darkorange")
    shown <- c(if (nrow(train)) "train", if (nrow(eval)) "eval")
    graphics::legend("topright", legend = shown, pch = c(20, 17)[seq_along(shown)],
                     lty = c(1, 2)[seq_along(shown)],
                     col = c("black", "darkorange")[seq_along(shown)], bty = "n")
  }
  if (isTRUE(lr)) {
    epochs <- x[!duplicated(x$iteration), , drop = FALSE]
    graphics::plot(epochs$iteration, epochs$lr, type = "o", pch = 20, xlab = "epoch (iteration)",
                   ylab = "learning rate")
  }
  invisible(x)
}
