"""The NDArray type from Python (mx.nd.*): values against numpy, operators, errors, layout."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import MXShapeError, MXValueError
from mxnet_r_compat.ndarray import NDArray

f32 = np.float32


@pytest.fixture
def gen() -> np.random.Generator:
    return np.random.default_rng(7)


# -- creation and storage -------------------------------------------------------------------


def test_creation_functions_give_float32_arrays_of_the_asked_shape():
    assert mx.nd.zeros(10).shape == (10,)
    np.testing.assert_array_equal(mx.nd.ones((2, 3)).asnumpy(), np.ones((2, 3), f32))
    np.testing.assert_array_equal(mx.nd.zeros((2, 3), ctx=mx.cpu()).asnumpy(), 0)
    x = mx.nd.array([[1, 2, 3], [4, 5, 6]])
    assert x.shape == (2, 3) and x.dtype == np.float32 and x.size == 6 and x.ndim == 2
    assert mx.nd.array(0.1).asnumpy()[0] == f32(0.1)
    np.testing.assert_array_equal(mx.nd.full((2,), 7).asnumpy(), [7, 7])


def test_a_gpu_context_is_a_clear_error_with_the_fallback_off():
    # with the fallback on (the default) mx.gpu() is mx.cpu(): tests/trainer/test_gpu_fallback.py
    with pytest.raises(MXValueError, match="CPU only"):
        mx.nd.zeros((2, 2), ctx=mx.gpu(fallback=False))


def test_numpy_asarray_shares_the_buffer_and_asnumpy_copies():
    x = mx.nd.array([1, 2, 3])
    view = np.asarray(x)
    view[0] = 10
    assert x.asnumpy()[0] == 10
    copy = x.asnumpy()
    copy[1] = 99
    assert x.asnumpy()[1] == 2


def test_array_copies_its_source():
    src = np.arange(4, dtype=f32)
    x = mx.nd.array(src)
    src[0] = 5
    assert x.asnumpy()[0] == 0


# -- operators ------------------------------------------------------------------------------

BINARY = [("+", np.add), ("-", np.subtract), ("*", np.multiply), ("/", np.divide)]


@pytest.mark.parametrize("symbol,ref", BINARY, ids=[b[0] for b in BINARY])
def test_arithmetic_matches_float32_numpy_exactly(gen, symbol, ref):
    a = gen.uniform(0.5, 2, (3, 4)).astype(f32)
    b = gen.uniform(0.5, 2, (3, 4)).astype(f32)
    x, y = mx.nd.array(a), mx.nd.array(b)
    ops = {"+": lambda p, q: p + q, "-": lambda p, q: p - q, "*": lambda p, q: p * q,
           "/": lambda p, q: p / q}[symbol]
    np.testing.assert_array_equal(ops(x, y).asnumpy(), ref(a, b))
    np.testing.assert_array_equal(ops(x, 3).asnumpy(), ref(a, f32(3)))
    np.testing.assert_array_equal(ops(-5, x).asnumpy(), ref(f32(-5), a))


def test_power_modulo_and_negation():
    x = mx.nd.array([-5, -1, 2, 5])
    np.testing.assert_array_equal((x ** 2).asnumpy(), [25, 1, 4, 25])
    np.testing.assert_array_equal((2 ** x).asnumpy(), 2.0 ** np.array([-5, -1, 2, 5], f32))
    np.testing.assert_array_equal((x % 3).asnumpy(), [1, 2, 2, 2])  # the divisor's sign
    np.testing.assert_array_equal((7 % x).asnumpy(), [-3, 0, 1, 2])
    np.testing.assert_array_equal((-x).asnumpy(), [5, 1, -2, -5])
    np.testing.assert_array_equal(abs(x).asnumpy(), [5, 1, 2, 5])


def test_comparisons_give_zero_one_arrays_on_either_side():
    x, y = mx.nd.zeros((2, 3)), mx.nd.ones((2, 3))
    np.testing.assert_array_equal((x == y).asnumpy(), 0)
    np.testing.assert_array_equal((x == 0).asnumpy(), 1)
    np.testing.assert_array_equal((x != y).asnumpy(), 1)
    np.testing.assert_array_equal((y > 0).asnumpy(), 1)
    np.testing.assert_array_equal((y <= 0).asnumpy(), 0)
    np.testing.assert_array_equal((x <= y).asnumpy(), 1)
    np.testing.assert_array_equal((y < 1).asnumpy(), 0)


def test_mismatched_shapes_name_both_and_suggest_a_fix():
    with pytest.raises(MXShapeError) as e:
        mx.nd.ones((2, 3)) + mx.nd.ones((3, 2))
    text = str(e.value)
    assert "(2, 3)" in text and "(3, 2)" in text
    assert "mx.nd.reshape" in text and "broadcast" in text


def test_numpy_operands_follow_the_ndarray():
    x = mx.nd.array([1, 2])
    out = np.array([10, 20], f32) - x
    assert isinstance(out, NDArray)
    np.testing.assert_array_equal(out.asnumpy(), [9, 18])


def test_in_place_operators_write_into_the_array():
    x = mx.nd.array([1, 2])
    alias = x
    x += 1
    x *= mx.nd.array([2, 3])
    assert alias is x
    np.testing.assert_array_equal(alias.asnumpy(), [4, 9])


def test_indexing_gives_views_along_the_first_axis():
    x = mx.nd.array([[1, 2], [3, 4], [5, 6]])
    np.testing.assert_array_equal(x[1].asnumpy(), [3, 4])
    part = x[1:3]
    part[:] = 0
    np.testing.assert_array_equal(x.asnumpy(), [[1, 2], [0, 0], [0, 0]])
    with pytest.raises(TypeError, match="slice_axis"):
        x[:, 1]


# -- functions -------------------------------------------------------------------------------

UNARY = {"sqrt": np.sqrt, "square": np.square, "abs": np.abs, "exp": np.exp, "log": np.log,
         "sign": np.sign, "floor": np.floor, "ceil": np.ceil}


@pytest.mark.parametrize("name", list(UNARY))
def test_unary_functions_match_numpy(gen, name):
    a = gen.uniform(0.1, 4, 20).astype(f32)
    np.testing.assert_allclose(getattr(mx.nd, name)(mx.nd.array(a)).asnumpy(), UNARY[name](a),
                               rtol=1e-6)


def test_round_and_clip():
    np.testing.assert_array_equal(mx.nd.round(mx.nd.array([0.5, -1.5, 2.4])).asnumpy(),
                                  [1, -2, 2])
    out = mx.nd.clip(mx.nd.array([-10, 0, 10]), -2, 3)
    np.testing.assert_array_equal(out.asnumpy(), [-2, 0, 3])
    with pytest.raises(MXValueError, match="a_min <= a_max"):
        mx.nd.clip(mx.nd.ones(2), 3, -2)


@pytest.mark.parametrize("name", ["sum", "mean", "max", "min"])
@pytest.mark.parametrize("axis,keepdims", [(None, False), (0, False), (1, True), ((0, 2), False)])
def test_reductions_match_numpy(gen, name, axis, keepdims):
    a = gen.standard_normal((2, 3, 4)).astype(f32)
    got = getattr(mx.nd, name)(mx.nd.array(a), axis=axis, keepdims=keepdims).asnumpy()
    want = getattr(np, name)(a.astype(np.float64), axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(got.reshape(-1), np.reshape(want, -1), rtol=1e-6, atol=1e-6)


def test_reduction_with_exclude_and_argmax():
    a = np.arange(24, dtype=f32).reshape(2, 3, 4)
    got = mx.nd.sum(mx.nd.array(a), axis=1, exclude=True).asnumpy()
    np.testing.assert_array_equal(got, a.sum(axis=(0, 2)))
    x = mx.nd.array([[1, 9, 9], [7, 0, 3]])
    np.testing.assert_array_equal(mx.nd.argmax(x, axis=1).asnumpy(), [1, 0])
    np.testing.assert_array_equal(mx.nd.argmax(x, axis=0).asnumpy(), [1, 0, 0])
    assert mx.nd.argmax(x).asscalar() == 1  # over the flattened array


@pytest.mark.parametrize("ta,tb", [(False, False), (True, False), (False, True), (True, True)])
def test_dot_matches_numpy(gen, ta, tb):
    a = gen.standard_normal((3, 4) if not ta else (4, 3)).astype(f32)
    b = gen.standard_normal((4, 5) if not tb else (5, 4)).astype(f32)
    got = mx.nd.dot(mx.nd.array(a), mx.nd.array(b), transpose_a=ta, transpose_b=tb).asnumpy()
    np.testing.assert_allclose(got, (a.T if ta else a) @ (b.T if tb else b), rtol=1e-5,
                               atol=1e-5)


def test_dot_of_mismatched_shapes_is_an_error():
    with pytest.raises(MXShapeError, match=r"\(2, 3\) and \(2, 3\)"):
        mx.nd.dot(mx.nd.ones((2, 3)), mx.nd.ones((2, 3)))


def test_transpose_reshape_and_concat(gen):
    a = gen.standard_normal((2, 3, 4)).astype(f32)
    x = mx.nd.array(a)
    np.testing.assert_array_equal(mx.nd.transpose(x).asnumpy(), a.T)
    np.testing.assert_array_equal(mx.nd.transpose(x, axes=(1, 0, 2)).asnumpy(),
                                  a.transpose(1, 0, 2))
    np.testing.assert_array_equal(x.T.asnumpy(), a.T)
    assert mx.nd.reshape(x, shape=(0, -1)).shape == (2, 12)
    assert mx.nd.reshape(x, shape=(-3, -2)).shape == (6, 4)
    assert mx.nd.reshape(x, shape=(-4, 1, 2, 0, 0)).shape == (1, 2, 3, 4)
    assert mx.nd.reshape(x, shape=(-1, 0), reverse=True).shape == (6, 4)
    assert x.reshape(4, 6).shape == (4, 6)
    y = mx.nd.concat(data=[x, x], num_args=2, dim=2)
    np.testing.assert_array_equal(y.asnumpy(), np.concatenate([a, a], axis=2))
    np.testing.assert_array_equal(mx.nd.concat(x, x, dim=0).asnumpy(), np.concatenate([a, a]))
    with pytest.raises(MXValueError, match="num_args"):
        mx.nd.concat(data=[x, x], num_args=3)


def test_slices_crop_and_choose_element(gen):
    a = gen.standard_normal((3, 5)).astype(f32)
    x = mx.nd.array(a)
    np.testing.assert_array_equal(mx.nd.slice_axis(x, axis=1, begin=1, end=-1).asnumpy(),
                                  a[:, 1:-1])
    np.testing.assert_array_equal(mx.nd.slice_axis(x, axis=0, begin=1, end=None).asnumpy(),
                                  a[1:])
    np.testing.assert_array_equal(mx.nd.crop(x, begin=(0, 2), end=(2, 4)).asnumpy(), a[:2, 2:4])
    assigned = mx.nd.crop_assign(x, mx.nd.zeros((1, 2)), begin=(1, 0), end=(2, 2)).asnumpy()
    want = a.copy()
    want[1, :2] = 0
    np.testing.assert_array_equal(assigned, want)
    picked = mx.nd.choose_element_0index(x, mx.nd.array([4, 0, 2])).asnumpy()
    np.testing.assert_array_equal(picked, a[[0, 1, 2], [4, 0, 2]])
    with pytest.raises(MXValueError, match=r"whole numbers in 0\.\.4"):
        mx.nd.choose_element_0index(x, mx.nd.array([5, 0, 0]))
    with pytest.raises(MXValueError, match="begin"):
        mx.nd.slice_axis(x, axis=1, begin=3, end=2)


@pytest.mark.parametrize("name,ref", [("broadcast_add", np.add), ("broadcast_sub", np.subtract),
                                      ("broadcast_mul", np.multiply), ("broadcast_div", np.divide),
                                      ("broadcast_maximum", np.maximum),
                                      ("broadcast_greater", np.greater)])
def test_broadcast_operators_match_numpy(gen, name, ref):
    a = gen.uniform(0.5, 2, (3, 1, 4)).astype(f32)
    b = gen.uniform(0.5, 2, (5, 1)).astype(f32)
    got = getattr(mx.nd, name)(mx.nd.array(a), mx.nd.array(b)).asnumpy()
    np.testing.assert_allclose(got, ref(a, b), rtol=1e-6)


def test_broadcast_of_incompatible_shapes_is_an_error():
    with pytest.raises(MXShapeError, match=r"\(2, 3\) and \(2,\)"):
        mx.nd.broadcast_add(mx.nd.ones((2, 3)), mx.nd.ones(2))


def test_r_spelled_names_and_keywords():
    x = mx.nd.array([[1, 2, 3], [4, 5, 6]])
    assert mx.nd.slice.axis(x, axis=1, begin=0, end=2).shape == (2, 2)
    assert mx.nd.broadcast.add(x, mx.nd.ones((1, 3))).shape == (2, 3)
    assert mx.nd.concat(data=[x, x], **{"num.args": 2}, dim=0).shape == (4, 3)


def test_copyto_save_and_load_both_argument_orders(tmp_path):
    x = mx.nd.array([[1, 2], [3, 4]])
    y = mx.nd.copyto(x, mx.cpu())
    y += 1
    assert x.asnumpy()[0, 0] == 1
    target = mx.nd.zeros((2, 2))
    x.copyto(target)
    np.testing.assert_array_equal(target.asnumpy(), x.asnumpy())
    f1, f2 = str(tmp_path / "a.nd"), str(tmp_path / "b.nd")
    mx.nd.save(x, f1)                                  # MXNet R's order
    mx.nd.save(f2, {"w": x, "b": mx.nd.ones(3)})       # MXNet Python's order
    np.testing.assert_array_equal(mx.nd.load(f1)[0].asnumpy(), x.asnumpy())
    loaded = mx.nd.load(f2)
    assert sorted(loaded) == ["b", "w"] and loaded["b"].shape == (3,)
