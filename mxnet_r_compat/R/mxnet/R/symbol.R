# symbol.R: networks as MXSymbol objects (docs/MXNET_R_BEHAVIOUR.md, "Symbols and their JSON").
# An MXSymbol carries its graph as MXNet JSON; every operator call composes in Python.
# py: mxnet_r_compat.rbridge.entry (sym_*)

.mx_json <- function(x) .subset2(x, "json")

#' Create a named input or parameter of a network.
#' @param name the variable's name
#' @examples
#' data <- mx.symbol.Variable("data")
mx.symbol.Variable <- function(name) {
  if (!is.character(name) || length(name) != 1L) stop("name must be a single string", call. = FALSE)
  .py("sym_variable", name)
}

# Apply operator `op` to the arguments of an mx.symbol.<Op>(...) call.
.mx_op <- function(op, args) {
  nm <- names(args)
  if (is.null(nm)) nm <- rep("", length(args))
  is_sym <- vapply(args, inherits, logical(1), what = "MXSymbol")
  if (any(!is_sym & nm == "")) {
    stop("Non Symbol parameters is only accepted via key=value style.", call. = FALSE)
  }
  name <- if ("name" %in% nm) args[["name"]] else NULL
  keep <- !is_sym & nm != "name" & !vapply(args, is.null, logical(1))
  .py("sym_create", op, args[is_sym], args[keep], name)
}

#' Fully connected layer: out = data %*% t(weight) + bias.
#' @examples
#' fc1 <- mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1)
mx.symbol.FullyConnected <- function(...) .mx_op("FullyConnected", list(...))

#' Elementwise activation (act_type: relu, sigmoid, tanh, softrelu, softsign).
#' @examples
#' a <- mx.symbol.Activation(mx.symbol.Variable("data"), act_type = "relu")
mx.symbol.Activation <- function(...) .mx_op("Activation", list(...))

#' Dropout with probability p while training.
#' @examples
#' d <- mx.symbol.Dropout(mx.symbol.Variable("data"), p = 0.5)
mx.symbol.Dropout <- function(...) .mx_op("Dropout", list(...))

#' Batch normalisation with moving statistics as auxiliary states.
#' @examples
#' bn <- mx.symbol.BatchNorm(mx.symbol.Variable("data"))
mx.symbol.BatchNorm <- function(...) .mx_op("BatchNorm", list(...))

#' Flatten all but the batch axis.
#' @examples
#' f <- mx.symbol.Flatten(mx.symbol.Variable("data"))
mx.symbol.Flatten <- function(...) .mx_op("Flatten", list(...))

#' Elementwise square: out = data * data.
#' @examples
#' sq <- mx.symbol.square(mx.symbol.Variable("data"))
mx.symbol.square <- function(...) .mx_op("square", list(...))

#' Softmax output layer (cross-entropy gradient).
#' @examples
#' out <- mx.symbol.SoftmaxOutput(mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 3))
mx.symbol.SoftmaxOutput <- function(...) .mx_op("SoftmaxOutput", list(...))

#' Alias of mx.symbol.SoftmaxOutput.
#' @examples
#' out <- mx.symbol.Softmax(mx.symbol.Variable("data"))
mx.symbol.Softmax <- function(...) .mx_op("SoftmaxOutput", list(...))

#' Linear regression output layer (squared-error gradient).
#' @examples
#' lro <- mx.symbol.LinearRegressionOutput(mx.symbol.Variable("data"))
mx.symbol.LinearRegressionOutput <- function(...) .mx_op("LinearRegressionOutput", list(...))

#' Logistic regression output layer.
#' @examples
#' out <- mx.symbol.LogisticRegressionOutput(mx.symbol.Variable("data"))
mx.symbol.LogisticRegressionOutput <- function(...) .mx_op("LogisticRegressionOutput", list(...))

#' Mean-absolute-error regression output layer.
#' @examples
#' out <- mx.symbol.MAERegressionOutput(mx.symbol.Variable("data"))
mx.symbol.MAERegressionOutput <- function(...) .mx_op("MAERegressionOutput", list(...))

