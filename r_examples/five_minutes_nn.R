# The steps of MXNet R's "Five Minutes Neural Network" tutorial, with its own data (mlbench's
# Sonar and BostonHousing): a classifier built by mx.mlp, its graph, its confusion table; then
# a linear regression from a symbol, trained with RMSE and with a custom MAE metric.
# Run with: .venv/bin/mxnet-rscript r_examples/five_minutes_nn.R   (or Rscript, library(mxnet))
# Its Python twin, r_examples/five_minutes_nn.py, prints the same numbers.
if (!require(mlbench)) {
  stop("this example needs the R package mlbench: apt-get install r-cran-mlbench (make setup)")
}
require(mxnet)

# --- Classification: 60 sonar readings per row, mine (M) or rock (R) -----------------------
data(Sonar, package = "mlbench")
Sonar[, 61] <- as.numeric(Sonar[, 61]) - 1          # the class as 0/1
train.ind <- c(1:50, 100:150)
train.x <- data.matrix(Sonar[train.ind, 1:60])
train.y <- Sonar[train.ind, 61]
test.x <- data.matrix(Sonar[-train.ind, 1:60])
test.y <- Sonar[-train.ind, 61]

# One hidden layer of 10 units, a softmax over the two classes.
mx.set.seed(0)
model <- mx.mlp(train.x, train.y, hidden_node = 10, out_node = 2, out_activation = "softmax",
                num.round = 20, array.batch.size = 15, learning.rate = 0.07, momentum = 0.9,
                eval.metric = mx.metric.accuracy)

# The network as a picture (an SVG when Graphviz is installed, else its DOT text).
graph.viz(model$symbol)

# Predictions come as classes x samples: the label is the most probable row.
preds <- predict(model, test.x)
pred.label <- max.col(t(preds)) - 1
confusion <- table(pred.label, test.y)
print(confusion)
cat("confusion:", as.vector(confusion), "\n")

# --- Regression: median house value from 13 features ----------------------------------------
data(BostonHousing, package = "mlbench")
train.ind <- seq(1, 506, 3)
train.x <- data.matrix(BostonHousing[train.ind, -14])
train.y <- BostonHousing[train.ind, 14]
test.x <- data.matrix(BostonHousing[-train.ind, -14])
test.y <- BostonHousing[-train.ind, 14]

# No hidden layer: the inputs feed one output unit, trained for squared loss.
data <- mx.symbol.Variable("data")
fc1 <- mx.symbol.FullyConnected(data, num_hidden = 1)
lro <- mx.symbol.LinearRegressionOutput(fc1)

mx.set.seed(0)
model <- mx.model.FeedForward.create(lro, X = train.x, y = train.y,
                                     ctx = mx.cpu(), num.round = 50, array.batch.size = 20,
                                     learning.rate = 2e-6, momentum = 0.9,
                                     eval.metric = mx.metric.rmse)
preds <- predict(model, test.x)
cat(sprintf("test rmse: %.10g\n", sqrt(mean((preds - test.y)^2))))

# A metric of our own: mean absolute error, computed on NDArrays.
demo.metric.mae <- mx.metric.custom("mae", function(label, pred) {
  pred <- mx.nd.reshape(pred, shape = 0)
  res <- mx.nd.mean(mx.nd.abs(label - pred))
  return(res)
})
mx.set.seed(0)
model <- mx.model.FeedForward.create(lro, X = train.x, y = train.y,
                                     ctx = mx.cpu(), num.round = 50, array.batch.size = 20,
                                     learning.rate = 2e-6, momentum = 0.9,
                                     eval.metric = demo.metric.mae)
