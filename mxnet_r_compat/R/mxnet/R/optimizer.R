# optimizer.R: optimizers and learning-rate schedulers (docs/MXNET_R_BEHAVIOUR.md, "Optimizers" and
# "Schedulers").
# The R objects describe them; the updates run in the C core.

#' Create an optimizer by name: "sgd", "rmsprop", "adam", "adagrad", "adadelta" or "nag".
#' @examples
#' opt <- mx.opt.create("sgd", learning.rate = 0.1, momentum = 0.9)
mx.opt.create <- function(name, ...) {
  known <- c("sgd", "rmsprop", "adam", "adagrad", "adadelta", "nag")
  if (!is.character(name) || length(name) != 1L || !(name %in% known)) {
    stop("Unknown optimizer ", name, call. = FALSE)
  }
  structure(list(name = name, args = list(...)), class = "MXOptimizer")
}

#' SGD, with optional momentum: w <- (1 - lr*wd)*w - lr*clip(rescale*g).
#' @examples
#' opt <- mx.opt.sgd(learning.rate = 0.01, momentum = 0.9)
mx.opt.sgd <- function(learning.rate = 0.01, momentum = 0, wd = 0, rescale.grad = 1,
                       clip_gradient = -1, lr_scheduler = NULL) {
  mx.opt.create("sgd", learning.rate = learning.rate, momentum = momentum, wd = wd,
                rescale.grad = rescale.grad, clip_gradient = clip_gradient,
                lr_scheduler = lr_scheduler)
}

#' RMSProp (centered by default).
#' @examples
#' opt <- mx.opt.rmsprop()
mx.opt.rmsprop <- function(learning.rate = 0.002, centered = TRUE, gamma1 = 0.95, gamma2 = 0.9,
                           epsilon = 1e-4, wd = 0, rescale.grad = 1, clip_gradient = -1,
                           lr_scheduler = NULL) {
  mx.opt.create("rmsprop", learning.rate = learning.rate, centered = centered, gamma1 = gamma1,
                gamma2 = gamma2, epsilon = epsilon, wd = wd, rescale.grad = rescale.grad,
                clip_gradient = clip_gradient, lr_scheduler = lr_scheduler)
}

#' Adam without bias correction (as MXNet R).
#' @examples
#' opt <- mx.opt.adam(learning.rate = 1e-3)
mx.opt.adam <- function(learning.rate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8,
                        wd = 0, rescale.grad = 1, clip_gradient = -1, lr_scheduler = NULL) {
  mx.opt.create("adam", learning.rate = learning.rate, beta1 = beta1, beta2 = beta2,
                epsilon = epsilon, wd = wd, rescale.grad = rescale.grad,
                clip_gradient = clip_gradient, lr_scheduler = lr_scheduler)
}

#' AdaGrad.
#' @examples
#' opt <- mx.opt.adagrad()
mx.opt.adagrad <- function(learning.rate = 0.05, epsilon = 1e-8, wd = 0, rescale.grad = 1,
                           clip_gradient = -1, lr_scheduler = NULL) {
  mx.opt.create("adagrad", learning.rate = learning.rate, epsilon = epsilon, wd = wd,
                rescale.grad = rescale.grad, clip_gradient = clip_gradient,
                lr_scheduler = lr_scheduler)
}

#' AdaDelta (no learning rate).
#' @examples
#' opt <- mx.opt.adadelta()
mx.opt.adadelta <- function(rho = 0.90, epsilon = 1e-5, wd = 0, rescale.grad = 1,
                            clip_gradient = -1) {
  mx.opt.create("adadelta", rho = rho, epsilon = epsilon, wd = wd,
                rescale.grad = rescale.grad, clip_gradient = clip_gradient)
}

#' Nesterov accelerated gradient.
#' @examples
#' opt <- mx.opt.nag(momentum = 0.9)
mx.opt.nag <- function(learning.rate = 0.01, momentum = 0, wd = 0, rescale.grad = 1,
                       clip_gradient = -1, lr_scheduler = NULL) {
  mx.opt.create("nag", learning.rate = learning.rate, momentum = momentum, wd = wd,
                rescale.grad = rescale.grad, clip_gradient = clip_gradient,
                lr_scheduler = lr_scheduler)
}

#' An updater: a function(weight_list, grad_list) that applies one optimizer step.
#'
#' The step runs in the C core with the optimizer's state (momentum, Adam moments, update
#' counters), which stays on the Python side, keyed by a handle, for as long as the updater
#' exists; weight i always uses state i. Entries whose gradient is NULL are skipped and come
#' back as NULL, as in MXNet R. Weights are not changed in place: use the returned list.
#' @param optimizer An optimizer from mx.opt.create() (or mx.opt.sgd(), mx.opt.adam(), ...).
#' @param weights The weights the updater will see (kept for MXNet's signature; the state is
#'   created at the first update of each position).
#' @param ctx Ignored (CPU only).
#' @return function(weight_list, grad_list) returning the list of updated weights.
#' @examples
#' up <- mx.opt.get.updater(mx.opt.create("sgd", learning.rate = 1), list(w = mx.nd.array(c(1.1, 1.8))))
#' up(list(w = mx.nd.array(c(1.1, 1.8))), list(w = mx.nd.array(c(-0.3, -0.8))))$w   # 1.4 2.6
mx.opt.get.updater <- function(optimizer, weights = NULL, ctx = NULL) {
  h <- .mx_handle(.py("updater_create", optimizer))
  function(weight_list, grad_list) {
    .py("updater_update", h$id, as.list(weight_list), as.list(grad_list))
  }
}

#' Multiply the learning rate by factor_val every `step` updates (it really changes the rate).
#' @examples
#' sched <- mx.lr_scheduler.FactorScheduler(step = 100, factor_val = 0.5)
mx.lr_scheduler.FactorScheduler <- function(step, factor_val, stop_factor_lr = 1e-8, verbose = TRUE) {
  if (step < 1) stop("Schedule step must be greater or equal than 1 round", call. = FALSE)
  if (factor_val > 1) stop("Factor must be no more than 1 to make lr reduce", call. = FALSE)
  structure(list(kind = "factor", args = list(step = step, factor_val = factor_val,
                 stop_factor_lr = stop_factor_lr, verbose = verbose)), class = "MXLRScheduler")
}

#' Multiply the learning rate by factor_val as the update count passes each step.
#' @examples
#' sched <- mx.lr_scheduler.MultiFactorScheduler(step = c(100, 200), factor_val = 0.1)
mx.lr_scheduler.MultiFactorScheduler <- function(step, factor_val, stop_factor_lr = 1e-8,
                                                 verbose = TRUE) {
  if (any(diff(step) < 0)) stop("Schedule step must be an increasing integer list", call. = FALSE)
  if (any(step < 1)) stop("Schedule step must be greater or equal than 1 round", call. = FALSE)
  if (factor_val > 1) stop("Factor must be no more than 1 to make lr reduce", call. = FALSE)
  structure(list(kind = "multifactor", args = list(step = step, factor_val = factor_val,
                 stop_factor_lr = stop_factor_lr, verbose = verbose)), class = "MXLRScheduler")
}
