"""What learning needs besides the graph: optimizers, learning-rate schedulers, initializers,
metrics and the random streams (each in its own module)."""
