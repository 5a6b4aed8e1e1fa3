"""Training, prediction, parameters, printing, saving and data frames from R (one child).

The checks of this file share one mxnet-rscript run (module fixture ``r``): the script trains
the tutorial network a few times and emits what each test asserts on.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

SCRIPT = r"""
mx.set.seed(0)
model <- mx.model.FeedForward.create(lro, X = train.x, y = train.y, num.round = 3,
  array.batch.size = 20, learning.rate = 2e-6, momentum = 0.9, eval.metric = mx.metric.rmse,
  verbose = FALSE, array.layout = "rowmajor")

# -- parameters: MXNDArray, as.array, dim
w <- model$arg.params$fc1_weight
emit("param.class", class(w))
emit("param.names", names(model$arg.params))
emit("w.dim", dim(w))
emit("w.asarray.dim", dim(as.array(model$arg.params$fc1_weight)))
emit("w.asarray.is.array", is.array(as.array(w)))
emit("w.asarray.class", class(as.array(w)))
emit("b.dim", dim(model$arg.params$fc1_bias))
emit("w.values", as.array(w))
emit("b.values", as.array(model$arg.params$fc1_bias))

# -- predict: c(outputs, n), and the manual computation from the weights
p <- predict(model, test.x, array.layout = "rowmajor")
emit("pred.dim", dim(p))
manual <- t(as.array(w)) %*% t(test.x) + as.vector(as.array(model$arg.params$fc1_bias))
emit("pred.values", p)
emit("manual.values", manual)
p.auto <- withCallingHandlers(predict(model, test.x),
  warning = function(w) {
    emit("pred.warning", conditionMessage(w)); invokeRestart("muffleWarning") })
emit("pred.auto.same", identical(p.auto, p))
emit("pred.colmajor.same", identical(predict(model, t(test.x), array.layout = "colmajor"), p))
emit("pred.smallbatch.same", isTRUE(all.equal(predict(model, test.x, array.layout = "rowmajor",
                                                      array.batch.size = 7), p)))

# -- print methods
emit("print.model", capture.output(print(model)))
s <- summary(model)
emit("summary.class", class(s))
emit("summary.layers", paste(s$layers$name, s$layers$op, s$layers$parameters, s$layers$values,
                             sep = "|"))
emit("summary.total", c(s$total, s$arrays, s$epochs))
emit("print.symbol", capture.output(print(lro)))
emit("print.ctx", capture.output(print(mx.cpu(1))))
emit("print.nd", capture.output(print(mx.nd.array(matrix(1:4, 2)))))
emit("print.returns", identical(withVisible(print(model))$visible, FALSE))

# -- mx.serialize / saveRDS round trip
f <- tempfile(fileext = ".rds")
saveRDS(mx.serialize(model), f)
m2 <- readRDS(f)
emit("ser.is", is.serialized(m2))
emit("ser.orig.is", is.serialized(model))
emit("ser.fields", names(m2))
emit("ser.param.class", class(m2$arg.params$fc1_weight))
emit("ser.pred.same", identical(predict(m2, test.x, array.layout = "rowmajor"), p))
emit("unser.pred.same",
     identical(predict(mx.unserialize(m2), test.x, array.layout = "rowmajor"), p))
emit("ser.print", capture.output(print(m2)))

# -- mx.model.save / load
mx.model.save(model, "saved", 3)
emit("files", sort(list.files(pattern = "^saved")))
m3 <- mx.model.load("saved", 3)
emit("load.class", class(m3))
emit("load.pred.same", identical(predict(m3, test.x, array.layout = "rowmajor"), p))
emit("load.w.same", identical(as.array(m3$arg.params$fc1_weight), as.array(w)))
emit("load.arguments", arguments(m3$symbol))
e <- tryCatch(mx.model.load("nothing-here", 1), error = function(e) e)
emit("load.missing.class", class(e))

# -- data frames: numeric, and with a factor (a note, then data.matrix codes)
df <- BostonHousing[seq(1, 506, 3), -14]
num.df <- df[, sapply(df, is.numeric)]
mx.set.seed(0)
m.df <- withCallingHandlers(
  mx.model.FeedForward.create(lro, X = num.df, y = train.y, num.round = 2,
    array.batch.size = 20, learning.rate = 2e-6, verbose = FALSE, array.layout = "rowmajor"),
  message = function(m) {
    emit("numdf.message", conditionMessage(m)); invokeRestart("muffleMessage") })
