"""MXNet R's low-level API from R (R/executor.R, R/optimizer.R, R/kvstore.R, R/initializer.R):
binding, forward/backward, updaters from mx.opt.create, the local kvstore and initializers,
with R's numbers checked against numpy formulas and against the same run from Python."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat import mx

OPTIMIZERS = {
    "sgd": {"learning_rate": 1, "momentum": 0, "wd": 0, "rescale_grad": 1, "clip_gradient": -1},
    "sgd_mom": {"learning_rate": 0.5, "momentum": 0.9},
    "rmsprop": {"learning_rate": 1, "centered": True, "gamma1": 0.95, "gamma2": 0.9,
                "epsilon": 1e-4},
    "adam": {"learning_rate": 1},
    "adagrad": {"learning_rate": 1, "epsilon": 1e-8},
    "adadelta": {"rho": 0.9, "epsilon": 1e-5},
    "nag": {"learning_rate": 0.1, "momentum": 0.9},
    "nag0": {"learning_rate": 0.1},
    "sgd_clip": {"learning_rate": 1, "rescale_grad": 0.5, "clip_gradient": 0.2},
}


def _r_args(kwargs: dict) -> str:
    def val(v):
        return ("TRUE" if v else "FALSE") if isinstance(v, bool) else repr(v)
    return ", ".join(f"{k.replace('_', '.') if k != 'clip_gradient' else k} = {val(v)}"
                     for k, v in kwargs.items())


SCRIPT = r"""
data <- mx.symbol.Variable("data"); label <- mx.symbol.Variable("label")
fc <- mx.symbol.FullyConnected(data = data, weight = mx.symbol.Variable("fc_weight"),
                               no.bias = TRUE, name = "fc1", num_hidden = 1)
loss <- mx.symbol.LinearRegressionOutput(data = fc, label = label, name = "loss")
x <- mx.nd.array(array(1:6, dim = 2:3)); y <- mx.nd.array(c(5, 11, 16))
w1 <- mx.nd.array(array(c(1.1, 1.8), dim = c(2, 1)))
step <- function(opt, times = 2) {
  exec <- mxnet:::mx.symbol.bind(symbol = loss, ctx = mx.cpu(),
    arg.arrays = list(data = x, fc1_weight = w1, label = y), aux.arrays = NULL,
    grad.reqs = c("null", "write", "null"))
  up <- mx.opt.get.updater(opt, exec$ref.arg.arrays, ctx = mx.cpu())
  for (i in seq_len(times)) {
    mx.exec.forward(exec, is.train = TRUE)
    mx.exec.backward(exec)
    blocks <- up(exec$ref.arg.arrays, exec$ref.grad.arrays)
    mx.exec.update.arg.arrays(exec, blocks, skip.null = TRUE)
  }
  c(is.null(blocks[[1]]), as.array(blocks[[2]]), as.array(exec$arg.arrays[[2]]))
}
%OPTS%
exec <- mxnet:::mx.symbol.bind(loss, mx.cpu(), list(x, w1, y), list(), "null")
mx.exec.forward(exec, is.train = FALSE)
emit("outputs", c(names(exec$outputs), as.array(exec$outputs[[1]])))
emit("grad.null", is.null(exec$grad.arrays[[2]]))
sb <- mx.simple.bind(fc, ctx = mx.cpu(), grad.req = "write", data = c(2, 5))
emit("simple.names", names(sb$arg.arrays))
emit("simple.dims", c(dim(sb$arg.arrays$data), dim(sb$ref.arg.arrays$fc_weight)))
emit("simple.grad", c(class(sb$grad.arrays$fc_weight), is.null(sb$grad.arrays$data)))
mx.exec.update.arg.arrays(sb, list(fc_weight = mx.nd.ones(c(2, 1))), match.name = TRUE)
mx.exec.update.arg.arrays(sb, list(data = mx.nd.array(matrix(1:10, 2))), match.name = TRUE)
mx.exec.forward(sb, is.train = TRUE); mx.exec.backward(sb)
emit("simple.out", as.array(sb$outputs[[1]]))
emit("simple.dw", as.array(sb$grad.arrays$fc_weight))
emit("bad.req", msg(mx.simple.bind(fc, mx.cpu(), grad.req = "sometimes", data = c(2, 5))))
emit("bad.count", msg(mx.exec.update.arg.arrays(sb, list(mx.nd.ones(2)))))
opt <- mx.opt.create("sgd", learning.rate = 1)
emit("opt.names", names(opt))
st <- opt$create_exec(2, c(2, 1), mx.cpu())
emit("opt.update", as.array(opt$update(2, st, w1, mx.nd.ones(c(2, 1)))))
emit("opt.unknown", msg(mx.opt.create("sgdd")))
kv <- mx.kv.create("local")
dlist <- lapply(1:3, function(i) list(x = mx.nd.array(as.array(c(i, i + 1)), mx.cpu(i))))
kv$init(c(0), dlist[[1]]); kv$push(c(0), dlist, 0); kv$pull(c(0), dlist, 0)
emit("kv.pull", c(as.array(dlist[[1]][[1]]), as.array(dlist[[3]][[1]])))
kv$set.optimizer(mx.opt.create("sgd", learning.rate = 0.5))
kv$push(c(0), list(list(mx.nd.ones(2)), list(mx.nd.ones(2))), 0); kv$pull(c(0), dlist, 0)
emit("kv.opt", as.array(dlist[[2]][[1]]))
emit("kv.badkey", msg(kv$pull(c(7), dlist, 0)))
mx.set.seed(1)
w <- mx.init.uniform(0.1)("fc_weight", c(3, 4))
emit("init.uniform", c(class(w), dim(w), all(as.array(w) >= -0.1 & as.array(w) <= 0.1)))
emit("init.cmp", c(isTRUE(all.equal(mx.init.uniform(0.1)("fc_bias", 3), mx.nd.zeros(3))),
                   isTRUE(all.equal(mx.init.normal(1)("bn_gamma", c(2, 2)), mx.nd.ones(c(2, 2))))))
