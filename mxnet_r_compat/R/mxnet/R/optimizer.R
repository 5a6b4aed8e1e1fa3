# optimizer.R: optimizers and learning-rate schedulers (docs/MXNET_R_BEHAVIOUR.md, "Optimizers" and
# "Schedulers").
# The R objects describe them; the updates run in the C core.

#' Optimizers
#' @description
#' An optimizer describes how [mx.model.FeedForward.create()] updates the weights; its updates
#' run in the C core. `mx.opt.create(name, ...)` makes one by name with the arguments of that
#' optimizer; `mx.opt.sgd()` and the others name the arguments and their defaults:
#' * sgd: w <- (1 - lr * wd) * w - lr * clip(rescale.grad * g), with momentum when it is > 0.
#' * nag: Nesterov accelerated gradient.
#' * adam: Adam, without bias correction (as MXNet R).
#' * rmsprop: centered (Graves) by default, plain with `centered = FALSE`.
#' * adagrad, adadelta (adadelta has no learning rate).
#' `clip_gradient < 0` means no clipping; `lr_scheduler` takes
#' [mx.lr_scheduler.FactorScheduler()] objects, which really change the rate.
#' @param name "sgd", "rmsprop", "adam", "adagrad", "adadelta" or "nag".
#' @param ... The optimizer's arguments, as in the functions below.
#' @param learning.rate The step size.
#' @param momentum The momentum (sgd, nag).
#' @param wd Weight decay.
#' @param rescale.grad Multiplies every gradient (mx.model.FeedForward.create sets 1 / batch
#'   size when it builds the optimizer itself).
#' @param clip_gradient Clip gradients to \[-clip_gradient, clip_gradient\] (when > 0).
#' @param lr_scheduler A learning-rate scheduler, or NULL.
#' @return An optimizer: a list of class "MXOptimizer" with `name` and `args`.
#' @examples
#' opt <- mx.opt.create("sgd", learning.rate = 0.1, momentum = 0.9)
#' opt$name
#' adam <- mx.opt.adam(learning.rate = 1e-3)
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, optimizer = adam, num.round = 2,
#'   array.batch.size = 20, array.layout = "rowmajor", verbose = FALSE)
mx.opt.create <- function(name, ...) {
  known <- c("sgd", "rmsprop", "adam", "adagrad", "adadelta", "nag")
  if (!is.character(name) || length(name) != 1L || !(name %in% known)) {
    stop("Unknown optimizer ", name, call. = FALSE)
  }
  opt <- structure(list(name = name, args = list(...)), class = "MXOptimizer")
  state <- new.env(parent = emptyenv())
  # MXNet R's optimizer interface: create_exec() prepares weight `index`, update() applies one
  # step to it and returns the new weight (the state lives in one Python optimizer).
  opt$create_exec <- function(index, weight_dim, ctx = NULL) {
    if (is.null(state$h)) state$h <- .mx_handle(.py("updater_create", opt))
    list(index = index, weight_dim = weight_dim)
  }
  opt$update <- function(index, exec_w, weight, grad) {
    if (is.null(state$h)) state$h <- .mx_handle(.py("updater_create", opt))
    .py("opt_update_one", state$h$id, index, weight, grad)
  }
  opt
}

#' @rdname mx.opt.create
mx.opt.sgd <- function(learning.rate = 0.01, momentum = 0, wd = 0, rescale.grad = 1,
                       clip_gradient = -1, lr_scheduler = NULL) {
  mx.opt.create("sgd", learning.rate = learning.rate, momentum = momentum, wd = wd,
                rescale.grad = rescale.grad, clip_gradient = clip_gradient,
                lr_scheduler = lr_scheduler)
}

#' @rdname mx.opt.create
#' @param centered Centered RMSProp (TRUE) or plain (FALSE).
#' @param gamma1,gamma2 RMSProp's decay factors.
#' @param epsilon Added to denominators.
mx.opt.rmsprop <- function(learning.rate = 0.002, centered = TRUE, gamma1 = 0.95, gamma2 = 0.9,
                           epsilon = 1e-4, wd = 0, rescale.grad = 1, clip_gradient = -1,
                           lr_scheduler = NULL) {
  mx.opt.create("rmsprop", learning.rate = learning.rate, centered = centered, gamma1 = gamma1,
                gamma2 = gamma2, epsilon = epsilon, wd = wd, rescale.grad = rescale.grad,
                clip_gradient = clip_gradient, lr_scheduler = lr_scheduler)
}

#' @rdname mx.opt.create
#' @param beta1,beta2 Adam's decay rates of the first and second moments.
mx.opt.adam <- function(learning.rate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8,
                        wd = 0, rescale.grad = 1, clip_gradient = -1, lr_scheduler = NULL) {
  mx.opt.create("adam", learning.rate = learning.rate, beta1 = beta1, beta2 = beta2,
                epsilon = epsilon, wd = wd, rescale.grad = rescale.grad,
                clip_gradient = clip_gradient, lr_scheduler = lr_scheduler)
}

