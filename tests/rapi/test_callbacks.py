"""R closures as training callbacks: arguments, env timing, return values, errors
(docs/CALLBACKS.md).

Two children: one records what callbacks see and return (``r``), one makes them fail
(``failing``).
"""

from __future__ import annotations

import pytest

# 169 training rows in batches of 20: 9 batches per epoch (the last one padded).
RECORD = r"""
run <- function(..., num.round = 3, eval = TRUE, verbose = FALSE) {
  mx.set.seed(0)
  args <- list(lro, X = train.x, y = train.y, num.round = num.round, array.batch.size = 20,
    learning.rate = 2e-6, momentum = 0.9, eval.metric = mx.metric.rmse, verbose = verbose,
    array.layout = "rowmajor", ...)
  if (eval) args$eval.data <- list(data = test.x, label = test.y)
  do.call(mx.model.FeedForward.create, args)
}
w1 <- function(model) as.vector(as.array(model$arg.params$fc1_weight))

# -- env timing: a recording batch callback and epoch callback
rec <- new.env(); rec$rows <- list(); rec$epoch <- list()
batch.cb <- function(iteration, nbatch, env) {
  if (is.null(env$count)) env$count <- 0
  env$count <- env$count + 1
  rec$rows[[length(rec$rows) + 1]] <- list(
    iteration = iteration, nbatch = nbatch, count = env$count,
    model = if (is.null(env$model)) NULL else w1(env$model),
    eval.metric = env$eval.metric, train.metric = env$train.metric,
    result = env$result$value, metric.name = env$metric$get(env$train.metric)$name)
}
epoch.cb <- function(iteration, nbatch, env, verbose) {
  r <- env$metric$get(env$train.metric)
  rec$epoch[[iteration]] <- list(nbatch = nbatch, env.nbatch = env$nbatch, model = w1(env$model),
    eval.metric = env$eval.metric, train.value = r$value, name = r$name,
    get.names = names(r), verbose = verbose, iteration.type = typeof(iteration),
    nbatch.type = typeof(env$nbatch), count = env$count,
    fields = sort(c("symbol", "ctx", "begin.round", "end.round", "metric", "optimizer",
                    "ndevice", "arg.params", "input.shape", "output.shape", "arg_names",
                    "dlist", "preds", "labels", "train.execs", "params.index") %in% ls(env)))
  TRUE
}
model <- run(batch.end.callback = batch.cb, epoch.end.callback = epoch.cb)
rows <- rec$rows
emit("nrows", length(rows))
emit("nbatch.seq", sapply(rows, `[[`, "nbatch"))
emit("iteration.seq", sapply(rows, `[[`, "iteration"))
emit("count.seq", sapply(rows, `[[`, "count"))
e1 <- Filter(function(r) r$iteration == 1, rows); e2 <- Filter(function(r) r$iteration == 2, rows)
emit("epoch1.model.null", all(sapply(e1, function(r) is.null(r$model))))
emit("epoch1.eval.null", all(sapply(e1, function(r) is.null(r$eval.metric))))
emit("epoch1.result.null", all(sapply(e1, function(r) is.null(r$result))))
emit("epoch2.model.is.epoch1",
     all(sapply(e2, function(r) identical(r$model, rec$epoch[[1]]$model))))
emit("epoch2.eval.is.epoch1",
     all(sapply(e2, function(r) identical(r$eval.metric, rec$epoch[[1]]$eval.metric))))
emit("epoch1.model.differs.from.2", !identical(rec$epoch[[1]]$model, rec$epoch[[2]]$model))
emit("train.metric.counts", sapply(e1, function(r) r$train.metric[1]))
emit("metric.name", rows[[1]]$metric.name)
emit("epoch.nbatch", sapply(rec$epoch, `[[`, "nbatch"))
emit("epoch.env.nbatch", sapply(rec$epoch, `[[`, "env.nbatch"))
emit("epoch.eval.state", rec$epoch[[1]]$eval.metric)
emit("epoch.verbose", sapply(rec$epoch, `[[`, "verbose"))
emit("epoch.types", c(rec$epoch[[1]]$iteration.type, rec$epoch[[1]]$nbatch.type))
emit("epoch.get.names", rec$epoch[[1]]$get.names)
emit("epoch.count", sapply(rec$epoch, `[[`, "count"))
emit("epoch.fields", rec$epoch[[1]]$fields)
emit("final.is.epoch3", identical(w1(model), rec$epoch[[3]]$model))

# -- verbose: a 3-argument closure works; verbose = TRUE/FALSE reaches closures that take it
seen <- c()
m <- run(epoch.end.callback = function(iteration, nbatch, env) {
  seen <<- c(seen, iteration); TRUE })
emit("three.arg.epochs", seen)
got <- c()
invisible(suppressMessages(run(num.round = 2, verbose = TRUE,
  epoch.end.callback = function(iteration, nbatch, env, verbose) {
    got <<- c(got, verbose); TRUE })))
invisible(run(num.round = 2, verbose = FALSE,
  epoch.end.callback = function(iteration, nbatch, env, verbose) { got <<- c(got, verbose); TRUE }))
emit("verbose.values", got)
dots <- c()
invisible(run(num.round = 1, epoch.end.callback = function(iteration, nbatch, env, ...) {
  dots <<- c(dots, list(...)$verbose); TRUE }))
emit("dots.verbose", dots)
batch.verbose <- c()
invisible(run(num.round = 1,
              batch.end.callback = function(iteration, nbatch, env, verbose = "absent") {
  batch.verbose <<- c(batch.verbose, verbose) }))
emit("batch.verbose", unique(batch.verbose))

# -- return values of epoch callbacks
stops <- function(value) {
  n <- 0
  invisible(run(num.round = 5, eval = FALSE, epoch.end.callback = function(iteration, nbatch, env) {
    n <<- iteration; if (iteration == 2) value else TRUE }))
  n
}
emit("stop.FALSE", stops(FALSE))
emit("stop.invisibleFALSE", stops(invisible(FALSE)))
emit("stop.TRUE", stops(TRUE))
emit("stop.NULL", stops(NULL))
n <- 0
invisible(run(num.round = 4, eval = FALSE, epoch.end.callback = function(iteration, nbatch, env) {
  n <<- iteration; invisible() }))
emit("stop.invisible", n)
nb <- 0
m <- run(num.round = 3, eval = FALSE, batch.end.callback = function(iteration, nbatch, env) {
  nb <<- nb + 1; FALSE })
emit("batch.FALSE.ignored", nb)
stopped <- run(num.round = 5, eval = FALSE, epoch.end.callback = function(iteration, nbatch, env) {
  rec$stop.model <- w1(env$model); iteration < 2 })
emit("stopped.returns.that.epoch", identical(w1(stopped), rec$stop.model))

# -- callbacks that read and write env, and the built-in ones with R closures around them
logger <- mx.metric.logger$new()
m <- suppressMessages(run(num.round = 3, verbose = TRUE,
  epoch.end.callback = mx.callback.log.train.metric(1, logger),
  batch.end.callback = mx.callback.log.speedometer(20, frequency = 3)))
emit("logger.train.n", length(logger$train))
emit("logger.eval.n", length(logger$eval))
saved <- run(num.round = 2, eval = FALSE, epoch.end.callback = function(iteration, nbatch, env) {
  mx.model.save(env$model, "cb", iteration); TRUE })
emit("cb.files", sort(list.files(pattern = "^cb-")))
emit("cb.file.model.same", identical(w1(mx.model.load("cb", 2)), w1(saved)))

# -- a list mixing an R closure and a Python callback object (callbacks_extra.R)
seen.mixed <- c()
mixed <- run(num.round = 6, epoch.end.callback = list(
  function(iteration, nbatch, env) { seen.mixed <<- c(seen.mixed, iteration); TRUE },
  mx.callback.early.stopping(patience = 0, min.delta = 1e6)))
emit("mixed.epochs", seen.mixed)
emit("mixed.fields", names(mixed))
emit("mixed.history.rows", nrow(mixed$history))
"""


