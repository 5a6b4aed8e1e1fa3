# mlp.R: mx.mlp, a multi-layer perceptron in one call (docs/MXNET_R_BEHAVIOUR.md, "mx.mlp").

#' Build and train a multi-layer perceptron in one call
#' @description
#' Hidden layers of [mx.symbol.FullyConnected()] and [mx.symbol.Activation()], optional
#' [mx.symbol.Dropout()], then an output layer, trained by [mx.model.FeedForward.create()].
#' @param data Training data, as `X` of mx.model.FeedForward.create().
#' @param label Labels, as `y`.
#' @param hidden_node The sizes of the hidden layers (one number per layer).
#' @param out_node The size of the output layer (the number of classes for "softmax").
#' @param dropout A dropout probability applied after the last hidden layer, or NULL.
#' @param activation The hidden layers' activation ("tanh", "relu", "sigmoid", "softrelu",
#'   "softsign"): one for all, or one per layer.
#' @param out_activation "softmax", "rmse" (linear regression) or "logistic".
#' @param ctx The context(s) to train on.
#' @param ... Passed to mx.model.FeedForward.create(): `num.round`, `learning.rate`,
#'   `eval.metric`, ...
#' @return The trained model (see mx.model.FeedForward.create()).
#' @examples
#' X <- matrix(rnorm(400), 200); y <- as.numeric(X[, 1] + X[, 2] > 0)
#' mx.set.seed(0)
#' model <- mx.mlp(X, y, hidden_node = 10, out_node = 2, num.round = 5, array.batch.size = 20,
#'                 learning.rate = 0.1, momentum = 0.9, eval.metric = mx.metric.accuracy,
#'                 array.layout = "rowmajor")
#' dim(predict(model, X, array.layout = "rowmajor"))   # 2 200: class probabilities
mx.mlp <- function(data, label, hidden_node = 1, out_node, dropout = NULL, activation = "tanh",
                   out_activation = "softmax", ctx = mx.ctx.default(), ...) {
  m <- length(hidden_node)
  if (!is.null(dropout)) {
    if (length(dropout) != 1) stop("only accept dropout ratio of length 1.", call. = FALSE)
    dropout <- max(0, min(dropout, 1 - 1e-7))
  }
  if (length(activation) == 1) activation <- rep(activation, m)
  if (length(activation) != m) stop(paste("Length of activation should be", m), call. = FALSE)
  act <- mx.symbol.Variable("data")
  for (i in seq_len(m)) {
    act <- mx.symbol.FullyConnected(act, num_hidden = hidden_node[i])
    act <- mx.symbol.Activation(act, act_type = activation[i])
  }
  if (!is.null(dropout)) act <- mx.symbol.Dropout(act, p = dropout)
  fc <- mx.symbol.FullyConnected(act, num_hidden = out_node)
  out <- switch(out_activation,
    softmax = mx.symbol.SoftmaxOutput(fc),
    rmse = mx.symbol.LinearRegressionOutput(fc),
    logistic = mx.symbol.LogisticRegressionOutput(fc),
    stop("Not supported yet.", call. = FALSE))
  mx.model.FeedForward.create(out, X = data, y = label, ctx = ctx, ...)
}