#' @rdname mx.opt.create
mx.opt.adagrad <- function(learning.rate = 0.05, epsilon = 1e-8, wd = 0, rescale.grad = 1,
                           clip_gradient = -1, lr_scheduler = NULL) {
  mx.opt.create("adagrad", learning.rate = learning.rate, epsilon = epsilon, wd = wd,
                rescale.grad = rescale.grad, clip_gradient = clip_gradient,
                lr_scheduler = lr_scheduler)
}

#' @rdname mx.opt.create
#' @param rho AdaDelta's decay rate.
mx.opt.adadelta <- function(rho = 0.90, epsilon = 1e-5, wd = 0, rescale.grad = 1,
                            clip_gradient = -1) {
  mx.opt.create("adadelta", rho = rho, epsilon = epsilon, wd = wd,
                rescale.grad = rescale.grad, clip_gradient = clip_gradient)
}

#' @rdname mx.opt.create
mx.opt.nag <- function(learning.rate = 0.01, momentum = 0, wd = 0, rescale.grad = 1,
                       clip_gradient = -1, lr_scheduler = NULL) {
  mx.opt.create("nag", learning.rate = learning.rate, momentum = momentum, wd = wd,
                rescale.grad = rescale.grad, clip_gradient = clip_gradient,
                lr_scheduler = lr_scheduler)
}

#' An updater: one optimizer step on a list of weights
#' @description
#' The step runs in the C core with the optimizer's state (momentum, Adam moments, update
#' counters), kept on the Python side for as long as the updater exists; weight i always uses
#' state i. Entries whose gradient is NULL are skipped and come back as NULL, as in MXNet R.
#' Weights are not changed in place: use the returned list.
#' @param optimizer An optimizer from [mx.opt.create()] (or mx.opt.sgd(), mx.opt.adam(), ...).
#' @param weights The weights the updater will see (kept for MXNet's signature; the state is
#'   created at the first update of each position).
#' @param ctx Ignored (CPU only).
#' @return A function(weight_list, grad_list) returning the list of updated weights.
#' @examples
#' up <- mx.opt.get.updater(mx.opt.create("sgd", learning.rate = 1),
#'                          list(w = mx.nd.array(c(1.1, 1.8))))
#' up(list(w = mx.nd.array(c(1.1, 1.8))), list(w = mx.nd.array(c(-0.3, -0.8))))$w   # 1.4 2.6
mx.opt.get.updater <- function(optimizer, weights = NULL, ctx = NULL) {
  h <- .mx_handle(.py("updater_create", optimizer))
  function(weight_list, grad_list) {
    .py("updater_update", h$id, as.list(weight_list), as.list(grad_list))
  }
}

#' Learning-rate schedulers
#' @description
#' Given as `lr_scheduler` to an optimizer, a scheduler changes the learning rate as the number
#' of updates grows (unlike MXNet R 1.x, where the new rate never reached the update):
#' `FactorScheduler` multiplies it by `factor_val` every `step` updates,
#' `MultiFactorScheduler` each time the update count passes one of the `step` values. The rate
#' never goes below `stop_factor_lr`.
#' @param step The number of updates between reductions (FactorScheduler), or the increasing
#'   update counts at which to reduce (MultiFactorScheduler).
#' @param factor_val The factor, at most 1.
#' @param stop_factor_lr The smallest rate.
#' @param verbose Print a message at each change.
#' @return A scheduler: a list of class "MXLRScheduler".
#' @examples
#' sched <- mx.lr_scheduler.FactorScheduler(step = 100, factor_val = 0.5)
#' multi <- mx.lr_scheduler.MultiFactorScheduler(step = c(100, 200), factor_val = 0.1)
#' opt <- mx.opt.sgd(learning.rate = 0.1, lr_scheduler = sched)
mx.lr_scheduler.FactorScheduler <- function(step, factor_val, stop_factor_lr = 1e-8, verbose = TRUE) {
  if (step < 1) stop("Schedule step must be greater or equal than 1 round", call. = FALSE)
  if (factor_val > 1) stop("Factor must be no more than 1 to make lr reduce", call. = FALSE)
  structure(list(kind = "factor", args = list(step = step, factor_val = factor_val,
                 stop_factor_lr = stop_factor_lr, verbose = verbose)), class = "MXLRScheduler")
}

#' @rdname mx.lr_scheduler.FactorScheduler
mx.lr_scheduler.MultiFactorScheduler <- function(step, factor_val, stop_factor_lr = 1e-8,
                                                 verbose = TRUE) {
  if (any(diff(step) < 0)) stop("Schedule step must be an increasing integer list", call. = FALSE)
  if (any(step < 1)) stop("Schedule step must be greater or equal than 1 round", call. = FALSE)
  if (factor_val > 1) stop("Factor must be no more than 1 to make lr reduce", call. = FALSE)
  structure(list(kind = "multifactor", args = list(step = step, factor_val = factor_val,
                 stop_factor_lr = stop_factor_lr, verbose = verbose)), class = "MXLRScheduler")
}
