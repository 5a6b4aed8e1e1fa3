"""MXNDArray from R (R/ndarray*.R): the object, R's group generics, the mx.nd.* functions and
MXNet R's internal names, checked against numpy's float32 results (one R child)."""

from __future__ import annotations

import numpy as np
import pytest

f32 = np.float32

SCRIPT = r"""
# -- the object
x <- mx.nd.array(1:10, mx.cpu(0))
m <- mx.nd.array(matrix(c(1, 2, 3, 4, 5, 6), 2))
emit("class", c(class(x), is.mx.ndarray(x), is.mx.ndarray(1:10), is.numeric(x)))
emit("dim", c(dim(x), length(x), dim(m), length(m)))
emit("asarray.1d.dim", is.null(dim(as.array(x))))
emit("asarray.2d", as.array(m))
emit("asarray.2d.dim", dim(as.array(m)))
emit("asmatrix", dim(as.matrix(m)))
emit("asmatrix.3d", msg(as.matrix(mx.nd.ones(c(2, 2, 2)))))
emit("asnumeric", as.numeric(mx.nd.array(c(0.1, 2))))
emit("zeros.ones", c(as.array(mx.nd.zeros(3)), as.array(mx.nd.ones(c(2, 2), mx.cpu()))))
emit("zeros.dim", dim(mx.nd.zeros(c(10, 5))))
old <- options(mxnet.gpu.fallback = FALSE)
emit("gpu", msg(mx.nd.zeros(2, mx.gpu())))
options(old)
emit("gpu.fallback", dim(suppressWarnings(mx.nd.zeros(2, mx.gpu()))))  # mx.gpu() is mx.cpu()
emit("bad.src", msg(mx.nd.array("a")))
emit("logical", as.array(mx.nd.array(c(TRUE, FALSE))))
emit("print", capture.output(print(m)))
emit("print.ref", capture.output(print(as.array(m))))
emit("c.list", c(class(c(x, x)), length(c(x, m))))
rows <- apply(matrix(1:6, 3), 1, function(s) mx.nd.array(matrix(s, nrow = 1)))
emit("apply.list", c(class(rows), length(rows), is.mx.ndarray(rows[[1]])))
emit("bracket", m[2, ])
emit("t", dim(t(mx.nd.ones(c(2, 3)))))
emit("ctx", class(ctx(x)))

# -- Ops: arithmetic and comparisons, a number on either side
emit("plus", as.array(x + 1))
emit("rminus", as.array(-1 - x))
emit("rdiv", as.array(-5 / x))
emit("div", as.array(x / 3))
emit("mul.mat", as.array(m * m))
emit("pow", as.array(x ^ 2))
emit("rpow", as.array(2 ^ mx.nd.array(c(-1, 0.5, 3))))
emit("mod", as.array(mx.nd.array(c(-5, -1, 2, 5)) %% 3))
emit("rmod", as.array(7 %% mx.nd.array(c(-5, -1, 2, 5))))
emit("neg", as.array(-m))
emit("eq", c(as.array(mx.nd.zeros(c(2, 3)) == mx.nd.ones(c(2, 3))), as.array(0 == mx.nd.zeros(2))))
emit("ne", as.array(0 != mx.nd.array(c(0, 1))))
emit("ge.rev", as.array(0 >= mx.nd.array(c(-1, 0, 1))))
emit("lt", as.array(mx.nd.array(c(-1, 0, 1)) < 0))
emit("not", as.array(!mx.nd.array(c(0, 2))))
emit("mismatch", msg(x + mx.nd.ones(3)))
emit("bad.operand", msg(x + c(1, 2)))
emit("bad.op", msg(x & x))
emit("demo", as.array(1 - mx.nd.array(c(1, 2, 3)) + (2 * mx.nd.array(c(1, 2, 3))) /
                       (mx.nd.array(c(1, 2, 3)) + 0.5)))

# -- Math, Summary, mean, all.equal
v <- mx.nd.array(c(-2.5, -0.5, 0.5, 1.5, 4))
emit("abs", as.array(abs(v)))
emit("sqrt.abs", as.array(sqrt(abs(v))))
emit("round", as.array(round(v)))
emit("floor.ceiling", c(as.array(floor(v)), as.array(ceiling(v))))
emit("sign.trunc", c(as.array(sign(v)), as.array(trunc(v))))
emit("exp", as.array(exp(v)))
emit("log", as.array(log(abs(v))))
emit("log.base", as.array(log(mx.nd.array(c(2, 8)), 2)))
emit("cos.tanh", c(as.array(cos(v)), as.array(tanh(v))))
emit("math.bad", msg(cumsum(v)))
emit("round.digits", msg(round(v, 2)))
emit("summary", c(sum(v), max(v), min(v), max(v, 10), prod(v)))
emit("range", range(v))
emit("any.all", c(any(v > 3), all(v > 3)))
emit("mean", mean(mx.nd.array(c(1, 2, 6))))
emit("sum.class", class(sum(v)))
emit("all.equal", c(isTRUE(all.equal(mx.nd.ones(4) >= 0, mx.nd.ones(4))),
                    isTRUE(all.equal(mx.nd.ones(4), mx.nd.zeros(4))),
                    isTRUE(all.equal(mx.nd.array(1:3), c(1, 2, 3)))))

# -- mx.nd.* functions
r <- runif(10, -10, 10)
emit("r", r)
nd <- mx.nd.array(r)
emit("nd.sqrt.abs", as.array(mx.nd.sqrt(mx.nd.abs(nd))))
emit("nd.square", as.array(mx.nd.square(nd)))
one.value <- function(f, v) as.array(f(mx.nd.array(v)))
emit("nd.unary", c(one.value(mx.nd.exp, 1), one.value(mx.nd.log, 2), one.value(mx.nd.sign, -3),
                   one.value(mx.nd.round, 2.5), one.value(mx.nd.floor, -2.5),
                   one.value(mx.nd.ceil, -2.5)))
emit("clip", as.array(mx.nd.clip(nd, -2, 3)))
emit("clip.bad", msg(mx.nd.clip(nd, 3, -2)))
a3 <- mx.nd.array(array(1:24, dim = c(4, 3, 2)))
emit("sum.all", c(as.array(mx.nd.sum(a3)), dim(mx.nd.sum(a3))))
emit("sum.axis0", as.array(mx.nd.sum(a3, axis = 0)))
emit("sum.axis0.dim", dim(mx.nd.sum(a3, axis = 0)))
emit("mean.keep.dim", dim(mx.nd.mean(a3, axis = 2, keepdims = TRUE)))
emit("max.min", c(as.array(mx.nd.max(a3)), as.array(mx.nd.min(a3, axis = c(0, 1)))))
emit("argmax", as.array(mx.nd.argmax(mx.nd.array(matrix(c(1, 5, 7, 0, 2, 2), 2)), axis = 0)))
a <- matrix(runif(12), nrow = 3); b <- matrix(runif(20), nrow = 4)
C <- mx.nd.dot(mx.nd.array(t(a)), mx.nd.array(t(b)))
emit("dot.err", max(abs(t(as.matrix(C)) - a %*% b)))
emit("dot.tutorial", dim(mx.nd.dot(mx.nd.transpose(mx.nd.ones(c(2, 4))), mx.nd.ones(c(2, 4)))))
emit("transpose", as.array(mx.nd.transpose(m)))
emit("transpose.axes", dim(mx.nd.transpose(a3, axes = c(0, 2, 1))))
emit("reshape0", dim(mx.nd.reshape(mx.nd.ones(c(1, 7)), shape = 0)))
rs <- mx.nd.reshape(a3, shape = c(-1, 2))
emit("reshape", c(dim(rs), as.array(rs)[1:3]))
emit("reshape.bad", msg(mx.nd.reshape(a3, shape = c(5, -1))))
y1 <- mx.nd.array(array(1:24, dim = c(4, 3, 2)))
y2 <- mx.nd.array(array(25:48, dim = c(4, 3, 2)))
y3 <- mx.nd.concat(data = c(y1, y2), num_args = 2, dim = 2)
emit("concat.dim", dim(y3))
emit("concat", as.array(y3))
emit("concat.1d", as.array(mx.nd.concat(data = c(mx.nd.array(1:2), mx.nd.array(3:5)),
                                        num_args = 2, dim = 0)))
parts <- apply(matrix(1:12, 3), 1, function(s) mx.nd.array(matrix(s, nrow = 1)))
joined <- mx.nd.concat(data = parts, num_args = 3, dim = 1)
emit("concat.apply", c(dim(joined), identical(as.matrix(joined), matrix(as.double(1:12), 3))))
emit("concat.bad", msg(mx.nd.concat(data = c(y1, y2), num_args = 3, dim = 2)))
emit("slice.axis", as.array(mx.nd.slice.axis(m, axis = 0, begin = 1, end = 3)))
emit("slice.axis1", as.array(mx.nd.slice.axis(m, axis = 1, begin = 1, end = 2)))
emit("slice", dim(mx.nd.slice(mx.nd.ones(c(3, 10)), 2, 5)))
cr <- mx.nd.crop(mx.nd.ones(c(2, 3, 4)), begin = c(0, 0, 0), end = c(2, 1, 3))
emit("crop", c(dim(cr), sum(cr)))
ca <- mxnet:::mx.nd.internal.crop.assign(mx.nd.ones(c(2, 3, 4)), mx.nd.zeros(c(2, 1, 3)),
                                         begin = c(0, 0, 0), end = c(2, 1, 3))
ref <- array(1, dim = c(2, 3, 4)); ref[1:2, 1, 1:3] <- 0
emit("crop.assign", identical(as.array(ca), ref))
k3 <- mx.nd.array(matrix(1:6, 3))
emit("choose", as.array(mx.nd.choose.element.0index(k3, mx.nd.array(c(2, 0)))))
emit("choose.bad", msg(mx.nd.choose.element.0index(k3, mx.nd.array(c(3, 0)))))
col <- mx.nd.array(matrix(c(10, 20, 30), 3, 1))
emit("bcast.add", as.array(mx.nd.broadcast.add(mx.nd.ones(c(3, 2)), col)))
emit("bcast.greater", as.array(mx.nd.broadcast.greater(mx.nd.array(matrix(1:6 * 5, 3)), col)))
emit("bcast.bad", msg(mx.nd.broadcast.add(mx.nd.ones(c(3, 2)), mx.nd.ones(c(2, 1)))))
cp <- mx.nd.copyto(m, mx.cpu()); cp2 <- cp + 1
emit("copyto", c(as.array(cp), as.array(m)))

# -- MXNet R's internal names, out= and the demo's unqualified call
mat <- mx.nd.array(matrix(1:4, 2))
alias <- mat
res <- mx.nd.internal.plus.scalar(mat, 1, out = mat)
emit("out.inplace", c(identical(res, mat), as.array(alias)))
emit("internal", c(as.array(mx.nd.internal.rminus.scalar(mat, 10)),
                   as.array(mx.nd.internal.rdiv.scalar(mat, 1)),
                   as.array(mx.nd.internal.mul(mat, mat)),
                   as.array(mx.nd.internal.greater.scalar(mat, 3))))
emit("internal.exported", exists("mx.nd.internal.plus.scalar",
                                 envir = as.environment("package:mxnet")))

# -- files
mx.nd.save(mx.nd.array(1:20), "one.nd")
one <- mx.nd.load("one.nd")
emit("load.one", c(length(one), is.mx.ndarray(one[[1]]),
                   identical(as.array(one[[1]]), as.array(mx.nd.array(1:20)))))
mx.nd.save(list(w = m, b = mx.nd.zeros(2)), "two.nd")
two <- mx.nd.load("two.nd")
emit("load.two", c(names(two), dim(two$w), identical(as.array(two$w), as.array(m))))
"""