emit("init.default", msg(mx.init.internal.default("fc_whatever", 2)))
emit("init.unknown", is.null(mx.init.internal.default("x_y", 2, allow.unknown = TRUE)))
made <- mx.init.create(mx.init.Xavier(), list(fc_weight = c(2, 1), fc_bias = 1), mx.cpu())
emit("init.create", c(names(made), is.mx.ndarray(made$fc_weight), is.mx.ndarray(made$fc_bias)))
"""


@pytest.fixture(scope="module")
def r(run_r_module):
    opts = "\n".join(
        f'emit("opt.{key}", step(mx.opt.create("{key.rstrip("0").split("_")[0]}", '
        f'{_r_args(kw)})))' for key, kw in OPTIMIZERS.items())
    run = run_r_module(SCRIPT.replace("%OPTS%", opts))
    assert run.returncode == 0, run.stderr
    return run


def _python_steps(key: str, times: int = 2) -> np.ndarray:
    """The same two steps from Python's mx.symbol.bind / mx.opt API."""
    data, label = mx.symbol.Variable("data"), mx.symbol.Variable("label")
    fc = mx.symbol.FullyConnected(data=data, weight=mx.symbol.Variable("fc_weight"),
                                  no_bias=True, name="fc1", num_hidden=1)
    loss = mx.symbol.LinearRegressionOutput(data=fc, label=label, name="loss")
    x = mx.nd.array(np.arange(1, 7, dtype=np.float32).reshape(3, 2))
    ex = mx.symbol.bind(loss, arg_arrays=[x, mx.nd.array([[1.1, 1.8]]), mx.nd.array([5, 11, 16])],
                        grad_reqs=["null", "write", "null"])
    up = mx.opt.get.updater(mx.opt.create(key.rstrip("0").split("_")[0], **OPTIMIZERS[key]))
    for _ in range(times):
        mx.exec.forward(ex, is_train=True)
        mx.exec.backward(ex)
        blocks = up(list(ex.arg_arrays.values()), list(ex.grad_arrays.values()))
        mx.exec.update.arg.arrays(ex, blocks, skip_null=True)
    return ex.arg_arrays["fc_weight"].asnumpy().reshape(-1)


