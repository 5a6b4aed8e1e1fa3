"""Training: the trainer loop, model creation, checkpoints and resume."""
