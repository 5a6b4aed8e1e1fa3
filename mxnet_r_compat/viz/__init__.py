"""Pictures: learning curves (history.py, matplotlib) and networks as Graphviz graphs
(network.py builds the DOT text, render.py draws or prints it)."""

from .history import plot_history
from .network import network_dot
from .render import plot, plot_network, render_dot

__all__ = ["network_dot", "plot", "plot_history", "plot_network", "render_dot"]