@pytest.fixture(scope="module")
def r(run_r_module):
    run = run_r_module(SCRIPT)
    assert run.returncode == 0, run.stderr
    return run


def nums(r, key):
    return np.array(r.nums(key))


def exact(r, key, expected):
    """R's values are the float32 results of the same operation, bit for bit."""
    np.testing.assert_array_equal(nums(r, key), np.asarray(expected, f32).astype(np.float64))


X = np.arange(1, 11, dtype=f32)
M = np.array([1, 2, 3, 4, 5, 6], f32)  # matrix(1:6, 2) in R's column order


def test_the_object_is_an_mxndarray_with_r_dims(r):
    assert r["class"] == "MXNDArray TRUE FALSE FALSE"
    assert r.nums("dim") == [10, 10, 2, 3, 6]
    assert r["asarray.1d.dim"] == "TRUE"
    assert r.nums("asarray.2d") == [1, 2, 3, 4, 5, 6]
    assert r.nums("asarray.2d.dim") == [2, 3] and r.nums("asmatrix") == [2, 3]
    assert r["asmatrix.3d"] == "The input argument is not two dimensional matrix."
    exact(r, "asnumeric", [0.1, 2])  # float32 values, as MXNet's
    assert r.nums("zeros.ones") == [0, 0, 0, 1, 1, 1, 1]
    assert r.nums("zeros.dim") == [10, 5]
    assert "mx.cpu(0)" in r["gpu"] and "CPU only" in r["gpu"]
    assert r.nums("gpu.fallback") == [2]
    assert r["bad.src"] == "mx.nd.array takes an object of class array, vector or matrix only."
    assert r.nums("logical") == [1, 0]
    assert r["print"] == r["print.ref"]
    assert r["ctx"] == "MXContext"


