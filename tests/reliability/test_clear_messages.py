"""Messages that name the thing at fault, where they were raw before (docs/RELIABILITY.md,
section 8): a wrong-shaped initializer, a metric that returns no number, a symbol and params
file that do not belong together, R values shown in R's terms, and a sidecar with NaN
hyper-parameters.
"""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import ModelFileError, MXValueError
from mxnet_r_compat.formats import state_file

from .conftest import R_PREAMBLE, parse_cases, softmax_net


def test_initializer_with_the_wrong_shape_names_parameter_initializer_and_shapes(fit):
    def two_values(name, shape, ctx=None, allow_unknown=False):
        return np.zeros(2) if name.endswith("weight") else None

    with pytest.raises(MXValueError, match=r"^Invalid value for argument `initializer`\. "
                                           r"Received: the initializer test_initializer_with_the_"
                                           r"wrong_shape.*two_values returned an array of shape "
                                           r"\(2,\) \(R dim c\(2\)\) for the parameter "
                                           r"`fc_weight`\. Expected shape \(1, 3\) \(R dim c\(3, "
                                           r"1\)\), the parameter's shape\.$"):
        fit(initializer=two_values)


@pytest.mark.parametrize("result, shown", [(None, "None"), ("0.5", "'0.5'"),
                                           (np.ones(3), r"an array of shape \(3,\)")],
                         ids=["None", "a string", "a vector"])
def test_metric_returning_no_number_is_named(fit, result, shown):
    metric = mx.metric.custom("my_loss", lambda label, pred: result)
    with pytest.raises(MXValueError, match=rf"^The eval\.metric `my_loss` returned {shown} for a "
                                           rf"batch; expected its feval\(label, pred\) to return "
                                           rf"one number\.$"):
        fit(eval_metric=metric)


def _pair(tmp_path, symbol_of, params_of) -> str:
    """A prefix whose -symbol.json comes from one model and -0001.params from another."""
    mx.model.save(symbol_of, str(tmp_path / "a"), 1)
    mx.model.save(params_of, str(tmp_path / "b"), 1)
    (tmp_path / "mixed-symbol.json").write_bytes((tmp_path / "a-symbol.json").read_bytes())
    (tmp_path / "mixed-0001.params").write_bytes((tmp_path / "b-0001.params").read_bytes())
    return str(tmp_path / "mixed")


def test_symbol_and_params_that_disagree_are_refused_at_load(fit, tmp_path):
    three = fit(symbol=softmax_net(3), y=np.arange(40) % 3, num_round=1)
    two = fit(symbol=softmax_net(2), y=np.arange(40) % 2, num_round=1)
    prefix = _pair(tmp_path, three, two)
    with pytest.raises(ModelFileError, match=r"^'.*mixed-symbol\.json' and '.*mixed-0001\.params' "
                                             r"do not belong together: `fc2_weight` has shape "
                                             r"\(2, 8\) in the params file; the network needs "
                                             r"\(3, 8\)\. Were they saved by different runs\?$"):
        mx.model.load(prefix, 1)


def test_params_missing_a_parameter_are_refused_at_load(fit, tmp_path):
    no_bias = mx.symbol.LinearRegressionOutput(mx.symbol.FullyConnected(
        mx.symbol.Variable("data"), num_hidden=1, no_bias=True, name="fc"), name="lro")
    prefix = _pair(tmp_path, fit(num_round=1), fit(symbol=no_bias, num_round=1))
    with pytest.raises(ModelFileError, match=r"do not belong together: the network's parameter "
                                             r"`fc_bias` \(the bias of FullyConnected `fc`\) is "
                                             r"missing\."):
        mx.model.load(prefix, 1)


def test_a_matching_pair_with_extra_entries_still_loads(fit, tmp_path):
    model = fit(num_round=1)
    model.arg_params["unused_weight"] = np.ones(2, np.float32)
    mx.model.save(model, str(tmp_path / "m"), 1)
    loaded = mx.model.load(str(tmp_path / "m"), 1)
    assert sorted(loaded.arg_params) == ["fc_bias", "fc_weight", "unused_weight"]


