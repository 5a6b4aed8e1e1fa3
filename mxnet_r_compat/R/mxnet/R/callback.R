# callback.R: the built-in training callbacks, in R so they can be read and copied
# (docs/MXNET_R_BEHAVIOUR.md, "Built-in callbacks"). Each returns function(iteration, nbatch, env,
# verbose = TRUE).

#' Log the training metric during training
#' @description
#' As a batch.end.callback, prints the training metric every `period` batches
#' ("Batch [5] Train-rmse=..."); as an epoch.end.callback, at every epoch end (period 1).
#' With a logger ([mx.metric.logger]) it also appends each epoch's training and validation
#' value to `logger$train` and `logger$eval`.
#' @param period Batches between messages.
#' @param logger An `mx.metric.logger`, or NULL.
#' @return A callback: function(iteration, nbatch, env, verbose = TRUE) returning TRUE.
#' @examples
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' logger <- mx.metric.logger$new()
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 3, array.batch.size = 20,
#'   learning.rate = 0.1, eval.metric = mx.metric.rmse, array.layout = "rowmajor",
#'   eval.data = list(data = X[1:20, ], label = y[1:20]), verbose = FALSE,
#'   epoch.end.callback = mx.callback.log.train.metric(1, logger))
#' logger$eval
mx.callback.log.train.metric <- function(period, logger = NULL) {
  function(iteration, nbatch, env, verbose = TRUE) {
    if (nbatch %% period == 0 && !is.null(env$metric)) {
      result <- env$metric$get(env$train.metric)
      if (nbatch != 0 && verbose) {
        message("Batch [", nbatch, "] Train-", result$name, "=", result$value)
      }
      if (!is.null(logger)) {
        if (class(logger) != "mx.metric.logger") stop("Invalid mx.metric.logger.")
        logger$train <- c(logger$train, result$value)
        if (!is.null(env$eval.metric)) {
          result <- env$metric$get(env$eval.metric)
          if (nbatch != 0 && verbose) {
            message("Batch [", nbatch, "] Validation-", result$name, "=", result$value)
          }
          logger$eval <- c(logger$eval, result$value)
        }
      }
    }
    return(TRUE)
  }
}

#' Print the training speed
#' @description
#' A batch.end.callback that prints samples per second and the training metric every
#' `frequency` batches ("Batch [50] Speed: ... samples/sec Train-rmse=..."). Its timing state
#' (`count`, `init`, `tic`) lives in the training `env`, as in MXNet.
#' @param batch.size The batch size of the training.
#' @param frequency Batches between messages.
#' @return A callback: function(iteration, nbatch, env, verbose = TRUE).
#' @examples
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 1, array.batch.size = 20,
#'   learning.rate = 0.1, eval.metric = mx.metric.rmse, array.layout = "rowmajor",
#'   eval.data = list(data = X[1:20, ], label = y[1:20]), verbose = FALSE,
#'   batch.end.callback = mx.callback.log.speedometer(20, frequency = 2))
mx.callback.log.speedometer <- function(batch.size, frequency = 50) {
  function(iteration, nbatch, env, verbose = TRUE) {
    count <- nbatch
    if (is.null(env$count)) env$count <- 0
    if (is.null(env$init)) env$init <- FALSE
    if (env$count > count) env$init <- FALSE
    env$count <- count
    if (env$init) {
      if (count %% frequency == 0 && !is.null(env$metric)) {
        time <- as.double(difftime(Sys.time(), env$tic, units = "secs"))
        speed <- frequency * batch.size / time
        result <- env$metric$get(env$train.metric)
        if (nbatch != 0 && verbose) {
          message("Batch [", nbatch, "] Speed: ", speed, " samples/sec Train-",
                  result$name, "=", result$value)
        }
        env$tic <- Sys.time()
      }
    } else {
      env$init <- TRUE
      env$tic <- Sys.time()
    }
  }
}

#' Save the model after every `period` epochs
#' @description
#' An epoch.end.callback that writes `env$model` as MXNet's files, `<prefix>-symbol.json` and
#' `<prefix>-<epoch>.params` (see [mx.model.save()]), and prints "Model checkpoint saved to
#' ...". For checkpoints that resume training exactly, see the `checkpoint` argument of
#' [mx.model.FeedForward.create()]; to keep only the best, [mx.callback.model.checkpoint()].
#' @param prefix The file prefix.
#' @param period Epochs between saves.
#' @return A callback: function(iteration, nbatch, env, verbose = TRUE) returning TRUE.
#' @examples
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' prefix <- file.path(tempdir(), "linreg")
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 2, array.batch.size = 20,
#'   learning.rate = 0.1, eval.metric = mx.metric.rmse, array.layout = "rowmajor",
#'   eval.data = list(data = X[1:20, ], label = y[1:20]), verbose = FALSE,
#'   epoch.end.callback = mx.callback.save.checkpoint(prefix))
#' model2 <- mx.model.load(prefix, 2)
mx.callback.save.checkpoint <- function(prefix, period = 1) {
  function(iteration, nbatch, env, verbose = TRUE) {
    if (iteration %% period == 0) {
      mx.model.save(env$model, prefix, iteration)
      if (verbose) message(sprintf("Model checkpoint saved to %s-%04d.params\n", prefix, iteration))
    }
    return(TRUE)
  }
}

