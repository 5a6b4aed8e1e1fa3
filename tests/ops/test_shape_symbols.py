"""Layout, reduction, broadcast and unary-math operators as symbols (ops/layout_ops.py,
ops/reduce_ops.py, ops/broadcast_ops.py, ops/algebra.py): forward values against numpy,
backward against finite differences of sum(outputs * r) through a bound executor, MXNet's
shape rules, automatic names and parameter errors."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import MXShapeError, MXValueError

S = mx.symbol
x_, y_ = S.Variable("x"), S.Variable("y")


def _bound(net, inputs: dict[str, np.ndarray]):
    ex = S.bind(net, arg_arrays={k: mx.nd.array(v) for k, v in inputs.items()},
                grad_reqs="write")
    return ex, [o.asnumpy().copy() for o in ex.forward(is_train=True)]


def fd_cases(net, inputs: dict[str, np.ndarray], ref) -> list[tuple]:
    """Forward against ``ref`` (float64 numpy, one array per output), then, for each input,
    (forward, r, input buffer, analytic gradient) for ``h.check_fd`` with the loss
    sum(outputs * r)."""
    ex, outs = _bound(net, inputs)
    want = ref(*(v.astype(np.float64) for v in inputs.values()))
    want = want if isinstance(want, list) else [want]
    assert [o.shape for o in outs] == [np.shape(w) for w in want]
    for out, w in zip(outs, want, strict=True):
        np.testing.assert_allclose(out, w, rtol=1e-5, atol=1e-6)
    gen = np.random.default_rng(7)
    heads = [gen.uniform(-1, 1, o.shape).astype(np.float32) for o in outs]
    ex.backward([mx.nd.array(r) for r in heads])
    r_all = np.concatenate([r.ravel() for r in heads])

    def forward() -> np.ndarray:
        return np.concatenate([o.asnumpy().ravel() for o in ex.forward()])

    return [(forward, r_all, np.asarray(ex.arg_arrays[name]), ex.grad_arrays[name].asnumpy())
            for name in inputs]


def uniform(*shape: int, lo: float = -1.0, hi: float = 1.0) -> np.ndarray:
    seed = int(np.prod(shape)) + len(shape)
    return np.random.default_rng(seed).uniform(lo, hi, shape).astype(np.float32)


# -- copies and layout ----------------------------------------------------------------------

@pytest.mark.gradient_check("Reshape")
@pytest.mark.parametrize("shape,target", [((0, -1), (2, 12)), ((-3, -2), (6, 4)),
                                          ((0, -4, 3, -1, 0), (2, 3, 1, 4)),
                                          ((-1,), (24,))])
def test_reshape(h, shape, target):
    net = S.Reshape(x_, shape=shape)
    for case in fd_cases(net, {"x": uniform(2, 3, 4)}, lambda x: x.reshape(target)):
        h.check_fd(*case, eps=1e-2, rtol=2e-2, atol=2e-2)


def test_reshape_legacy_target_shape_and_reverse():
    args = S.Reshape(x_, target_shape=(0, 6)).infer_shape(x=(4, 3, 2))
    assert args[1] == [(4, 6)]
    keep = S.Reshape(x_, target_shape=(9, 0), keep_highest=True).infer_shape(x=(4, 3, 2))
    assert keep[1] == [(4, 6)]
    assert S.Reshape(x_, shape=(-1, 0), reverse=True).infer_shape(x=(10, 5, 4))[1] == [(50, 4)]
    with pytest.raises(MXShapeError, match="parameter `shape` of Reshape"):
        S.Reshape(x_).infer_shape(x=(2, 3))
    with pytest.raises(MXShapeError, match="has 5 elements but the input"):
        S.Reshape(x_, shape=(5,)).infer_shape(x=(2, 3))


@pytest.mark.gradient_check("expand_dims")
@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_expand_dims(h, axis):
    net = S.expand_dims(x_, axis=axis)
    for case in fd_cases(net, {"x": uniform(3, 4)}, lambda x: np.expand_dims(x, axis)):
        h.check_fd(*case, eps=1e-2, rtol=2e-2, atol=2e-2)


@pytest.mark.gradient_check("Cast")
def test_cast_float32_is_a_copy(h):
    for case in fd_cases(S.Cast(x_, dtype="float32"), {"x": uniform(3, 2)}, lambda x: x):
        h.check_fd(*case, eps=1e-2, rtol=2e-2, atol=2e-2)


def test_cast_to_another_dtype_is_refused():
    with pytest.raises(MXValueError, match=r"parameter `dtype` of Cast\. Received: "
                                           r"dtype='float16'\. Expected one of float32"):
        S.Cast(x_, dtype="float16")


@pytest.mark.gradient_check("transpose")
@pytest.mark.parametrize("axes", [(), (1, 0, 2), (2, 0, 1)])
def test_transpose(h, axes):
    net = S.transpose(x_, axes=axes)
    for case in fd_cases(net, {"x": uniform(2, 3, 4)}, lambda x: np.transpose(x, axes or None)):
        h.check_fd(*case, eps=1e-2, rtol=2e-2, atol=2e-2)


def test_transpose_refuses_a_bad_permutation():
    with pytest.raises(MXShapeError, match="Expected a permutation of the 3 axes"):
        S.transpose(x_, axes=(0, 0, 1)).infer_shape(x=(2, 3, 4))


@pytest.mark.gradient_check("SliceChannel")
@pytest.mark.parametrize("kw,split", [({"num_outputs": 3}, 1),
                                      ({"num_outputs": 2, "axis": 0}, 0),
                                      ({"num_outputs": 4, "axis": -1}, 2)])
def test_slice_channel(h, kw, split):
    net = S.SliceChannel(x_, **kw)
    assert len(net.outputs()) == kw["num_outputs"]
    def ref(x):
        return np.split(x, kw["num_outputs"], axis=split)

    for case in fd_cases(net, {"x": uniform(2, 3, 4)}, ref):
        h.check_fd(*case, eps=1e-2, rtol=2e-2, atol=2e-2)


def test_slice_channel_squeeze_axis_names_and_errors(h):
    net = S.SliceChannel(x_, num_outputs=3, axis=1, squeeze_axis=True, name="slice")
    assert net.outputs() == ["slice_output0", "slice_output1", "slice_output2"]
    for case in fd_cases(net, {"x": uniform(2, 3, 4)}, lambda x: [x[:, i, :] for i in range(3)]):
        h.check_fd(*case, eps=1e-2, rtol=2e-2, atol=2e-2)
    assert [s.name for s in (net[1],)] == ["slice"] and net[1].outputs() == ["slice_output1"]
    assert net.get_children().outputs() == ["x"]  # the node's input once, not once per output
    with pytest.raises(MXShapeError, match="num_outputs=2 does not divide"):
        S.SliceChannel(x_, num_outputs=2).infer_shape(x=(2, 3))
    with pytest.raises(MXShapeError, match="squeeze_axis needs parts of extent 1"):
        S.SliceChannel(x_, num_outputs=1, squeeze_axis=True).infer_shape(x=(2, 3))


def test_block_grad_passes_values_and_stops_the_gradient():
    net = S.BlockGrad(x_) * 3 + x_
    x = uniform(2, 3)
    ex, outs = _bound(net, {"x": x})
    np.testing.assert_allclose(outs[0], 4 * x, rtol=1e-6)
    ex.backward([mx.nd.ones((2, 3))])
    np.testing.assert_array_equal(ex.grad_arrays["x"].asnumpy(), np.ones((2, 3)))
    alone, _ = _bound(S.BlockGrad(x_), {"x": x})
    alone.backward([mx.nd.ones((2, 3))])
    np.testing.assert_array_equal(alone.grad_arrays["x"].asnumpy(), np.zeros((2, 3)))


# -- reductions -----------------------------------------------------------------------------

REDUCTIONS = {"sum": np.sum, "mean": np.mean, "max": np.max, "min": np.min}


@pytest.mark.gradient_check("sum", "mean", "max", "min")
@pytest.mark.parametrize("op", sorted(REDUCTIONS))
@pytest.mark.parametrize("kw,np_axis", [({}, None), ({"axis": 1}, 1),
                                        ({"axis": (0, 2), "keepdims": True}, (0, 2)),
                                        ({"axis": 1, "exclude": True}, (0, 2))])
def test_reductions(h, op, kw, np_axis):
    def ref(x):
        out = REDUCTIONS[op](x, axis=np_axis, keepdims=kw.get("keepdims", False))
        return np.reshape(out, (1,)) if np.ndim(out) == 0 else out

    for case in fd_cases(getattr(S, op)(x_, **kw), {"x": uniform(2, 3, 4)}, ref):
        h.check_fd(*case, eps=1e-2, rtol=2e-2, atol=2e-2)


def test_sum_axis_is_sum_under_mxnet_names():
    a, b = S.sum_axis(x_, axis=1), S.sum(x_, axis=1)
    assert a.tojson().replace(a.name, "n") == b.tojson().replace(b.name, "n")
    assert a.name.startswith("sum") and S.max_axis(x_, axis=0).name.startswith("max")


# -- broadcasting ---------------------------------------------------------------------------

BROADCASTS = {"broadcast_add": np.add, "broadcast_plus": np.add, "broadcast_sub": np.subtract,
              "broadcast_minus": np.subtract, "broadcast_mul": np.multiply,
              "broadcast_div": np.divide, "broadcast_power": np.power,
              "broadcast_maximum": np.maximum, "broadcast_minimum": np.minimum}


@pytest.mark.gradient_check("broadcast_add", "broadcast_sub", "broadcast_mul", "broadcast_div",
                            "broadcast_power", "broadcast_maximum", "broadcast_minimum")
@pytest.mark.parametrize("op", sorted(BROADCASTS))
@pytest.mark.parametrize("xs,ys", [((3, 4), (1, 4)), ((2, 1, 4), (3, 1)), ((3, 4), (3, 4))])
def test_broadcast_binary(h, op, xs, ys):
    inputs = {"x": uniform(*xs, lo=0.5, hi=2.0), "y": uniform(*ys, lo=0.5, hi=2.5)}
    for case in fd_cases(getattr(S, op)(x_, y_), inputs, BROADCASTS[op]):
        h.check_fd(*case, eps=1e-2, rtol=2e-2, atol=2e-2)


def test_broadcast_shape_mismatch_names_both_shapes():
    with pytest.raises(MXShapeError, match=r"\(3, 4\) and \(2, 4\) cannot be broadcast"):
        S.broadcast_add(x_, y_).infer_shape(x=(3, 4), y=(2, 4))


@pytest.mark.gradient_check("broadcast_to")
def test_broadcast_to(h):
    net = S.broadcast_to(x_, shape=(2, 0, 4))
    for case in fd_cases(net, {"x": uniform(1, 3, 1)}, lambda x: np.broadcast_to(x, (2, 3, 4))):
        h.check_fd(*case, eps=1e-2, rtol=2e-2, atol=2e-2)
    with pytest.raises(MXShapeError, match="only axes of extent 1 can grow"):
        S.broadcast_to(x_, shape=(4, 4)).infer_shape(x=(2, 4))


@pytest.mark.gradient_check("broadcast_axis")
def test_broadcast_axis(h):
    net = S.broadcast_axis(x_, axis=(0, 2), size=(2, 4))
    for case in fd_cases(net, {"x": uniform(1, 3, 1)}, lambda x: np.broadcast_to(x, (2, 3, 4))):
        h.check_fd(*case, eps=1e-2, rtol=2e-2, atol=2e-2)
    with pytest.raises(MXShapeError, match="only an axis of extent 1"):
        S.broadcast_axes(x_, axis=1, size=3).infer_shape(x=(2, 4))


# -- unary math -----------------------------------------------------------------------------

@pytest.mark.gradient_check("sqrt", "exp", "log")
@pytest.mark.parametrize("op,ref", [("sqrt", np.sqrt), ("exp", np.exp), ("log", np.log)])
def test_unary_math(h, op, ref):
    for case in fd_cases(getattr(S, op)(x_), {"x": uniform(3, 4, lo=0.5, hi=2.0)}, ref):
        h.check_fd(*case, eps=1e-3, rtol=1e-2, atol=1e-2)


def test_automatic_names_follow_mxnet():
    names = [S.Reshape(x_, shape=(-1,)), S.BlockGrad(x_), S.SliceChannel(x_, num_outputs=2),
             S.broadcast_plus(x_, y_), S.transpose(x_), S.expand_dims(x_, axis=0),
             S.Cast(x_, dtype="float32"), S.sqrt(x_), S.mean(x_), S.broadcast_axis(x_)]
    stems = [s.outputs()[0].rsplit("_output", 1)[0].rstrip("0123456789") for s in names]
    assert stems == ["reshape", "blockgrad", "slicechannel", "broadcast_add", "transpose",
                     "expand_dims", "cast", "sqrt", "mean", "broadcast_axis"]