def test_lists_of_arrays_stay_lists(r):
    assert r["c.list"] == "list 2"
    assert r["apply.list"] == "list 3 TRUE"
    assert r.nums("bracket") == [2, 4, 6]
    assert r.nums("t") == [3, 2]


def test_arithmetic_equals_float32_numpy_bit_for_bit(r):
    exact(r, "plus", X + f32(1))
    exact(r, "rminus", f32(-1) - X)
    exact(r, "rdiv", f32(-5) / X)
    exact(r, "div", X / f32(3))
    exact(r, "mul.mat", M * M)
    exact(r, "pow", X ** f32(2))
    exact(r, "rpow", f32(2) ** np.array([-1, 0.5, 3], f32))
    exact(r, "mod", [1, 2, 2, 2])           # the divisor's sign, as MXNet
    exact(r, "rmod", [-3, 0, 1, 2])
    exact(r, "neg", -M)
    x = np.array([1, 2, 3], f32)
    exact(r, "demo", f32(1) - x + (f32(2) * x) / (x + f32(0.5)))


def test_comparisons_give_ones_and_zeros_with_a_number_on_either_side(r):
    assert r.nums("eq") == [0] * 6 + [1, 1]
    assert r.nums("ne") == [0, 1]
    assert r.nums("ge.rev") == [1, 1, 0]
    assert r.nums("lt") == [1, 0, 0]
    assert r.nums("not") == [1, 0]


