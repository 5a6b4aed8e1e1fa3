"""Nothing is coerced silently: each of these inputs used to be quietly changed into
something else (truncated, reshaped, re-read as other bits, ignored) and is now a clear error,
a warning, or a documented conversion (docs/RELIABILITY.md, section 7).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import CallbackError, MXValueError
from mxnet_r_compat.graph.symbol import load_json
from mxnet_r_compat.training.checks import SharedNameWarning

from .conftest import R_PREAMBLE, linreg, parse_cases


def _never_called(*args):
    raise AssertionError("training must not start")


# -- numbers written as text -------------------------------------------------------------------


def test_numbers_written_as_text_are_refused_like_in_r(fit, data):
    X, y = data
    with pytest.raises(MXValueError, match=r"^Invalid value for argument `X`\. Received: a 40 x 3 "
                                           r"matrix of text, such as '-?0\.\d+' at row 1, column 1 "
                                           r"\(a number written as text\)\. Expected numbers, not "
                                           r"text: convert it first, e\.g\. X\.astype\(float\)"):
        fit(X=X.astype(str), batch_end_callback=_never_called)
    with pytest.raises(MXValueError, match=r"^Invalid value for argument `y`\. Received: a vector "
                                           r"of length 40 of text"):
        fit(y=y.astype(str), batch_end_callback=_never_called)
    with pytest.raises(MXValueError, match=r"Received: a 40 x 3 matrix of text, such as '1\.5'"):
        fit(X=np.array([["1.5", 2.0, 3.0]] * 40, dtype=object),
            batch_end_callback=_never_called)


# -- integer operator parameters ---------------------------------------------------------------


@pytest.mark.parametrize("value", [1.5, 1.7, True], ids=["1.5", "1.7", "TRUE"])
def test_num_hidden_must_be_a_whole_number(value):
    with pytest.raises(MXValueError, match=rf"^Invalid value for parameter `num_hidden` of "
                                           rf"FullyConnected\. Received: num_hidden={value}\. "
                                           rf"Expected a whole number\.$"):
        mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=value, name="fc")


def test_whole_floats_still_count_as_whole_numbers():
    fc = mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=3.0, name="fc")
    assert fc.infer_shape(data=(2, 4))[0]["fc_weight"] == (3, 4)
    big = json.loads(fc.tojson().replace('"3"', '"1e+06"'))  # R formats 1e6 so
    assert load_json(json.dumps(big)).infer_shape(data=(2, 4))[0]["fc_weight"] == (10**6, 4)


@pytest.mark.parametrize("text", ['"1.5"', "true"], ids=["1.5", "true"])
def test_num_hidden_in_a_symbol_file_must_be_a_whole_number(text):
    document = json.loads(linreg().tojson())
    fc = next(node for node in document["nodes"] if node["op"] == "FullyConnected")
    raw = json.dumps(document).replace('"num_hidden": "1"', f'"num_hidden": {text}')
    assert raw != json.dumps(document)
    with pytest.raises(MXValueError, match=r"^Invalid value for parameter `num_hidden` of "
                                           r"FullyConnected\. Received: num_hidden=(1\.5|'True')\. "
                                           r"Expected a whole number\.$"):
        load_json(raw)
    assert fc["name"] == "fc"


# -- initializers --------------------------------------------------------------------------------


def transposed(name, shape, ctx=None, allow_unknown=False):
    return np.full(shape[::-1], 0.1) if name.endswith("weight") else None


def test_initializer_returning_the_transposed_shape_is_refused(fit):
    with pytest.raises(MXValueError, match=r"^Invalid value for argument `initializer`\. Received: "
                                           r"the initializer transposed returned an array of "
                                           r"shape \(3, 1\) \(R dim c\(1, 3\)\) for the parameter "
                                           r"`fc_weight`\. Expected shape \(1, 3\) \(R dim c\(3, "
                                           r"1\)\), the parameter's shape\.$"):
        fit(initializer=transposed, batch_end_callback=_never_called)


def test_initializer_returning_a_plain_vector_fills_the_shape(fit):
    def flat(name, shape, ctx=None, allow_unknown=False):
        return np.arange(np.prod(shape), dtype=np.float32) if name.endswith("weight") else None
    model = fit(initializer=flat, num_round=1, learning_rate=0.0)
    np.testing.assert_array_equal(model.arg_params["fc_weight"], [[0.0, 1.0, 2.0]])


# -- variables sharing a name ------------------------------------------------------------------


def two_layers(second_weight=None):
    h = mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=3, name="fc")
    h = mx.symbol.FullyConnected(h, num_hidden=3, name="fc") if second_weight is None else \
        mx.symbol.FullyConnected(data=h, weight=second_weight, num_hidden=3, name="fc2")
    out = mx.symbol.FullyConnected(h, num_hidden=1, name="out")
    return mx.symbol.LinearRegressionOutput(out, name="lro")


def test_two_layers_with_one_name_warn_that_they_share_weights(fit):
    with pytest.warns(SharedNameWarning) as caught:
        fit(symbol=two_layers(), num_round=1)
    assert [str(w.message) for w in caught] == [
        "The network has 2 different variables named `fc_weight` (each the weight of "
        "FullyConnected `fc`: 2 layers are named `fc`); 2 different variables named `fc_bias` "
        "(each the bias of FullyConnected `fc`: 2 layers are named `fc`). Variables with one "
        "name share one array, so they are trained as one parameter. Give them different names, "
        "or pass the same mx.symbol.Variable to both layers to share on purpose."]


def test_a_variable_named_like_another_role_warns(fit):
    h = mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=3, name="fc")
    h = mx.symbol.BatchNorm(data=h, gamma=mx.symbol.Variable("fc_bias"), name="bn")
    net = mx.symbol.LinearRegressionOutput(mx.symbol.FullyConnected(h, num_hidden=1, name="out"),
                                           name="lro")
    with pytest.warns(SharedNameWarning, match=r"named `fc_bias` \(the bias of FullyConnected "
                                               r"`fc` and the gamma of BatchNorm `bn`\)\. "
                                               r"Variables with"):
        fit(symbol=net, num_round=1)


def test_sharing_on_purpose_and_repeated_data_variables_do_not_warn(fit, recwarn):
    shared = mx.symbol.Variable("shared_weight")
    h = mx.symbol.FullyConnected(data=mx.symbol.Variable("data"), weight=shared, num_hidden=3,
                                 name="a")
    h = mx.symbol.FullyConnected(data=h, weight=shared, num_hidden=3, name="b")
    both = mx.symbol.Concat(h, mx.symbol.Variable("data"), num_args=2, name="cat")
    out = mx.symbol.LinearRegressionOutput(mx.symbol.FullyConnected(both, num_hidden=1,
                                                                    name="out"), name="lro")
    fit(symbol=out, num_round=1)
    assert not [w for w in recwarn if issubclass(w.category, SharedNameWarning)]


# -- kvstore -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kvstore, expected", [
    ("bogus", r"Expected one of local, device, local_update_cpu, local_allreduce_cpu, "
              r"local_allreduce_device\.$"),
    ("dist_async", r"Expected one of local, .*, dist_sync, dist_device_sync: only synchronous "
                   r"distributed training is supported\.$"),
])
def test_kvstore_must_name_a_local_store_even_on_one_device(fit, kvstore, expected):
    with pytest.raises(MXValueError, match=rf"^Invalid value for argument `kvstore`\. Received: "
                                           rf"kvstore='{kvstore}'\. {expected}"):
        fit(kvstore=kvstore, batch_end_callback=_never_called)


# -- a callback's stop field -------------------------------------------------------------------


@pytest.mark.parametrize("stop, shown", [("FALSE", "'FALSE'"), (float("nan"), "nan"), (0, "0")])
def test_callback_stop_field_must_be_true_or_false(fit, stop, shown):
    with pytest.raises(CallbackError, match=rf"^The epoch\.end\.callback returned stop={shown} in "
                                            rf"epoch 1; expected stop = True \(stop training\) or "
                                            rf"False \(continue\)\.$"):
        fit(epoch_end_callback=lambda iteration, nbatch, env: {"stop": stop})


# -- R -------------------------------------------------------------------------------------------

R_CASES = R_PREAMBLE + r"""
as_integer64 <- function(v, dim = NULL) {
  # bit64's representation: a double vector whose bits are int64 values, class "integer64"
  bits <- vapply(v, function(k) {
    hi <- floor(k / 2^32); lo <- k - hi * 2^32
    words <- as.integer(ifelse(c(lo, hi) >= 2^31, c(lo, hi) - 2^32, c(lo, hi)))
    readBin(writeBin(words, raw()), "double", n = 1)
  }, numeric(1))
  structure(bits, dim = dim, class = "integer64")
}
Xi <- matrix(round(X * 10), 40, 3)
m_num <- fit(X = Xi, num.round = 2)
m_i64 <- fit(X = as_integer64(as.vector(Xi), dim = c(40L, 3L)), num.round = 2)
cat("CASE integer64 X trains on its values\t",
    identical(as.array(m_num$arg.params$fc_weight), as.array(m_i64$arg.params$fc_weight)),
    "\n", sep = "")
