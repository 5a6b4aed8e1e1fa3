# symbol.R: networks as MXSymbol objects (docs/MXNET_R_BEHAVIOUR.md, "Symbols and their JSON").
# An MXSymbol carries its graph as MXNet JSON; every operator call composes in Python.
# py: mxnet_r_compat.rbridge.entry (sym_*)

.mx_json <- function(x) .subset2(x, "json")

#' A named input or parameter of a network
#' @param name The variable's name: "data" for the data, or a parameter's name.
#' @return A symbol (class "MXSymbol").
#' @examples
#' data <- mx.symbol.Variable("data")
#' arguments(data)
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

#' A fully connected layer
#' @description
#' `out = data %*% t(weight) + bias` over the flattened features of each sample. Parameters:
#' `num_hidden` (required), `no_bias` (FALSE), `flatten` (TRUE).
#' @param ... The input symbol (positional, or `data =`), the operator's parameters by name (see Description), and `name =` for the node; its parameters get names such as `<name>_weight`.
#' @return A symbol (class "MXSymbol").
#' @examples
#' fc1 <- mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 8, name = "fc1")
#' arguments(fc1)   # "data" "fc1_weight" "fc1_bias"
mx.symbol.FullyConnected <- function(...) .mx_op("FullyConnected", list(...))

#' An elementwise activation
#' @description
#' Parameter `act_type`: "relu", "sigmoid", "tanh", "softrelu" or "softsign".
#' @param ... The input symbol (positional, or `data =`), the operator's parameters by name (see Description), and `name =` for the node; its parameters get names such as `<name>_weight`.
#' @return A symbol (class "MXSymbol").
#' @examples
#' a <- mx.symbol.Activation(mx.symbol.Variable("data"), act_type = "relu")
mx.symbol.Activation <- function(...) .mx_op("Activation", list(...))

#' Dropout
#' @description
#' While training, zeroes each value with probability `p` (0.5) and scales the others by
#' 1 / (1 - p), drawing from mxnet's random stream; identity at prediction (`mode =
#' "always"` drops at prediction too). Parameters: `p`, `mode`, `axes`.
#' @param ... The input symbol (positional, or `data =`), the operator's parameters by name (see Description), and `name =` for the node; its parameters get names such as `<name>_weight`.
#' @return A symbol (class "MXSymbol").
#' @examples
#' d <- mx.symbol.Dropout(mx.symbol.Variable("data"), p = 0.5)
mx.symbol.Dropout <- function(...) .mx_op("Dropout", list(...))

#' Batch normalisation
#' @description
#' Normalises each feature over the batch while training and with the moving statistics
#' (auxiliary states `<name>_moving_mean`, `<name>_moving_var`) at prediction. Parameters:
#' `eps` (0.001), `momentum` (0.9), `fix_gamma` (TRUE), `use_global_stats` (FALSE), `axis`.
#' @param ... The input symbol (positional, or `data =`), the operator's parameters by name (see Description), and `name =` for the node; its parameters get names such as `<name>_weight`.
#' @return A symbol (class "MXSymbol").
#' @examples
#' bn <- mx.symbol.BatchNorm(mx.symbol.Variable("data"), name = "bn")
#' bn$auxiliary.states   # "bn_moving_mean" "bn_moving_var"
mx.symbol.BatchNorm <- function(...) .mx_op("BatchNorm", list(...))

#' Flatten all but the sample axis
#' @description
#' No parameters.
#' @param ... The input symbol (positional, or `data =`), the operator's parameters by name (see Description), and `name =` for the node; its parameters get names such as `<name>_weight`.
#' @return A symbol (class "MXSymbol").
#' @examples
#' f <- mx.symbol.Flatten(mx.symbol.Variable("data"))
mx.symbol.Flatten <- function(...) .mx_op("Flatten", list(...))

