# symbol_ops.R: shape, reduction, broadcast and elementwise-math operators as symbols.
# Parameters follow MXNet R's convention (docs/MXNET_R_BEHAVIOUR.md, "Conventions"): a
# vector, or any value of a parameter whose name ends in "shape", is given in R order and
# reversed for the backend; a single number (axis = 1) is passed as it is, a backend axis.
# py: mxnet_r_compat.ops (layout_ops, reduce_ops, broadcast_ops, algebra)

#' Stop the gradient
#' @description
#' The output is the input; no gradient flows back through it (the matrix-factorisation
#' networks of MXNet R wrap their index inputs in it). `mx.symbol.stop_gradient()` is the
#' same operator.
#' @param ... The input symbol (positional, or `data =`) and `name =` for the node.
#' @return A symbol (class "MXSymbol").
#' @examples
#' user <- mx.symbol.BlockGrad(mx.symbol.Variable("user"))
#' outputs(user)
mx.symbol.BlockGrad <- function(...) .mx_op("BlockGrad", list(...))

#' @rdname mx.symbol.BlockGrad
mx.symbol.stop_gradient <- function(...) .mx_op("BlockGrad", list(...))

#' Reshape a symbol's output
#' @description
#' `shape` in R order (reversed for the backend as MXNet R does), with MXNet's special
#' values: 0 keeps an extent, -1 infers one, -2 copies the rest, -3 merges two, -4 splits
#' one; `reverse = TRUE` reads them from the other end. The legacy `target_shape` (one 0
#' inferred) with `keep_highest` is accepted too. `mx.symbol.reshape()` is the same operator.
#' @param ... The input symbol (positional, or `data =`), `shape =` (or `target_shape =`),
#'   `reverse =`, and `name =` for the node.
#' @return A symbol (class "MXSymbol").
#' @examples
#' x <- mx.symbol.Variable("x")
#' r <- mx.symbol.Reshape(x, shape = c(-1, 0))   # backend shape (0, -1)
#' mx.symbol.infer.shape(r, x = c(4, 3, 2))$out.shapes   # 12 2
#' r2 <- mx.symbol.reshape(x, shape = c(6, 4))
mx.symbol.Reshape <- function(...) .mx_op("Reshape", list(...))

#' @rdname mx.symbol.Reshape
mx.symbol.reshape <- function(...) .mx_op("Reshape", list(...))

#' Insert an axis of extent 1
#' @description
#' Parameter `axis` (required): the backend axis the new one takes (negative: from the end).
#' @param ... The input symbol (positional, or `data =`), `axis =`, and `name =`.
#' @return A symbol (class "MXSymbol").
#' @examples
#' e <- mx.symbol.expand_dims(mx.symbol.Variable("x"), axis = 1)
#' mx.symbol.infer.shape(e, x = c(3, 2))$out.shapes   # 3 1 2
mx.symbol.expand_dims <- function(...) .mx_op("expand_dims", list(...))

#' Cast to a data type
#' @description
#' Values are float32 in this package, so `dtype = "float32"` (required) is the one accepted
#' type; the output is a copy of the input. Another dtype is an error naming it.
#' `mx.symbol.cast()` is the same operator.
#' @param ... The input symbol (positional, or `data =`), `dtype =`, and `name =`.
#' @return A symbol (class "MXSymbol").
#' @examples
#' c32 <- mx.symbol.Cast(mx.symbol.Variable("x"), dtype = "float32")
#' try(mx.symbol.Cast(mx.symbol.Variable("x"), dtype = "float16"))
mx.symbol.Cast <- function(...) .mx_op("Cast", list(...))

#' @rdname mx.symbol.Cast
mx.symbol.cast <- function(...) .mx_op("Cast", list(...))