#' Concatenate a list of symbols along backend axis `dim` (default 1).
#' @examples
#' a <- mx.symbol.Variable("a"); b <- mx.symbol.Variable("b")
#' ab <- mx.symbol.concat(list(a, b), num.args = 2)
mx.symbol.concat <- function(data, num.args, dim = NULL, name = NULL) {
  if (inherits(data, "MXSymbol")) data <- list(data)
  args <- c(data, list(num.args = num.args, dim = dim, name = name))
  .mx_op("Concat", args[!vapply(args, is.null, logical(1))])
}

#' Deprecated spelling of mx.symbol.concat.
#' @examples
#' ab <- mx.symbol.Concat(list(mx.symbol.Variable("a"), mx.symbol.Variable("b")), num.args = 2)
mx.symbol.Concat <- function(data, num.args, dim = NULL, name = NULL) {
  warning("mx.symbol.Concat is deprecated. Use mx.symbol.concat instead.", call. = FALSE)
  mx.symbol.concat(data, num.args, dim, name)
}

#' Group several symbols into one with all their outputs.
#' @examples
#' g <- mx.symbol.Group(mx.symbol.Variable("a"), mx.symbol.Variable("b"))
mx.symbol.Group <- function(...) {
  args <- list(...)
  if (length(args) == 1L && is.list(args[[1]]) && !inherits(args[[1]], "MXSymbol")) args <- args[[1]]
  if (!all(vapply(args, inherits, logical(1), what = "MXSymbol"))) {
    stop("Group only accept MXSymbol as input", call. = FALSE)
  }
  .py("sym_group", args)
}

.mx_check_symbol <- function(x) {
  if (!inherits(x, "MXSymbol")) stop("only for MXSymbol type", call. = FALSE)
}

#' Names of a symbol's arguments (inputs and parameters), in MXNet's order.
#' @examples
#' arguments(mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1, name = "fc1"))
arguments <- function(x) {
  .mx_check_symbol(x)
  .py("sym_query", x, "arguments")
}

#' Names of a symbol's outputs.
#' @examples
#' outputs(mx.symbol.Variable("data"))
outputs <- function(x) {
  .mx_check_symbol(x)
  .py("sym_query", x, "outputs")
}

#' Every internal output of a symbol, as a group.
#' @examples
#' internals(mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
internals <- function(x) {
  .mx_check_symbol(x)
  .py("sym_query", x, "internals")
}

#' The inputs of a symbol's output node, as a group (NULL for a variable).
#' @examples
#' children(mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
children <- function(x) {
  .mx_check_symbol(x)
  .py("sym_query", x, "children")
}

#' Infer argument, output and auxiliary shapes (R dimension order) from named shapes.
#' @return list(arg.shapes, out.shapes, aux.shapes), or NULL when the shapes are not enough
#' @examples
#' fc <- mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1, name = "fc")
#' mx.symbol.infer.shape(fc, data = c(13, 20))$arg.shapes$fc_weight
mx.symbol.infer.shape <- function(symbol, ...) {
  .mx_check_symbol(symbol)
  shapes <- list(...)
  if (length(shapes) && (is.null(names(shapes)) || any(names(shapes) == ""))) {
    stop("Need to pass parameters in key=value style.", call. = FALSE)
  }
  .py("sym_infer_shape", symbol, shapes)
}

#' Save a symbol as MXNet JSON.
#' @examples
#' mx.symbol.save(mx.symbol.Variable("data"), tempfile(fileext = ".json"))
mx.symbol.save <- function(symbol, filename) {
  .mx_check_symbol(symbol)
  writeLines(.mx_json(symbol), path.expand(filename), useBytes = TRUE)
  invisible(NULL)
}

#' Load a symbol from an MXNet JSON file.
#'
#' Only a regular file of a bounded size is read (a FIFO or a device is refused before it is
#' opened; see docs/RELIABILITY.md, "Hostile files").
#' @examples
#' f <- tempfile(fileext = ".json"); mx.symbol.save(mx.symbol.Variable("x"), f); mx.symbol.load(f)
mx.symbol.load <- function(filename) .py("sym_load", path.expand(filename))