mx.set.seed(0)
m.mat <- mx.model.FeedForward.create(lro, X = data.matrix(num.df), y = train.y, num.round = 2,
  array.batch.size = 20, learning.rate = 2e-6, verbose = FALSE, array.layout = "rowmajor")
emit("numdf.same", identical(as.array(m.df$arg.params$fc1_weight),
                             as.array(m.mat$arg.params$fc1_weight)))
mx.set.seed(0)
m.fac <- withCallingHandlers(
  mx.model.FeedForward.create(lro, X = df, y = train.y, num.round = 2,
    array.batch.size = 20, learning.rate = 2e-6, verbose = FALSE, array.layout = "rowmajor"),
  message = function(m) {
    emit("facdf.message", conditionMessage(m)); invokeRestart("muffleMessage") })
mx.set.seed(0)
m.dm <- mx.model.FeedForward.create(lro, X = data.matrix(df), y = train.y, num.round = 2,
  array.batch.size = 20, learning.rate = 2e-6, verbose = FALSE, array.layout = "rowmajor")
emit("facdf.same", identical(as.array(m.fac$arg.params$fc1_weight),
                             as.array(m.dm$arg.params$fc1_weight)))
emit("predict.df.same", identical(suppressMessages(predict(m.dm, df, array.layout = "rowmajor")),
                                  predict(m.dm, data.matrix(df), array.layout = "rowmajor")))

# -- mx.metric.custom with an R function: label and pred are MXNDArrays of one dim n
seen <- new.env()
my.rmse <- mx.metric.custom("myrmse", function(label, pred) {
  if (is.null(seen$label.dim)) {
    seen$label.dim <- dim(label); seen$pred.dim <- dim(pred)
    seen$label.is.array <- is.array(label); seen$pred.is.array <- is.array(pred)
    seen$pred.class <- class(pred)
  }
  sqrt(mean((as.vector(label) - as.vector(pred))^2))
})
log.custom <- mx.metric.logger$new(); log.builtin <- mx.metric.logger$new()
for (m in list(list(my.rmse, log.custom), list(mx.metric.rmse, log.builtin))) {
  mx.set.seed(0)
  invisible(mx.model.FeedForward.create(lro, X = train.x, y = train.y, num.round = 3,
    array.batch.size = 20, learning.rate = 2e-6, momentum = 0.9, eval.metric = m[[1]],
    eval.data = list(data = test.x, label = test.y), verbose = FALSE, array.layout = "rowmajor",
    epoch.end.callback = mx.callback.log.train.metric(1, m[[2]])))
}
emit("custom.label.dim", seen$label.dim)
emit("custom.pred.dim", seen$pred.dim)
emit("custom.arrays", c(seen$label.is.array, seen$pred.is.array))
emit("custom.pred.class", seen$pred.class)
emit("custom.train", log.custom$train)
emit("builtin.train", log.builtin$train)
emit("custom.eval", log.custom$eval)
emit("builtin.eval", log.builtin$eval)
emit("custom.get", unlist(my.rmse$get(c(2, 3))))
emit("custom.get.names", names(my.rmse$get(c(2, 3))))

# -- mx.metric.logger is a reference class
lg <- mx.metric.logger$new()
emit("logger.class", class(lg))
emit("logger.neq", class(lg) != "mx.metric.logger")
emit("logger.is", is(lg, "mx.metric.logger"))
emit("logger.refclass", is(lg, "envRefClass"))
emit("logger.fields", sort(names(mx.metric.logger$fields())))
emit("logger.empty", c(length(lg$train), length(lg$eval)))
bad <- msg(mx.model.FeedForward.create(lro, X = train.x, y = train.y, num.round = 1,
    array.batch.size = 20, learning.rate = 2e-6, eval.metric = mx.metric.rmse, verbose = FALSE,
    array.layout = "rowmajor", epoch.end.callback = mx.callback.log.train.metric(1, list())))
