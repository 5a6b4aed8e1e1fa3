"""The Python twin of r_examples/kvstore_basics.R: the same pushes and pulls, the same numbers.

Python's store takes one list of device values per key and gives the stored value back from
pull(). Run with: .venv/bin/python r_examples/kvstore_basics.py
"""

import numpy as np

from mxnet_r_compat import mx


def show(label: str, values) -> None:
    """One line of values in the R script's format."""
    print(label, " ".join(f"{v:.9g}" for v in np.asarray(values, np.float64).reshape(-1)), "")


kv = mx.kv.create()
print("type:", kv.type, "")

dlist = [mx.nd.array([i, i + 1], mx.cpu(i)) for i in (1, 2, 3)]
kv.init([0], [dlist[0]])
kv.push([0], [dlist])
dlist = [kv.pull(0) for _ in dlist]
show("pulled on device 1:", dlist[0])
show("pulled on device 3:", dlist[2])

kv.set_optimizer(mx.opt.create("sgd", learning_rate=0.5))
kv.push([0], [[mx.nd.ones((2,)) for _ in range(3)]])
show("after one sgd step:", kv.pull(0))
