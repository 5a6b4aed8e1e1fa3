"""Issue 6, item 1: every bad input gets a clear error before training starts, in Python and
in R. Each message names the argument, what it received and what it expected.

The Python cases run ``mx.model.FeedForward.create`` / ``predict``; the R cases run one
script (under mxnet-rscript and under plain Rscript) and compare each case's
conditionMessage. A case that trained instead of failing shows up as "NO ERROR".
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.engine.context import Context
from mxnet_r_compat.errors import CallbackError, MXError, MXShapeError, MXTypeError, MXValueError
from mxnet_r_compat.io import DataConversionWarning

from .conftest import R_PREAMBLE, parse_cases, softmax_net

FINITE = (r"Expected finite numbers: remove or impute the missing values, or pass "
          r"check\.finite=FALSE")


def _with(X, i, j, value):
    X = X.copy()
    X[i, j] = value
    return X


def _never_called(*args):
    raise AssertionError("training must not start")


# (case, build kwargs from (X, y), exception, regex). A batch callback that fails if any batch
# runs proves that the error came before training.
PY_CASES = [
    ("X with NaN", lambda X, y: {"X": _with(X, 3, 1, np.nan)}, MXValueError,
     r"^Invalid value for argument `X`\. Received: a 40 x 3 matrix with 1 NA/NaN value \(the "
     r"first at row 4, column 2\)\. " + FINITE),
    ("X with Inf", lambda X, y: {"X": _with(X, 0, 2, -np.inf)}, MXValueError,
     r"^Invalid value for argument `X`\. Received: a 40 x 3 matrix with 1 infinite value \(the "
     r"first at row 1, column 3\)"),
    ("y with NaN", lambda X, y: {"y": np.where(np.arange(40) == 5, np.nan, y)}, MXValueError,
     r"^Invalid value for argument `y`\. Received: a vector of length 40 with 1 NA/NaN value "
     r"\(the first at element 6\)"),
    ("y with Inf", lambda X, y: {"y": np.where(np.arange(40) < 2, np.inf, y)}, MXValueError,
     r"^Invalid value for argument `y`\. Received: .* 2 infinite values"),
    ("X of text", lambda X, y: {"X": np.full((40, 3), "a")}, MXValueError,
     r"^Invalid value for argument `X`\. Received: a 40 x 3 matrix holding the non-numeric "
     r"value 'a' at row 1, column 1\. Expected numbers"),
    ("X mixed objects", lambda X, y: {"X": np.array([[1.0, 2.0, "x"]] * 40, dtype=object)},
     MXValueError, r"non-numeric value 'x' at row 1, column 3"),
    ("X and y row counts", lambda X, y: {"y": y[:30]}, MXShapeError,
     r"^Invalid value for argument `y`\. Received: 30 labels \(a vector of length 30\)\. "
     r"Expected one label per sample: X has 40 samples \(array\.layout=\"rowmajor\""),
    ("X and y counts, auto layout", lambda X, y: {"y": y[:30], "array_layout": "auto"},
     MXShapeError, r"^Invalid value for argument `y`\. Received: 30 labels .* Expected one "
     r"label per sample of X, which is a 40 x 3 matrix"),
    ("square X, auto layout", lambda X, y: {"X": np.ones((40, 40)), "array_layout": "auto"},
     MXValueError, r"^Cannot auto select array\.layout, please specify this parameter$"),
    ("empty X", lambda X, y: {"X": np.zeros((0, 3)), "y": np.zeros(0)}, MXValueError,
     r"^Invalid value for argument `X`\. Received: a 0 x 3 matrix\. Expected at least one "
     r"sample with at least one feature\.$"),
    ("X without features", lambda X, y: {"X": np.zeros((40, 0))}, MXValueError,
     r"Received: a 40 x 0 matrix\. Expected at least one sample"),
    ("X is None", lambda X, y: {"X": None}, MXValueError,
     r"^Invalid value for argument `X`\. Received: X=None\."),
    ("batch size 0", lambda X, y: {"array_batch_size": 0}, MXValueError,
     r"^Invalid value for argument `array\.batch\.size`\. Received: array\.batch\.size=0\. "
     r"Expected a whole number >= 1\.$"),
    ("batch size negative", lambda X, y: {"array_batch_size": -4}, MXValueError,
     r"array\.batch\.size=-4\. Expected a whole number >= 1"),
    ("batch size fractional", lambda X, y: {"array_batch_size": 2.5}, MXValueError,
     r"array\.batch\.size=2\.5\. Expected a whole number >= 1"),
    ("num.round < begin.round", lambda X, y: {"begin_round": 5, "num_round": 2}, MXValueError,
     r"^Invalid value for argument `num\.round`\. Received: num\.round=2\. Expected "
     r"num\.round >= begin\.round \(5\)"),
    ("negative learning rate", lambda X, y: {"learning_rate": -0.1}, MXValueError,
     r"^Invalid value for argument `learning\.rate`\. Received: learning\.rate=-0\.1\. "
     r"Expected a number >= 0\.$"),
    ("infinite learning rate", lambda X, y: {"learning_rate": float("inf")}, MXValueError,
     r"^Invalid value for argument `learning\.rate`\. Received: learning\.rate=inf\. Expected "
     r"a finite number\.$"),
    ("momentum 1", lambda X, y: {"momentum": 1.0}, MXValueError,
     r"^Invalid value for argument `momentum`\. Received: momentum=1\.0\. Expected 0 <= "
     r"momentum < 1\.$"),
    ("momentum negative", lambda X, y: {"momentum": -0.5}, MXValueError, r"momentum=-0\.5"),
    ("text hyper-parameter", lambda X, y: {"wd": "0.1"}, MXValueError,
     r"^Invalid value for argument `wd`\. Received: wd='0\.1'\. Expected a number >= 0\.$"),
    ("unknown optimizer", lambda X, y: {"optimizer": "adamw"}, MXValueError,
     r"^Unknown optimizer adamw\. Expected one of: sgd, nag, adam"),
    ("initializer name", lambda X, y: {"initializer": "xavier"}, MXValueError,
     r"^Invalid value for argument `initializer`\. Received: initializer='xavier'\. Expected an "
     r"initializer such as mx\.init\.uniform"),
    ("metric name", lambda X, y: {"eval_metric": "rmse"}, MXValueError,
     r"^Invalid value for argument `eval\.metric`\. Received: eval\.metric='rmse'\. Expected "
     r"the metric object mx\.metric\.rmse, not its name\.$"),
    ("unknown metric name", lambda X, y: {"eval_metric": "r2"}, MXValueError,
     r"eval\.metric='r2'\. Expected a metric object such as mx\.metric\.rmse \(built in: "),
    ("symbol without label", lambda X, y: {"symbol": mx.symbol.FullyConnected(
        mx.symbol.Variable("data"), num_hidden=1, name="fc")}, MXValueError,
     r"exactly one argument whose name ends in \"label\" \(found 0: none\)"),
    ("label shape", lambda X, y: {"y": np.stack([y, y], axis=1)}, MXShapeError,
     r"^Invalid value for argument `y`\. Received: labels of shape \(10, 2\) per batch \(2 "
     r"values per sample\)\. Expected shape \(10,\) per batch \(1 value per sample\) for the "
     r"network's label `lro_label` \(LinearRegressionOutput: Shape inconsistent"),
    ("class labels out of range", lambda X, y: {"symbol": softmax_net(3),
                                                "y": np.arange(40) % 4}, MXValueError,
     r"^Invalid value for argument `y`\. Received: class label 3 at element 4 \(10 of 40 labels "
     r"out of range\)\. Expected class indices 0 <= label < 3: the network's SoftmaxOutput `sm` "
     r"has 3 outputs"),
    ("arg.params shape", lambda X, y: {"arg_params": {"fc_weight": np.ones((3, 1)),
                                                      "fc_bias": np.zeros(1)}}, MXShapeError,
     r"^Invalid value for argument `arg\.params`\. Received: `fc_weight` of shape \(3, 1\) \(R "
     r"dim c\(1, 3\)\)\. Expected shape \(1, 3\) \(R dim c\(3, 1\)\)"),
    ("arg.params unknown name", lambda X, y: {"arg_params": {"fc_weight": np.ones((1, 3)),
                                                             "fc2_weight": np.ones(2)}},
     MXValueError, r"^Invalid value for argument `arg\.params`\. Received: an entry named "
     r"`fc2_weight`, which is not a parameter .* Expected names among fc_weight, fc_bias"),
    ("arg.params with NaN", lambda X, y: {"arg_params": {"fc_weight": np.full((1, 3), np.nan),
                                                         "fc_bias": np.zeros(1)}},
     MXValueError, r"^Invalid value for argument `arg\.params\$fc_weight`\. Received: a 1 x 3 "
     r"matrix with 3 NA/NaN values"),
    ("eval.data not a list", lambda X, y: {"eval_data": X}, MXValueError,
     r"^The validation set should be either a mx\.io\.DataIter or a R list$"),
    ("eval.data without label", lambda X, y: {"eval_data": {"data": X}}, MXValueError,
     r"^Please provide the validation set as list\(data=R\.array, label=R\.array\)$"),
    ("eval.data feature count", lambda X, y: {"eval_data": {"data": X[:, :2], "label": y}},
     MXShapeError, r"^Invalid value for argument `eval\.data\$data`\. Received: 2 features per "
     r"sample \(shape \(2,\)\)\. Expected 3 features per sample \(shape \(3,\)\), as in the "
     r"training data\.$"),
    ("eval.data label count", lambda X, y: {"eval_data": {"data": X, "label": y[:10]}},
     MXShapeError, r"^Invalid value for argument `eval\.data\$label`\. Received: 10 labels"),
    ("eval.data with NaN", lambda X, y: {"eval_data": {"data": _with(X, 1, 1, np.nan),
                                                       "label": y}},
     MXValueError, r"^Invalid value for argument `eval\.data\$data`\. Received: a 40 x 3 matrix "
     r"with 1 NA/NaN value"),
    ("callback not a function", lambda X, y: {"epoch_end_callback": 5}, MXTypeError,
     r"^Invalid value for argument `epoch\.end\.callback`\. Received: 5 \(int\)\. Expected a "
     r"function\(iteration, nbatch, env\)"),
    ("a GPU context", lambda X, y: {"ctx": Context("gpu", 0, 2)}, MXValueError,
     r"^Invalid value for argument `ctx`\. Received: ctx=gpu\(0\)\. Expected mx\.cpu\(\).*CPU "
     r"only"),
]


@pytest.mark.parametrize("case, make, exc, pattern", PY_CASES, ids=[c[0] for c in PY_CASES])
def test_python_bad_input_fails_before_training(fit, data, case, make, exc, pattern):
    kwargs = make(*data)
    kwargs.setdefault("batch_end_callback", _never_called)
    with pytest.raises(exc, match=pattern) as caught:
        fit(**kwargs)
    assert isinstance(caught.value, MXError)


@pytest.mark.parametrize("value, shown", [(float("nan"), "nan"), ("yes", "'yes'"),
                                          ([True, False], r"\[True, False\]")])
def test_python_callback_bad_return_value(fit, value, shown):
    with pytest.raises(CallbackError, match=rf"^The epoch\.end\.callback returned {shown} in "
                                            rf"epoch 1; expected TRUE to continue or FALSE"):
        fit(epoch_end_callback=lambda iteration, nbatch, env: value)


def test_check_finite_false_lets_nan_input_through(fit, data):
    X, _ = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = fit(X=_with(X, 0, 0, np.nan), check_finite=False, num_round=1)
    assert not np.isfinite(model.arg_params["fc_weight"]).all()


def test_predict_with_the_wrong_feature_count(fit, data):
    X, _ = data
    model = fit(num_round=1)
    with pytest.raises(MXShapeError, match=r"^Invalid value for argument `X`\. Received: a 40 x 4 "
                                           r"matrix with 4 features per sample \(array\.layout="
                                           r"\"rowmajor\"\)\. Expected 3 features per sample, as "
                                           r"the model was trained with\.$"):
        model.predict(np.ones((40, 4)), array_layout="rowmajor")
    with pytest.raises(MXShapeError, match=r"Received: a 40 x 2 matrix: neither 2 \(rows as "
                                           r"samples\) nor 40 \(columns as samples\) features"):
        model.predict(X[:, :2])
    with pytest.raises(MXValueError, match=r"^Invalid value for argument `ctx`"):
        model.predict(X, ctx=Context("gpu", 0, 2))


def model_iter(frame):
    from mxnet_r_compat.io import as_numeric
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mx.io.arrayiter(as_numeric(frame, "X"), np.zeros(40), batch_size=40)


class _Column:
    """A pandas-like column (pandas is not a dependency): dtype, to_numpy, cat.codes."""

    def __init__(self, values, categories=None):
        self.values = values
        self.dtype = "category" if categories is not None else np.asarray(values).dtype
        if categories is not None:
            codes = np.array([categories.index(v) if v in categories else -1 for v in values])
            self.cat = type("Cat", (), {"codes": codes})()

    def to_numpy(self, dtype=None):
        return np.asarray(self.values, dtype=dtype)


class _Frame(dict):
    @property
    def columns(self):
        return list(self)

    def to_numpy(self, dtype=None):
        raise AssertionError("the conversion goes column by column")


def test_data_frame_factors_and_text_become_data_matrix_codes(fit, data):
    X, _ = data
    frame = _Frame(a=_Column(X[:, 0]), b=_Column(["lo", "hi"] * 20),
                   c=_Column(["z", "y", None, "y"] * 10, categories=["y", "z"]))
    converted = (r"^Note: X columns b, c are not numeric; converted with data\.matrix\(\) "
                 r"\(factor codes\)\.$")
    with pytest.warns(DataConversionWarning, match=converted), \
            pytest.raises(MXValueError, match=r"a 40 x 3 matrix with 10 NA/NaN values \(the "
                                              r"first at row 3, column 3\)"):
        fit(X=frame)  # the missing factor level is NA, as in R
    frame["c"] = _Column(["z", "y"] * 20, categories=["y", "z"])
    with pytest.warns(DataConversionWarning):
        model = fit(X=frame, num_round=1)
    assert model.arg_params["fc_weight"].shape == (1, 3)
    # "hi" < "lo": codes 2, 1, 2, 1...; factor "z", "y" with levels y, z: codes 2, 1, ...
    it = mx.io.extract(model_iter(frame), "data").asnumpy()
    assert it[:2, 1:].tolist() == [[2.0, 2.0], [1.0, 1.0]]


def test_every_python_case_is_documented():
    text = (_docs() / "RELIABILITY.md").read_text()
    for case, *_ in PY_CASES:
        assert f"`{case}`" in text, f"docs/RELIABILITY.md does not list the case `{case}`"


def _docs():
    from pathlib import Path
    return Path(__file__).resolve().parents[2] / "docs"


# -- R -------------------------------------------------------------------------------------

R_CASES_SCRIPT = R_PREAMBLE + r"""
never <- function(iteration, nbatch, env) stop("training must not start")
Xna <- X; Xna[4, 2] <- NA
case("X with NA", fit(X = Xna, batch.end.callback = never))
Xinf <- X; Xinf[1, 3] <- Inf
case("X with Inf", fit(X = Xinf, batch.end.callback = never))
yna <- y; yna[6] <- NA
case("y with NA", fit(y = yna, batch.end.callback = never))
case("data.frame with a factor", {
  df <- data.frame(a = X[, 1], b = X[, 2], g = factor(rep(c("u", "v"), 20)))
  m <- fit(X = df, num.round = 1)
  stopifnot(identical(dim(as.array(m$arg.params$fc_weight)), c(3L, 1L)))
})
case("character matrix", fit(X = matrix("a", 40, 3), batch.end.callback = never))
case("X and y row counts", fit(y = y[1:30], batch.end.callback = never))
case("X and y counts, auto layout", fit(y = y[1:30], array.layout = "auto"))
case("square X, auto layout", fit(X = matrix(1, 40, 40), array.layout = "auto"))
case("batch size 0", fit(array.batch.size = 0))
case("batch size negative", fit(array.batch.size = -4))
case("batch size fractional", fit(array.batch.size = 2.5))
case("num.round < begin.round", fit(begin.round = 5, num.round = 2))
case("negative learning rate", fit(learning.rate = -0.1))
case("infinite learning rate", fit(learning.rate = Inf))
case("momentum 1", fit(momentum = 1))
case("text hyper-parameter", fit(wd = "0.1"))
case("unknown optimizer", fit(optimizer = "adamw"))
case("initializer name", fit(initializer = "xavier"))
case("symbol without label", fit(symbol = mx.symbol.FullyConnected(mx.symbol.Variable("data"),
                                                                   num_hidden = 1)))
