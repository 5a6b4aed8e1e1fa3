"""The fused path (native/graph.c, plan.c; mxnet_r_compat/engine/fused.py) against the per-kernel
path.

The fused path must be an exact replacement: for every network, optimizer,
metric, device count and data layout it accepts, training gives bit-identical
weights, metric histories, optimizer counters, iterator state and env fields,
and it raises the same errors. Each comparison runs the same training twice,
once with the fused path switched off (``fused.enabled(False)``). Plus the C pieces on
their own: the graph against the Python kernels and against finite
differences, numpy-exact metrics, the finiteness scan and the update dispatch.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat._lib import NativeError, ffi, fptr, lib
from mxnet_r_compat.engine import fused
from mxnet_r_compat.engine.executor import simple_bind
from mxnet_r_compat.io import ArrayIter
from mxnet_r_compat.learn import metric as metric_mod
from mxnet_r_compat.learn import random as random_mod
from mxnet_r_compat.ops import get_op
from mxnet_r_compat.training import fit

f32 = np.float32


# -- networks -------------------------------------------------------------------------------

def mlp(act="relu", hidden=16, out=5, dropout=None, head="softmax", flatten=False, **head_kw):
    net = mx.symbol.Variable("data")
    if flatten:
        net = mx.symbol.Flatten(net)
    net = mx.symbol.FullyConnected(net, num_hidden=hidden, name="fc1")
    net = mx.symbol.Activation(net, act_type=act, name="act1")
    if dropout:
        net = mx.symbol.Dropout(net, p=dropout, name="drop")
    net = mx.symbol.FullyConnected(net, num_hidden=out, name="fc2")
    if head == "softmax":
        return mx.symbol.SoftmaxOutput(net, name="sm", **head_kw)
    return getattr(mx.symbol, head)(net, name="out", **head_kw)


@pytest.fixture
def data():
    rs = np.random.default_rng(7)
    X = rs.standard_normal((203, 7)).astype(f32)
    y = rs.integers(0, 5, 203).astype(f32)
    return X, y


def record_training(net, X, y, *, seed=3, **kw):
    """Train; return every observable: weights, per-epoch env, optimizer and iterator state."""
    random_mod.set_seed(seed)
    seen, state = [], {}

    def epoch_end(iteration, nbatch, env):
        state["opt"], state["it"] = env.optimizer, env.train_data
        seen.append({
            "nbatch": env.nbatch,
            "train": None if env.train_metric is None else np.asarray(env.train_metric).tolist(),
            "eval": None if env.eval_metric is None else np.asarray(env.eval_metric).tolist(),
            "dlist": {k: v.copy() for k, v in (env.dlist or {}).items()},
            "preds": [p.copy() for p in env.preds] if env.preds is not None else None,
            "labels": [v.copy() for v in env.labels] if env.labels is not None else None,
        })
        return True

    kw.setdefault("array_layout", "rowmajor")
    model = fit.create(net, X, y, verbose=False, epoch_end_callback=epoch_end, **kw)
    opt, it = state["opt"], state["it"]
    return {
        "params": {k: v.copy() for k, v in model.arg_params.items()},
        "aux": {k: v.copy() for k, v in model.aux_params.items()},
        "epochs": seen,
        "counts": dict(opt.counts), "num_update": opt.num_update,
        "states": {k: [s.copy() for s in v] for k, v in opt.states.items()},
        "iter": (it._cursor, it._data_buf.copy(), it._label_buf.copy()),
    }


def assert_same(a, b, path="run"):
    if isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for k in a:
            assert_same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), path
        for i, (x, z) in enumerate(zip(a, b)):
            assert_same(x, z, f"{path}[{i}]")
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, path
        assert np.array_equal(a, b, equal_nan=True), f"{path} differs"
        assert np.array_equal(np.signbit(a), np.signbit(b)), f"{path}: signed zeros differ"
    else:
        assert a == b or (a != a and b != b), f"{path}: {a!r} != {b!r}"


def compare(net_fn, X, y, **kw):
    fast = record_training(net_fn(), X, y, **kw)
    with fused.enabled(False):
        ref = record_training(net_fn(), X, y, **kw)
    assert_same(fast, ref)
    return fast


# -- whole trainings, fused vs per kernel -----------------------------------------------------

CASES = {
    "sgd-momentum accuracy eval": (lambda: mlp(), dict(
        num_round=3, array_batch_size=16, learning_rate=0.1, momentum=0.9,
        eval_metric=mx.metric.accuracy)),
    "plain sgd, no metric": (lambda: mlp("tanh"), dict(
        num_round=2, array_batch_size=32, learning_rate=0.05)),
    "adam two devices": (lambda: mlp("sigmoid"), dict(
        num_round=2, array_batch_size=20, optimizer="adam", eval_metric=mx.metric.accuracy,
        ctx=[mx.cpu(0), mx.cpu(1)])),
    "rmsprop three devices wd clip": (lambda: mlp("softrelu"), dict(
        num_round=2, array_batch_size=30, optimizer="rmsprop", wd=1e-3, clip_gradient=0.5,
        eval_metric=mx.metric.accuracy, ctx=[mx.cpu(0), mx.cpu(1), mx.cpu(2)])),
    "rmsprop not centered": (lambda: mlp("softsign"), dict(
        num_round=1, array_batch_size=25, optimizer="rmsprop", centered=False)),
    "nag": (lambda: mlp(), dict(num_round=2, array_batch_size=40, optimizer="nag",
                                momentum=0.8, learning_rate=0.05)),
    "adagrad": (lambda: mlp(), dict(num_round=2, array_batch_size=40, optimizer="adagrad")),
    "adadelta": (lambda: mlp(), dict(num_round=2, array_batch_size=40, optimizer="adadelta")),
    "softmax options": (lambda: mlp(normalization="batch", smooth_alpha=0.1, grad_scale=2.0),
                        dict(num_round=2, array_batch_size=16, eval_metric=mx.metric.accuracy)),
    "softmax ignore label": (lambda: mlp(use_ignore=True, ignore_label=3, normalization="valid"),
                             dict(num_round=2, array_batch_size=16)),
}


@pytest.mark.parametrize("case", CASES)
def test_training_is_bit_identical_to_the_per_kernel_path(data, case):
    net_fn, kw = CASES[case]
    X, y = data
    if "eval_metric" in kw and "optimizer" not in kw:
        kw = {**kw, "eval_data": {"data": X[:61], "label": y[:61]}}
    compare(net_fn, X, y, **kw)


@pytest.mark.parametrize("metric", ["rmse", "mse", "mae"])
@pytest.mark.parametrize("head", ["LinearRegressionOutput", "LogisticRegressionOutput",
                                  "MAERegressionOutput"])
def test_regression_heads_and_metrics(data, metric, head):
    X, _ = data
    Y = np.random.default_rng(1).uniform(0, 1, (203, 3)).astype(f32)
    compare(lambda: mlp("tanh", out=3, head=head), X, Y, num_round=2,
            array_batch_size=24, learning_rate=0.1, momentum=0.5,
            eval_metric=getattr(mx.metric, metric), eval_data={"data": X[:50], "label": Y[:50]})


def test_dropout_draws_the_same_masks(data):
    X, y = data
    compare(lambda: mlp(dropout=0.4), X, y, num_round=2, array_batch_size=16,
            eval_metric=mx.metric.accuracy, ctx=[mx.cpu(0), mx.cpu(1)],
            eval_data={"data": X[:40], "label": y[:40]})


def bn_net(fix_gamma=False, use_global_stats=False):
    net = mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=12, name="fc1")
    net = mx.symbol.BatchNorm(net, fix_gamma=fix_gamma, use_global_stats=use_global_stats,
                              momentum=0.8, eps=1e-4, name="bn")
    net = mx.symbol.Activation(net, act_type="tanh", name="act1")
    net = mx.symbol.FullyConnected(net, num_hidden=5, name="fc2")
    return mx.symbol.SoftmaxOutput(net, name="sm")


def concat_net():
    data = mx.symbol.Variable("data")
    a = mx.symbol.FullyConnected(data, num_hidden=6, name="fa")
    b = mx.symbol.Activation(mx.symbol.FullyConnected(data, num_hidden=4, name="fb"),
                             act_type="relu", name="rb")
    net = mx.symbol.Concat(a, b, dim=1, name="cat")
    net = mx.symbol.Activation(net, act_type="sigmoid", name="act")
    net = mx.symbol.FullyConnected(net, num_hidden=5, name="fc2")
    return mx.symbol.SoftmaxOutput(net, name="sm")


def bn_concat_3d_net():
    """BatchNorm over the middle axis of 3-d data, concatenated with the (gradient-free) data."""
    data = mx.symbol.Variable("data")
    bn = mx.symbol.BatchNorm(data, axis=1, fix_gamma=False, name="bn")
    net = mx.symbol.Concat(bn, data, dim=2, name="cat")
    net = mx.symbol.FullyConnected(mx.symbol.Flatten(net, name="flat"), num_hidden=5, name="fc")
    return mx.symbol.SoftmaxOutput(net, name="sm")


def compare_fused(monkeypatch, net_fn, X, y, **kw):
    """compare(), after checking that the first training really ran its batches in C."""
    runs = []
    real = fused.Plan.run

    def spy(self, *args):
        out = real(self, *args)
        runs.append(out[0])
        return out
    monkeypatch.setattr(fused.Plan, "run", spy)
    fast = record_training(net_fn(), X, y, **kw)
    monkeypatch.setattr(fused.Plan, "run", real)
    assert sum(runs) > 0, "the network did not train on the fused path"
    with fused.enabled(False):
        ref = record_training(net_fn(), X, y, **kw)
    assert_same(fast, ref)


BN_CONCAT_CASES = {
    "batchnorm sgd-momentum eval": (bn_net, dict(
        num_round=3, array_batch_size=16, learning_rate=0.1, momentum=0.9,
        eval_metric=mx.metric.accuracy)),
    "batchnorm fix_gamma two devices": (lambda: bn_net(fix_gamma=True), dict(
        num_round=2, array_batch_size=20, optimizer="adam", eval_metric=mx.metric.accuracy,
        ctx=[mx.cpu(0), mx.cpu(1)])),
    "batchnorm global stats": (lambda: bn_net(use_global_stats=True), dict(
        num_round=2, array_batch_size=32, learning_rate=0.05)),
    "concat three devices": (concat_net, dict(
        num_round=2, array_batch_size=30, optimizer="rmsprop", eval_metric=mx.metric.accuracy,
        ctx=[mx.cpu(0), mx.cpu(1), mx.cpu(2)])),
    "concat sgd": (concat_net, dict(num_round=3, array_batch_size=16, learning_rate=0.1,
                                    momentum=0.5, eval_metric=mx.metric.accuracy)),
}


@pytest.mark.parametrize("case", BN_CONCAT_CASES)
def test_batchnorm_and_concat_train_fused_bit_identically(monkeypatch, data, case):
    net_fn, kw = BN_CONCAT_CASES[case]
    X, y = data
    if "eval_metric" in kw:
        kw = {**kw, "eval_data": {"data": X[:61], "label": y[:61]}}
    compare_fused(monkeypatch, net_fn, X, y, **kw)


def test_batchnorm_and_concat_on_3d_data_train_fused_bit_identically(monkeypatch, data):
    _, y = data
    X3 = np.random.default_rng(2).standard_normal((203, 3, 4)).astype(f32)
    compare_fused(monkeypatch, bn_concat_3d_net, X3, y, num_round=2, array_batch_size=16,
                  learning_rate=0.1, momentum=0.9, eval_metric=mx.metric.accuracy,
                  eval_data={"data": X3[:40], "label": y[:40]})


def test_a_network_that_cannot_fuse_says_why_once_when_verbose(data, monkeypatch, capsys):
    X, y = data
    bn = get_op("BatchNorm")
    monkeypatch.setattr(bn, "fusable", False)
    monkeypatch.setattr(bn, "not_fusable_reason", "switched off by this test")
    runs = []
    monkeypatch.setattr(fused.Plan, "run", lambda *a: runs.append(a) or pytest.fail("fused"))
    random_mod.set_seed(0)
    fit.create(bn_net(), X, y, num_round=2, array_batch_size=50, verbose=True,
               array_layout="rowmajor", eval_metric=mx.metric.accuracy)
    said = [line for line in capsys.readouterr().err.splitlines() if "not fused" in line]
    assert said == [("Training runs kernel by kernel, not fused: operator BatchNorm (node `bn`) "
                     "has no fused step: switched off by this test.")]
    fit.create(bn_net(), X, y, num_round=1, array_batch_size=50, verbose=False,
               array_layout="rowmajor")
    assert "not fused" not in capsys.readouterr().err
    assert runs == []


@pytest.mark.parametrize("layout", ["float64 rows", "float32 columns (R matrix)",
                                    "float64 columns", "3-d data"])
def test_data_is_read_in_place_whatever_its_layout(data, layout):
    X, y = data
    kw = dict(num_round=2, array_batch_size=16, eval_metric=mx.metric.accuracy)
    if layout == "float64 rows":
        compare(mlp, X.astype(np.float64), y, **kw)
    elif layout == "3-d data":
        X3 = np.random.default_rng(2).standard_normal((203, 2, 4)).astype(f32)
        compare(lambda: mlp(flatten=True), X3, y, **kw)
    else:
        dtype = f32 if layout.startswith("float32") else np.float64
        XF = np.asfortranarray(X.astype(dtype))  # (samples, features) seen as an R matrix
        compare(mlp, XF, y, **kw)


def test_padding_when_every_batch_is_short(data):
    """An ArrayIter with a batch larger than the data: each batch keeps buffer rows."""
    X, y = data

    def run():
        random_mod.set_seed(11)  # the shuffle draws from the stream
        it = ArrayIter(X[:10], y[:10], batch_size=16, shuffle=True)
        return record_training(mlp(), it, None, num_round=3, learning_rate=0.1,
                               eval_metric=mx.metric.accuracy)
    fast = run()
    with fused.enabled(False):
        assert_same(fast, run())


def test_chunked_runs_keep_the_padding_rule(data, monkeypatch):
    """Runs cut into chunks of 2 batches (203 = 12 * 16 + 11: the last batch is short)."""
    X, y = data
    monkeypatch.setattr(fused, "CHUNK_SAMPLES", 32)
    compare(mlp, X, y, num_round=2, array_batch_size=16, learning_rate=0.1,
            eval_metric=mx.metric.accuracy)
    monkeypatch.setattr(fused, "CHUNK_SAMPLES", 16 * 11)  # a chunk would start at the last batch
    compare(mlp, X, y, num_round=2, array_batch_size=16, learning_rate=0.1)


def test_the_fused_path_is_taken(data, monkeypatch):
    X, y = data
    runs = []
    real = fused.Plan.run

    def spy(self, *args):
        out = real(self, *args)
        runs.append(out[0])
        return out
    monkeypatch.setattr(fused.Plan, "run", spy)
    record_training(mlp(), X, y, num_round=2, array_batch_size=16,
                    eval_metric=mx.metric.accuracy, eval_data={"data": X[:32], "label": y[:32]})
    assert runs == [13, 2, 13, 2]  # per epoch: 13 training batches, 2 validation batches


def test_the_switch_turns_the_fused_path_off_and_back_on(data, monkeypatch):
    X, y = data
    monkeypatch.setattr(fused.Plan, "run", lambda *a: pytest.fail("fused run while off"))
    with fused.enabled(False):
        assert not fused.is_enabled()
        record_training(mlp(), X, y, num_round=1, array_batch_size=16,
                        eval_metric=mx.metric.accuracy)
        assert simple_bind(mlp(), {"data": (4, 7)}).graph is None
    assert fused.is_enabled()
    assert simple_bind(mlp(), {"data": (4, 7)}).graph is not None


def test_batch_callbacks_and_custom_metrics_keep_the_per_batch_loop(data, monkeypatch):
    X, y = data
    monkeypatch.setattr(fused.Plan, "run", lambda *a: pytest.fail("fused run with a callback"))
    nb = []
    record_training(mlp(), X, y, num_round=1, array_batch_size=50,
                    batch_end_callback=lambda i, n, env: nb.append(env.nbatch))
    assert nb == [1, 2, 3, 4, 5]
    custom = mx.metric.custom("top", lambda label, pred: float(np.mean(pred[:, 0])))
    record_training(mlp(), X, y, num_round=1, array_batch_size=50, eval_metric=custom)


def test_an_lr_scheduler_keeps_per_update_calls(data):
    X, y = data
    sched = lambda: mx.lr_scheduler.FactorScheduler(step=3, factor=0.5)  # noqa: E731
    fast = record_training(mlp(), X, y, num_round=2, array_batch_size=32, learning_rate=0.1,
                           lr_scheduler=sched(), eval_metric=mx.metric.accuracy,
                           eval_data={"data": X[:40], "label": y[:40]})
    with fused.enabled(False):
        ref = record_training(mlp(), X, y, num_round=2, array_batch_size=32, learning_rate=0.1,
                              lr_scheduler=sched(), eval_metric=mx.metric.accuracy,
                              eval_data={"data": X[:40], "label": y[:40]})
    assert_same(fast, ref)


def test_a_bad_class_label_fails_at_the_same_batch_with_the_same_message(data):
    X, y = data
    y = y.copy()
    y[100] = 7  # 5 classes

    def run():
        random_mod.set_seed(0)
        it = ArrayIter(X, y, batch_size=16)  # an iterator's labels are not checked up front
        nb = []
        with pytest.raises(NativeError) as err:
            fit.create(mlp(), it, None, num_round=1, verbose=False,
                       train_end_callback=lambda i, n, env: nb.append(env.nbatch))
        return str(err.value), nb
    fast = run()
    with fused.enabled(False):
        assert fast == run()
    assert "SoftmaxOutput backward" in fast[0] and fast[1] == [6]  # batch 7 failed


def test_nonfinite_stop_is_the_same(data):
    X, y = data

    def run():
        random_mod.set_seed(0)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m = fit.create(mlp(head="LinearRegressionOutput", out=1), X, y * 1e18,
                           num_round=3, array_batch_size=16, learning_rate=10.0,
                           momentum=0.9, verbose=False, array_layout="rowmajor",
                           eval_metric=mx.metric.rmse)
        msgs = [str(w.message) for w in caught if "non-finite" in str(w.message)]
        return {k: v.copy() for k, v in m.arg_params.items()}, msgs
    fast = run()
    with fused.enabled(False):
        ref = run()
    assert fast[1] and fast[1] == ref[1]
    assert_same(fast[0], ref[0])


# -- the graph on its own -----------------------------------------------------------------------

def _twin_executors(net, shapes, seed=0):
    rs = np.random.default_rng(seed)
    a = simple_bind(net, shapes)
    b = simple_bind(net, shapes)
    assert a.graph is not None
    b.graph = None  # kernel by kernel
    for name, arr in a.arg_arrays.items():
        v = rs.uniform(-1, 1, arr.shape).astype(f32)
        if name.endswith("label"):
            v = rs.integers(0, arr.shape[-1] if arr.ndim > 1 else 3, arr.shape).astype(f32)
        arr[...] = v
        b.arg_arrays[name][...] = v
    return a, b


@pytest.mark.parametrize("net", [
    mlp("relu", out=3), mlp("sigmoid", out=3), mlp("tanh", out=3, flatten=True),
    mlp("softrelu", out=3, head="LogisticRegressionOutput"),
    mlp("softsign", out=3, head="MAERegressionOutput", grad_scale=0.5),
    mlp(out=3, multi_output=False, normalization="valid", use_ignore=True, ignore_label=1),
    bn_net(), bn_net(fix_gamma=True), bn_net(use_global_stats=True), concat_net(),
], ids=["relu", "sigmoid", "tanh-flatten", "logistic", "mae", "softmax-ignore", "batchnorm",
        "batchnorm-fix-gamma", "batchnorm-global-stats", "concat"])
def test_graph_matches_the_kernels(net):
    shapes = {"data": (6, 4)}
    a, b = _twin_executors(net, shapes)
    for is_train in (True, False):
        a.forward(is_train)
        b.forward(is_train)
        a.backward()
        b.backward()
        assert_same(a.outputs, b.outputs)
        assert_same(a.grad_arrays, b.grad_arrays)


def test_graph_backward_matches_finite_differences():
    """The whole compiled network: d/dw of the linear-regression loss 0.5 * sum((y - l)^2)."""
    net = mlp("tanh", hidden=4, out=2, head="LinearRegressionOutput")
    ex = simple_bind(net, {"data": (3, 5)})
    rs = np.random.default_rng(4)
    for arr in ex.arg_arrays.values():
        arr[...] = rs.uniform(-1, 1, arr.shape).astype(f32)
    label = ex.arg_arrays["out_label"].astype(np.float64)

    def loss() -> float:
        out = ex.forward(True)[0].astype(np.float64)
        return 0.5 * float(np.sum((out - label) ** 2)) / out.shape[1]
    ex.forward(True)
    ex.backward()
    for name, grad in ex.grad_arrays.items():
        w = ex.arg_arrays[name].reshape(-1)
        num = np.zeros(w.size)
        for k in range(w.size):
            orig = w[k]
            w[k] = orig + f32(1e-2)
            hi, lp = float(w[k]), loss()
            w[k] = orig - f32(1e-2)
            lo, lm = float(w[k]), loss()
            w[k] = orig
            num[k] = (lp - lm) / (hi - lo)
        np.testing.assert_allclose(grad.reshape(-1), num, rtol=2e-2, atol=2e-3, err_msg=name)


def test_graph_error_names_the_kernel():
    a, b = _twin_executors(mlp(out=3), {"data": (4, 2)})
    a.arg_arrays["sm_label"][0] = 9
    b.arg_arrays["sm_label"][0] = 9
    msgs = []
    for ex in (a, b):
        ex.forward(True)
        with pytest.raises(NativeError) as err:
            ex.backward()
        msgs.append(str(err.value))
    assert msgs[0] == msgs[1]


# -- metrics, finiteness, updates ---------------------------------------------------------------

def _metric_c(kind, pred, label):
    out = ffi.new("double *")
    n = pred.shape[0]
    c = pred.size // n
    rc = lib.mxc_metric_value(out, fptr(np.ascontiguousarray(pred)), fptr(label), n, c, kind)
    assert rc == 0
    return out[0]


@pytest.mark.parametrize("n,c", [(1, 1), (1, 7), (5, 1), (7, 3), (33, 4), (128, 10), (300, 1),
                                 (517, 3), (1000, 9)])
def test_metrics_equal_numpy_bit_for_bit(n, c):
    rs = np.random.default_rng(n * 31 + c)
    pred = (rs.standard_normal((n, c)) * 10.0 ** rs.uniform(-3, 3, (n, c))).astype(f32)
    label_reg = (pred + rs.standard_normal((n, c)).astype(f32) * 3).astype(f32)
    label_cls = rs.integers(0, c, n).astype(f32)
    pred_ties = np.round(pred).astype(f32)  # many ties: the first maximum wins
    for kind, fn, p, lab in [
        (lib.MXC_METRIC_ACCURACY, metric_mod._accuracy, pred, label_cls),
        (lib.MXC_METRIC_ACCURACY, metric_mod._accuracy, pred_ties, label_cls),
        (lib.MXC_METRIC_MSE, metric_mod._mse, pred, label_reg),
        (lib.MXC_METRIC_RMSE, metric_mod._rmse, pred, label_reg),
        (lib.MXC_METRIC_MAE, metric_mod._mae, pred, label_reg),
    ]:
        assert _metric_c(kind, p, lab.reshape(-1)) == float(fn(lab, p)), (kind, n, c)


def test_accuracy_argmax_treats_nan_as_numpy_does():
    pred = np.array([[1, np.nan, 3], [np.nan, 5, 6], [2, 2, 1], [0, 7, np.nan]], f32)
    label = np.array([1, 0, 0, 1], f32)
    assert _metric_c(lib.MXC_METRIC_ACCURACY, pred, label) == metric_mod._accuracy(label, pred)
    assert metric_mod.accuracy.native_kind() == lib.MXC_METRIC_ACCURACY
    assert metric_mod.custom("x", metric_mod._rmse, aggregate="epoch").native_kind() == 0
    assert metric_mod.logloss.native_kind() == 0


def test_all_finite():
    for n in (0, 1, 5, 16, 17, 1000):
        x = np.ones(n, f32)
        assert lib.mxc_all_finite(fptr(x), n) == 1
        for bad in (np.nan, np.inf, -np.inf):
            for at in {0, n // 2, n - 1} if n else set():
                y = x.copy()
                y[at] = bad
                assert lib.mxc_all_finite(fptr(y), n) == 0
    big = np.full(5, np.finfo(f32).max, f32)
    assert lib.mxc_all_finite(fptr(big), 5) == 1


@pytest.mark.parametrize("name,kw", [
    ("sgd", {}), ("sgd", {"momentum": 0.9}), ("nag", {"momentum": 0.7}), ("nag", {}),
    ("adam", {}), ("rmsprop", {}), ("rmsprop", {"centered": False}), ("adagrad", {}),
    ("adadelta", {}),
])
def test_update_dispatch_equals_the_optimizer_update(name, kw):
    from mxnet_r_compat.learn import optimizer as opt_mod
    rs = np.random.default_rng(5)
    w0 = rs.standard_normal(37).astype(f32)
    grads = [rs.standard_normal(37).astype(f32) for _ in range(3)]
    ref_opt = opt_mod.create(name, wd=0.01, rescale_grad=0.5, clip_gradient=0.8, **kw)
    c_opt = opt_mod.create(name, wd=0.01, rescale_grad=0.5, clip_gradient=0.8, **kw)
    w_ref, w_c = w0.copy(), w0.copy()
    kind, hp = c_opt.fused_spec()
    states = c_opt.state_for(0, w_c)
    u = ffi.new("mxc_update *")
    u.kind, u.n, u.w = kind, w_c.size, fptr(w_c, writable=True)
    for j in range(lib.MXC_OPT_MAX_STATES):
        u.s[j] = fptr(states[j], writable=True) if j < len(states) else ffi.NULL
    for field, v in hp.items():
        setattr(u.hp, field, v)
    for g in grads:
        ref_opt.update(0, w_ref, g)
        gc = g.copy()
        u.g = fptr(gc)
        assert lib.mxc_update_apply(u) == 0
        c_opt.count_updates(0, 1)
    assert_same(w_c, w_ref)
    assert (c_opt.counts, c_opt.num_update) == (ref_opt.counts, ref_opt.num_update)
    for bad in (lib.MXC_OPT_NONE, lib.MXC_OPT_COUNT, -1):
        u.kind = bad
        assert lib.mxc_update_apply(u) == lib.MXC_ERR_VALUE


@pytest.mark.parametrize("layout", ["c32", "f64", "f32", "strided", "3d", "1d-int"])
def test_array_iter_gathers_in_c_as_numpy_would(layout):
    rs = np.random.default_rng(9)
    base = rs.standard_normal((23, 6))
    data = {"c32": base.astype(f32), "f64": np.asfortranarray(base), "f32":
            np.asfortranarray(base.astype(f32)), "strided": base[:, ::2],
            "3d": rs.standard_normal((23, 2, 3)), "1d-int": np.arange(23)}[layout]
    label = rs.integers(0, 4, (23, 2)).astype(f32)
    random_mod.set_seed(5)
    it = ArrayIter(data, label, batch_size=5, shuffle=True)
    assert it.c_batches() is not None
    ref_d = np.zeros((5, *np.shape(data)[1:]), f32)
    ref_l = np.zeros((5, 2), f32)
    for _ in range(2):
        it.reset()
        for b in range(5):
            assert it.iter_next()
            idx = it.order[b * 5:(b + 1) * 5]
            ref_d[:len(idx)] = np.asarray(data)[idx]
            ref_l[:len(idx)] = label[idx]
            assert_same({k: v.asnumpy() for k, v in it.value().items()},
                        {"data": ref_d, "label": ref_l})
        assert not it.iter_next()


def test_float64_data_is_read_in_place_and_checked_as_float32():
    from mxnet_r_compat import io
    X = np.asfortranarray(np.random.default_rng(3).standard_normal((40, 5)))  # an R matrix
    data = io.to_backend(io.as_data(X, "X"), "rowmajor")
    assert np.shares_memory(data, X)
    it = ArrayIter(data, np.zeros(40), batch_size=8)
    assert np.shares_memory(it.data, X)
    io.check_finite(X, "X")
    for bad, what in ((3.5e38, "1 infinite value"), (np.nan, "1 NA/NaN value"),
                      (-np.inf, "1 infinite value")):
        Y = X.copy(order="F")
        Y[7, 2] = bad
        with pytest.raises(ValueError, match=what):
            io.check_finite(Y, "X")
    Y = X.copy()
    Y[0, 0] = 3.4e38  # rounds to FLT_MAX, still finite
    io.check_finite(Y, "X")
    edge = np.array([np.float64(np.finfo(f32).max) + 2.0 ** 102, 2.0 ** 128 - 2.0 ** 103])
    assert lib.mxc_all_finite_as_f32(ffi.cast("double *", ffi.from_buffer(edge)), 1) == 1
    assert lib.mxc_all_finite_as_f32(ffi.cast("double *", ffi.from_buffer(edge)) + 1, 1) == 0
    with np.errstate(over="ignore"):
        assert np.isinf(edge.astype(f32)[1]) and np.isfinite(edge.astype(f32)[0])