#' Convolution
#' @description
#' 1-D or 2-D convolution over (batch, channel, width) or (batch, channel, height, width)
#' data. Parameters: `kernel` (required), `stride` (1s), `pad` (0s), `dilate` (1s),
#' `num_filter` (required), `num_group` (1), `no_bias` (FALSE); `workspace`, `cudnn_tune`,
#' `cudnn_off` are accepted and ignored. As in MXNet R, a vector is given in R order and
#' reversed for the backend: `kernel = c(3, 5)` is 3 wide and 5 high; a square kernel reads
#' the same either way. Dots or underscores: `num.filter` or `num_filter`
#' (docs/CONVOLUTION.md).
#' @param ... The input symbol (positional, or `data =`), the operator's parameters by name (see Description), and `name =` for the node; its parameters get names such as `<name>_weight`.
#' @return A symbol (class "MXSymbol").
#' @examples
#' conv <- mx.symbol.Convolution(mx.symbol.Variable("data"), kernel = c(5, 5), num.filter = 20)
mx.symbol.Convolution <- function(...) .mx_op("Convolution", list(...))

#' Deconvolution (transposed convolution)
#' @description
#' The parameters of Convolution, plus `adj` (0s) and `target_shape` (pad and adj then
#' inferred as MXNet does); `no_bias` defaults to TRUE. The weight is
#' (channels, num_filter / num_group, kernel) in backend order.
#' @param ... The input symbol (positional, or `data =`), the operator's parameters by name (see Description), and `name =` for the node; its parameters get names such as `<name>_weight`.
#' @return A symbol (class "MXSymbol").
#' @examples
#' up <- mx.symbol.Deconvolution(mx.symbol.Variable("data"), kernel = c(4, 4),
#'                               stride = c(2, 2), num.filter = 8)
mx.symbol.Deconvolution <- function(...) .mx_op("Deconvolution", list(...))

#' Pooling
#' @description
#' Parameters: `kernel`, `pool_type` ("max", "avg" or "sum"), `stride` (1s), `pad` (0s),
#' `global_pool` (FALSE), `pooling_convention` ("valid" or "full"), `count_include_pad`
#' (TRUE, for avg).
#' @param ... The input symbol (positional, or `data =`), the operator's parameters by name (see Description), and `name =` for the node; its parameters get names such as `<name>_weight`.
#' @return A symbol (class "MXSymbol").
#' @examples
#' pool <- mx.symbol.Pooling(mx.symbol.Variable("data"), pool.type = "max",
#'                           kernel = c(2, 2), stride = c(2, 2))
mx.symbol.Pooling <- function(...) .mx_op("Pooling", list(...))

#' Embedding
#' @description
#' Rows of an (input_dim, output_dim) weight picked by integer indices, clipped to the table
#' as MXNet does. Parameters: `input_dim`, `output_dim` (both required).
#' @param ... The input symbol (positional, or `data =`), the operator's parameters by name (see Description), and `name =` for the node; its parameters get names such as `<name>_weight`.
#' @return A symbol (class "MXSymbol").
#' @examples
#' emb <- mx.symbol.Embedding(mx.symbol.Variable("user"), input.dim = 100, output.dim = 8)
mx.symbol.Embedding <- function(...) .mx_op("Embedding", list(...))

#' Leaky rectifiers
#' @description
#' Parameters: `act_type` ("leaky", "elu", "selu", "gelu", "prelu" with a learned `gamma`
#' per channel, or "rrelu"), `slope` (0.25), `lower_bound` (0.125), `upper_bound` (0.334).
#' @param ... The input symbol (positional, or `data =`), the operator's parameters by name (see Description), and `name =` for the node; its parameters get names such as `<name>_weight`.
#' @return A symbol (class "MXSymbol").
#' @examples
#' act <- mx.symbol.LeakyReLU(mx.symbol.Variable("data"), act.type = "leaky", slope = 0.1)
mx.symbol.LeakyReLU <- function(...) .mx_op("LeakyReLU", list(...))

