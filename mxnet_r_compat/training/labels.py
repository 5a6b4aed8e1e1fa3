"""Class labels given as categories: R factors and pandas categoricals.

A categorical label is a set of classes. For a classification output (SoftmaxOutput) it
trains on its 0-based codes, with a note naming the levels; for any other output it is an
error that says the label is categorical; text labels are an error; levels that cannot fit
the output layer (more levels than outputs, or unused levels that make the counts differ)
are an error. The R package applies the same rules to factors (R/labels.R, which asks
:func:`factor_codes` here), the Python trainer to pandas ``category`` Series (fit.py).
pandas is never imported: a categorical is recognised by its ``cat`` accessor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import arg_name, invalid_argument, say
from ..graph.symbol import Symbol

#: The output operators whose labels are class indices.
CLASS_OUTPUT_OPS = ("SoftmaxOutput", "Softmax")


@dataclass
class Categories:
    """A categorical label: its levels (in order) and each sample's 0-based code (-1: missing).

    Example:
        >>> Categories(["a", "b"], np.array([1, 0, -1])).used()
        ['a', 'b']
    """

    levels: list[str]
    codes: np.ndarray

    def used(self) -> list[str]:
        present = set(int(c) for c in np.unique(self.codes) if c >= 0)
        return [lv for i, lv in enumerate(self.levels) if i in present]


def quoted(values: list[str], limit: int = 6) -> str:
    """``"a", "b", ...`` (at most ``limit`` values), as the messages show levels.

    Example:
        >>> quoted(["a", "b"])
        '"a", "b"'
    """
    shown = ", ".join(f'"{v}"' for v in values[:limit])
    return shown + ", ..." if len(values) > limit else shown


def categories_of(y: Any) -> Categories | None:
    """The categories of a pandas categorical Series (or a one-column DataFrame holding one),
    else None.

    Example:
        >>> categories_of(np.zeros(3)) is None
        True
    """
    columns = getattr(y, "columns", None)
    if columns is not None and len(columns) == 1:
        y = y[columns[0]]
    cat = getattr(y, "cat", None)
    if cat is None or str(getattr(y, "dtype", "")) != "category":
        return None
    return Categories([str(c) for c in cat.categories], np.asarray(cat.codes, dtype=np.int64))


def text_values(y: Any) -> list[str] | None:
    """The distinct values of text labels (strings in an object or string column or array),
    else None. Numbers written as text are left to io.as_numeric's own message."""
    if categories_of(y) is not None or getattr(y, "columns", None) is not None:
        return None
    try:
        values = np.asarray(y, dtype=object).reshape(-1)
    except (TypeError, ValueError):
        return None
    text = list(dict.fromkeys(str(v) for v in values if isinstance(v, (str, np.str_))))
    return text if any(not _reads_as_number(v) for v in text) else None


def _reads_as_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _kind() -> str:
    return say(python="a categorical", r="a factor")


def text_label_error(values: list[str], what: str) -> Exception:
    """Text labels: say how to make them classes."""
    if what == "y":
        how = say(python='y.astype("category")', r="factor(y)")
    else:
        how = say(python=f"{arg_name(what)}.astype(\"category\")", r=f"factor({what})")
    received = say(python="text labels", r="a character vector")
    return invalid_argument(what, f"{received} ({quoted(values)})",
                            f"numeric labels, or {_kind()} ({how}) for a classification "
                            f"output such as SoftmaxOutput")


def output_ops(symbol: Symbol) -> list[str]:
    """The operator of each output of the network ("null" for a variable)."""
    return [node.op or "null" for node, _ in symbol.outputs_]


