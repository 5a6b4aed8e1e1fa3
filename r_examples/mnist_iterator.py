"""MNIST from its IDX files through mx.io.MNISTIter, in Python: the steps of
r_examples/mnist_iterator.R (MXNet R's test_model.R "MNIST"), with the same numbers.
Run from a directory made by r_examples/make_mnist_data.py:
    .venv/bin/python r_examples/make_mnist_data.py DIR && cd DIR &&
    python /path/to/r_examples/mnist_iterator.py
"""

import numpy as np

from mxnet_r_compat import mx

batch_size = 100
data = mx.symbol.Variable("data")
fc1 = mx.symbol.FullyConnected(data, name="fc1", num_hidden=128)
act1 = mx.symbol.Activation(fc1, name="relu1", act_type="relu")
fc2 = mx.symbol.FullyConnected(act1, name="fc2", num_hidden=64)
act2 = mx.symbol.Activation(fc2, name="relu2", act_type="relu")
fc3 = mx.symbol.FullyConnected(act2, name="fc3", num_hidden=10)
softmax = mx.symbol.Softmax(fc3, name="sm")

dtrain = mx.io.MNISTIter(image="data/train-images-idx3-ubyte",
                         label="data/train-labels-idx1-ubyte", data_shape=(784,),
                         batch_size=batch_size, shuffle=True, flat=True, silent=False, seed=10)
dtest = mx.io.MNISTIter(image="data/t10k-images-idx3-ubyte",
                        label="data/t10k-labels-idx1-ubyte", data_shape=(784,),
                        batch_size=batch_size, shuffle=False, flat=True, silent=False)

mx.set.seed(0)
devices = [mx.cpu(i) for i in (1, 2)]
model = mx.model.FeedForward.create(
    softmax, X=dtrain, eval_data=dtest, ctx=devices, num_round=5, learning_rate=0.1,
    momentum=0.9, initializer=mx.init.uniform(0.07), eval_metric=mx.metric.accuracy,
    epoch_end_callback=mx.callback.save.checkpoint("chkpt"),
    batch_end_callback=mx.callback.log.train.metric(100))

pred = model.predict(dtest)
label = np.asarray(mx.io.extract(dtest, "label"))
data_x = np.asarray(mx.io.extract(dtest, "data"))
pred2 = model.predict(data_x, array_layout="rowmajor")
for name, p in (("iterator", pred), ("arrays", pred2)):
    print(f"accuracy from the {name}:", np.mean(p.argmax(axis=1) == label))
