"""The network graph: symbols (symbol.py), their composition (compose.py) and shape inference
(shape_inference.py). Operators are read from the registry in ``ops/``, never named here."""
