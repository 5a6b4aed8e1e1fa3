"""MXNet's "Auto detect layout" LayoutWarning is attributed to the user's line, so Python's
default filter shows it once per calling line (not at every create and predict), and an
explicit ``array_layout`` silences it."""

from __future__ import annotations

import warnings

import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.io import LayoutWarning


def test_the_warning_points_at_the_callers_line(tiny_data, linreg):
    X, y = tiny_data
    with pytest.warns(LayoutWarning, match=r"^Auto detect layout of input matrix, use rowmajor") \
            as caught:
        model = mx.model.FeedForward.create(linreg, X, y, num_round=1, verbose=False)
    assert caught[0].filename == __file__
    with pytest.warns(LayoutWarning) as caught:
        model.predict(X)
    assert caught[0].filename == __file__


def test_once_per_call_site_with_the_default_filter(tiny_data, linreg):
    X, y = tiny_data
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        for _ in range(3):
            model = mx.model.FeedForward.create(linreg, X, y, num_round=1, verbose=False)
            model.predict(X)
        mx.model.predict(model, X)  # another line: warned once more
    lines = [w.lineno for w in caught if issubclass(w.category, LayoutWarning)]
    assert len(lines) == 3 and len(set(lines)) == 3


def test_every_call_warns_under_always_as_before(tiny_data, linreg):
    X, y = tiny_data
    with pytest.warns(LayoutWarning) as caught:
        for _ in range(2):
            mx.model.FeedForward.create(linreg, X, y, num_round=1, verbose=False)
    assert len(caught) == 2  # pytest.warns records every warning ("always")


def test_an_explicit_layout_silences_it(tiny_data, linreg):
    X, y = tiny_data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(2):
            model = mx.model.FeedForward.create(linreg, X, y, num_round=1, verbose=False,
                                                array_layout="rowmajor")
            model.predict(X, array_layout="rowmajor")
