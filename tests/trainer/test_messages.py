"""Printed messages (docs/MXNET_R_BEHAVIOUR.md, "Messages"): exact lines on stderr, their order,
verbose=FALSE, warnings."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.console import r_str
from mxnet_r_compat.io import LayoutWarning


def r15(x: float) -> str:
    """R's as.character for an ordinary double: 15 significant digits."""
    return "%.15g" % x


@pytest.mark.parametrize("value, text", [
    (1 / 3, "0.333333333333333"), (16.063282524034, "16.063282524034"), (1e5, "1e+05"),
    (123456.0, "123456"), (1e-4, "1e-04"), (0.00012, "0.00012"), (2e-6, "2e-06"),
    (100.0, "100"), (-2.5, "-2.5"), (0.1 + 0.2, "0.3"), (float("nan"), "NaN"),
    (float("inf"), "Inf"), (7, "7"), (np.float32(0.1), "0.100000001490116"), (True, "TRUE"),
])
def test_numbers_print_like_r(value, text):
    assert r_str(value) == text


def test_train_and_validation_lines(train, tiny_data, stderr_lines, no_warnings):
    X, y = tiny_data
    logger = mx.metric.logger()
    train(num_round=2, verbose=True, eval_metric=mx.metric.rmse,
          eval_data={"data": X[:20], "label": y[:20]},
          epoch_end_callback=mx.callback.log.train.metric(1, logger))
    assert stderr_lines() == [
        "Start training with 1 devices",
        f"[1] Train-rmse={r15(logger.train[0])}",
        f"[1] Validation-rmse={r15(logger.eval[0])}",
        f"[2] Train-rmse={r15(logger.train[1])}",
        f"[2] Validation-rmse={r15(logger.eval[1])}",
    ]


def test_no_metric_prints_only_the_start_line(train, tiny_data, stderr_lines):
    X, y = tiny_data
    train(num_round=2, verbose=True, eval_data={"data": X, "label": y})
    assert stderr_lines() == ["Start training with 1 devices"]


def test_output_order_within_an_epoch(train, tiny_data, tmp_path, stderr_lines):
    X, y = tiny_data
    prefix = str(tmp_path / "m")
    train(num_round=2, verbose=True, eval_metric=mx.metric.mse,
          eval_data={"data": X[:20], "label": y[:20]},
          batch_end_callback=mx.callback.log.train.metric(2, mx.metric.logger()),
          epoch_end_callback=mx.callback.save.checkpoint(prefix))
    shapes = [re.sub(r"=[-0-9.e+]+$", "=<v>", line) for line in stderr_lines()]
    assert shapes == [
        "Start training with 1 devices",
        "Batch [2] Train-mse=<v>", "Batch [4] Train-mse=<v>",
        "[1] Train-mse=<v>", "[1] Validation-mse=<v>",
        f"Model checkpoint saved to {prefix}-0001.params", "",
        # From epoch 2 on the logger's batch callback also sees last epoch's eval state.
        "Batch [2] Train-mse=<v>", "Batch [2] Validation-mse=<v>",
        "Batch [4] Train-mse=<v>", "Batch [4] Validation-mse=<v>",
        "[2] Train-mse=<v>", "[2] Validation-mse=<v>",
        f"Model checkpoint saved to {prefix}-0002.params", "",
    ]


def test_checkpoint_message_has_an_extra_blank_line(train, tmp_path, capsys):
    prefix = str(tmp_path / "ck")
    train(num_round=1, verbose=True, epoch_end_callback=mx.callback.save.checkpoint(prefix))
    assert capsys.readouterr().err == ("Start training with 1 devices\n"
                                       f"Model checkpoint saved to {prefix}-0001.params\n\n")


def test_speedometer_line_shape(train, stderr_lines):
    train(num_round=2, verbose=True, eval_metric=mx.metric.rmse,
          batch_end_callback=mx.callback.log.speedometer(16, frequency=2))
    lines = [line for line in stderr_lines() if line.startswith("Batch")]
    # Per epoch: batch 1 arms the timer, batches 2 and 4 print.
    assert len(lines) == 4
    for line, k in zip(lines, [2, 4, 2, 4]):
        assert re.fullmatch(rf"Batch \[{k}\] Speed: [0-9.]+(e[-+]\d+)? samples/sec "
                            r"Train-rmse=[0-9.]+(e[-+]\d+)?", line), line