#' Permute the axes
#' @description
#' Parameter `axes`: the backend permutation, given as a vector in R order (reversed as MXNet
#' R does); none reverses every axis.
#' @param ... The input symbol (positional, or `data =`), `axes =`, and `name =`.
#' @return A symbol (class "MXSymbol").
#' @examples
#' t <- mx.symbol.transpose(mx.symbol.Variable("x"))
#' mx.symbol.infer.shape(t, x = c(4, 3))$out.shapes   # 3 4
mx.symbol.transpose <- function(...) .mx_op("transpose", list(...))

#' Split into equal parts
#' @description
#' `num_outputs` parts along backend axis `axis` (1), as many outputs
#' (`<name>_output0`, `<name>_output1`, ...); `squeeze_axis = TRUE` drops the axis when each
#' part has extent 1 along it. `mx.symbol.split()` is the same operator.
#' @param ... The input symbol (positional, or `data =`), `num_outputs =`, `axis =`,
#'   `squeeze_axis =`, and `name =`.
#' @return A symbol (class "MXSymbol") with `num_outputs` outputs; `s[[i]]` is part i.
#' @examples
#' s <- mx.symbol.SliceChannel(mx.symbol.Variable("data"), num_outputs = 3, name = "slice")
#' outputs(s)   # "slice_output0" "slice_output1" "slice_output2"
#' second <- s[[2]]
mx.symbol.SliceChannel <- function(...) .mx_op("SliceChannel", list(...))

#' @rdname mx.symbol.SliceChannel
mx.symbol.split <- function(...) .mx_op("SliceChannel", list(...))

#' Reductions: sum, mean, max, min
#' @description
#' Over backend axes `axis` (all when not given; negative from the end), with `keepdims`
#' (FALSE) and `exclude` (FALSE: reduce over the other axes). A result with no axis left has
#' shape 1. `sum_axis`, `max_axis` and `min_axis` are MXNet's other names of sum, max, min.
#' @param ... The input symbol (positional, or `data =`), `axis =`, `keepdims =`,
#'   `exclude =`, and `name =`.
#' @return A symbol (class "MXSymbol").
#' @examples
#' x <- mx.symbol.Variable("x")
#' s <- mx.symbol.sum(x, axis = 1)          # backend axis 1: the features of each sample
#' mx.symbol.infer.shape(s, x = c(3, 5))$out.shapes   # 5
#' m <- mx.symbol.mean(x, keepdims = TRUE)
#' s2 <- mx.symbol.sum_axis(x, axis = 1)
#' hi <- mx.symbol.max(x, axis = 0); lo <- mx.symbol.min(x, axis = 0)
#' hi2 <- mx.symbol.max_axis(x, axis = 0); lo2 <- mx.symbol.min_axis(x, axis = 0)
mx.symbol.sum <- function(...) .mx_op("sum", list(...))

#' @rdname mx.symbol.sum
mx.symbol.sum_axis <- function(...) .mx_op("sum", list(...))

#' @rdname mx.symbol.sum
mx.symbol.mean <- function(...) .mx_op("mean", list(...))

#' @rdname mx.symbol.sum
mx.symbol.max <- function(...) .mx_op("max", list(...))

#' @rdname mx.symbol.sum
mx.symbol.max_axis <- function(...) .mx_op("max", list(...))

#' @rdname mx.symbol.sum
mx.symbol.min <- function(...) .mx_op("min", list(...))

#' @rdname mx.symbol.sum
mx.symbol.min_axis <- function(...) .mx_op("min", list(...))