def test_operator_errors_are_clear(r):
    text = r["mismatch"]
    assert "dim c(10)" in text and "dim c(3)" in text
    assert "mx.nd.reshape()" in text and "mx.nd.broadcast.add" in text
    assert "a vector of length 2" in r["bad.operand"] and "mx.nd.array()" in r["bad.operand"]
    assert r["bad.op"].startswith("`&` is not defined for MXNDArray")


def test_math_group_runs_in_float32(r):
    v = np.array([-2.5, -0.5, 0.5, 1.5, 4], f32)
    exact(r, "abs", np.abs(v))
    exact(r, "sqrt.abs", np.sqrt(np.abs(v)))
    exact(r, "round", [-3, -1, 1, 2, 4])    # halves away from zero, as MXNet
    exact(r, "floor.ceiling", np.concatenate([np.floor(v), np.ceil(v)]))
    exact(r, "sign.trunc", np.concatenate([np.sign(v), np.trunc(v)]))
    np.testing.assert_allclose(nums(r, "exp"), np.exp(v), rtol=1e-6)
    np.testing.assert_allclose(nums(r, "log"), np.log(np.abs(v)), rtol=1e-6)
    np.testing.assert_allclose(nums(r, "log.base"), [1, 3], rtol=1e-6)
    np.testing.assert_allclose(nums(r, "cos.tanh"), np.concatenate([np.cos(v), np.tanh(v)]),
                               rtol=1e-6, atol=1e-7)
    assert r["math.bad"] == "cumsum() is not defined for MXNDArray; use cumsum(as.array(x))."
    assert "digits = 0" in r["round.digits"]


def test_summary_and_mean_give_numbers(r):
    v = np.array([-2.5, -0.5, 0.5, 1.5, 4], f32)
    assert r.nums("summary") == [3.0, 4.0, -2.5, 10.0, float(np.prod(v.astype(np.float64)))]
    assert r.nums("range") == [-2.5, 4]
    assert r["any.all"] == "TRUE FALSE"
    assert r.num("mean") == 3.0
    assert r["sum.class"] == "numeric"
    assert r["all.equal"] == "TRUE FALSE TRUE"