#' Softmax that is not a loss layer
#' @description
#' Parameter: `mode` ("instance": over each sample; "channel": over the channels at each
#' position).
#' @param ... The input symbol (positional, or `data =`), the operator's parameters by name (see Description), and `name =` for the node; its parameters get names such as `<name>_weight`.
#' @return A symbol (class "MXSymbol").
#' @examples
#' p <- mx.symbol.SoftmaxActivation(mx.symbol.Variable("data"), mode = "channel")
mx.symbol.SoftmaxActivation <- function(...) .mx_op("SoftmaxActivation", list(...))

#' Nearest-neighbour upsampling
#' @description
#' One or more inputs (given in order, or as `data = list(...)`), each scaled to the first's
#' size times `scale`; `sample_type = "nearest"`, `multi_input_mode` ("concat" or "sum"),
#' `num_args` (the number of inputs).
#' @param ... The input symbols, the operator's parameters by name (see Description), and
#'   `name =` for the node.
#' @return A symbol (class "MXSymbol").
#' @examples
#' up <- mx.symbol.UpSampling(mx.symbol.Variable("data"), scale = 2, sample.type = "nearest")
mx.symbol.UpSampling <- function(...) {
  args <- list(...)
  at <- which(names(args) == "data")
  if (length(at) == 1L && is.list(args[[at]]) && !inherits(args[[at]], "MXSymbol")) {
    args <- c(unname(args[[at]]), args[-at])  # data = list(a, b): the inputs, in order
  }
  .mx_op("UpSampling", args)
}

#' Local response normalisation
#' @description
#' Across channels: x / (knorm + alpha / nsize * sum of x^2 over nsize channels)^beta.
#' Parameters: `nsize` (required), `alpha` (1e-4), `beta` (0.75), `knorm` (2).
#' @param ... The input symbol (positional, or `data =`), the operator's parameters by name (see Description), and `name =` for the node; its parameters get names such as `<name>_weight`.
#' @return A symbol (class "MXSymbol").
#' @examples
#' n <- mx.symbol.LRN(mx.symbol.Variable("data"), nsize = 5)
mx.symbol.LRN <- function(...) .mx_op("LRN", list(...))

#' Elementwise square: out = data * data.
#' @param ... The input symbol and `name =`.
#' @return A symbol (class "MXSymbol").
#' @examples
#' sq <- mx.symbol.square(mx.symbol.Variable("data"))
mx.symbol.square <- function(...) .mx_op("square", list(...))

#' A softmax output layer
#' @description
#' Softmax over the outputs, with the cross-entropy gradient against 0-based class labels.
#' `mx.symbol.Softmax()` is the same layer. Parameters: `grad_scale`, `ignore_label`,
#' `use_ignore`, `multi_output`, `preserve_shape`, `normalization` ("null", "batch",
#' "valid"), `smooth_alpha`.
#' @param ... The input symbol (positional, or `data =`), the operator's parameters by name (see Description), and `name =` for the node; its parameters get names such as `<name>_weight`.
#' @return A symbol (class "MXSymbol").
#' @examples
#' net <- mx.symbol.SoftmaxOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 3), name = "sm")
#' outputs(net)   # "sm_output"
#' net2 <- mx.symbol.Softmax(mx.symbol.Variable("data"))
mx.symbol.SoftmaxOutput <- function(...) .mx_op("SoftmaxOutput", list(...))

#' @rdname mx.symbol.SoftmaxOutput
mx.symbol.Softmax <- function(...) .mx_op("SoftmaxOutput", list(...))

#' Regression output layers
#' @description
#' `LinearRegressionOutput`: identity output, squared-error gradient.
#' `LogisticRegressionOutput`: sigmoid output, logistic gradient (labels 0 or 1).
#' `MAERegressionOutput`: identity output, absolute-error gradient. Parameter: `grad_scale`.
#' @param ... The input symbol (positional, or `data =`), the operator's parameters by name (see Description), and `name =` for the node; its parameters get names such as `<name>_weight`.
#' @return A symbol (class "MXSymbol").
#' @examples
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' arguments(lro)
#' logit <- mx.symbol.LogisticRegressionOutput(mx.symbol.Variable("data"))
#' mae <- mx.symbol.MAERegressionOutput(mx.symbol.Variable("data"))
mx.symbol.LinearRegressionOutput <- function(...) .mx_op("LinearRegressionOutput", list(...))