case("integer64 beyond 2^53", fit(X = as_integer64(c(2^60, 1, 2), dim = c(1L, 3L)), y = 1))
case("num_hidden 1.5", mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = 1.5))
case("num_hidden TRUE", mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden = TRUE))
case("stop = \"FALSE\"", fit(epoch.end.callback = function(i, n, env) list(stop = "FALSE")))
case("stop = NA", fit(epoch.end.callback = function(i, n, env) list(stop = NA)))
case("kvstore bogus", fit(kvstore = "bogus"))
case("kvstore dist_async", fit(kvstore = "dist_async"))
case("transposed initializer", fit(initializer = function(name, shape, ...)
  if (grepl("weight$", name)) array(0.1, rev(shape)) else NULL))
cat("DONE\n")
"""

R_EXPECTED = {
    "integer64 X trains on its values": "TRUE",
    "integer64 beyond 2^53": "Invalid value for argument `X`. Received: a 1 x 3 integer64 "
                             "matrix holding 1152921504606846976 (element 1). Expected "
                             "integers within +-2^53, which doubles hold exactly (or convert it "
                             "with as.numeric() first).",
    "num_hidden 1.5": "Invalid value for parameter `num_hidden` of FullyConnected. Received: "
                      "num_hidden=1.5. Expected a whole number.",
    "num_hidden TRUE": "Invalid value for parameter `num_hidden` of FullyConnected. Received: "
                       "num_hidden=TRUE. Expected a whole number.",
    'stop = "FALSE"': "The epoch.end.callback returned stop='FALSE' in epoch 1; expected stop = "
                      "TRUE (stop training) or FALSE (continue).\n(the model of the last "
                      "completed epoch is in this error's $model and in mx.model.last())",
    "stop = NA": "The epoch.end.callback returned stop=NA in epoch 1; expected stop = TRUE "
                 "(stop training) or FALSE (continue).\n(the model of the last completed epoch "
                 "is in this error's $model and in mx.model.last())",
    "kvstore bogus": "Invalid value for argument `kvstore`. Received: kvstore='bogus'. Expected "
                     "one of local, device, local_update_cpu, local_allreduce_cpu, "
                     "local_allreduce_device.",
    "kvstore dist_async": "Invalid value for argument `kvstore`. Received: "
                          "kvstore='dist_async'. Expected one of local, device, "
                          "local_update_cpu, local_allreduce_cpu, local_allreduce_device, "
                          "dist_sync, dist_device_sync: only synchronous distributed training "
                          "is supported.",
    "transposed initializer": "Invalid value for argument `initializer`. Received: the R "
                              "initializer function returned an array of shape (3, 1) (R dim "
                              "c(1, 3)) for the parameter `fc_weight`. Expected shape (1, 3) (R "
                              "dim c(3, 1)), the parameter's shape.",
}


@pytest.mark.r
def test_r_coercions_are_errors_or_documented_conversions(run_r):
    child = run_r(R_CASES)
    assert child.returncode == 0, child.stderr
    assert parse_cases(child.stdout) == R_EXPECTED, child.stdout