#' Build a symbol from MXNet JSON text.
#' @examples
#' s <- mx.symbol.load.json(mx.symbol.Variable("x")$as.json())
mx.symbol.load.json <- function(json.str) .py("sym_load_json", json.str)

#' Fields and methods of a symbol: x$arguments, x$outputs, x$as.json(), x$get.output(i) ...
#' @examples
#' s <- mx.symbol.Variable("data"); s$arguments; s$as.json()
`$.MXSymbol` <- function(x, name) {
  switch(name,
    arguments = arguments(x),
    outputs = outputs(x),
    auxiliary.states = .py("sym_query", x, "auxiliary.states"),
    attributes = .py("sym_query", x, "attributes"),
    as.json = function() .mx_json(x),
    get.output = function(index) .py("sym_get_output", x, index),
    get.internals = function() internals(x),
    infer.shape = function(...) mx.symbol.infer.shape(x, ...),
    save = function(filename) mx.symbol.save(x, filename),
    json = .mx_json(x),
    stop("MXSymbol has no field `", name, "`", call. = FALSE))
}

#' Output i (1-based) of a symbol.
#' @examples
#' g <- mx.symbol.Group(mx.symbol.Variable("a"), mx.symbol.Variable("b")); g[[2]]
`[[.MXSymbol` <- function(x, i) .py("sym_get_output", x, i)

#' Print a symbol's outputs and arguments.
#' @examples
#' print(mx.symbol.Variable("data"))
print.MXSymbol <- function(x, ...) {
  cat("MXSymbol\n  outputs:  ", paste(outputs(x), collapse = ", "),
      "\n  arguments:", paste(arguments(x), collapse = ", "), "\n")
  invisible(x)
}

#' Set a symbol's attributes: `x$attributes <- list(key = "value")`.
#'
#' Only `attributes` can be assigned; values must be character strings. Returns the changed
#' symbol (R objects are values: the original is not modified elsewhere).
#' @param x A symbol.
#' @param name "attributes".
#' @param value A named list of strings.
#' @examples
#' v <- mx.symbol.Variable("data"); v$attributes <- list(mood = "happy"); v$attributes
`$<-.MXSymbol` <- function(x, name, value) {
  if (name != "attributes") stop("MXSymbol: only `attributes` can be assigned", call. = FALSE)
  if (!is.list(value) || is.null(names(value)) || !all(vapply(value, is.character, logical(1)))) {
    stop("attributes must be a named list of character strings", call. = FALSE)
  }
  .py("sym_set_attributes", x, value)
}

#' Compose a symbol with new inputs (MXNet R's mx.apply).
#'
#' Inputs replace arguments of `x`, by name (an argument name such as "fc1_weight", or the
#' input name of x's output operator, such as "data") or by position, not both.
#' @param x A symbol.
#' @param ... Symbols, named or positional; `name =` renames x's output operator.
#' @return The composed symbol; x is unchanged.
#' @examples
#' fc <- mx.symbol.FullyConnected(num_hidden = 3, name = "fc")   # its input is fc_data
#' net <- mx.apply(fc, data = mx.symbol.Variable("x")); arguments(net)   # x fc_weight fc_bias
mx.apply <- function(x, ...) {
  .mx_check_symbol(x)
  args <- list(...)
  name <- NULL
  if ("name" %in% names(args)) {
    name <- args[["name"]]
    args[["name"]] <- NULL
  }
  if (!all(vapply(args, inherits, logical(1), what = "MXSymbol"))) {
    stop("mx.apply only accepts MXSymbol inputs (and name =)", call. = FALSE)
  }
  .py("sym_apply", x, args, name)
}

