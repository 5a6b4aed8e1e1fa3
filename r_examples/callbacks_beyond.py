"""Callbacks beyond MXNet R (docs/CALLBACKS.md) on BostonHousing, in Python.

Early stopping that restores the best epoch, the 3 best checkpoints, a CSV log, a
progress bar, and the learning curves saved to a PNG (needs matplotlib).
Run: .venv/bin/python r_examples/callbacks_beyond.py [OUTPUT_DIR]
The R original is r_examples/callbacks_beyond.R. Takes about a second.
"""

import csv
import os
import sys
import tempfile

import numpy as np

from mxnet_r_compat import mx
from mxnet_r_compat.datasets import boston_tutorial_split
from mxnet_r_compat.errors import MXError

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(tempfile.gettempdir(),
                                                         "callbacks_beyond_py")
os.makedirs(out, exist_ok=True)

train_x, train_y, test_x, test_y = boston_tutorial_split()
center, scale = train_x.mean(axis=0), train_x.std(axis=0, ddof=1)   # R's scale()
train_x, test_x = (train_x - center) / scale, (test_x - center) / scale

data = mx.symbol.Variable("data")
hidden = mx.symbol.Activation(mx.symbol.FullyConnected(data, num_hidden=16), act_type="relu")
net = mx.symbol.LinearRegressionOutput(mx.symbol.FullyConnected(hidden, num_hidden=1))

prefix = os.path.join(out, "boston")
mx.set.seed(0)
model = mx.model.FeedForward.create(
    net, X=train_x, y=train_y, eval_data={"data": test_x, "label": test_y},
    ctx=mx.cpu(), num_round=100, array_batch_size=20, array_layout="rowmajor",
    optimizer="adam", learning_rate=0.03, eval_metric=mx.metric.rmse, verbose=False,
    epoch_end_callback=[
        mx.callback.early.stopping(patience=5, restore_best=True),  # mode "auto": lower rmse
        mx.callback.model.checkpoint(prefix, top_k=3),              # keeps the 3 best files
        mx.callback.csv.logger(os.path.join(out, "train.csv"))],
    batch_end_callback=mx.callback.progress.bar())

print("Stopped:", model.stop_reason)
best = mx.model.checkpoint.best(prefix)
print("Best checkpoint:", best["file"], "with eval-rmse", best["value"])
print("Checkpoints kept:", sorted(f for f in os.listdir(out) if f.endswith(".params")))

# the returned model is the best epoch's: the same weights as the best checkpoint
saved = mx.model.load(prefix, best["iteration"])
print("Returned model == best checkpoint:",
      all(np.array_equal(saved.arg_params[k], v) for k, v in model.arg_params.items()))

with open(os.path.join(out, "train.csv"), newline="") as fh:
    rows = list(csv.DictReader(fh))
for row in rows[-3:]:
    print(row)
for t in model.callback_time:
    print(f"{t['callback']:<45} {t['calls']:>5} calls {t['us_per_call']:8.1f} us/call")

try:
    mx.viz.plot_history(model.history, file=os.path.join(out, "learning_curves.png"))
    print("Learning curves:", os.path.join(out, "learning_curves.png"))
except MXError as err:   # matplotlib is optional: the error says what to install
    print("No plot:", err)