#' Stop training on a threshold or after a run of bad epochs (MXNet R's early stop)
#' @description
#' An epoch.end.callback that stops when the training metric passes `train.metric`, the
#' validation metric passes `eval.metric` (below for minimised metrics, above with
#' `maximize = TRUE`), or after `bad.steps` epochs whose validation value is worse than the
#' best. Unlike MXNet v1.x the best score is kept in the callback itself (not in global
#' variables), starts at -Inf when maximizing and restarts with each training run;
#' `mx.best.iter` and `mx.best.score` are still written to the global environment for old
#' scripts that read them. [mx.callback.early.stopping()] does more (restoring the best model).
#' @param train.metric,eval.metric Thresholds, or NULL.
#' @param bad.steps Epochs without improvement tolerated, or NULL.
#' @param maximize TRUE when higher metric values are better.
#' @param verbose Print the best score when stopping.
#' @return A callback: function(iteration, nbatch, env, verbose = TRUE) returning FALSE to stop.
#' @examples
#' X <- matrix(runif(200), 100); y <- drop(X %*% c(2, -1))
#' lro <- mx.symbol.LinearRegressionOutput(
#'   mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1))
#' model <- mx.model.FeedForward.create(lro, X = X, y = y, num.round = 50, array.batch.size = 20,
#'   learning.rate = 0.1, eval.metric = mx.metric.rmse, array.layout = "rowmajor",
#'   eval.data = list(data = X[1:20, ], label = y[1:20]), verbose = FALSE,
#'   epoch.end.callback = mx.callback.early.stop(eval.metric = 0.5))
#' max(model$history$iteration)   # stopped before epoch 50
mx.callback.early.stop <- function(train.metric = NULL, eval.metric = NULL, bad.steps = NULL,
                                   maximize = FALSE, verbose = FALSE) {
  best <- new.env()
  worse <- function(value, score) if (maximize) value < score else value > score
  passed <- function(value, threshold) if (maximize) value > threshold else value < threshold
  cb <- function(iteration, nbatch, env, verbose = TRUE) {
    if (is.null(env$metric)) return(TRUE)
    if (!is.null(train.metric)) {
      if (passed(env$metric$get(env$train.metric)$value, train.metric)) return(FALSE)
    }
    if (!is.null(eval.metric) && !is.null(env$eval.metric)) {
      if (passed(env$metric$get(env$eval.metric)$value, eval.metric)) return(FALSE)
    }
    if (is.null(bad.steps) || is.null(env$eval.metric)) return(TRUE)
    if (is.null(best$score) || iteration == env$begin.round) {
      best$score <- if (maximize) -Inf else Inf
      best$iter <- 1
    }
    value <- env$metric$get(env$eval.metric)$value
    if (worse(value, best$score)) {
      if (best$iter == bad.steps) {
        if (verbose) message("Best score=", best$score, ", iteration [", iteration - bad.steps, "]")
        return(FALSE)
      }
      best$iter <- best$iter + 1
    } else {
      best$score <- value
      best$iter <- 1
    }
    assign("mx.best.iter", best$iter, envir = globalenv())
    assign("mx.best.score", best$score, envir = globalenv())
    return(TRUE)
  }
  # state() / load.state() let exact resume (docs/CHECKPOINTS.md) save and restore the patience
  # count
  attr(cb, "state") <- function() as.list(best)
  attr(cb, "load.state") <- function(s) invisible(list2env(s, envir = best))
  cb
}

# Called by the trainer (Python) for every R callback: unpack the counters and the
# train metric state from one reused numeric vector, then call the closure.
# nums = c(iteration, nbatch of this call, env$nbatch, has train.metric, count, sum);
# an epoch callback is called with nbatch 0 while env$nbatch counts the epoch's batches.
.mx_call_callback <- function(cb, env, nums, verbose) {
  env$iteration <- as.integer(nums[[1]])
  env$nbatch <- nums[[3]]
  if (nums[[4]] > 0) env$train.metric <- c(nums[[5]], nums[[6]])
  if (is.null(verbose)) {
    .invoke_cb(cb, env$iteration, nums[[2]], env)
  } else {
    .invoke_cb(cb, env$iteration, nums[[2]], env, verbose = verbose)
  }
}

# Bind `fields` of a callback env to the trainer's state: each is an active binding that
# asks Python (entry "env_field") when read, so heavy fields (dlist, preds, train.execs...)
# cost nothing unless a callback reads them. A callback that assigns such a field replaces
# the binding with its own value for the rest of the run.
.mx_env_bind <- function(env, fields, id) {
  h <- .mx_handle(id)
  for (name in fields) local({
    field <- name
    makeActiveBinding(field, function(value) {
      if (missing(value)) return(.py("env_field", h$id, field))
      rm(list = field, envir = env)
      assign(field, value, envir = env)
    }, env)
  })
  invisible(env)
}

# Call an R function for the trainer (metrics, initializers, iterators): errors and
# interrupts come back as values, never printed, and Python raises them with their message.
.mx_call_safely <- function(f, args) {
  tryCatch(do.call(f, args),
           interrupt = function(e) .mx_r_interrupt,
           error = function(e) structure(list(message = conditionMessage(e), condition = e),
                                         class = "mx_r_error"))
}
