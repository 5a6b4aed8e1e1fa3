"""The Python twin of r_examples/ndarray_basics.R: the same NDArray steps, the same numbers.

Shapes here are backend shapes (R dims reversed), so an R matrix(1:6, nrow = 2) is the
(3, 2) array [[1, 2], [3, 4], [5, 6]]. Run with: .venv/bin/python r_examples/ndarray_basics.py
"""

import os
import tempfile

import numpy as np

from mxnet_r_compat import mx


def show(label: str, values) -> None:
    """One line of values in the R script's format (backend order = R's column order)."""
    flat = np.asarray(values, np.float64).reshape(-1)
    print(label, " ".join(f"{v:.9g}" for v in flat), "")


a = mx.nd.array([1, 2, 3])
m = mx.nd.array([[1, 2], [3, 4], [5, 6]])
z = mx.nd.zeros((3, 2))
print("shape:", m.shape, " size:", m.size)

mx.ctx.default(mx.cpu(1))
on_cpu = mx.nd.copyto(m, mx.cpu())
show("copyto * 3:", (on_cpu * 3).asnumpy())

mx.set.seed(0)
show("rnorm:", mx.rnorm((3, 2)))

a = a + 1.0
a = a + a
a = a - 5
a = 10 / a
a = 7 * a
a = 1 - a + (2 * a) / (a + 0.5)
show("chain:", a.asnumpy())

show("m >= 3:", (m >= 3).asnumpy())
show("sqrt(m):", mx.nd.sqrt(m).asnumpy())
show("sum, max, mean:", [mx.nd.sum(m).asscalar(), mx.nd.max(m).asscalar(),
                         mx.nd.mean(m).asscalar()])

row = mx.nd.array([[10, 20]])
show("broadcast.add:", mx.nd.broadcast_add(mx.nd.ones((3, 2)), row).asnumpy())
try:
    m + mx.nd.ones(3)
except ValueError as e:
    print("mismatch:", str(e)[:60], "...")

show("dot:", mx.nd.dot(mx.nd.transpose(m), m).asnumpy())
print("reshape shape:", mx.nd.reshape(m, shape=(2, 3)).shape)
print("concat shape:", mx.nd.concat(m, m, dim=0).shape)
show("crop:", mx.nd.crop(m, begin=(1, 0), end=(3, 2)).asnumpy())

mat = mx.nd.array([[1, 2], [3, 4]])
mat = (mat * 3 + 5) / 10
mat += 1
show("plus.scalar:", mat.asnumpy())

path = os.path.join(tempfile.mkdtemp(), "arrays.nd")
mx.nd.save(path, {"m": m, "z": z})
back = mx.nd.load(path)
print("loaded:", sorted(back), np.array_equal(back["m"].asnumpy(), m.asnumpy()))