#' Arithmetic on symbols: `+ - * / ^` between symbols or with a number on either side.
#'
#' Builds elemwise_add/sub/mul/div between symbols and the *_scalar operators with a number,
#' named as MXNet names them (_plus0, _minusscalar0, _rdivscalar0, ...).
#' @param e1,e2 Symbols or numbers.
#' @examples
#' a <- mx.symbol.Variable("a"); b <- mx.symbol.Variable("b")
#' outputs(a + b); outputs(1 - a * 2)
Ops.MXSymbol <- function(e1, e2) {
  ops <- c("+" = "add", "-" = "sub", "*" = "mul", "/" = "div", "^" = "power")
  if (!(.Generic %in% names(ops))) {
    stop("Symbol operator ", .Generic, " is not supported; use + - * / or ^.", call. = FALSE)
  }
  if (missing(e2)) {
    if (.Generic == "-") return(.py("sym_arith", e1, -1, "mul", FALSE))
    return(e1)
  }
  if (inherits(e1, "MXSymbol")) .py("sym_arith", e1, e2, ops[[.Generic]], FALSE)
  else .py("sym_arith", e2, e1, ops[[.Generic]], TRUE)
}

#' Elementwise operators of symbol algebra (what `+ - * /` and numbers build).
#' @param ... Input symbols and parameters (scalar = for the *_scalar operators).
#' @examples
#' s <- mx.symbol.elemwise_add(mx.symbol.Variable("a"), mx.symbol.Variable("b"))
mx.symbol.elemwise_add <- function(...) .mx_op("elemwise_add", list(...))
mx.symbol.elemwise_sub <- function(...) .mx_op("elemwise_sub", list(...))
mx.symbol.elemwise_mul <- function(...) .mx_op("elemwise_mul", list(...))
mx.symbol.elemwise_div <- function(...) .mx_op("elemwise_div", list(...))
mx.symbol._plus_scalar <- function(...) .mx_op("_plus_scalar", list(...))
mx.symbol._minus_scalar <- function(...) .mx_op("_minus_scalar", list(...))
mx.symbol._rminus_scalar <- function(...) .mx_op("_rminus_scalar", list(...))
mx.symbol._mul_scalar <- function(...) .mx_op("_mul_scalar", list(...))
mx.symbol._div_scalar <- function(...) .mx_op("_div_scalar", list(...))
mx.symbol._rdiv_scalar <- function(...) .mx_op("_rdiv_scalar", list(...))
mx.symbol._power_scalar <- function(...) .mx_op("_power_scalar", list(...))
mx.symbol._rpower_scalar <- function(...) .mx_op("_rpower_scalar", list(...))

#' A loss made of any symbol: its output is its input, its gradient grad.scale.
#' @param ... The input symbol, grad.scale, normalization ("null", "batch", "valid"), name.
#' @examples
#' l <- mx.symbol.MakeLoss(mx.symbol.abs(mx.symbol.Variable("a")), name = "l")
mx.symbol.MakeLoss <- function(...) .mx_op("MakeLoss", list(...))

#' Elementwise absolute value.
#' @param ... The input symbol and name.
#' @examples
#' s <- mx.symbol.abs(mx.symbol.Variable("a"))
mx.symbol.abs <- function(...) .mx_op("abs", list(...))

#' Operators of MXNet R that mxnet_r_compat does not implement.
#'
#' They exist so that a script using one fails at once with an error naming the operator and
#' listing the supported ones, instead of R's "could not find function".
#' @param ... Ignored.
#' @examples
#' try(mx.symbol.Convolution(mx.symbol.Variable("data"), kernel = c(3, 3), num_filter = 8))
#' # Error: Operator Convolution is not supported by mxnet_r_compat. Supported: Activation, ...
.mx_unsupported_ops <- c(
  "Convolution", "Deconvolution", "Pooling", "LeakyReLU", "softmax", "log_softmax",
  "SoftmaxActivation", "Embedding", "RNN", "Reshape", "reshape", "transpose", "SliceChannel",
  "slice_axis", "swapaxes", "expand_dims", "Cast", "LRN", "UpSampling", "Crop", "Pad",
  "ElementWiseSum", "broadcast_add", "broadcast_mul", "dot", "sum", "mean",
  "sqrt", "exp", "log", "relu", "sigmoid", "tanh", "BlockGrad", "SequenceMask",
  "L2Normalization", "InstanceNorm", "LayerNorm", "CTCLoss", "min", "max")
for (.op in .mx_unsupported_ops) {
  assign(paste0("mx.symbol.", .op), local({
    op <- .op
    function(...) .mx_op(op, list(...))
  }))
}
rm(.op)
