"""The MXNet R "Callback Function" tutorial, block by block, in Python.

Run: .venv/bin/python r_examples/callback_function.py   (or: make demo-py)
The R original, verbatim, is r_examples/callback_function.R.
"""

from mxnet_r_compat import mx
from mxnet_r_compat.datasets import boston_tutorial_split

train_x, train_y, test_x, test_y = boston_tutorial_split()
data = mx.symbol.Variable("data")
fc1 = mx.symbol.FullyConnected(data, num_hidden=1)
lro = mx.symbol.LinearRegressionOutput(fc1)

common = dict(X=train_x, y=train_y, eval_data={"data": test_x, "label": test_y},
              ctx=mx.cpu(), num_round=10, array_batch_size=20,
              learning_rate=2e-6, momentum=0.9, eval_metric=mx.metric.rmse)

# 1. A small example: train and print the metrics of each epoch.
mx.set.seed(0)
model = mx.model.FeedForward.create(lro, **common)

# 2. The built-in checkpoint callback: boston-symbol.json and boston-00NN.params.
model = mx.model.FeedForward.create(
    lro, **common, epoch_end_callback=mx.callback.save.checkpoint("boston"))

# 3. Log the training metric every 5 batches.
model = mx.model.FeedForward.create(
    lro, **common, batch_end_callback=mx.callback.log.train.metric(5))

# 4. Keep the per-epoch metrics in a logger.
logger = mx.metric.logger.new()
model = mx.model.FeedForward.create(
    lro, **common, epoch_end_callback=mx.callback.log.train.metric(5, logger))
print("logger.train:", [round(v, 6) for v in logger.train[:6]])
print("logger.eval: ", [round(v, 6) for v in logger.eval[:6]])


# 5. A user-written callback: stop once the validation RMSE drops below a threshold.
def early_stop(threshold):
    def callback(iteration, nbatch, env):
        if env.metric is not None and env.eval_metric is not None:
            if env.metric.get(env.eval_metric).value < threshold:
                return False
        return True
    return callback


model = mx.model.FeedForward.create(lro, **common, epoch_end_callback=early_stop(10))