#' @rdname mx.symbol.LinearRegressionOutput
mx.symbol.LogisticRegressionOutput <- function(...) .mx_op("LogisticRegressionOutput", list(...))

#' @rdname mx.symbol.LinearRegressionOutput
mx.symbol.MAERegressionOutput <- function(...) .mx_op("MAERegressionOutput", list(...))

#' Concatenate symbols
#' @description
#' Joins the outputs of several symbols along backend axis `dim` (1, the features, by default).
#' `mx.symbol.Concat()` is the deprecated spelling (with a warning).
#' @param data A list of symbols (or one symbol).
#' @param num.args The number of symbols.
#' @param dim The axis, in the backend's order (samples first).
#' @param name The node's name, or NULL.
#' @return A symbol (class "MXSymbol").
#' @examples
#' a <- mx.symbol.Variable("a"); b <- mx.symbol.Variable("b")
#' ab <- mx.symbol.concat(list(a, b), num.args = 2)
#' arguments(ab)
mx.symbol.concat <- function(data, num.args, dim = NULL, name = NULL) {
  if (inherits(data, "MXSymbol")) data <- list(data)
  args <- c(data, list(num.args = num.args, dim = dim, name = name))
  .mx_op("Concat", args[!vapply(args, is.null, logical(1))])
}

#' @rdname mx.symbol.concat
mx.symbol.Concat <- function(data, num.args, dim = NULL, name = NULL) {
  warning("mx.symbol.Concat is deprecated. Use mx.symbol.concat instead.", call. = FALSE)
  mx.symbol.concat(data, num.args, dim, name)
}

#' Combine symbols into a list
#' @description
#' `c(a, b)` of symbols is a plain list of them, as it is for MXNet R's symbol objects, so
#' `mx.symbol.Group(c(a, b))` and `mx.symbol.concat(data = c(a, b), ...)` work; lists among
#' the arguments are spliced in.
#' @param ... Symbols (or lists of symbols).
#' @return A list of symbols.
#' @examples
#' a <- mx.symbol.Variable("a"); b <- mx.symbol.Variable("b")
#' length(c(a, b))   # 2
#' outputs(mx.symbol.Group(c(a, b)))
c.MXSymbol <- function(...) {
  parts <- lapply(list(...), function(x) if (inherits(x, "MXSymbol")) list(x) else as.list(x))
  do.call(base::c, unname(parts))
}

#' Group symbols into one with all their outputs
#' @param ... Symbols, or one list of symbols.
#' @return A symbol (class "MXSymbol") whose outputs are those of the inputs, in order.
#' @examples
#' g <- mx.symbol.Group(mx.symbol.Variable("a"), mx.symbol.Variable("b"))
#' outputs(g)
#' g[[2]]
mx.symbol.Group <- function(...) {
  args <- list(...)
  if (length(args) == 1L && is.list(args[[1]]) && !inherits(args[[1]], "MXSymbol")) args <- args[[1]]
  if (!all(vapply(args, inherits, logical(1), what = "MXSymbol"))) {
    stop("Group only accept MXSymbol as input", call. = FALSE)
  }
  .py("sym_group", args)
}

#' TRUE for a symbol.
#'
#' Symbols are of class `c("Rcpp_MXSymbol", "MXSymbol")`, so MXNet R code that tests
#' `inherits(x, "Rcpp_MXSymbol")` works as well (docs/COMPATIBILITY.md row 51).
#'
#' @param x Any R object.
#' @return TRUE or FALSE.
#' @examples
#' is.mx.symbol(mx.symbol.Variable("data")); is.mx.symbol(1:10)
is.mx.symbol <- function(x) inherits(x, "MXSymbol")