@pytest.fixture(scope="module")
def r(run_r_module):
    run = run_r_module(RECORD)
    assert run.returncode == 0, run.stderr
    return run


def test_batch_callbacks_see_counters_and_keep_their_env_fields(r):
    assert r.num("nrows") == 27  # 3 epochs x 9 batches
    assert r.nums("nbatch.seq") == list(range(1, 10)) * 3
    assert r.nums("iteration.seq") == [1] * 9 + [2] * 9 + [3] * 9
    assert r.nums("count.seq") == list(range(1, 28))  # env$count persists across epochs
    assert r.nums("epoch.count") == [9, 18, 27]  # and epoch callbacks see it too
    assert r.nums("train.metric.counts") == list(range(1, 10))  # running state c(count, sum)
    assert r["metric.name"] == "rmse"


def test_env_timing_is_mxnets(r):
    """During epoch 1 there is no model and no eval state; during epoch 2 they are epoch 1's."""
    assert r["epoch1.model.null"] == r["epoch1.eval.null"] == r["epoch1.result.null"] == "TRUE"
    assert r["epoch2.model.is.epoch1"] == r["epoch2.eval.is.epoch1"] == "TRUE"
    assert r["epoch1.model.differs.from.2"] == "TRUE"  # so the staleness check means something
    assert r["final.is.epoch3"] == "TRUE"
    count, total = r.nums("epoch.eval.state")
    assert count == 17  # 337 validation rows in 17 batches of 20
    assert total > 0