@pytest.mark.parametrize("key", list(OPTIMIZERS))
def test_updater_steps_are_the_python_steps_exactly(r, key):
    values = r[f"opt.{key}"].split()
    assert values[0] == "1"  # data has no gradient: its block is NULL (TRUE, in c())
    got = np.array([float(v) for v in values[1:]], np.float32)
    want = _python_steps(key)
    np.testing.assert_array_equal(got[:2], want)
    np.testing.assert_array_equal(got[2:], want)  # update.arg.arrays wrote them in


def test_sgd_step_matches_the_formula(r):
    x = np.arange(1, 7, dtype=np.float32).reshape(3, 2)
    w = np.array([1.1, 1.8], np.float32)
    for _ in range(2):
        w = w - x.T @ (x @ w - np.array([5, 11, 16], np.float32))
    got = np.array(r.nums("opt.sgd")[1:3], np.float32)
    np.testing.assert_allclose(got, w, rtol=1e-5)


def test_clip_and_rescale_are_honoured(r):
    x = np.arange(1, 7, dtype=np.float32).reshape(3, 2)
    w = np.array([1.1, 1.8], np.float32)
    for _ in range(2):
        g = x.T @ (x @ w - np.array([5, 11, 16], np.float32))
        w = w - np.clip(0.5 * g, -0.2, 0.2)
    np.testing.assert_allclose(np.array(r.nums("opt.sgd_clip")[1:3]), w, rtol=1e-5)


def test_bind_forward_and_fields(r):
    assert r["outputs"].split()[0] == "loss_output"
    np.testing.assert_allclose([float(v) for v in r["outputs"].split()[1:]], [4.7, 10.5, 16.3],
                               rtol=1e-6)
    assert r["grad.null"] == "TRUE"
    assert r["simple.names"] == "data fc_weight"
    assert r.nums("simple.dims") == [2, 5, 2, 1]
    assert r["simple.grad"] == "MXNDArray TRUE"


def test_simple_bind_forward_backward(r):
    data = np.arange(1, 11, dtype=np.float32).reshape(5, 2)
    np.testing.assert_array_equal(r.nums("simple.out"), data.sum(axis=1))
    np.testing.assert_array_equal(r.nums("simple.dw"), data.sum(axis=0))  # head grads of ones


def test_errors_name_the_argument(r):
    assert "`grad.req`" in r["bad.req"] and "sometimes" in r["bad.req"]
    assert "`arg.arrays`" in r["bad.count"] and "Expected 2" in r["bad.count"]
    assert r["opt.unknown"].startswith("Unknown optimizer")
    assert "`keys`" in r["kv.badkey"]


def test_optimizer_is_mxnet_r_list(r):
    assert r["opt.names"] == "name args create_exec update"
    np.testing.assert_allclose(r.nums("opt.update"), [0.1, 0.8], rtol=1e-6)


def test_kvstore_sums_pushes_and_applies_the_optimizer(r):
    assert r.nums("kv.pull") == [6, 9, 6, 9]
    assert r.nums("kv.opt") == [5, 8]  # 6 - 0.5 * (1 + 1), 9 - 0.5 * 2


def test_initializers_return_ndarrays(r):
    assert r["init.uniform"] == "MXNDArray 3 4 TRUE"
    assert r["init.cmp"] == "TRUE TRUE"
    assert "Unkown initialization pattern" in r["init.default"]
    assert r["init.unknown"] == "TRUE"
    assert r["init.create"] == "fc_weight fc_bias TRUE TRUE"