.mx_check_symbol <- function(x) {
  if (!inherits(x, "MXSymbol")) stop("only for MXSymbol type", call. = FALSE)
}

#' What a symbol is made of
#' @description
#' `arguments()`: the names of its arguments (inputs and parameters), in MXNet's order;
#' `outputs()`: the names of its outputs; `internals()`: every internal output, as a group;
#' `children()`: the inputs of its output node, as a group (NULL for a variable).
#' @param x A symbol.
#' @return A character vector (`arguments()`, `outputs()`), or a symbol (`internals()`,
#'   `children()`).
#' @examples
#' fc <- mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1, name = "fc1")
#' arguments(fc)   # "data" "fc1_weight" "fc1_bias"
#' outputs(fc)     # "fc1_output"
#' outputs(internals(fc))
#' arguments(children(fc))
arguments <- function(x) {
  .mx_check_symbol(x)
  .py("sym_query", x, "arguments")
}

#' @rdname arguments
outputs <- function(x) {
  .mx_check_symbol(x)
  .py("sym_query", x, "outputs")
}

#' @rdname arguments
internals <- function(x) {
  .mx_check_symbol(x)
  .py("sym_query", x, "internals")
}

#' @rdname arguments
children <- function(x) {
  .mx_check_symbol(x)
  .py("sym_query", x, "children")
}

#' Infer the shapes of a network's arguments, outputs and auxiliary states
#' @param symbol The network.
#' @param ... Named R shapes of some arguments, such as `data = c(13, 20)` (13 features, batch
#'   20).
#' @return `list(arg.shapes =, out.shapes =, aux.shapes =)` of named R shapes, or NULL when the
#'   given shapes are not enough.
#' @examples
#' fc <- mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1, name = "fc")
#' mx.symbol.infer.shape(fc, data = c(13, 20))$arg.shapes$fc_weight   # 13 1
mx.symbol.infer.shape <- function(symbol, ...) {
  .mx_check_symbol(symbol)
  shapes <- list(...)
  if (length(shapes) && (is.null(names(shapes)) || any(names(shapes) == ""))) {
    stop("Need to pass parameters in key=value style.", call. = FALSE)
  }
  .py("sym_infer_shape", symbol, shapes)
}

#' Save and load a symbol as MXNet JSON
#' @description
#' The JSON is MXNet's own: MXNet R and Python 1.x read it, and files they wrote load here.
#' @param symbol A symbol.
#' @param filename The file (`~` is expanded).
#' @param json.str The JSON text.
#' @return `mx.symbol.save()`: NULL, invisibly. `mx.symbol.load()`, `mx.symbol.load.json()`:
#'   the symbol.
#' @examples
#' f <- tempfile(fileext = ".json")
#' mx.symbol.save(mx.symbol.FullyConnected(mx.symbol.Variable("x"), num_hidden = 2), f)
#' s <- mx.symbol.load(f)
#' arguments(s)
#' s2 <- mx.symbol.load.json(s$as.json())
mx.symbol.save <- function(symbol, filename) {
  .mx_check_symbol(symbol)
  writeLines(.mx_json(symbol), path.expand(filename), useBytes = TRUE)
  invisible(NULL)
}

#' @rdname mx.symbol.save
mx.symbol.load <- function(filename) .py("sym_load", path.expand(filename))

#' @rdname mx.symbol.save
mx.symbol.load.json <- function(json.str) .py("sym_load_json", json.str)

