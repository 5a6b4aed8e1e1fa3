# labels.R: labels as R users have them. A factor is a set of classes: for a classification
# output (SoftmaxOutput) it trains on its 0-based codes, with a note naming the levels; for
# any other output it is an error that says the label is a factor. Character labels are an
# error. Used by mx.model.FeedForward.create (R/model.R).

.mx_class_output_ops <- c("SoftmaxOutput", "Softmax")

#' Labels for training: factors become 0-based class codes for a classification output.
#'
#' @param y The labels as given.
#' @param symbol The network.
#' @param data.shape R shape of one sample batch, c(features..., 1), to count the classes of
#'   the output layer; NULL when unknown (then the count is not checked).
#' @param what The argument's name for messages ("y", "eval.data$label").
#' @param levels The levels to code with (eval.data$label uses y's); NULL: the factor's own.
#' @return `y` unchanged, or the codes (attribute "levels.used" holds the levels).
#' @noRd
.mx_labels <- function(y, symbol, data.shape, what = "y", levels = NULL) {
  if (is.character(y)) {
    stop("Invalid value for argument `", what, "`. Received: a character vector (",
         .mx_quoted(unique(y)), "). Expected numeric labels, or a factor (factor(", what,
         ")) for a classification output such as SoftmaxOutput.", call. = FALSE)
  }
  if (!is.factor(y)) return(y)
  ops <- .py("sym_query", symbol, "output.ops")
  if (!any(ops %in% .mx_class_output_ops)) {
    stop("Invalid value for argument `", what, "`. Received: a factor with levels ",
         .mx_quoted(levels(y)), ". Expected numeric labels: the network ends in ",
         paste(unique(ops), collapse = ", "), ", which is not a classification output (a ",
         "factor is for SoftmaxOutput). If the levels are numbers, use ",
         "as.numeric(as.character(", what, ")).", call. = FALSE)
  }
  if (is.null(levels)) {
    .mx_check_class_count(y, symbol, data.shape, what)
    levels <- levels(y)
    message("Note: `", what, "` is a factor; training on its 0-based codes: ",
            paste0(seq_along(levels) - 1L, " = \"", levels, "\"", collapse = ", "), ".")
  }
  codes <- match(as.character(y), levels) - 1L
  if (anyNA(codes[!is.na(y)])) {
    stop("Invalid value for argument `", what, "`. Received: a factor with levels ",
         .mx_quoted(setdiff(levels(droplevels(y)), levels)), " that `y` does not have. ",
         "Expected the levels of `y`: ", .mx_quoted(levels), ".", call. = FALSE)
  }
  structure(as.numeric(codes), levels.used = levels)
}

# A factor's level count must fit the output layer, which has one output per class. More
# levels than outputs can never be right; unused levels that make the counts differ are a
# subset's leftovers (droplevels()).
.mx_check_class_count <- function(y, symbol, data.shape, what) {
  if (is.null(data.shape)) return(invisible())
  shapes <- tryCatch(mx.symbol.infer.shape(symbol, data = data.shape), error = function(e) NULL)
  if (is.null(shapes)) return(invisible())
  classes <- shapes$out.shapes[[1]][1]
  unused <- setdiff(levels(y), levels(droplevels(y)))
  n <- nlevels(y)
  if (n > classes || (length(unused) && n != classes)) {
    stop("Invalid value for argument `", what, "`. Received: a factor with ", n, " levels (",
         .mx_quoted(levels(y)), ")", if (length(unused)) paste0(", of which ",
         .mx_quoted(unused), if (length(unused) == 1) " is" else " are", " unused"),
         ". Expected ", classes, " levels, one per output of the network's last layer",
         if (length(unused)) paste0(": drop the unused ones with droplevels(", what, ")"),
         ".", call. = FALSE)
  }
  invisible()
}

.mx_quoted <- function(x, max = 6) {
  shown <- paste0("\"", utils::head(x, max), "\"", collapse = ", ")
  if (length(x) > max) paste0(shown, ", ...") else shown
}

# R shape of a one-sample batch of X (features first, samples last), or NULL.
.mx_sample_shape <- function(X, layout) {
  d <- dim(X)
  if (is.null(d)) return(NULL)
  if (length(d) == 2) return(c(if (identical(layout, "rowmajor")) d[2] else d[1], 1))
  c(d[-length(d)], 1)
}
