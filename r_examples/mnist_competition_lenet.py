"""The LeNet part of MXNet R's "Handwritten Digits Classification Competition", in Python.

The same steps as r_examples/mnist_competition_lenet.R (mx.cpu() where the tutorial and the R
script have mx.gpu(), which falls back to the CPU with a warning). Images are (samples, 1, 28,
28) arrays.
Run from a directory made by r_examples/make_mnist_data.py:
    .venv/bin/python r_examples/make_mnist_data.py DIR && cd DIR &&
    python /path/to/r_examples/mnist_competition_lenet.py
"""

import time

import numpy as np

from mxnet_r_compat import mx

train = np.loadtxt("data/train.csv", delimiter=",", skiprows=1)
test = np.loadtxt("data/test.csv", delimiter=",", skiprows=1)
train_x, train_y = train[:, 1:] / 255, train[:, 0]
test = test / 255

data = mx.symbol.Variable("data")
conv1 = mx.symbol.Convolution(data=data, kernel=(5, 5), num_filter=20)
tanh1 = mx.symbol.Activation(data=conv1, act_type="tanh")
pool1 = mx.symbol.Pooling(data=tanh1, pool_type="max", kernel=(2, 2), stride=(2, 2))
conv2 = mx.symbol.Convolution(data=pool1, kernel=(5, 5), num_filter=50)
tanh2 = mx.symbol.Activation(data=conv2, act_type="tanh")
pool2 = mx.symbol.Pooling(data=tanh2, pool_type="max", kernel=(2, 2), stride=(2, 2))
flatten = mx.symbol.Flatten(data=pool2)
fc1 = mx.symbol.FullyConnected(data=flatten, num_hidden=500)
tanh3 = mx.symbol.Activation(data=fc1, act_type="tanh")
fc2 = mx.symbol.FullyConnected(data=tanh3, num_hidden=10)
lenet = mx.symbol.SoftmaxOutput(data=fc2)

train_array = train_x.reshape(-1, 1, 28, 28)
test_array = test.reshape(-1, 1, 28, 28)

common = dict(X=train_array, y=train_y, array_batch_size=100, learning_rate=0.05,
              momentum=0.9, wd=0.00001, eval_metric=mx.metric.accuracy,
              epoch_end_callback=mx.callback.log.train.metric(100))
for devices, rounds in ((mx.cpu(), 1), ([mx.cpu(0)], 5)):   # the tutorial's GPU run: mx.cpu()
    mx.set.seed(0)
    tic = time.perf_counter()
    model = mx.model.FeedForward.create(lenet, ctx=devices, num_round=rounds, **common)
    print(f"{rounds} epoch(s): {time.perf_counter() - tic:.2f} s")

preds = model.predict(test_array)
pred_label = preds.argmax(axis=1)
np.savetxt("submission.csv", np.column_stack([np.arange(1, len(test) + 1), pred_label]),
           fmt="%d", delimiter=",", header="ImageId,Label", comments="")