def test_mx_nd_functions_match_numpy(r):
    vals = np.array(r.nums("r"), np.float64).astype(f32)
    exact(r, "nd.sqrt.abs", np.sqrt(np.abs(vals)))
    exact(r, "nd.square", vals * vals)
    got = nums(r, "nd.unary")
    np.testing.assert_allclose(got, [np.exp(f32(1)), np.log(f32(2)), -1, 3, -3, -2], rtol=1e-7)
    exact(r, "clip", np.clip(vals, -2, 3))
    assert "a_min <= a_max" in r["clip.bad"]


def test_reductions_dot_and_layout(r):
    a3 = np.arange(1, 25, dtype=f32).reshape(2, 3, 4)   # backend order of array(1:24, c(4,3,2))
    assert r.nums("sum.all") == [300, 1]
    exact(r, "sum.axis0", a3.sum(axis=0).reshape(-1))   # backend axis 0 = the last R dim
    assert r.nums("sum.axis0.dim") == [4, 3]
    assert r.nums("mean.keep.dim") == [1, 3, 2]
    assert r.nums("max.min") == [24, *a3.min(axis=(0, 1)).tolist()]
    assert r.nums("argmax") == [1, 0]    # down each R column
    assert r.num("dot.err") < 1e-5
    assert r.nums("dot.tutorial") == [2, 2]
    assert r.nums("transpose") == [1, 3, 5, 2, 4, 6]
    assert r.nums("transpose.axes") == [2, 4, 3]  # axes reversed (R order), as MXNet R
    assert r.nums("reshape0") == [7]
    assert r.nums("reshape") == [12, 2, 1, 2, 3]
    # Python's shape rules name backend shapes (R's reversed), as MXNet R's errors did
    assert "(-1, 5)" in r["reshape.bad"] and "(2, 3, 4)" in r["reshape.bad"]


def test_concat_slices_crop_choose_and_broadcast(r):
    assert r.nums("concat.dim") == [8, 3, 2]
    want = [1, 2, 3, 4, 25, 26, 27, 28, 5, 6, 7, 8, 29, 30, 31, 32, 9, 10, 11, 12, 33, 34, 35, 36,
            13, 14, 15, 16, 37, 38, 39, 40, 17, 18, 19, 20, 41, 42, 43, 44, 21, 22, 23, 24,
            45, 46, 47, 48]
    assert r.nums("concat") == want
    assert r.nums("concat.1d") == [1, 2, 3, 4, 5]
    assert r.nums("concat.apply") == [3, 4, 1]   # rows made by apply() join back into the matrix
    assert "num_args" in r["concat.bad"]
    assert r.nums("slice.axis") == [3, 4, 5, 6]       # backend axis 0: columns of the R matrix
    assert r.nums("slice.axis1") == [2, 4, 6]
    assert r.nums("slice") == [3, 3]
    assert r.nums("crop") == [2, 1, 3, 6]
    assert r["crop.assign"] == "TRUE"
    assert r.nums("choose") == [3, 4]
    assert "0..2" in r["choose.bad"]
    assert r.nums("bcast.add") == [11, 21, 31, 11, 21, 31]
    assert r.nums("bcast.greater") == [0, 0, 0, 1, 1, 0]
    assert "cannot be broadcast" in r["bcast.bad"]
    assert r.nums("copyto") == [1, 2, 3, 4, 5, 6] * 2


def test_internal_names_and_out_write_in_place(r):
    assert r.nums("out.inplace")[0] == 1 and r.nums("out.inplace")[1:] == [2, 3, 4, 5]
    got = nums(r, "internal")
    exact(r, "internal", np.concatenate([f32(10) - np.array([2, 3, 4, 5], f32),
                                         f32(1) / np.array([2, 3, 4, 5], f32),
                                         np.array([4, 9, 16, 25], f32), [0, 0, 1, 1]]))
    assert got.size == 16
    assert r["internal.exported"] == "TRUE"


def test_save_and_load(r):
    assert r.nums("load.one") == [1, 1, 1]  # one array, an MXNDArray, the same values
    assert r["load.two"] == "w b 2 3 TRUE"
