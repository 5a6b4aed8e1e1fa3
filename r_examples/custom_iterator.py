"""MXNet R's "Custom Iterator" tutorial in Python: a user class with the iterator methods
(reset, iter_next, value, num_pad, finalize) wraps mx.io.CSVIter, and LeNet trains from it.

The same steps as r_examples/custom_iterator.R (mx.cpu() where the R script has
the tutorial's mx.gpu(0), which falls back to the CPU with a warning).
Any object with these methods is an iterator: no base class is needed.
Run from a directory made by r_examples/make_mnist_data.py:
    .venv/bin/python r_examples/make_mnist_data.py DIR && cd DIR &&
    python /path/to/r_examples/custom_iterator.py
"""

import numpy as np

from mxnet_r_compat import mx


class CustomCSVIter:
    """Rows of 785 numbers (label, 784 pixels) as 28 x 28 images scaled to 0..1 and labels."""

    def __init__(self, data_csv, data_shape, batch_size):
        feature_len = data_shape * data_shape + 1
        self.iter = mx.io.CSVIter(data_csv=data_csv, data_shape=(feature_len,),
                                  batch_size=batch_size)
        self.data_shape = data_shape

    def value(self):
        val = np.asarray(self.iter.value()["data"])   # (batch, 785)
        x = val[:, 1:] / 255
        return {"data": x.reshape(-1, 1, self.data_shape, self.data_shape), "label": val[:, 0]}

    def iter_next(self):
        return self.iter.iter_next()

    def reset(self):
        self.iter.reset()

    def num_pad(self):
        return self.iter.num_pad()

    def finalize(self):
        self.iter.finalize()


batch_size = 100
train_iter = CustomCSVIter("mnist_train.csv", 28, batch_size)


def lenet_model():
    data = mx.symbol.Variable("data")
    conv1 = mx.symbol.Convolution(data=data, kernel=(5, 5), num_filter=20)
    tanh1 = mx.symbol.Activation(data=conv1, act_type="tanh")
    pool1 = mx.symbol.Pooling(data=tanh1, pool_type="max", kernel=(2, 2), stride=(2, 2))
    conv2 = mx.symbol.Convolution(data=pool1, kernel=(5, 5), num_filter=50)
    tanh2 = mx.symbol.Activation(data=conv2, act_type="tanh")
    pool2 = mx.symbol.Pooling(data=tanh2, pool_type="max", kernel=(2, 2), stride=(2, 2))
    flatten = mx.symbol.Flatten(data=pool2)
    fc1 = mx.symbol.FullyConnected(data=flatten, num_hidden=100)
    tanh3 = mx.symbol.Activation(data=fc1, act_type="tanh")
    fc2 = mx.symbol.FullyConnected(data=tanh3, num_hidden=10)
    return mx.symbol.SoftmaxOutput(data=fc2)


model = mx.model.FeedForward.create(
    symbol=lenet_model(), X=train_iter, ctx=mx.cpu(), num_round=10,
    array_batch_size=batch_size, learning_rate=0.1, momentum=0.9,
    eval_metric=mx.metric.accuracy, wd=0.00001,
    batch_end_callback=mx.callback.log.speedometer(batch_size, frequency=100))
