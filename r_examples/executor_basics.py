"""The Python twin of r_examples/executor_basics.R: the same binds, steps and numbers.

Shapes here are backend shapes (R dims reversed). Run with:
.venv/bin/python r_examples/executor_basics.py
"""

import numpy as np

from mxnet_r_compat import mx


def show(label: str, values) -> None:
    """One line of values in the R script's format (backend order = R's column order)."""
    flat = np.asarray(values, np.float64).reshape(-1)
    print(label, " ".join(f"{v:.9g}" for v in flat), "")


A = mx.symbol.Variable("A")
B = mx.symbol.Variable("B")
C = A + B
a = mx.nd.zeros((2,))
b = mx.nd.array([1, 2])
ex = mx.symbol.bind(C, ctx=mx.cpu(), arg_arrays={"A": a, "B": b}, aux_arrays=[],
                    grad_reqs=["null", "null"])
mx.exec.forward(ex)
show("A + B:", ex.outputs[0].asnumpy())

mx.exec.update.arg.arrays(ex, {"A": b, "B": b})
mx.exec.forward(ex)
show("B + B:", ex.outputs[0].asnumpy())

data = mx.symbol.Variable("data")
fc = mx.symbol.FullyConnected(data=data, num_hidden=1, no_bias=True, name="fc")
loss = mx.symbol.LinearRegressionOutput(data=fc, name="loss")
ex = mx.simple_bind(loss, ctx=mx.cpu(), grad_req="write", data=(3, 2))
print("arguments:", *ex.arg_arrays, "")
mx.exec.update.arg.arrays(ex, {"data": mx.nd.array([[1, 2], [3, 4], [5, 6]]),
                               "fc_weight": mx.nd.array([[0.5, -0.25]]),
                               "loss_label": mx.nd.array([1, 2, 3])}, match_name=True)
mx.exec.forward(ex, is_train=True)
mx.exec.backward(ex)
show("prediction:", ex.outputs[0].asnumpy())
show("gradient:", ex.grad_arrays["fc_weight"].asnumpy())

updater = mx.opt.get.updater(mx.opt.create("sgd", learning_rate=0.1))
weights = updater(list(ex.arg_arrays.values()), list(ex.grad_arrays.values()))
mx.exec.update.arg.arrays(ex, weights, skip_null=True)
show("new weight:", ex.arg_arrays["fc_weight"].asnumpy())
