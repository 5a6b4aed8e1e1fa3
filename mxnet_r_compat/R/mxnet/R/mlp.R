# mlp.R: mx.mlp, a multi-layer perceptron in one call (docs/MXNET_R_BEHAVIOUR.md, "mx.mlp").

#' Build and train an MLP: hidden FC+activation layers, optional dropout, an output layer.
#' @param out_activation "softmax", "rmse" or "logistic"
#' @param ... passed to mx.model.FeedForward.create (num.round, learning.rate, ...)
#' @examples
#' model <- mx.mlp(X, y, hidden_node = 10, out_node = 2, num.round = 5, learning.rate = 0.1)
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