def test_verbose_false_silences_everything_but_warnings(train, tiny_data, tmp_path, capsys):
    X, y = tiny_data
    sched = mx.lr_scheduler.FactorScheduler(step=1, factor_val=0.9)  # verbose=TRUE itself
    with pytest.warns(LayoutWarning, match="use rowmajor"):
        train(num_round=3, verbose=False, array_layout="auto", eval_metric=mx.metric.rmse,
              eval_data={"data": X, "label": y}, ctx=[mx.cpu(0), mx.cpu(1)],
              optimizer=mx.opt.create("sgd", learning_rate=0.01, lr_scheduler=sched),
              batch_end_callback=mx.callback.log.train.metric(1, mx.metric.logger()),
              epoch_end_callback=mx.callback.save.checkpoint(str(tmp_path / "q")))
    assert capsys.readouterr() == ("", "")
    # The same callbacks do print when training is verbose.
    train(num_round=1, verbose=True, eval_metric=mx.metric.rmse,
          batch_end_callback=mx.callback.log.speedometer(16, 2))
    assert "samples/sec" in capsys.readouterr().err


def test_scheduler_messages_go_to_stderr_during_training(train, stderr_lines):
    sched = mx.lr_scheduler.FactorScheduler(step=3, factor_val=0.5)
    train(num_round=2, verbose=True, optimizer=mx.opt.create("sgd", lr_scheduler=sched,
                                                             learning_rate=0.1))
    # Called before every parameter update (weight, then bias): 8 batches -> num_update 7.
    assert stderr_lines() == ["Start training with 1 devices",
                              "Update[4]: learning rate is changed to 0.05",
                              "Update[7]: learning rate is changed to 0.025"]


def test_layout_warnings_exact_texts(linreg, tiny_data, capsys):
    X, y = tiny_data
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = mx.model.FeedForward.create(linreg, X, y, num_round=1, verbose=False)
        mx.model.FeedForward.create(linreg, X.T.copy(), y, num_round=1, verbose=False)
        model.predict(X)
        model.predict(X.T.copy())
    texts = [str(w.message) for w in caught]
    assert all(w.category is LayoutWarning for w in caught)
    assert texts == ["Auto detect layout of input matrix, use rowmajor..\n",
                     "Auto detect layout input matrix, use colmajor..\n",
                     "Auto detect layout of input matrix, use rowmajor..\n",
                     "Auto detect layout input matrix, use colmajor..\n"]
    assert capsys.readouterr().err == ""


def test_eval_list_reuses_the_training_layout(linreg, tiny_data):
    X, y = tiny_data
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mx.model.FeedForward.create(linreg, X, y, num_round=1, verbose=False,
                                    eval_data={"data": X[:20], "label": y[:20]})
    assert [str(w.message) for w in caught] == \
        ["Auto detect layout of input matrix, use rowmajor..\n"]


def test_explicit_layout_gives_no_warning(train, no_warnings):
    train(num_round=1, array_layout="rowmajor")


def test_early_stop_message(train, stderr_lines):
    script = iter([5.0, 4.0, 4.5, 4.6, 4.7, 4.8])  # validation value of epochs 1, 2, ...
    current = {"v": next(script)}
    metric = mx.metric.custom("scripted", lambda label, pred: current["v"])
    stop = mx.callback.early.stop(bad_steps=3)
    seen = []

    def epoch(iteration, nbatch, env, verbose):
        seen.append(iteration)
        keep_going = stop(iteration, nbatch, env, verbose)
        current["v"] = next(script)
        return keep_going

    train(num_round=6, verbose=True, eval_metric=metric, epoch_end_callback=epoch,
          eval_data={"data": np.zeros((4, 3)), "label": np.zeros(4)})
    assert seen == [1, 2, 3, 4, 5]
    assert stderr_lines()[-1] == "Best score=4, iteration [2]"


def test_batch_number_prints_as_r_double(stderr_lines):
    from mxnet_r_compat.training.env import TrainEnv
    env = TrainEnv()
    env.metric = mx.metric.rmse
    env.train_metric = np.array([2.0, 5.0])
    mx.callback.log.train.metric(100000)(1, 100000, env)
    mx.callback.log.train.metric(5)(1, 5, env)
    assert stderr_lines() == ["Batch [1e+05] Train-rmse=2.5", "Batch [5] Train-rmse=2.5"]