def factor_codes(symbol: Symbol, cats: Categories, what: str = "y",
                 levels: list[str] | None = None, data_shape: tuple[int, ...] | None = None,
                 ) -> tuple[np.ndarray, str | None]:
    """The 0-based class codes of a categorical label, and the note naming the levels (None
    when ``levels`` is given: validation labels coded with the training label's levels).

    ``data_shape`` is the backend shape of a batch of the input (samples first), to count
    the outputs of the last layer; None skips that check.

    Example:
        >>> codes, note = factor_codes(softmax_net, Categories(["a", "b"], np.array([1, 0])))
        ... # doctest: +SKIP
        >>> codes.tolist(), note   # doctest: +SKIP
        ([1.0, 0.0], 'Note: `y` is a categorical; training on its 0-based codes: 0 = "a", 1 = "b".')
    """
    ops = output_ops(symbol)
    if not any(op in CLASS_OUTPUT_OPS for op in ops):
        convert = say(python=f"{arg_name(what)}.astype(float)",
                      r=f"as.numeric(as.character({what}))")
        raise invalid_argument(
            what, f"{_kind()} with levels {quoted(cats.levels)}",
            f"numeric labels: the network ends in {', '.join(dict.fromkeys(ops))}, which is not "
            f"a classification output ({_kind()} is for SoftmaxOutput). If the levels are "
            f"numbers, use {convert}")
    note = None
    if levels is None:
        check_class_count(symbol, cats, what, data_shape)
        levels = cats.levels
        named = ", ".join(f'{i} = "{lv}"' for i, lv in enumerate(levels))
        note = (f"Note: `{arg_name(what)}` is {_kind()}; training on its 0-based codes: "
                f"{named}.")
    position = {lv: i for i, lv in enumerate(levels)}
    own = [position.get(lv, -1) for lv in cats.levels]
    codes = np.array([own[c] if c >= 0 else -2 for c in cats.codes], dtype=np.float64)
    if (codes == -1).any():
        unknown = [lv for lv in cats.used() if lv not in position]
        raise invalid_argument(what, f"{_kind()} with levels {quoted(unknown)} that `"
                               f"{arg_name('y')}` does not have",
                               f"the levels of `{arg_name('y')}`: {quoted(levels)}")
    codes[codes == -2] = np.nan
    return codes, note


def check_class_count(symbol: Symbol, cats: Categories, what: str,
                      data_shape: tuple[int, ...] | None) -> None:
    """One output per class: more levels than outputs can never be right; unused levels
    that make the counts differ are a subset's leftovers."""
    if data_shape is None:
        return
    try:
        shapes = symbol.infer_shape(data=tuple(data_shape))
    except ValueError:
        return
    if shapes is None or not shapes[1] or len(shapes[1][0]) < 2:
        return
    classes = int(np.prod(shapes[1][0][1:]))
    unused = [lv for lv in cats.levels if lv not in set(cats.used())]
    n = len(cats.levels)
    if n > classes or (unused and n != classes):
        detail = ""
        if unused:
            detail = f", of which {quoted(unused)} {'is' if len(unused) == 1 else 'are'} unused"
        drop = say(python=f"{arg_name(what)}.cat.remove_unused_categories()",
                   r=f"droplevels({what})")
        raise invalid_argument(what, f"{_kind()} with {n} levels ({quoted(cats.levels)}){detail}",
                               f"{classes} levels, one per output of the network's last layer"
                               + (f": drop the unused ones with {drop}" if unused else ""))


@dataclass
class EncodedLabels:
    """Labels of ``create`` with categories replaced by codes; ``pending`` holds what is
    checked once the input shape is known (:meth:`finish`)."""

    y: Any
    eval_data: Any
    pending: list[tuple[Categories, str, str | None]]

    def finish(self, symbol: Symbol, data_shape: tuple[int, ...]) -> list[str]:
        """Check the level counts against the output layer; returns the notes to show."""
        notes = []
        for cats, what, note in self.pending:
            check_class_count(symbol, cats, what, data_shape)
            if note:
                notes.append(note)
        return notes


def encode_labels(symbol: Symbol, y: Any, eval_data: Any) -> EncodedLabels:
    """``y`` and ``eval_data["label"]`` with categorical labels as codes (text labels are an
    error). Other labels pass through unchanged.

    Example:
        >>> encode_labels(net, np.zeros(3), None).y.tolist()   # doctest: +SKIP
        [0.0, 0.0, 0.0]
    """
    pending: list[tuple[Categories, str, str | None]] = []
    levels = None
    for what in ("y", "eval.data$label"):
        value = y if what == "y" else (eval_data.get("label") if isinstance(eval_data, dict)
                                        else None)
        if value is None:
            continue
        text = text_values(value)
        if text is not None:
            raise text_label_error(text, what)
        cats = categories_of(value)
        if cats is None:
            continue
        codes, note = factor_codes(symbol, cats, what, levels)
        pending.append((cats, what, note))
        if what == "y":
            y, levels = codes, cats.levels
        else:
            eval_data = {**eval_data, "label": codes}
    return EncodedLabels(y, eval_data, pending)
