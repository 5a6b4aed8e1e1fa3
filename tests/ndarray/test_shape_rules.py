"""Shape rules shared by the NDArray functions and the graph (ops/shape_rules.py)."""

from __future__ import annotations

import pytest

from mxnet_r_compat.errors import MXShapeError, MXValueError
from mxnet_r_compat.ops import shape_rules as sr

RESHAPES = [
    ((2, 3, 4), (4, 0, -1), (4, 3, 2)),
    ((2, 3, 4), (0,), None),
    ((2, 3, 4), (-1,), (24,)),
    ((2, 3, 4), (2, -2), (2, 3, 4)),
    ((2, 3, 4), (-2, 1, 1), (2, 3, 4, 1, 1)),
    ((2, 3, 4), (-3, 4), (6, 4)),
    ((2, 3, 4, 5), (-3, -3), (6, 20)),
    ((2, 3, 4), (-4, 1, 2, -2), (1, 2, 3, 4)),
    ((2, 3, 4), (2, -4, -1, 3, 4), (2, 1, 3, 4)),
    ((6,), (0,), (6,)),
]


@pytest.mark.parametrize("src,spec,want", RESHAPES, ids=[str(r[1]) for r in RESHAPES])
def test_reshape_special_values(src, spec, want):
    if want is None:
        with pytest.raises(MXShapeError, match=r"24 elements|2 elements"):
            sr.reshape("reshape", src, spec)
    else:
        assert sr.reshape("reshape", src, spec) == want


def test_reshape_reverse_infers_from_the_right():
    assert sr.reshape("reshape", (10, 5, 4), (-1, 0), reverse=True) == (50, 4)
    assert sr.reshape("reshape", (10, 5, 4), (-1, 0)) == (40, 5)


@pytest.mark.parametrize("spec,message", [((-1, -1), "at most one -1"), ((-5,), "not a valid"),
                                          ((0, 0, 0, 0), "more axes"), ((5, -1), "cannot infer"),
                                          ((-4, 5, -1, -2), "cannot split")])
def test_reshape_errors_say_what_is_wrong(spec, message):
    with pytest.raises((MXShapeError, MXValueError), match=message):
        sr.reshape("reshape", (2, 3, 4), spec)


def test_broadcast_and_axes():
    assert sr.broadcast("b", (4, 1, 3), (5, 1)) == ((4, 5, 3), (4, 1, 3), (1, 5, 1))
    with pytest.raises(MXShapeError, match=r"\(2, 3\) and \(4,\)"):
        sr.broadcast("b", (2, 3), (4,))
    assert sr.reduce_axes("sum", 4, (-1, 1)) == (1, 3)
    assert sr.reduce_axes("sum", 3, None, exclude=True) == ()
    with pytest.raises(MXValueError, match="-3 <= axis < 3"):
        sr.reduce_axes("sum", 3, 3)
    assert sr.reduced_shape((2, 3), (0, 1), False) == (1,)
    with pytest.raises(MXValueError, match="permutation"):
        sr.transpose_axes("transpose", 3, (0, 0, 1))


def test_boxes_and_dot_shapes():
    assert sr.crop_box("crop", (4, 5), (None, -2), (2, None)) == ((0, 3), (2, 5))
    assert sr.slice_axis_box("slice_axis", (4, 5), -1, -3, -1) == ((0, 2), (4, 4))
    assert sr.concat("concat", [(2, 3, 1), (2, 3, 4)], -1) == ((2, 3, 5), 2)
    with pytest.raises(MXShapeError, match="other than"):
        sr.concat("concat", [(2, 3), (3, 3)], 1)
    assert sr.dot("dot", (3,), (3,), False, False) == (1, 1, 3, (1,))
    assert sr.dot("dot", (2, 3, 4), (4, 5), False, False) == (6, 5, 4, (2, 3, 5))