#' Fields and methods of a symbol
#' @description
#' `x$arguments`, `x$outputs`, `x$auxiliary.states`, `x$attributes`, `x$json`, and the methods
#' `x$as.json()`, `x$get.output(i)`, `x$get.internals()`, `x$get.children()`,
#' `x$infer.shape(...)`, `x$save(filename)`. `x[[i]]` is output i (1-based). Only `attributes` can be assigned:
#' `x$attributes <- list(key = "value")` returns the changed symbol.
#' @param x A symbol.
#' @param name A field or method name.
#' @param i The output's number.
#' @param value A named list of character strings.
#' @return The field's value, a method (a function), a symbol for `[[`, or the changed symbol
#'   for `$<-`.
#' @examples
#' s <- mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1, name = "fc")
#' s$arguments
#' nchar(s$as.json()) > 0
#' v <- mx.symbol.Variable("data")
#' v$attributes <- list(mood = "happy")
#' v$attributes
#' g <- mx.symbol.Group(mx.symbol.Variable("a"), mx.symbol.Variable("b"))
#' g[[2]]
`$.MXSymbol` <- function(x, name) {
  switch(name,
    arguments = arguments(x),
    outputs = outputs(x),
    auxiliary.states = .py("sym_query", x, "auxiliary.states"),
    attributes = .py("sym_query", x, "attributes"),
    as.json = function() .mx_json(x),
    get.output = function(index) .py("sym_get_output", x, index),
    get.internals = function() internals(x),
    get.children = function() children(x),
    infer.shape = function(...) mx.symbol.infer.shape(x, ...),
    save = function(filename) mx.symbol.save(x, filename),
    json = .mx_json(x),
    stop("MXSymbol has no field `", name, "`", call. = FALSE))
}

#' @rdname cash-.MXSymbol
`[[.MXSymbol` <- function(x, i) .py("sym_get_output", x, i)

#' Print a symbol's outputs and arguments
#' @param x A symbol.
#' @param ... Ignored.
#' @return `x`, invisibly.
#' @examples
#' print(mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
print.MXSymbol <- function(x, ...) {
  cat("MXSymbol\n  outputs:  ", paste(outputs(x), collapse = ", "),
      "\n  arguments:", paste(arguments(x), collapse = ", "), "\n")
  invisible(x)
}

#' @rdname cash-.MXSymbol
`$<-.MXSymbol` <- function(x, name, value) {
  if (name != "attributes") stop("MXSymbol: only `attributes` can be assigned", call. = FALSE)
  if (!is.list(value) || is.null(names(value)) || !all(vapply(value, is.character, logical(1)))) {
    stop("attributes must be a named list of character strings", call. = FALSE)
  }
  .py("sym_set_attributes", x, value)
}

#' Compose a symbol with new inputs
#' @description
#' Inputs replace arguments of `x`, by name (an argument name such as "fc1_weight", or the
#' input name of x's output operator, such as "data") or by position, not both.
#' @param x A symbol.
#' @param ... Symbols, named or positional; `name =` renames x's output operator.
#' @return The composed symbol; `x` is unchanged.
#' @examples
#' fc <- mx.symbol.FullyConnected(num_hidden = 3, name = "fc")   # its input is fc_data
#' net <- mx.apply(fc, data = mx.symbol.Variable("x"))
#' arguments(net)   # "x" "fc_weight" "fc_bias"
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
#' @return Nothing: always an error.
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
#' @return A symbol (class "MXSymbol").
#' @examples
#' s <- mx.symbol.elemwise_add(mx.symbol.Variable("a"), mx.symbol.Variable("b"))
mx.symbol.elemwise_add <- function(...) .mx_op("elemwise_add", list(...))
#' @rdname mx.symbol.elemwise_add
mx.symbol.elemwise_sub <- function(...) .mx_op("elemwise_sub", list(...))
#' @rdname mx.symbol.elemwise_add
mx.symbol.elemwise_mul <- function(...) .mx_op("elemwise_mul", list(...))
#' @rdname mx.symbol.elemwise_add
mx.symbol.elemwise_div <- function(...) .mx_op("elemwise_div", list(...))
#' @rdname mx.symbol.elemwise_add
mx.symbol._plus_scalar <- function(...) .mx_op("_plus_scalar", list(...))
#' @rdname mx.symbol.elemwise_add
mx.symbol._minus_scalar <- function(...) .mx_op("_minus_scalar", list(...))
#' @rdname mx.symbol.elemwise_add
mx.symbol._rminus_scalar <- function(...) .mx_op("_rminus_scalar", list(...))
#' @rdname mx.symbol.elemwise_add
mx.symbol._mul_scalar <- function(...) .mx_op("_mul_scalar", list(...))
#' @rdname mx.symbol.elemwise_add
mx.symbol._div_scalar <- function(...) .mx_op("_div_scalar", list(...))
#' @rdname mx.symbol.elemwise_add
mx.symbol._rdiv_scalar <- function(...) .mx_op("_rdiv_scalar", list(...))
#' @rdname mx.symbol.elemwise_add
mx.symbol._power_scalar <- function(...) .mx_op("_power_scalar", list(...))
#' @rdname mx.symbol.elemwise_add
mx.symbol._rpower_scalar <- function(...) .mx_op("_rpower_scalar", list(...))