#' Binary operators with broadcasting
#' @description
#' `lhs op rhs` where the shapes differ by axes of extent 1 (the shorter one gets leading
#' backend axes of 1, as in MXNet); the gradient of a repeated input is summed over the
#' repeats. `broadcast_plus` and `broadcast_minus` are MXNet's other names of `broadcast_add`
#' and `broadcast_sub`.
#' @param ... The two input symbols (positional, or `lhs =`, `rhs =`) and `name =`.
#' @return A symbol (class "MXSymbol").
#' @examples
#' a <- mx.symbol.Variable("a"); b <- mx.symbol.Variable("b")
#' s <- mx.symbol.broadcast_add(a, b)
#' mx.symbol.infer.shape(s, a = c(3, 2), b = c(3, 1))$out.shapes   # 3 2
#' d <- mx.symbol.broadcast_div(lhs = a, rhs = b)
#' others <- list(mx.symbol.broadcast_plus(a, b), mx.symbol.broadcast_sub(a, b),
#'   mx.symbol.broadcast_minus(a, b), mx.symbol.broadcast_mul(a, b),
#'   mx.symbol.broadcast_power(a, b), mx.symbol.broadcast_maximum(a, b),
#'   mx.symbol.broadcast_minimum(a, b))
mx.symbol.broadcast_add <- function(...) .mx_op("broadcast_add", list(...))

#' @rdname mx.symbol.broadcast_add
mx.symbol.broadcast_plus <- function(...) .mx_op("broadcast_add", list(...))

#' @rdname mx.symbol.broadcast_add
mx.symbol.broadcast_sub <- function(...) .mx_op("broadcast_sub", list(...))

#' @rdname mx.symbol.broadcast_add
mx.symbol.broadcast_minus <- function(...) .mx_op("broadcast_sub", list(...))

#' @rdname mx.symbol.broadcast_add
mx.symbol.broadcast_mul <- function(...) .mx_op("broadcast_mul", list(...))

#' @rdname mx.symbol.broadcast_add
mx.symbol.broadcast_div <- function(...) .mx_op("broadcast_div", list(...))

#' @rdname mx.symbol.broadcast_add
mx.symbol.broadcast_power <- function(...) .mx_op("broadcast_power", list(...))

#' @rdname mx.symbol.broadcast_add
mx.symbol.broadcast_maximum <- function(...) .mx_op("broadcast_maximum", list(...))

#' @rdname mx.symbol.broadcast_add
mx.symbol.broadcast_minimum <- function(...) .mx_op("broadcast_minimum", list(...))

#' Repeat a symbol along axes of extent 1
#' @description
#' `broadcast_to`: to `shape` (R order, reversed as MXNet R does; 0 keeps an extent).
#' `broadcast_axis` (also `broadcast_axes`): backend axes `axis` grown to `size`.
#' @param ... The input symbol (positional, or `data =`), `shape =` or `axis =`/`size =`,
#'   and `name =`.
#' @return A symbol (class "MXSymbol").
#' @examples
#' x <- mx.symbol.Variable("x")
#' b <- mx.symbol.broadcast_to(x, shape = c(3, 4))
#' mx.symbol.infer.shape(b, x = c(3, 1))$out.shapes   # 3 4
#' b2 <- mx.symbol.broadcast_axis(x, axis = 0, size = 4)
#' b3 <- mx.symbol.broadcast_axes(x, axis = 0, size = 4)
mx.symbol.broadcast_to <- function(...) .mx_op("broadcast_to", list(...))

#' @rdname mx.symbol.broadcast_to
mx.symbol.broadcast_axis <- function(...) .mx_op("broadcast_axis", list(...))

#' @rdname mx.symbol.broadcast_to
mx.symbol.broadcast_axes <- function(...) .mx_op("broadcast_axis", list(...))

#' Elementwise square root, exponential and natural logarithm
#' @param ... The input symbol (positional, or `data =`) and `name =`.
#' @return A symbol (class "MXSymbol").
#' @examples
#' x <- mx.symbol.Variable("x")
#' r <- mx.symbol.sqrt(x); e <- mx.symbol.exp(x); l <- mx.symbol.log(x)
#' outputs(l)
mx.symbol.sqrt <- function(...) .mx_op("sqrt", list(...))

#' @rdname mx.symbol.sqrt
mx.symbol.exp <- function(...) .mx_op("exp", list(...))

#' @rdname mx.symbol.sqrt
mx.symbol.log <- function(...) .mx_op("log", list(...))