def test_epoch_callback_arguments(r):
    assert r.nums("epoch.nbatch") == [0, 0, 0]
    assert r.nums("epoch.env.nbatch") == [9, 9, 9]
    assert r["epoch.types"] == "integer double"  # as MXNet R: iteration integer, nbatch double
    assert r["epoch.get.names"] == "name value"
    # docs/MXNET_R_BEHAVIOUR.md, "Callback environment" fields are all there
    assert r["epoch.fields"] == " ".join(["TRUE"] * 16)


def test_verbose_is_passed_only_to_closures_that_accept_it(r):
    assert r.nums("three.arg.epochs") == [1, 2, 3]  # MXNet R: "unused argument (verbose = TRUE)"
    assert r["verbose.values"] == "TRUE TRUE FALSE FALSE"
    assert r["dots.verbose"] == "FALSE"
    assert r["batch.verbose"] == "absent"  # batch callbacks never get verbose, as in MXNet


def test_return_values(r):
    assert r.num("stop.FALSE") == 2
    assert r.num("stop.invisibleFALSE") == 2
    assert r.num("stop.TRUE") == 5
    assert r.num("stop.NULL") == 5
    assert r.num("stop.invisible") == 4
    assert r.num("batch.FALSE.ignored") == 27
    assert r["stopped.returns.that.epoch"] == "TRUE"


def test_lists_of_callbacks_and_python_callback_objects(r):
    assert r.nums("mixed.epochs") == [1, 2]  # nothing improves by 1e6: stop at epoch 2
    assert r["mixed.fields"] == ("symbol arg.params aux.params history callback.time "
                                 "stop.reason")
    assert r.num("mixed.history.rows") == 4  # train and eval rows of two epochs


def test_builtin_callbacks_and_env_model_are_usable(r):
    assert r.num("logger.train.n") == 3 and r.num("logger.eval.n") == 3
    assert r["cb.files"] == "cb-0001.params cb-0002.params cb-symbol.json"
    assert r["cb.file.model.same"] == "TRUE"


