"""Drawing DOT text with Graphviz's ``dot`` program, and showing a network (``mx.viz.plot``).

``dot`` is looked up on PATH at each call (Debian package ``graphviz``, which tools/setup.sh
installs). With it, :func:`plot` writes an image (the format from the file's extension; SVG
in a temporary file when no file is given) and says where. Without it, :func:`plot` prints the
DOT text after a one-line note, so the graph can still be pasted into any Graphviz viewer; a
``.dot``/``.gv`` file is written as text either way.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence

from ..errors import MXError, invalid_value
from ..graph.symbol import Symbol
from .network import network_dot

TEXT_FORMATS = ("dot", "gv")
IMAGE_FORMATS = ("svg", "png", "pdf", "jpg", "jpeg", "gif", "ps", "eps")
NO_DOT_NOTE = ("Graphviz's dot is not installed (Debian: apt-get install graphviz), "
               "so here is the graph as DOT text:")


def dot_program() -> str | None:
    """The path of Graphviz's ``dot`` on PATH, or None.

    Example:
        >>> dot_program()   # doctest: +SKIP
        '/usr/bin/dot'
    """
    return shutil.which("dot")


def _format_of(file: str) -> str:
    ext = os.path.splitext(file)[1].lstrip(".").lower()
    if ext not in TEXT_FORMATS + IMAGE_FORMATS:
        raise invalid_value("file", file, "a file name ending in one of "
                            + ", ".join(f".{e}" for e in TEXT_FORMATS + IMAGE_FORMATS))
    return ext


def render_dot(dot_text: str, file: str | None = None) -> str | None:
    """Write ``dot_text`` to ``file``; return the path written, or None without Graphviz.

    A ``.dot``/``.gv`` file gets the text itself; an image needs the ``dot`` program. Without
    ``file``, an SVG in a new temporary file.

    Example:
        >>> render_dot('digraph "g" { "a" -> "b"; }', "g.svg")   # doctest: +SKIP
        'g.svg'
    """
    if file is None:
        program = dot_program()
        if program is None:
            return None
        handle, file = tempfile.mkstemp(prefix="mxnet-graph-", suffix=".svg")
        os.close(handle)
    file = os.path.expanduser(file)
    fmt = _format_of(file)
    if fmt in TEXT_FORMATS:
        with open(file, "w", encoding="utf-8") as out:
            out.write(dot_text)
        return file
    program = dot_program()
    if program is None:
        return None
    done = subprocess.run([program, f"-T{'jpeg' if fmt == 'jpg' else fmt}", "-o", file],
                          input=dot_text, text=True, capture_output=True, check=False)
    if done.returncode != 0:
        raise MXError(f"Graphviz's dot could not draw the graph into {file!r}: "
                      f"{done.stderr.strip()}")
    return file


def plot(symbol: Symbol, file: str | None = None,
         shape: Mapping[str, Sequence[int]] | None = None, title: str = "plot",
         hide_weights: bool = True, direction: str = "TD") -> str:
    """Show a network: draw it with Graphviz, or print its DOT text when Graphviz is missing.

    Args:
        symbol: the network.
        file: where to draw it (``.svg``, ``.png``, ``.pdf``, ...; ``.dot``/``.gv`` for the
            text). Default: an SVG in a temporary file.
        shape: input shapes, backend order (``{"data": (1, 1, 28, 28)}``), to label the edges.
        title: the graph's name.
        hide_weights: leave out learned parameters.
        direction: ``"TD"``, ``"BT"``, ``"LR"`` or ``"RL"``.

    Returns:
        The DOT text (see :func:`~mxnet_r_compat.viz.network.network_dot`).

    Example:
        >>> from mxnet_r_compat import mx
        >>> net = mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=2)
        >>> dot = mx.viz.plot(net, file="net.svg")   # doctest: +SKIP
        mx.viz.plot: wrote the graph to net.svg
    """
    dot_text = network_dot(symbol, shape=shape, title=title, hide_weights=hide_weights,
                           direction=direction)
    written = render_dot(dot_text, file)
    if written is not None:
        print(f"mx.viz.plot: wrote the graph to {written}", file=sys.stderr)
    else:
        print(NO_DOT_NOTE, file=sys.stderr)
        sys.stdout.write(dot_text)
    return dot_text


plot_network = plot