#' A loss made of any symbol: its output is its input, its gradient grad.scale.
#' @param ... The input symbol, grad.scale, normalization ("null", "batch", "valid"), name.
#' @return A symbol (class "MXSymbol").
#' @examples
#' l <- mx.symbol.MakeLoss(mx.symbol.abs(mx.symbol.Variable("a")), name = "l")
mx.symbol.MakeLoss <- function(...) .mx_op("MakeLoss", list(...))

#' Elementwise absolute value.
#' @param ... The input symbol and name.
#' @return A symbol (class "MXSymbol").
#' @examples
#' s <- mx.symbol.abs(mx.symbol.Variable("a"))
mx.symbol.abs <- function(...) .mx_op("abs", list(...))

# Operators of MXNet R that mxnet_r_compat does not implement: each mx.symbol.<Op> exists so
# that a script using one fails at once with an error naming the operator and listing the
# supported ones, instead of R's "could not find function" (documented below).
.mx_unsupported_ops <- c(
  "softmax", "log_softmax", "RNN", "slice_axis", "swapaxes", "Crop", "Pad",
  "ElementWiseSum", "dot", "relu", "sigmoid", "tanh", "SequenceMask",
  "L2Normalization", "InstanceNorm", "LayerNorm", "CTCLoss")
for (.op in .mx_unsupported_ops) {
  assign(paste0("mx.symbol.", .op), local({
    op <- .op
    function(...) .mx_op(op, list(...))
  }))
}
rm(.op)

#' Operators of MXNet R that this build does not implement
#' @description
#' Calling one of these stops with an error that names the operator and lists the supported
#' ones, so a script that needs one fails at once.
#' @name mx.symbol.unsupported
#' @aliases mx.symbol.softmax mx.symbol.log_softmax mx.symbol.RNN mx.symbol.slice_axis
#'   mx.symbol.swapaxes mx.symbol.Crop mx.symbol.Pad mx.symbol.ElementWiseSum mx.symbol.dot
#'   mx.symbol.relu mx.symbol.sigmoid mx.symbol.tanh mx.symbol.SequenceMask
#'   mx.symbol.L2Normalization mx.symbol.InstanceNorm mx.symbol.LayerNorm mx.symbol.CTCLoss
#' @usage
#' mx.symbol.softmax(...)
#' mx.symbol.log_softmax(...)
#' mx.symbol.RNN(...)
#' mx.symbol.slice_axis(...)
#' mx.symbol.swapaxes(...)
#' mx.symbol.Crop(...)
#' mx.symbol.Pad(...)
#' mx.symbol.ElementWiseSum(...)
#' mx.symbol.dot(...)
#' mx.symbol.relu(...)
#' mx.symbol.sigmoid(...)
#' mx.symbol.tanh(...)
#' mx.symbol.SequenceMask(...)
#' mx.symbol.L2Normalization(...)
#' mx.symbol.InstanceNorm(...)
#' mx.symbol.LayerNorm(...)
#' mx.symbol.CTCLoss(...)
#' @param ... Anything: the call fails before looking at it.
#' @return Nothing: always an error.
#' @examples
#' try(mx.symbol.RNN(mx.symbol.Variable("data"), state.size = 8, num.layers = 1))
NULL