FAILING = r"""
run <- function(...) {
  mx.set.seed(0)
  args <- list(lro, X = train.x, y = train.y, num.round = 5, array.batch.size = 20,
    learning.rate = 2e-6, momentum = 0.9, eval.metric = mx.metric.rmse, verbose = FALSE,
    array.layout = "rowmajor")
  args[names(list(...))] <- list(...)
  do.call(mx.model.FeedForward.create, args)
}
w1 <- function(model) as.vector(as.array(model$arg.params$fc1_weight))
report <- function(tag, e) {
  emit(paste0(tag, ".class"), class(e))
  emit(paste0(tag, ".message"), conditionMessage(e))
  emit(paste0(tag, ".slot"), e$slot)
  emit(paste0(tag, ".iteration"), e$iteration)
  emit(paste0(tag, ".nbatch"), e$nbatch)
  emit(paste0(tag, ".has.model"), inherits(e$model, "MXFeedForwardModel"))
}
rec <- new.env()
# stop() in an epoch callback at epoch 3: the model of epoch 3 is the last completed one
e <- tryCatch(run(epoch.end.callback = function(iteration, nbatch, env) {
  rec[[paste0("m", iteration)]] <- w1(env$model)
  if (iteration == 3) stop("boom at the end") else TRUE }), error = function(e) e)
report("epoch", e)
emit("epoch.model.is.epoch3", identical(w1(e$model), rec$m3))
emit("epoch.last.is.same", identical(w1(mx.model.last()), rec$m3))
emit("epoch.parent.message", conditionMessage(e$parent))
emit("epoch.parent.class", class(e$parent))
# stop() in a batch callback at epoch 2, batch 4: the last completed epoch is 1
e <- tryCatch(run(epoch.end.callback = function(iteration, nbatch, env) {
    rec$e1 <- w1(env$model); TRUE },
  batch.end.callback = function(iteration, nbatch, env) {
    if (iteration == 2 && nbatch == 4) stop("boom in a batch") }), error = function(e) e)
report("batch", e)
emit("batch.model.is.epoch1", identical(w1(e$model), rec$e1))
emit("batch.last.is.same", identical(w1(mx.model.last()), rec$e1))
# an error before any epoch completed: no model, and mx.model.last() is NULL for this run
e <- tryCatch(run(batch.end.callback = function(iteration, nbatch, env) stop("early")),
              error = function(e) e)
report("early", e)
emit("early.last.null", is.null(mx.model.last()))
# a condition class of the user's survives as the parent
e <- tryCatch(run(epoch.end.callback = function(iteration, nbatch, env)
  stop(structure(class = c("my_error", "error", "condition"),
                 list(message = "mine", call = NULL)))),
  error = function(e) e)
emit("custom.parent.class", class(e$parent))
caught <- tryCatch(run(epoch.end.callback = function(iteration, nbatch, env) stop("x")),
                   mx_callback_error = function(e) "by class")
emit("caught.by.class", caught)
# invalid return values name the callback
for (v in list(NA, "yes", c(TRUE, FALSE), 1)) {
  e <- tryCatch(run(epoch.end.callback = function(iteration, nbatch, env) v), error = function(e) e)
  emit(paste0("bad.", paste(deparse(v), collapse = "")), conditionMessage(e))
  emit(paste0("badclass.", paste(deparse(v), collapse = "")), class(e))
}
# Python-side errors: bad arguments, a failing metric and initializer, bad input
emit("pyerr.arg", msg(run(learning.rat = 1)))
emit("pyerr.arg.class", tryCatch(run(learning.rat = 1), error = function(e) class(e)))
emit("pyerr.momentum", msg(run(momentum = -1)))
emit("pyerr.metric",
     msg(run(eval.metric = mx.metric.custom("bad", function(label, pred) stop("no metric")))))
emit("pyerr.init",
     msg(run(initializer = function(name, shape, ctx, allow.unknown) stop("no init"))))
emit("pyerr.X", msg(run(X = "text")))
emit("pyerr.cb.type", msg(run(epoch.end.callback = 42)))
emit("pyerr.predict", msg(predict(e$model, matrix(0, 5, 4))))
emit("pyerr.load", tryCatch(mx.nd.load("missing.nd"), error = function(e) class(e)))
emit("warnings.before.error", tryCatch(withCallingHandlers(
  mx.model.FeedForward.create(lro, X = train.x, y = train.y, num.round = 2, array.batch.size = 20,
    verbose = FALSE, epoch.end.callback = function(iteration, nbatch, env) stop("late")),
  warning = function(w) {
    emit("warning.seen", conditionMessage(w)); invokeRestart("muffleWarning") }),
  error = function(e) "error after the warning"))
# still usable afterwards
ok <- run(num.round = 2)
emit("usable.after", class(ok))
# an uncaught callback error ends the script like any R error
run(epoch.end.callback = function(iteration, nbatch, env)
  if (iteration == 2) stop("uncaught") else TRUE)
emit("never", TRUE)
"""


