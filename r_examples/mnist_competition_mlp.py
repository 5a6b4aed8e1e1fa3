"""The MLP part of MXNet R's "Handwritten Digits Classification Competition", in Python.

The same steps as r_examples/mnist_competition_mlp.R, with Python's conventions: one image per
row (array_layout="rowmajor"), predictions samples first. With the same seed both train the
same network to the same numbers.
Run from a directory made by r_examples/make_mnist_data.py:
    .venv/bin/python r_examples/make_mnist_data.py DIR && cd DIR &&
    python /path/to/r_examples/mnist_competition_mlp.py
"""

import numpy as np

from mxnet_r_compat import mx

train = np.loadtxt("data/train.csv", delimiter=",", skiprows=1)
test = np.loadtxt("data/test.csv", delimiter=",", skiprows=1)
train_x, train_y = train[:, 1:] / 255, train[:, 0]
test = test / 255
print("images per digit:", np.bincount(train_y.astype(int)).tolist())

data = mx.symbol.Variable("data")
fc1 = mx.symbol.FullyConnected(data, name="fc1", num_hidden=128)
act1 = mx.symbol.Activation(fc1, name="relu1", act_type="relu")
fc2 = mx.symbol.FullyConnected(act1, name="fc2", num_hidden=64)
act2 = mx.symbol.Activation(fc2, name="relu2", act_type="relu")
fc3 = mx.symbol.FullyConnected(act2, name="fc3", num_hidden=10)
softmax = mx.symbol.SoftmaxOutput(fc3, name="sm")

mx.set.seed(0)
model = mx.model.FeedForward.create(
    softmax, X=train_x, y=train_y, ctx=mx.cpu(), num_round=10, array_batch_size=100,
    array_layout="rowmajor", learning_rate=0.07, momentum=0.9, eval_metric=mx.metric.accuracy,
    initializer=mx.init.uniform(0.07), epoch_end_callback=mx.callback.log.train.metric(100))

preds = model.predict(test, array_layout="rowmajor")
print("predictions:", preds.shape)
pred_label = preds.argmax(axis=1)
np.savetxt("submission.csv", np.column_stack([np.arange(1, len(test) + 1), pred_label]),
           fmt="%d", delimiter=",", header="ImageId,Label", comments="")
