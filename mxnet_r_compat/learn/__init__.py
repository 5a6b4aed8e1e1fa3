"""Learning components: optimizers, schedulers, initialisers, metrics and random numbers."""
