"""``mx.model.FeedForward.create`` and what it uses: the model (model.py), the orchestrator
(fit.py), the epoch loop (trainer.py), the callback environment, hooks and callbacks, exact
resume and model files. See docs/ARCHITECTURE.md for the order in which they run."""
