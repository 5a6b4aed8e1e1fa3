# Pictures of a network: Graphviz DOT text built in Python (mxnet_r_compat/viz/network.py),
# drawn by Graphviz's `dot` when it is installed (viz/render.py). The messages are printed
# here, in R, so that they come out in order with the script's own output.

#' Draw a network with Graphviz
#' @description
#' `mx.viz.plot()` builds a Graphviz DOT description of a network and shows it: when
#' Graphviz's `dot` program is installed (Debian package `graphviz`) it draws the network into
#' `file` (an SVG in a temporary file by default) and says where; otherwise it prints the DOT
#' text after a one-line note, ready for any Graphviz viewer. A `.dot` or `.gv` file receives
#' the text itself.
#'
#' Each operator is one box labelled like MXNet's plots (`FullyConnected\n128`,
#' `Convolution\n5x5/1, 20`, `Activation\ntanh`, `Pooling\nmax, 2x2/2x2`); inputs (data,
#' labels) are ovals; learned parameters (`fc1_weight`, ...) are left out unless
#' `hide.weights = FALSE`. Python offers the same function as `mx.viz.plot` and gives the
#' same DOT text for the same network.
#' @param symbol The network, e.g. `model$symbol`.
#' @param file Where to draw it: a name ending in `.svg`, `.png`, `.pdf`, ... (or `.dot`/`.gv`
#'   for the text). NULL: an SVG in a temporary file.
#' @param shape Input shapes in R order, to label each edge with the shape it carries (batch
#'   left out, backend order such as `20x24x24`): a named list such as
#'   `list(data = c(28, 28, 1, 1))`, or one vector for `data`.
#' @param hide.weights Leave out learned parameters.
#' @param title The graph's name.
#' @param direction `"TD"` (inputs at the top), `"BT"`, `"LR"` or `"RL"`.
#' @return The DOT text (one character string), invisibly.
#' @examples
#' net <- mx.symbol.Variable("data")
#' net <- mx.symbol.FullyConnected(net, num_hidden = 128, name = "fc1")
#' net <- mx.symbol.Activation(net, act_type = "tanh", name = "tanh1")
#' net <- mx.symbol.SoftmaxOutput(mx.symbol.FullyConnected(net, num_hidden = 2, name = "fc2"))
#' dot <- mx.viz.plot(net, file = file.path(tempdir(), "net.svg"), shape = c(60, 1))
#' cat(dot)
mx.viz.plot <- function(symbol, file = NULL, shape = NULL, hide.weights = TRUE, title = "plot",
                        direction = "TD") {
  .mx_viz_show(symbol, file, shape, hide.weights, title, direction, NULL, NULL, "mx.viz.plot")
}

#' Show the computation graph of a network (MXNet R's `graph.viz`)
#' @description
#' MXNet R's name for [mx.viz.plot()], with MXNet R's arguments: it builds the Graphviz DOT
#' text of the network and shows it, drawn as an SVG in a temporary file when Graphviz's
#' `dot` is installed, printed as DOT text after a one-line note otherwise.
#' @param symbol The network, e.g. `model$symbol`.
#' @param shape Input shapes in R order, to label the edges: a named list such as
#'   `list(data = c(60, 1))`, or one vector for `data`.
#' @param direction `"TD"` (inputs at the top) or `"LR"` (inputs on the left); also `"BT"`,
#'   `"RL"`.
#' @param type `"graph"`, or MXNet R's `"vis"` (its interactive visNetwork view), drawn here as
#'   the same Graphviz graph.
#' @param graph.width.px,graph.height.px The largest size of the drawing in pixels (both, or
#'   neither).
#' @param file Where to draw it (see [mx.viz.plot()]); NULL: an SVG in a temporary file.
#' @return The DOT text (one character string), invisibly.
#' @examples
#' data <- mx.symbol.Variable("data")
#' fc1 <- mx.symbol.FullyConnected(data, num_hidden = 1)
#' lro <- mx.symbol.LinearRegressionOutput(fc1)
#' graph.viz(lro)
graph.viz <- function(symbol, shape = NULL, direction = "TD", type = "graph",
                      graph.width.px = NULL, graph.height.px = NULL, file = NULL) {
  if (!(is.character(type) && length(type) == 1 && type %in% c("graph", "vis"))) {
    stop("Invalid value for argument `type`. Received: type=", deparse(type),
         ". Expected \"graph\" or \"vis\".", call. = FALSE)
  }
  .mx_viz_show(symbol, file, shape, TRUE, "plot", direction, graph.width.px, graph.height.px,
               "graph.viz")
}

#' Build, draw or print the DOT text (the shared body of mx.viz.plot and graph.viz).
#'
#' @return The DOT text, invisibly.
#' @examples
#' mxnet:::.mx_viz_show(mx.symbol.Variable("data"), NULL, NULL, TRUE, "plot", "TD", NULL,
#'                      NULL, "graph.viz")
#' @noRd
.mx_viz_show <- function(symbol, file, shape, hide.weights, title, direction, width, height,
                         caller) {
  .mx_check_symbol(symbol)
  if (!is.null(file) && !(is.character(file) && length(file) == 1)) {
    stop("Invalid value for argument `file`. Received: file=", deparse(file),
         ". Expected one file name, or NULL.", call. = FALSE)
  }
  if (!is.null(shape) && !is.list(shape)) shape <- as.integer(shape)
  if (is.list(shape)) shape <- lapply(shape, as.integer)
  res <- .py("viz_plot", symbol, if (is.null(file)) NULL else path.expand(file), shape,
             title, isTRUE(hide.weights), direction, width, height)
  if (!is.null(res$file)) {
    message(caller, ": wrote the graph to ", res$file)
  } else {
    message(res$note)
    cat(res$dot)
  }
  invisible(res$dot)
}
