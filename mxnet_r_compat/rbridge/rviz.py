"""Entry point of ``graph.viz`` and ``mx.viz.plot`` (R/viz.R): the DOT text of an R symbol,
drawn by Graphviz when it is installed (``mxnet_r_compat/viz/``). R prints the messages, so
they come out in order with the script's own output.
"""

from __future__ import annotations

from typing import Any

import rpy2.rinterface as ri

from ..viz.network import network_dot, parse_size
from ..viz.render import NO_DOT_NOTE, render_dot
from . import convert, rsymbol
from .export import register


def shapes_from_r(shape: Any) -> dict[str, tuple[int, ...]] | None:
    """R shapes (R order) as backend ones: a named list, or one vector for ``data``.

    Example:
        >>> shapes_from_r(ri.IntSexpVector([28, 28, 1, 1]))
        {'data': (1, 1, 28, 28)}
    """
    if convert.is_null(shape):
        return None
    if shape.typeof == ri.RTYPES.VECSXP:
        items = convert.named_list(shape).items()
    else:
        items = [("data", shape)]  # type: ignore[assignment]
    return {name: tuple(int(d) for d in reversed(list(dims))) for name, dims in items}


@register("viz_plot")
def viz_plot(sym, file, shape, title, hide_weights, direction, width, height):
    dot = network_dot(rsymbol.symbol_from_r(sym), shape=shapes_from_r(shape),
                      title=str(convert.scalar(title)),
                      hide_weights=bool(convert.scalar(hide_weights)),
                      direction=str(convert.scalar(direction)),
                      size=parse_size(convert.scalar(width), convert.scalar(height)))
    target = convert.scalar(file)
    written = render_dot(dot, None if target is None else str(target))
    return convert.make_list({"dot": ri.StrSexpVector([dot]),
                              "file": ri.NULL if written is None else ri.StrSexpVector([written]),
                              "note": ri.StrSexpVector([NO_DOT_NOTE])})
