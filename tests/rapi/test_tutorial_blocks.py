"""What the blocks of MXNet R's NDArray and Five Minutes tutorials and the demo
basic_ndarray.R rely on, from R on both hosts: contexts, dims and classes, saving one array or
a list, clear errors for remote URIs and lists of lists, and the classifier's prediction layout
(classes x samples)."""

from __future__ import annotations

import pytest

SCRIPT = r"""
a <- mx.nd.zeros(c(2, 3), mx.cpu())
emit("zeros", c(dim(a), as.array(a)))
emit("rnorm.dim", dim(mx.rnorm(c(4, 5))))
emit("array.1to5", as.array(mx.nd.array(1:5)))
emit("as.array.class", class(as.array(mx.nd.ones(c(2, 3)))))
b <- mx.nd.copyto(mx.nd.ones(c(2, 3)) * 2, mx.cpu())
emit("copyto", c(is.mx.ndarray(b), dim(b), as.array(b * 3)))
emit("ctx.set", capture.output(print(mx.ctx.default(mx.cpu(1)))))
emit("ctx.get", c(capture.output(print(mx.ctx.default())), is.mx.context(mx.cpu()),
                  is.mx.context(1)))
mx.nd.save(list(mx.nd.ones(c(2, 3))), "temp.ndarray")
back <- mx.nd.load("temp.ndarray")
emit("load.list", c(length(back), is.null(names(back)), as.array(back[[1]])))
mx.nd.save(mx.nd.array(1:3), "temp.dat")
emit("load.one", as.array(mx.nd.load("temp.dat")[[1]]))
emit("s3", msg(mx.nd.save(list(a), "s3://mybucket/mydata.bin")))
emit("s3.load", msg(mx.nd.load("s3://mybucket/mydata.bin")))
emit("list.of.lists", msg(mx.nd.save(list(back), "nested.nd")))
emit("nested.written", file.exists("nested.nd"))
data(Sonar, package = "mlbench")
Sonar[, 61] <- as.numeric(Sonar[, 61]) - 1
mx.set.seed(0)
model <- mx.mlp(data.matrix(Sonar[1:50, 1:60]), Sonar[1:50, 61], hidden_node = 10,
                out_node = 2, out_activation = "softmax", num.round = 2,
                array.batch.size = 15, learning.rate = 0.07, momentum = 0.9,
                eval.metric = mx.metric.accuracy, verbose = FALSE)
preds <- predict(model, data.matrix(Sonar[61:70, 1:60]), array.layout = "rowmajor")
emit("preds.dim", dim(preds))
emit("preds.colsums", colSums(preds))
emit("pred.label", max.col(t(preds)) - 1)
"""


@pytest.fixture(scope="module")
def r(run_r_module):
    run = run_r_module(SCRIPT)
    assert run.returncode == 0, run.stderr
    return run


def test_arrays_as_the_ndarray_tutorial_makes_them(r):
    assert r.nums("zeros") == [2, 3] + [0] * 6
    assert r.nums("rnorm.dim") == [4, 5]
    assert r.nums("array.1to5") == [1, 2, 3, 4, 5]
    assert r["as.array.class"] == "matrix array"
    assert r.nums("copyto") == [1, 2, 3] + [6] * 6   # TRUE, the dims, the values


def test_default_context_as_basic_ndarray_sets_it(r):
    assert r["ctx.set"] == "cpu(1)"
    assert r["ctx.get"] == "cpu(1) TRUE FALSE"


def test_save_a_list_or_one_array(r):
    assert r.nums("load.list") == [1, 1] + [1] * 6   # one unnamed array (TRUE prints as 1)
    assert r.nums("load.one") == [1, 2, 3]


def test_remote_uris_and_nested_lists_are_clear_errors(r):
    for key in ("s3", "s3.load"):
        assert r[key] == ("Invalid value for argument `filename`. Received: "
                          "filename='s3://mybucket/mydata.bin'. Expected a local file: this "
                          "build reads and writes local files only, not S3, HDFS, Azure or "
                          "HTTP URIs.")
    assert r["list.of.lists"] == ("Invalid value for argument `ndarray`. Received: a list whose "
                                  "element 1 is a list. Expected an MXNDArray or a list of "
                                  "MXNDArrays (not a list of lists).")
    assert r["nested.written"] == "FALSE"


def test_classifier_predictions_are_classes_by_samples(r):
    assert r.nums("preds.dim") == [2, 10]
    assert r.nums("preds.colsums") == pytest.approx([1] * 10, abs=1e-6)
    assert set(r.nums("pred.label")) <= {0, 1}
