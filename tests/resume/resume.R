# Exact resume from R. Run: mxnet-rscript resume.R first|second DIR
# "first" trains to 6 in one go and to 3 with checkpoint=, for sgd+momentum and adam, and
# checks serialisation and failing checkpoints; "second" (a new process) resumes to 6.
# Writes DIR/<mode>.txt, one line per array: "<tag> <name> <values...>" (17 digits).
library(mxnet)
args <- commandArgs(trailingOnly = TRUE)
mode <- args[1]; dir <- args[2]
set.seed(7)
X <- matrix(rnorm(50 * 3), 50, 3); y <- as.vector(X %*% c(1.5, -2, 0.5) + 0.3)
VX <- matrix(rnorm(23 * 3), 23, 3); vy <- as.vector(VX %*% c(1.5, -2, 0.5))
net <- function() {
  h <- mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 8, name = "fc1")
  h <- mx.symbol.BatchNorm(h, name = "bn", fix_gamma = FALSE)
  h <- mx.symbol.Activation(h, act_type = "relu", name = "relu")
  h <- mx.symbol.Dropout(h, p = 0.3, name = "dp")
  mx.symbol.LinearRegressionOutput(mx.symbol.FullyConnected(h, num_hidden = 1, name = "fc2"),
                                   name = "lro")
}
optimizers <- list(sgd = list(optimizer = "sgd", learning.rate = 0.05, momentum = 0.9),
                   adam = list(optimizer = "adam", learning.rate = 0.01))
train <- function(opt, num.round, seed = 3, ...) {
  mx.set.seed(seed)
  do.call(mx.model.FeedForward.create, c(list(net(), X = X, y = y, array.layout = "rowmajor",
    array.batch.size = 16, num.round = num.round, eval.data = list(data = VX, label = vy),
    eval.metric = mx.metric.rmse, verbose = FALSE), optimizers[[opt]], list(...)))
}
lines <- character(0)
emit <- function(tag, name, values) {
  lines <<- c(lines, paste(tag, name, paste(sprintf("%.17g", as.numeric(values)), collapse = " ")))
}
emit_model <- function(tag, model) {
  for (n in names(model$arg.params)) emit(tag, n, as.array(model$arg.params[[n]]))
  for (n in names(model$aux.params)) emit(tag, n, as.array(model$aux.params[[n]]))
}

if (mode == "first") {
  for (opt in names(optimizers)) {
    emit_model(paste0(opt, "_full"), train(opt, 6))
    train(opt, 3, checkpoint = file.path(dir, opt), checkpoint.period = 1)
  }
  # mx.serialize / mx.unserialize through saveRDS / readRDS
  model <- train("sgd", 2)
  f <- file.path(dir, "model.rds")
  saveRDS(mx.serialize(model), f)
  back <- readRDS(f)
  stopifnot(is.serialized(back), !is.serialized(model))
  emit("rds", "original", predict(model, VX, array.layout = "rowmajor"))
  emit("rds", "serialized", predict(back, VX, array.layout = "rowmajor"))
  emit("rds", "unserialized", predict(mx.unserialize(back), VX, array.layout = "rowmajor"))
  # A checkpoint directory that disappears after epoch 2.
  fail_dir <- file.path(dir, "gone"); dir.create(fail_dir)
  epoch2 <- NULL
  save <- mx.callback.save.checkpoint(file.path(fail_dir, "m"))
  cb <- function(iteration, nbatch, env, verbose = TRUE) {
    if (iteration == 2) { epoch2 <<- env$model; unlink(fail_dir, recursive = TRUE) }
    save(iteration, nbatch, env, verbose)
  }
  msg <- tryCatch({ train("sgd", 4, epoch.end.callback = cb); "no error" },
                  error = function(e) conditionMessage(e))
  writeLines(msg, file.path(dir, "save_checkpoint_error.txt"))
  emit_model("epoch2", epoch2)
  emit_model("last", mx.model.last())
  # The same with checkpoint= : by default a warning, and training goes on to the end.
  dir.create(fail_dir)
  gone <- function(iteration, nbatch, env, verbose = TRUE) {
    if (iteration == 2) unlink(fail_dir, recursive = TRUE)
    TRUE
  }
  warned <- character(0)
  model <- withCallingHandlers(
    train("sgd", 4, checkpoint = file.path(fail_dir, "m"), epoch.end.callback = gone),
    warning = function(w) { warned <<- c(warned, conditionMessage(w)); invokeRestart("muffleWarning") })
  writeLines(warned, file.path(dir, "checkpoint_warnings.txt"))
  emit_model("warned", model)
  emit_model("plain4", train("sgd", 4))
} else {
  for (opt in names(optimizers)) {
    emit_model(paste0(opt, "_resumed"), train(opt, 6, seed = 99, resume = file.path(dir, opt)))
  }
}
writeLines(lines, file.path(dir, paste0(mode, ".txt")))
