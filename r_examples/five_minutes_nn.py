"""The Python twin of r_examples/five_minutes_nn.R: the same two trainings, the same numbers.

Arrays here are samples first (numpy's order); the data are mlbench's, read through R
(mxnet_r_compat/datasets.py). Run with: .venv/bin/python r_examples/five_minutes_nn.py
"""

import numpy as np

from mxnet_r_compat import mx
from mxnet_r_compat.datasets import boston_tutorial_split, sonar_tutorial_split

# Classification: Sonar, rows 1-50 and 100-150 train.
train_x, train_y, test_x, test_y = sonar_tutorial_split()
mx.set.seed(0)
model = mx.mlp(train_x, train_y, hidden_node=10, out_node=2, out_activation="softmax",
               num_round=20, array_batch_size=15, learning_rate=0.07, momentum=0.9,
               eval_metric=mx.metric.accuracy)
mx.viz.plot(model.symbol)

preds = model.predict(test_x)                     # samples x classes
pred_label = preds.argmax(axis=1)
confusion = [int(np.sum((pred_label == p) & (test_y == t))) for t in (0, 1) for p in (0, 1)]
print("confusion:", *confusion, "")

# Regression: BostonHousing, every third row trains.
train_x, train_y, test_x, test_y = boston_tutorial_split()
data = mx.symbol.Variable("data")
fc1 = mx.symbol.FullyConnected(data, num_hidden=1)
lro = mx.symbol.LinearRegressionOutput(fc1)

mx.set.seed(0)
model = mx.model.FeedForward.create(lro, X=train_x, y=train_y, ctx=mx.cpu(), num_round=50,
                                    array_batch_size=20, learning_rate=2e-6, momentum=0.9,
                                    eval_metric=mx.metric.rmse)
preds = model.predict(test_x).reshape(-1)
print(f"test rmse: {np.sqrt(np.mean((preds - test_y) ** 2)):.10g}")


def mae(label, pred):
    """Mean absolute error on NDArrays, as the R metric computes it (float32 values, the
    sum accumulated in double); label and pred arrive with the same shape."""
    return mx.nd.mean(mx.nd.abs(mx.nd.array(label) - mx.nd.array(pred)))


mx.set.seed(0)
model = mx.model.FeedForward.create(lro, X=train_x, y=train_y, ctx=mx.cpu(), num_round=50,
                                    array_batch_size=20, learning_rate=2e-6, momentum=0.9,
                                    eval_metric=mx.metric.custom("mae", mae))
