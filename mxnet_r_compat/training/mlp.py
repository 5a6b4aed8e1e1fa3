"""``mx.mlp``: a multi-layer perceptron in one call (docs/MXNET_R_BEHAVIOUR.md, "mx.mlp")."""

from __future__ import annotations

from typing import Any

from ..errors import MXValueError
from ..graph.symbol import Symbol, Variable, create
from .fit import create as ff_create

_OUTPUTS = {"softmax": "SoftmaxOutput", "rmse": "LinearRegressionOutput",
            "logistic": "LogisticRegressionOutput"}


def mlp_symbol(hidden_node, out_node: int, dropout: float | None = None,
               activation="tanh", out_activation: str = "softmax") -> Symbol:
    """The network ``mx.mlp`` trains: hidden FC+activation layers, optional dropout, output.

    Example:
        >>> mlp_symbol([10], 2).arguments()[:3]      # doctest: +SKIP
        ['data', 'fullyconnected0_weight', 'fullyconnected0_bias']
    """
    sizes = hidden_node if isinstance(hidden_node, (list, tuple)) else [hidden_node]
    hidden = [int(h) for h in sizes]
    acts = [activation] * len(hidden) if isinstance(activation, str) else list(activation)
    if len(acts) != len(hidden):
        raise MXValueError(f"Length of activation should be {len(hidden)}")
    if out_activation not in _OUTPUTS:
        raise MXValueError("Not supported yet.")
    net = Variable("data")
    for units, act in zip(hidden, acts):
        net = create("Activation", create("FullyConnected", net, num_hidden=units), act_type=act)
    if dropout is not None:
        if isinstance(dropout, (list, tuple)):
            if len(dropout) != 1:
                raise MXValueError("only accept dropout ratio of length 1.")
            dropout = dropout[0]
        net = create("Dropout", net, p=min(max(float(dropout), 0.0), 1 - 1e-7))
    net = create("FullyConnected", net, num_hidden=int(out_node))
    return create(_OUTPUTS[out_activation], net)


def mlp(data, label, hidden_node=1, out_node: int | None = None, dropout=None,
        activation="tanh", out_activation: str = "softmax", ctx=None, **kwargs: Any):
    """Build and train an MLP; the rest of the keywords go to FeedForward.create.

    Example:
        >>> model = mlp(X, y, hidden_node=[10], out_node=2, num_round=5)   # doctest: +SKIP
    """
    if out_node is None:
        raise MXValueError("Invalid value for argument `out_node`. Received: out_node=None. "
                           "Expected the number of output units.")
    symbol = mlp_symbol(hidden_node, out_node, dropout, activation, out_activation)
    return ff_create(symbol, X=data, y=label, ctx=ctx, **kwargs)
