# summary.R: what a trained model is, at a glance: its layers with their parameters (shapes
# and counts), the totals, and how training went (model$history), as keras3's summary() does.
# py: mxnet_r_compat.rbridge.entry (sym_query "layers")

#' Summarise a model: layers, parameter shapes and counts, training history
#' @description
#' `summary(model)` lists the network's layers in order, each with its operator, the
#' parameters it owns (their R shapes) and their number of values; then the totals, and, for
#' a trained model, the epochs trained, the last epoch's metric values and why training
#' stopped early. `print(model)` shows the same.
#' @param object,x An MXFeedForwardModel (`x`: for `print()`, also its summary).
#' @param ... Ignored.
#' @return `summary()`: an object of class "summary.MXFeedForwardModel": a list with `layers`
#'   (a data.frame: name, op, parameters, values), `outputs`, `total` (values), `arrays`,
#'   `aux` (auxiliary states and their shapes), `epochs`, `last` (the last epoch's rows of
#'   `model$history`) and `stop.reason`. `print()`: its argument, invisibly.
#' @examples
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' net <- mx.symbol.LinearRegressionOutput(mx.symbol.FullyConnected(
#'   mx.symbol.Variable("data"), num_hidden = 1, name = "fc"), name = "lro")
#' model <- mx.model.FeedForward.create(net, X = X, y = y, num.round = 3,
#'   array.batch.size = 20, learning.rate = 0.1, eval.metric = mx.metric.rmse,
#'   array.layout = "rowmajor", verbose = FALSE)
#' model
#' s <- summary(model)
#' s$layers
#' s$total   # 3 values: a 2 x 1 weight and a bias
summary.MXFeedForwardModel <- function(object, ...) {
  model <- mx.unserialize(object)
  shape <- function(a) paste(dim(a), collapse = "x")
  describe <- function(p, from) paste(p, vapply(from[p], shape, ""), collapse = ", ")
  layers <- .py("sym_query", model$symbol, "layers")
  own <- lapply(layers$inputs, intersect, names(model$arg.params))
  aux <- lapply(layers$inputs, intersect, names(model$aux.params))
  text <- mapply(function(p, a) {
    parts <- c(if (length(p)) describe(p, model$arg.params),
               if (length(a)) paste("aux:", describe(a, model$aux.params)))
    if (length(parts)) paste(parts, collapse = "; ") else "-"
  }, own, aux)
  layer.table <- data.frame(name = layers$name, op = layers$op, parameters = unname(text),
                            values = vapply(own, function(p) sum(vapply(model$arg.params[p],
                                                                        length, 0)), 0),
                            stringsAsFactors = FALSE)
  h <- model$history
  last <- if (is.null(h) || !nrow(h)) NULL else h[h$iteration == max(h$iteration), , drop = FALSE]
  structure(list(layers = layer.table, outputs = outputs(model$symbol),
                 total = sum(vapply(model$arg.params, length, 0)),
                 arrays = length(model$arg.params),
                 aux = vapply(model$aux.params, shape, ""),
                 epochs = if (is.null(last)) 0L else length(unique(h$iteration)),
                 last = last, stop.reason = model$stop.reason),
            class = "summary.MXFeedForwardModel")
}

#' @rdname summary.MXFeedForwardModel
print.summary.MXFeedForwardModel <- function(x, ...) {
  cat("MXFeedForwardModel: ", nrow(x$layers), " layers, ", x$total, " trained values\n",
      sep = "")
  layer <- c("Layer (op)", paste0(x$layers$name, " (", x$layers$op, ")"))
  params <- c("Parameters (R dims)", x$layers$parameters)
  values <- c("Values", format(x$layers$values))
  cat(paste0("  ", formatC(layer, width = -max(nchar(layer))), "  ",
             formatC(params, width = -max(nchar(params))), "  ",
             formatC(values, width = max(nchar(values)))), sep = "\n")
  cat("Outputs:    ", paste(x$outputs, collapse = ", "), "\n", sep = "")
  cat("Parameters: ", x$arrays, " arrays, ", x$total, " values", sep = "")
  if (length(x$aux)) cat(" (and ", length(x$aux), " auxiliary states)", sep = "")
  cat("\n")
  if (x$epochs > 0) {
    last <- x$last
    values <- paste0(last$phase, "-", last$metric, "=", signif(last$value, 6), collapse = ", ")
    cat("Trained:    ", x$epochs, " epochs; epoch ", max(last$iteration), ": ", values, "\n",
        sep = "")
  }
  if (!is.null(x$stop.reason)) cat("Stopped:    ", x$stop.reason, "\n", sep = "")
  invisible(x)
}

#' @rdname summary.MXFeedForwardModel
print.MXFeedForwardModel <- function(x, ...) {
  if (is.serialized(x)) {
    cat("MXFeedForwardModel (serialized)\n")
    return(invisible(x))
  }
  print(summary(x))
  invisible(x)
}
