# random.R: the core's random numbers, MXNet 1.9.1's CPU generator (native/rng.h): the same
# seed gives MXNet's numbers (docs/MXNET_R_BEHAVIOUR.md, "Initializers, contexts and random
# numbers"). R's set.seed does not affect it.

#' Seed the random stream used for initialisation, shuffling and dropout.
#' @examples
#' mx.set.seed(0); mx.runif(2)   # 0.5488135 0.5928446
mx.set.seed <- function(seed) invisible(.py("set_seed", seed))

#' Uniform random numbers in [min, max) as an MXNDArray of R dims `shape`.
#' @examples
#' mx.runif(c(2, 3), -1, 1)
mx.runif <- function(shape, min = 0, max = 1, ctx = NULL) {
  if (!is.numeric(min)) stop("mx.rnorm only accept numeric min", call. = FALSE)
  if (!is.numeric(max)) stop("mx.rnorm only accept numeric max", call. = FALSE)
  .py("runif", as.integer(shape), as.numeric(min), as.numeric(max))
}

#' Normal random numbers as an MXNDArray of R dims `shape`.
#' @examples
#' mx.set.seed(0); mx.rnorm(2)   # 2.212206 0.7740038 (MXNet 1.9.1)
mx.rnorm <- function(shape, mean = 0, sd = 1, ctx = NULL) {
  if (!is.numeric(mean)) stop("mx.rnorm only accept numeric mean", call. = FALSE)
  if (!is.numeric(sd)) stop("mx.rnorm only accept numeric sd", call. = FALSE)
  .py("rnorm", as.integer(shape), as.numeric(mean), as.numeric(sd))
}
