# labels.R: labels as R users have them. A factor is a set of classes: for a classification
# output (SoftmaxOutput) it trains on its 0-based codes, with a note naming the levels; for
# any other output it is an error that says the label is a factor. Character labels are an
# error. Used by mx.model.FeedForward.create (R/model.R). The rules and their messages are
# the ones pandas categoricals follow in Python (mxnet_r_compat/training/labels.py).
# py: mxnet_r_compat.rbridge.rlabels (factor_labels, text_labels_error)

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
  if (is.character(y)) .py("text_labels_error", unique(y), what)
  if (!is.factor(y)) return(y)
  codes <- as.integer(y) - 1L
  codes[is.na(codes)] <- -1L
  res <- .py("factor_labels", symbol, levels(y), codes, what, levels, data.shape)
  if (!is.null(res$note)) message(res$note)
  values <- res$codes
  values[is.na(y)] <- NA
  structure(values, levels.used = if (is.null(levels)) levels(y) else levels)
}

# R shape of a one-sample batch of X (features first, samples last), or NULL.
.mx_sample_shape <- function(X, layout) {
  d <- dim(X)
  if (is.null(d)) return(NULL)
  if (length(d) == 2) return(c(if (identical(layout, "rowmajor")) d[2] else d[1], 1))
  c(d[-length(d)], 1)
}