case("label shape", fit(y = rbind(y, y), batch.end.callback = never))
case("arg.params shape", fit(arg.params = list(fc_weight = mx.nd.array(matrix(1, 1, 3)),
                                               fc_bias = mx.nd.array(0))))
case("arg.params unknown name", fit(arg.params = list(fc_weight = mx.nd.array(matrix(1, 3, 1)),
                                                      fc2_weight = mx.nd.array(1))))
case("eval.data not a list", fit(eval.data = X))
case("eval.data without label", fit(eval.data = list(data = X)))
case("eval.data feature count", fit(eval.data = list(data = X[, 1:2], label = y),
                                    batch.end.callback = never))
case("eval.data with NA", fit(eval.data = list(data = Xna, label = y)))
case("callback not a function", fit(epoch.end.callback = 5))
case("callback returns NA", fit(epoch.end.callback = function(iteration, nbatch, env) NA))
case("callback returns a string", fit(epoch.end.callback = function(iteration, nbatch, env) "x"))
case("callback returns a vector",
     fit(epoch.end.callback = function(iteration, nbatch, env) c(TRUE, FALSE)))
case("mx.gpu() with the fallback off", {
  old <- options(mxnet.gpu.fallback = FALSE)
  tryCatch(fit(ctx = mx.gpu()), finally = options(old))
})
m <- fit(num.round = 1)
case("predict feature count", predict(m, matrix(1, 40, 4), array.layout = "rowmajor"))
case("predict feature count, auto", predict(m, X[, 1:2]))
cat("DONE\n")
"""

R_EXPECTED = {
    "X with NA": r"^Invalid value for argument `X`\. Received: a 40 x 3 matrix with 1 NA/NaN "
                 r"value \(the first at row 4, column 2\)\. " + FINITE,
    "X with Inf": r"^Invalid value for argument `X`\. Received: a 40 x 3 matrix with 1 infinite "
                  r"value \(the first at row 1, column 3\)",
    "y with NA": r"^Invalid value for argument `y`\. Received: a vector of length 40 with 1 "
                 r"NA/NaN value \(the first at element 6\)",
    "data.frame with a factor": r"^NO ERROR$",
    "character matrix": r"^Invalid value for argument `X`\. Received: .*character.*\. Expected a "
                        r"numeric matrix or array",
    "X and y row counts": r"^Invalid value for argument `y`\. Received: 30 labels \(a vector of "
                          r"length 30\)\. Expected one label per sample: X has 40 samples",
    "X and y counts, auto layout": r"^Invalid value for argument `y`\. Received: 30 labels .* "
                                   r"Expected one label per sample of X, which is a 40 x 3 matrix",
    "square X, auto layout": r"^Cannot auto select array\.layout, please specify this parameter$",
    "batch size 0": r"^Invalid value for argument `array\.batch\.size`\. Received: "
                    r"array\.batch\.size=0\. Expected a whole number >= 1\.$",
    "batch size negative": r"array\.batch\.size=-4\. Expected a whole number >= 1",
    "batch size fractional": r"array\.batch\.size=2\.5\. Expected a whole number >= 1",
    "num.round < begin.round": r"^Invalid value for argument `num\.round`\. Received: "
                               r"num\.round=2\. Expected num\.round >= begin\.round \(5\)",
    "negative learning rate": r"^Invalid value for argument `learning\.rate`\. Received: "
                              r"learning\.rate=-0\.1\. Expected a number >= 0\.$",
    "infinite learning rate": r"^Invalid value for argument `learning\.rate`\. Received: "
                              r"learning\.rate=inf\. Expected a finite number\.$",
    "momentum 1": r"^Invalid value for argument `momentum`\. Received: momentum=1(\.0)?\. "
                  r"Expected 0 <= momentum < 1\.$",
    "text hyper-parameter": r"^Invalid value for argument `wd`\. Received: wd='0\.1'\. Expected a "
                            r"number >= 0\.$",
    "unknown optimizer": r"^Unknown optimizer adamw\. Expected one of: sgd",
    "initializer name": r"^Invalid value for argument `initializer`\. .*Expected an initializer "
                        r"such as mx\.init\.uniform",
    "symbol without label": r"exactly one argument whose name ends in \"label\" \(found 0",
    "label shape": r"^Invalid value for argument `y`\. Received: labels of shape \(10, 2\) per "
                   r"batch \(2 values per sample\)\. Expected shape \(10,\) per batch",
    "arg.params shape": r"^Invalid value for argument `arg\.params`\. Received: `fc_weight` of "
                        r"shape \(3, 1\) \(R dim c\(1, 3\)\)\. Expected shape \(1, 3\) \(R dim "
                        r"c\(3, 1\)\)",
    "arg.params unknown name": r"^Invalid value for argument `arg\.params`\. Received: an entry "
                               r"named `fc2_weight`, which is not a parameter",
    "eval.data not a list": r"The validation set should be either a mx\.io\.DataIter or a R "
                            r"list$",
    "eval.data without label": r"Please provide the validation set as list\(data=R\.array, "
                               r"label=R\.array\)$",
    "eval.data feature count": r"^Invalid value for argument `eval\.data\$data`\. Received: 2 "
                               r"features per sample \(shape \(2,\)\)\. Expected 3 features",
    "eval.data with NA": r"^Invalid value for argument `eval\.data\$data`\. Received: a 40 x 3 "
                         r"matrix with 1 NA/NaN value",
    "callback not a function": r"^Invalid value for argument `epoch\.end\.callback`\. Received: "
                               r".*numeric.*\. Expected a function\(iteration, nbatch, env\)",
    "callback returns NA": r"^The epoch\.end\.callback returned NA in epoch 1; expected TRUE to "
                           r"continue or FALSE to stop training",
    "callback returns a string": r"^The epoch\.end\.callback returned an R character vector of "
                                 r"length 1 in epoch 1; expected TRUE",
    "callback returns a vector": r"^The epoch\.end\.callback returned an R logical vector of "
                                 r"length 2 in epoch 1; expected TRUE",
    "mx.gpu() with the fallback off": r"^mx\.gpu\(0\): this build of mxnet_r_compat computes "
                                      r"on the CPU only and cannot use a GPU\. Use mx\.cpu\(0\)",
    "predict feature count": r"^Invalid value for argument `X`\. Received: a 40 x 4 matrix with 4 "
                             r"features per sample \(array\.layout=\"rowmajor\"\)\. Expected 3 "
                             r"features per sample",
    "predict feature count, auto": r"Received: a 40 x 2 matrix: neither 2 \(rows as samples\) "
                                   r"nor 40 \(columns as samples\)",
}


def test_r_bad_input_messages(run_r):
    result = run_r(R_CASES_SCRIPT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith("DONE"), result.stdout + result.stderr
    cases = parse_cases(result.stdout)
    assert set(cases) == set(R_EXPECTED)
    wrong = {name: cases[name] for name, pattern in R_EXPECTED.items()
             if not re.search(pattern, cases[name])}
    assert not wrong, wrong
    # data.frame factors are converted as data.matrix does, with a note on stderr
    assert "Note: X columns g are not numeric; converted with data.matrix() (factor codes)." \
        in result.stderr


def test_every_r_case_is_documented():
    text = (_docs() / "RELIABILITY.md").read_text()
    for case in R_EXPECTED:
        assert f"`{case}`" in text, f"docs/RELIABILITY.md does not list the R case `{case}`"