@pytest.fixture(scope="module")
def failing(run_r_module):
    return run_r_module(FAILING)


def test_stop_in_epoch_callback(failing):
    f = failing
    assert f["epoch.class"] == "mx_callback_error mx_training_error mx_py_error error condition"
    assert f["epoch.message"].startswith("epoch.end.callback failed in epoch 3 (batch 0): "
                                         "boom at the end")
    assert (f["epoch.slot"], f.num("epoch.iteration"), f.num("epoch.nbatch")) == \
        ("epoch.end.callback", 3, 0)
    assert f["epoch.has.model"] == f["epoch.model.is.epoch3"] == f["epoch.last.is.same"] == "TRUE"
    assert f["epoch.parent.message"] == "boom at the end"
    assert f["epoch.parent.class"] == "simpleError error condition"


def test_stop_in_batch_callback(failing):
    f = failing
    assert f["batch.message"].startswith("batch.end.callback failed in epoch 2 (batch 4): "
                                         "boom in a batch")
    assert (f["batch.slot"], f.num("batch.iteration"), f.num("batch.nbatch")) == \
        ("batch.end.callback", 2, 4)
    assert f["batch.model.is.epoch1"] == f["batch.last.is.same"] == "TRUE"
    assert "mx.model.last()" in f["batch.message"]


def test_error_before_the_first_epoch_has_no_model(failing):
    assert failing["early.message"] == "batch.end.callback failed in epoch 1 (batch 1): early"
    assert failing["early.has.model"] == "FALSE"
    assert failing["early.last.null"] == "TRUE"
    assert failing["custom.parent.class"] == "my_error error condition"
    assert failing["caught.by.class"] == "by class"


@pytest.mark.parametrize("value, shown", [
    ("NA", "NA"), ('"yes"', "an R character vector of length 1"),
    ("c(TRUE, FALSE)", "an R logical vector of length 2"),
    ("1", "an R numeric vector of length 1")])
def test_invalid_epoch_callback_values_name_the_callback(failing, value, shown):
    assert failing[f"bad.{value}"].startswith(
        f"The epoch.end.callback returned {shown} in epoch 1; expected TRUE to continue or "
        f"FALSE to stop training.")
    assert failing[f"badclass.{value}"].startswith("mx_callback_error mx_training_error")


def test_python_errors_are_catchable_r_errors(failing):
    f = failing
    assert f["pyerr.arg"] == ("mx.model.FeedForward.create got an unknown argument "
                              "`learning.rat`. Did you mean `learning.rate`?")
    assert f["pyerr.arg.class"] == "mx_training_error mx_py_error error condition"
    assert f["pyerr.momentum"].startswith("Invalid value for argument `momentum`.")
    assert f["pyerr.metric"] == "the eval.metric `bad` failed: no metric"
    assert f["pyerr.init"] == "the initializer (for `data`) failed: no init"
    assert f["pyerr.X"].startswith("Invalid value for argument `X`.")
    assert f["pyerr.cb.type"].startswith("Invalid value for argument `epoch.end.callback`.")
    assert "features per sample" in f["pyerr.predict"]
    assert f["pyerr.load"] == "mx_py_error error condition"
    assert f["warning.seen"] == "Auto detect layout of input matrix, use rowmajor.."
    assert f["warnings.before.error"] == "error after the warning"
    assert f["usable.after"] == "MXFeedForwardModel"
    # R errors raised inside the trainer are reported once, not also printed by R
    assert "no metric" not in f.stderr and "boom" not in f.stderr


def test_uncaught_callback_error_ends_the_script(failing):
    assert failing.returncode == 1
    assert "never" not in failing.values
    assert failing.stderr.endswith(
        "Error: epoch.end.callback failed in epoch 2 (batch 0): uncaught\n(the model of the last "
        "completed epoch is in this error's $model and in mx.model.last())\nExecution halted\n")