emit("logger.invalid", bad)

# -- mx.model.init.params and the layout helpers
mx.set.seed(3)
ip <- mx.model.init.params(lro, list(data = c(13, 20)), list(lro_label = 20),
                           mx.init.uniform(0.5), mx.cpu())
emit("init.names", names(ip))
emit("init.arg.names", names(ip$arg.params))
emit("init.w.dim", dim(ip$arg.params$fc1_weight))
emit("init.w.range", range(as.array(ip$arg.params$fc1_weight)))
emit("init.b", as.array(ip$arg.params$fc1_bias))
mx.set.seed(3)
emit("init.same.as.runif", identical(as.vector(as.array(ip$arg.params$fc1_weight)),
                                     as.vector(as.array(mx.runif(c(13, 1), -0.5, 0.5)))))
emit("layout.train.row", suppressWarnings(mx.model.select.layout.train(train.x, train.y)))
emit("layout.train.col", suppressWarnings(mx.model.select.layout.train(t(train.x), train.y)))
emit("layout.train.3d", mx.model.select.layout.train(array(0, c(2, 2, 2)), 1:2))
emit("layout.predict.row", suppressWarnings(mx.model.select.layout.predict(test.x, model)))
emit("layout.predict.col", suppressWarnings(mx.model.select.layout.predict(t(test.x), model)))
emit("layout.square", msg(mx.model.select.layout.train(matrix(0, 3, 3), 1:3)))
# the training messages go through R's console: capture.output(type = "message") has them
said <- capture.output(type = "message", invisible(mx.model.FeedForward.create(lro,
  X = train.x, y = train.y, num.round = 2, array.batch.size = 20, learning.rate = 2e-6,
  array.layout = "rowmajor", eval.metric = mx.metric.rmse)))
