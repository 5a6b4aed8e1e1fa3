# initializer.R: parameter initialisers (docs/MXNET_R_BEHAVIOUR.md, "Initializers, contexts and
# random numbers"). Each returns
# function(name, shape, ctx, allow.unknown = FALSE) with shapes in R order; the
# `mx.init` tag lets the trainer run the same rule natively (same random stream).

.mx_endswith <- function(x, suffix) {
  n <- nchar(x); k <- nchar(suffix)
  n >= k && substr(x, n - k + 1, n) == suffix
}

#' Default values by name suffix: bias, beta, moving_mean -> 0; gamma, moving_var -> 1.
#' @examples
#' mx.init.internal.default("fc1_bias", c(3))
mx.init.internal.default <- function(name, shape, ctx = NULL, allow.unknown = FALSE) {
  for (rule in list(c("bias", 0), c("gamma", 1), c("beta", 0), c("moving_mean", 0),
                    c("moving_var", 1))) {
    if (.mx_endswith(name, rule[[1]])) return(mx.nd.array(array(as.numeric(rule[[2]]), dim = shape)))
  }
  if (allow.unknown) return(NULL)
  stop(paste("Unkown initialization pattern for ", name), call. = FALSE)
}

.mx_tag_init <- function(f, kind, args) {
  attr(f, "mx.init") <- list(kind = kind, args = args)
  f
}

#' Weights from U(-scale, scale).
#' @examples
#' init <- mx.init.uniform(0.01); w <- init("fc_weight", c(13, 1))
mx.init.uniform <- function(scale) {
  .mx_tag_init(function(name, shape, ctx = NULL, allow.unknown = FALSE) {
    if (!.mx_endswith(name, "weight")) return(mx.init.internal.default(name, shape, ctx, allow.unknown))
    mx.runif(shape, -scale, scale, ctx)
  }, "uniform", list(scale = scale))
}

#' Weights from N(0, sd).
#' @examples
#' init <- mx.init.normal(0.1)
mx.init.normal <- function(sd) {
  .mx_tag_init(function(name, shape, ctx = NULL, allow.unknown = FALSE) {
    if (!.mx_endswith(name, "weight")) return(mx.init.internal.default(name, shape, ctx, allow.unknown))
    mx.rnorm(shape, 0, sd, ctx)
  }, "normal", list(sd = sd))
}

#' Xavier initialisation; fan_out is the last R dim, fan_in the product of the others.
#' @examples
#' init <- mx.init.Xavier(rnd_type = "gaussian", factor_type = "in", magnitude = 2)
mx.init.Xavier <- function(rnd_type = "uniform", factor_type = "avg", magnitude = 3) {
  if (!(rnd_type %in% c("uniform", "gaussian"))) stop("Not supported random type", call. = FALSE)
  if (!(factor_type %in% c("avg", "in", "out"))) stop("Not supported factor type", call. = FALSE)
  .mx_tag_init(function(name, shape, ctx = NULL, allow.unknown = FALSE) {
    if (!.mx_endswith(name, "weight")) return(mx.init.internal.default(name, shape, ctx, allow.unknown))
    fan_out <- shape[length(shape)]
    fan_in <- prod(shape[-length(shape)])
    factor <- switch(factor_type, avg = (fan_in + fan_out) / 2, `in` = fan_in, out = fan_out)
    scale <- sqrt(magnitude / factor)
    if (rnd_type == "uniform") mx.runif(shape, -scale, scale, ctx) else mx.rnorm(shape, 0, scale, ctx)
  }, "Xavier", list(rnd_type = rnd_type, factor_type = factor_type, magnitude = magnitude))
}

#' Apply an initializer to a named list of shapes.
#' @examples
#' mx.init.create(mx.init.uniform(0.1), list(fc_weight = c(2, 1), fc_bias = 1), mx.cpu())
mx.init.create <- function(initializer, shape.array, ctx = NULL, skip.unknown = TRUE) {
  if (length(shape.array) == 0) return(list())
  out <- lapply(names(shape.array), function(n) initializer(n, shape.array[[n]], ctx, skip.unknown))
  names(out) <- names(shape.array)
  out[!vapply(out, is.null, logical(1))]
}
