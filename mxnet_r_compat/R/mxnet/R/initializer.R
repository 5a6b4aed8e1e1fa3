# initializer.R: parameter initialisers (docs/MXNET_R_BEHAVIOUR.md, "Initializers, contexts and
# random numbers"). Each returns
# function(name, shape, ctx, allow.unknown = FALSE) with shapes in R order; the
# `mx.init` tag lets the trainer run the same rule natively (same random stream).

.mx_endswith <- function(x, suffix) {
  n <- nchar(x); k <- nchar(suffix)
  n >= k && substr(x, n - k + 1, n) == suffix
}

#' The initial value of a non-weight parameter, by its name
#' @description
#' Used by every initializer for names that do not end in "weight": a name ending in "bias",
#' "beta" or "moving_mean" gets zeros, "gamma" or "moving_var" ones.
#' @param name The parameter's name.
#' @param shape Its R dimensions.
#' @param ctx Ignored (CPU only).
#' @param allow.unknown When TRUE, an unknown name gives NULL instead of an error.
#' @return An MXNDArray, or NULL for an unknown name with `allow.unknown = TRUE`.
#' @examples
#' mx.init.internal.default("fc1_bias", 3)
#' mx.init.internal.default("bn_gamma", c(2, 2))
#' mx.init.internal.default("data", c(2, 2), allow.unknown = TRUE)   # NULL
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

#' Weight initializers
#' @description
#' An initializer is a function(name, shape, ctx, allow.unknown) giving the initial value of the
#' parameter `name`: weights (names ending in "weight") are drawn from mxnet's random stream
#' ([mx.set.seed()]), other parameters follow [mx.init.internal.default()].
#' `mx.init.uniform(scale)` draws from U(-scale, scale), `mx.init.normal(sd)` from N(0, sd), and
#' `mx.init.Xavier()` scales by the parameter's fan-in and fan-out: fan_out is the last R dim,
#' fan_in the product of the others; the scale is sqrt(magnitude / factor) with factor the
#' fan-in, the fan-out or their mean (`factor_type` "in", "out", "avg").
#' @param scale The half-width of the uniform range.
#' @return An initializer: function(name, shape, ctx = NULL, allow.unknown = FALSE).
#' @examples
#' init <- mx.init.uniform(0.01)
#' mx.set.seed(0)
#' w <- init("fc_weight", c(13, 1))
#' range(as.array(w))
#' mx.init.normal(0.1)("fc_bias", 2)   # zeros: a bias
#' xavier <- mx.init.Xavier(rnd_type = "gaussian", factor_type = "in", magnitude = 2)
#' dim(xavier("fc_weight", c(4, 3)))
mx.init.uniform <- function(scale) {
  .mx_tag_init(function(name, shape, ctx = NULL, allow.unknown = FALSE) {
    if (!.mx_endswith(name, "weight")) return(mx.init.internal.default(name, shape, ctx, allow.unknown))
    mx.runif(shape, -scale, scale, ctx)
  }, "uniform", list(scale = scale))
}

#' @rdname mx.init.uniform
#' @param sd The standard deviation of the normal distribution.
mx.init.normal <- function(sd) {
  .mx_tag_init(function(name, shape, ctx = NULL, allow.unknown = FALSE) {
    if (!.mx_endswith(name, "weight")) return(mx.init.internal.default(name, shape, ctx, allow.unknown))
    mx.rnorm(shape, 0, sd, ctx)
  }, "normal", list(sd = sd))
}

#' @rdname mx.init.uniform
#' @param rnd_type "uniform" or "gaussian".
#' @param factor_type "avg", "in" or "out".
#' @param magnitude The numerator of the scale.
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

#' Initial values for a named list of shapes
#' @param initializer An initializer such as [mx.init.uniform()].
#' @param shape.array A named list of R dimensions.
#' @param ctx Ignored (CPU only).
#' @param skip.unknown Leave out names the initializer does not know (such as "data") instead
#'   of failing.
#' @return A named list of MXNDArrays.
#' @examples
#' mx.set.seed(0)
#' p <- mx.init.create(mx.init.uniform(0.1), list(fc_weight = c(2, 1), fc_bias = 1, data = 5))
#' names(p)   # "fc_weight" "fc_bias"
mx.init.create <- function(initializer, shape.array, ctx = NULL, skip.unknown = TRUE) {
  if (length(shape.array) == 0) return(list())
  out <- lapply(names(shape.array), function(n) initializer(n, shape.array[[n]], ctx, skip.unknown))
  names(out) <- names(shape.array)
  out[!vapply(out, is.null, logical(1))]
}