emit("messages.captured", sub("=.*", "", said))
"""


@pytest.fixture(scope="module")
def r(run_r_module):
    run = run_r_module(SCRIPT)
    assert run.returncode == 0, run.stderr
    return run


def test_parameters_are_r_arrays_in_r_dimension_order(r):
    assert r["param.class"] == "MXNDArray"
    assert r["param.names"] == "fc1_weight fc1_bias"
    assert r.nums("w.dim") == [13, 1]
    assert r.nums("w.asarray.dim") == [13, 1]
    assert r["w.asarray.is.array"] == "TRUE"
    assert r["w.asarray.class"] == "matrix array"
    assert r.nums("b.dim") == [1]


def test_predict_returns_outputs_by_samples_and_matches_the_weights(r):
    assert r.nums("pred.dim") == [1, 337]
    np.testing.assert_allclose(r.nums("pred.values"), r.nums("manual.values"), rtol=1e-5)
    assert r["pred.warning"] == "Auto detect layout of input matrix, use rowmajor.."
    assert r["pred.auto.same"] == r["pred.colmajor.same"] == r["pred.smallbatch.same"] == "TRUE"


def test_print_methods(r):
    assert r["print.model"].startswith("MXFeedForwardModel: 2 layers, 14 trained values ")
    assert re.search(r"fc1 \(FullyConnected\) +fc1_weight 13x1, fc1_bias 1 +14 ", r["print.model"])
    assert "Outputs:    lro_output" in r["print.model"]
    assert "Parameters: 2 arrays, 14 values" in r["print.model"]
    assert "Trained:    " in r["print.model"]
    assert r["print.symbol"].startswith("MXSymbol")
    assert " ".join(r["print.symbol"].split()) == \
        "MXSymbol outputs: lro_output arguments: data, fc1_weight, fc1_bias, lro_label"
    assert r["print.ctx"] == "cpu(1)"
    assert r["print.nd"] == "     [,1] [,2] [1,]    1    3 [2,]    2    4"
    assert r["print.returns"] == "TRUE"


def test_serialize_round_trip_through_saverds(r):
    assert r["ser.is"] == "TRUE" and r["ser.orig.is"] == "FALSE"
    assert r["ser.fields"] == "symbol_json arg.params aux.params is.serialized"
    assert r["ser.param.class"] == "matrix array"  # plain R arrays, no bridge objects
    assert r["ser.pred.same"] == r["unser.pred.same"] == "TRUE"
    assert r["ser.print"] == "MXFeedForwardModel (serialized)"


def test_save_load_round_trip_and_python_reads_the_files(r):
    from mxnet_r_compat.training.persistence import load_model

    assert r["files"] == "saved-0003.params saved-symbol.json"
    assert r["load.class"] == "MXFeedForwardModel"
    assert r["load.pred.same"] == r["load.w.same"] == "TRUE"
    assert r["load.arguments"] == "data fc1_weight fc1_bias lro_label"
    assert r["load.missing.class"].split()[-2:] == ["error", "condition"]
    py = load_model(str(r.cwd / "saved"), 3)
    assert sorted(py.arg_params) == ["fc1_bias", "fc1_weight"]
    assert py.arg_params["fc1_weight"].shape == (1, 13)  # backend order: R dims reversed
    np.testing.assert_array_equal(py.arg_params["fc1_weight"].ravel(),
                                  np.float32(r.nums("w.values")))
    np.testing.assert_array_equal(py.arg_params["fc1_bias"], np.float32(r.nums("b.values")))


def test_data_frames(r):
    assert "numdf.message" not in r.values  # numeric columns: no note
    assert r["numdf.same"] == "TRUE"
    assert r["facdf.message"] == ("Note: X columns chas are not numeric; converted with "
                                  "data.matrix() (factor codes).\\n")
    assert r["facdf.same"] == "TRUE"
    assert r["predict.df.same"] == "TRUE"


def test_custom_metric_gets_mxndarrays_of_one_dim(r):
    # one output per sample: pred has the label's dim n (docs/COMPATIBILITY.md)
    assert r.nums("custom.label.dim") == [20]
    assert r.nums("custom.pred.dim") == [20]
    assert r["custom.arrays"] == "FALSE FALSE"
    assert r["custom.pred.class"] == "MXNDArray"
    # the R function computes what the native rmse computes (float32 vs double inputs)
    np.testing.assert_allclose(r.nums("custom.train"), r.nums("builtin.train"), rtol=1e-6)
    np.testing.assert_allclose(r.nums("custom.eval"), r.nums("builtin.eval"), rtol=1e-6)
    assert len(r.nums("custom.train")) == len(r.nums("custom.eval")) == 3
    assert r["custom.get.names"] == "name value"
    assert r["custom.get"] == "myrmse 1.5"


def test_metric_logger_is_a_reference_class(r):
    assert r["logger.class"] == "mx.metric.logger"
    assert r["logger.neq"] == "FALSE"
    assert r["logger.is"] == r["logger.refclass"] == "TRUE"
    assert r["logger.fields"] == "eval train"
    assert r.nums("logger.empty") == [0, 0]
    assert "Invalid mx.metric.logger." in r["logger.invalid"]


def test_init_params_and_layout_selection(r):
    assert r["init.names"] == "arg.params aux.params"
    assert r["init.arg.names"] == "fc1_weight fc1_bias"
    assert r.nums("init.w.dim") == [13, 1]
    lo, hi = r.nums("init.w.range")
    assert -0.5 <= lo < hi <= 0.5
    assert r.nums("init.b") == [0]
    assert r["init.same.as.runif"] == "TRUE"
    assert r["layout.train.row"] == r["layout.predict.row"] == "rowmajor"
    assert r["layout.train.col"] == r["layout.predict.col"] == "colmajor"
    assert r["layout.train.3d"] == "colmajor"
    assert r["layout.square"] == "Cannot auto select array.layout, please specify this parameter"


def test_training_messages_are_r_console_output(r):
    assert r["messages.captured"] == "Start training with 1 devices [1] Train-rmse [2] Train-rmse"


def test_summary_lists_layers_parameters_and_training(r):
    assert r["summary.class"] == "summary.MXFeedForwardModel"
    assert r["summary.layers"] == ("fc1|FullyConnected|fc1_weight 13x1, fc1_bias 1|14 "
                                   "lro|LinearRegressionOutput|-|0")
    total, arrays, epochs = r.nums("summary.total")
    assert (total, arrays) == (14, 2) and epochs >= 1