def test_sidecar_with_nan_hyperparameters_is_refused_at_resume(fit, tmp_path):
    prefix = str(tmp_path / "run")
    fit(num_round=2, checkpoint=prefix)
    path = state_file.state_path(prefix, 2)
    manifest, arrays = state_file.load_state(path)
    manifest["optimizer"]["state"]["lr"] = {"__float__": "nan"}
    state_file.save_state(path, manifest, arrays)
    with pytest.raises(ModelFileError, match=r"^Invalid resume state file '.*run-0002\.state': "
                                            r"field `optimizer\.state\.lr`\. Received: nan\. "
                                            r"Expected a finite number >= 0 \(float32\)\.$"):
        fit(num_round=3, resume=prefix, batch_end_callback=_never_called)
    manifest["optimizer"]["state"]["lr"] = 0.05
    manifest["hyper"]["wd"] = {"__float__": "inf"}
    state_file.save_state(path, manifest, arrays)
    with pytest.raises(ModelFileError, match=r"field `hyper\.wd`"):
        fit(num_round=3, resume=prefix, batch_end_callback=_never_called)


def _never_called(*args):
    raise AssertionError("training must not start")


R_CASES = R_PREAMBLE + r"""
case("complex matrix", fit(X = matrix(complex(real = 1:120), 40, 3)))
case("learning.rate = NA", fit(learning.rate = NA))
case("learning.rate = NaN", fit(learning.rate = NaN))
case("wd = NA_real_", fit(wd = NA_real_))
case("num.round = NA", fit(num.round = NA))
case("array.batch.size = NaN", fit(array.batch.size = NaN))
case("3-d array, rowmajor", fit(X = array(rnorm(240), c(40, 3, 2)), y = y[1:30]))
m3 <- fit(symbol = mx.symbol.LinearRegressionOutput(mx.symbol.FullyConnected(
  mx.symbol.Variable("data"), num_hidden = 1, no_bias = TRUE, name = "fc"), name = "lro"))
mx.model.save(fit(), "a", 1); mx.model.save(m3, "b", 1)
invisible(file.copy("a-symbol.json", "mixed-symbol.json"))
invisible(file.copy("b-0001.params", "mixed-0001.params"))
case("mx.model.load of a mixed pair", mx.model.load("mixed", 1))
cat("DONE\n")
"""

R_EXPECTED = {
    "complex matrix": "Invalid value for argument `X`. Received: a 40 x 3 complex matrix. "
                      "Expected a numeric matrix or array (data.frames: use data.matrix()).",
    "learning.rate = NA": "Invalid value for argument `learning.rate`. Received: "
                          "learning.rate=NA. Expected a number >= 0.",
    "learning.rate = NaN": "Invalid value for argument `learning.rate`. Received: "
                           "learning.rate=NaN. Expected a number >= 0.",
    "wd = NA_real_": "Invalid value for argument `wd`. Received: wd=NA. Expected a number >= 0.",
    "num.round = NA": "Invalid value for argument `num.round`. Received: num.round=NA. "
                      "Expected a whole number.",
    "array.batch.size = NaN": "Invalid value for argument `array.batch.size`. Received: "
                              "array.batch.size=NaN. Expected a whole number >= 1.",
    "3-d array, rowmajor": "Invalid value for argument `y`. Received: 30 labels (a vector of "
                           "length 30). Expected one label per sample: X has 2 samples (dim(X) "
                           "is c(40, 3, 2): in an array of 3 dimensions the samples are the "
                           "last one; array.layout=\"rowmajor\" only applies to matrices).",
    "mx.model.load of a mixed pair": "'mixed-symbol.json' and 'mixed-0001.params' do not belong "
                                     "together: the network's parameter `fc_bias` (the bias of "
                                     "FullyConnected `fc`) is missing. Were they saved by "
                                     "different runs?",
}


@pytest.mark.r
def test_r_messages_show_r_values_in_r_terms(run_r):
    child = run_r(R_CASES)
    assert child.returncode == 0, child.stderr
    assert parse_cases(child.stdout) == R_EXPECTED, child.stdout

