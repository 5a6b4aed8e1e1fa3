"""R factors as labels: R/labels.R hands a factor's levels and codes to the rules of
training/labels.py, the ones pandas categoricals follow in Python, so both languages code,
check and word them alike (in R's spelling: errors.speaking, set by export.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
import rpy2.rinterface as ri

from ..training import labels
from . import convert, rsymbol
from .export import register


def _strings(x: Any) -> list[str] | None:
    return None if convert.is_null(x) else [str(v) for v in x]


@register("factor_labels")
def factor_labels(symbol, levels, codes, what, ref_levels, data_shape):
    """``list(codes =, note =)`` for a factor (codes 0-based, NA as -1 on the way in, NA on
    the way out); ``data_shape`` is R's shape of one sample batch, or NULL."""
    cats = labels.Categories(_strings(levels) or [],
                             np.array([int(c) for c in codes], dtype=np.int64))
    shape = None if convert.is_null(data_shape) else \
        tuple(int(d) for d in reversed(list(data_shape)))
    values, note = labels.factor_codes(rsymbol.symbol_from_r(symbol), cats, str(what[0]),
                                       _strings(ref_levels), shape)
    return convert.make_list({"codes": ri.FloatSexpVector(values.tolist()),
                              "note": ri.NULL if note is None else ri.StrSexpVector([note])})


@register("text_labels_error")
def text_labels_error(values, what):
    """The error for character labels (R's ``is.character(y)``)."""
    raise labels.text_label_error(_strings(values) or [], str(what[0]))
