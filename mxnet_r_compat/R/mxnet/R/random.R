# random.R: the core's random numbers, MXNet 1.9.1's CPU generator (native/rng.h): the same
# seed gives MXNet's numbers (docs/MXNET_R_BEHAVIOUR.md, "Initializers, contexts and random
# numbers"). R's set.seed does not affect it.

#' Seed mxnet's random stream
#' @description
#' Weight initialisation, the training shuffle, validation shuffles and dropout all draw from
#' one MT19937 stream in the C core, seeded here; R's own `set.seed()` does not affect it. The
#' same seed gives the same numbers as MXNet R's documentation, and the same training in R and
#' in Python.
#' @param seed An integer.
#' @return NULL, invisibly.
#' @examples
#' mx.set.seed(0)
#' as.array(mx.runif(2))   # 0.5488135 0.5928446, as in MXNet R's documentation
mx.set.seed <- function(seed) invisible(.py("set_seed", seed))

#' Random numbers from mxnet's stream
#' @description
#' `mx.runif()` draws uniform numbers in \[min, max), `mx.rnorm()` normal ones, from the stream
#' seeded by [mx.set.seed()].
#' @param shape The R dimensions of the result.
#' @param min,max The range of `mx.runif()`.
#' @param ctx Ignored (CPU only).
#' @return An MXNDArray of dimensions `shape`.
#' @examples
#' mx.set.seed(0)
#' mx.runif(c(2, 3), -1, 1)
#' mx.set.seed(0)
#' mx.rnorm(2)   # 2.212206 0.7740038
mx.runif <- function(shape, min = 0, max = 1, ctx = NULL) {
  if (!is.numeric(min)) stop("mx.rnorm only accept numeric min", call. = FALSE)
  if (!is.numeric(max)) stop("mx.rnorm only accept numeric max", call. = FALSE)
  .py("runif", as.integer(shape), as.numeric(min), as.numeric(max))
}

#' @rdname mx.runif
#' @param mean,sd The mean and standard deviation of `mx.rnorm()`.
mx.rnorm <- function(shape, mean = 0, sd = 1, ctx = NULL) {
  if (!is.numeric(mean)) stop("mx.rnorm only accept numeric mean", call. = FALSE)
  if (!is.numeric(sd)) stop("mx.rnorm only accept numeric sd", call. = FALSE)
  .py("rnorm", as.integer(shape), as.numeric(mean), as.numeric(sd))
}
