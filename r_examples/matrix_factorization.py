"""Matrix factorisation in Python: the steps of r_examples/matrix_factorization.R (two index
inputs through Embedding behind BlockGrad, sum_axis of the factor product, a two-input
iterator and input_names / output_names), with the same synthetic ratings and numbers.
Any object with the iterator methods is an iterator: no base class is needed.
Run: python r_examples/matrix_factorization.py
"""

import math

import numpy as np

from mxnet_r_compat import mx

n_user, n_item, n_rating = 60, 40, 2000
k = np.arange(n_rating)
users = (k * 37) % n_user                      # indices from 0, as Embedding reads them
items = (k * 11 + k // n_user) % n_item
# math.sin / math.cos: the C library's, as R's sin / cos (the twins see the same doubles)
scores = np.array([3 + 1.5 * math.sin(u + 1) * math.cos(i + 1)
                   + math.cos(0.5 * u) * math.sin(0.3 * i) + 0.1 * math.sin(7 * j)
                   for j, (u, i) in enumerate(zip(users.tolist(), items.tolist()))])
print(f"ratings: {n_rating} of {n_user} users and {n_item} items; mean score "
      f"{scores.mean():.4f}")

n_factor = 8
user = mx.symbol.Variable("user")
item = mx.symbol.Variable("item")
score = mx.symbol.Variable("label")
user_factors = mx.symbol.Embedding(data=mx.symbol.BlockGrad(user), input_dim=n_user,
                                   output_dim=n_factor, name="user_factors")
item_factors = mx.symbol.Embedding(data=mx.symbol.BlockGrad(item), input_dim=n_item,
                                   output_dim=n_factor, name="item_factors")
product = user_factors * item_factors
predicted = mx.symbol.Flatten(mx.symbol.sum_axis(product, axis=1, name="dot"), name="flat")
net = mx.symbol.LinearRegressionOutput(data=predicted, label=score, name="rating")
print(net.arguments())


class PairIter:
    """Two array iterators walked in step; value() gives both inputs and the label by name."""

    def __init__(self, users, items):
        self.users, self.items = users, items

    def value(self):
        u = self.users.value()
        return {"user": u["data"], "item": self.items.value()["data"], "label": u["label"]}

    def iter_next(self):
        self.items.iter_next()
        return self.users.iter_next()

    def reset(self):
        self.users.reset()
        self.items.reset()

    def num_pad(self):
        return self.users.num_pad()

    def finalize(self):
        self.users.finalize()
        self.items.finalize()


batch_size = 100
train = PairIter(mx.io.arrayiter(data=users, label=scores, batch_size=batch_size),
                 mx.io.arrayiter(data=items, label=scores, batch_size=batch_size))

mx.set.seed(42)
model = mx.model.FeedForward.create(
    net, X=train, ctx=mx.cpu(), num_round=12, initializer=mx.init.uniform(0.8),
    learning_rate=0.05, momentum=0.9, eval_metric=mx.metric.rmse,
    epoch_end_callback=mx.callback.log.train.metric(1),
    input_names=["user", "item"], output_names="label")

# The learned factors (backend order: one row per user or item), and user 0's score by hand.
u = np.asarray(model.arg_params["user_factors_weight"])
v = np.asarray(model.arg_params["item_factors_weight"])
print("factor tables:", u.shape, "and", v.shape)
print(f"user 0, item 0: predicted {float(u[0] @ v[0]):.4f}, rated {scores[0]:.4f}")
by_hand = (u[users] * v[items]).sum(axis=1)
pred = model.predict(train).ravel()
print(f"rmse of predict(model, iterator): {math.sqrt(np.mean((pred - scores) ** 2)):.6f}")
print("predict equals the factor products:", bool(np.allclose(pred, by_hand, rtol=1e-5)))
