"""Learning curves from ``model.history`` (``mx.viz.plot_history``), with matplotlib.

matplotlib is optional: without it, :func:`plot_history` raises an error that
says what to install. R users call ``plot(model$history)`` (base graphics,
R/history.R).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from ..errors import MXError, invalid_value


def _records(history: Any) -> list[dict[str, Any]]:
    records = getattr(history, "history", history)  # a model, or its history
    if not isinstance(records, (list, tuple)) or not all(isinstance(r, dict) for r in records):
        raise invalid_value("history", type(history).__name__,
                            "model.history (a list of records) or a trained model")
    if not records:
        raise invalid_value("history", "an empty history",
                            "the history of a model trained with a metric (eval.metric)")
    return list(records)


def _pyplot():
    try:
        import matplotlib.pyplot as plt  # picks an off-screen backend when there is no display
    except ImportError:
        raise MXError("mx.viz.plot_history needs matplotlib, which is not installed: "
                      "pip install matplotlib") from None
    return plt


def plot_history(history: Any, metrics: Sequence[str] | None = None, file: str | None = None,
                 lr: bool = False):
    """Draw the learning curves: one panel per metric, train and eval against the epoch.

    Args:
        history: ``model.history`` (or the model itself).
        metrics: the metric names to draw (default: all in the history).
        file: save the figure there (e.g. ``"curves.png"``) as well as returning it.
        lr: add a panel with the learning rate.

    Returns:
        The matplotlib Figure.

    Example:
        >>> fig = plot_history(model.history, file="curves.png")   # doctest: +SKIP
    """
    records = _records(history)
    names = list(dict.fromkeys(r["metric"] for r in records))
    if metrics is not None:
        unknown = [m for m in metrics if m not in names]
        if unknown:
            raise invalid_value("metrics", list(metrics), f"names in the history ({names})")
        names = list(metrics)
    plt = _pyplot()
    panels = len(names) + (1 if lr else 0)
    fig, axes = plt.subplots(panels, 1, figsize=(6, 2.6 * panels), squeeze=False)
    for ax, name in zip(axes[:, 0], names):
        for phase, style in (("train", ".-"), ("eval", "^--")):
            rows = [r for r in records if r["metric"] == name and r["phase"] == phase]
            if rows:
                ax.plot([r["iteration"] for r in rows], [r["value"] for r in rows], style,
                        label=phase)
        ax.set_ylabel(name)
        ax.legend()
    if lr:
        ax = axes[-1, 0]
        epochs = {r["iteration"]: r["lr"] for r in records}
        ax.plot(list(epochs), list(epochs.values()), ".-")
        ax.set_ylabel("learning rate")
    axes[-1, 0].set_xlabel("epoch (iteration)")
    fig.tight_layout()
    if file is not None:
        fig.savefig(os.path.expanduser(file))
    return fig
