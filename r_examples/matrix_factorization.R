# Matrix factorisation the way MXNet R users write it: two index inputs (user, item), each
# looked up in its own Embedding table behind BlockGrad, the elementwise product of the two
# factor vectors summed with sum_axis into one predicted score, a linear-regression loss, and a
# reference class that contains Rcpp_MXArrayDataIter to feed both inputs from two array
# iterators (input.names / output.names). The ratings are synthetic: a rank-2 pattern with
# a little structured noise over 60 users and 40 items, computed with sin() and cos() so the R
# script and its Python twin (r_examples/matrix_factorization.py) see the same numbers.
# Run: mxnet-rscript r_examples/matrix_factorization.R

library(mxnet)

n.user <- 60
n.item <- 40
n.rating <- 2000
k <- seq_len(n.rating) - 1
users <- (k * 37) %% n.user                    # indices from 0, as Embedding reads them
items <- (k * 11 + k %/% n.user) %% n.item
scores <- 3 + 1.5 * sin(users + 1) * cos(items + 1) + cos(0.5 * users) * sin(0.3 * items) +
  0.1 * sin(7 * k)
cat("ratings:", n.rating, "of", n.user, "users and", n.item, "items; mean score",
    sprintf("%.4f", mean(scores)), "\n")

# The network: score = sum over the factors of user factor * item factor.
n.factor <- 8
user <- mx.symbol.Variable("user")
item <- mx.symbol.Variable("item")
score <- mx.symbol.Variable("label")
user.factors <- mx.symbol.Embedding(data = mx.symbol.BlockGrad(user), input_dim = n.user,
                                    output_dim = n.factor, name = "user_factors")
item.factors <- mx.symbol.Embedding(data = mx.symbol.BlockGrad(item), input_dim = n.item,
                                    output_dim = n.factor, name = "item_factors")
product <- user.factors * item.factors
predicted <- mx.symbol.Flatten(mx.symbol.sum_axis(product, axis = 1, name = "dot"),
                               name = "flat")
net <- mx.symbol.LinearRegressionOutput(data = predicted, label = score, name = "rating")
print(arguments(net))

# Two array iterators walked in step; value() gives both inputs and the label by name.
PairIter <- setRefClass("PairIter", fields = c("users", "items"),
                        contains = "Rcpp_MXArrayDataIter",
                        methods = list(
                          initialize = function(users, items) {
                            .self$users <- users
                            .self$items <- items
                            .self
                          },
                          value = function() {
                            u <- .self$users$value()
                            list(user = u$data, item = .self$items$value()$data,
                                 label = u$label)
                          },
                          iter.next = function() {
                            .self$items$iter.next()
                            .self$users$iter.next()
                          },
                          reset = function() {
                            .self$users$reset()
                            .self$items$reset()
                          },
                          num.pad = function() .self$users$num.pad(),
                          finalize = function() {
                            .self$users$finalize()
                            .self$items$finalize()
                          }))

batch.size <- 100
train <- PairIter$new(mx.io.arrayiter(data = users, label = scores, batch.size = batch.size),
                      mx.io.arrayiter(data = items, label = scores, batch.size = batch.size))

mx.set.seed(42)
model <- mx.model.FeedForward.create(net, X = train, ctx = mx.cpu(), num.round = 12,
                                     initializer = mx.init.uniform(0.8),
                                     learning.rate = 0.05, momentum = 0.9,
                                     eval.metric = mx.metric.rmse,
                                     epoch.end.callback = mx.callback.log.train.metric(1),
                                     input.names = c("user", "item"), output.names = "label")

# The learned factors, and the score of user 0 for item 0 by hand (R dims: factors first).
u <- as.array(model$arg.params$user_factors_weight)
v <- as.array(model$arg.params$item_factors_weight)
cat("factor tables:", dim(u), "and", dim(v), "\n")
cat(sprintf("user 0, item 0: predicted %.4f, rated %.4f\n", sum(u[, 1] * v[, 1]), scores[1]))
by.hand <- colSums(u[, users + 1] * v[, items + 1])
pred <- predict(model, train)
cat(sprintf("rmse of predict(model, iterator): %.6f\n", sqrt(mean((pred - scores)^2))))
cat("predict equals the factor products:", isTRUE(all.equal(as.vector(pred), by.hand,
                                                            tolerance = 1e-5)), "\n")
