"""Optimizer API (docs/MXNET_R_BEHAVIOUR.md, "Optimizers" and "Schedulers"): mx.opt.create,
get.updater, counters, schedulers, rounding."""

from __future__ import annotations

import numpy as np
import pytest

from mxnet_r_compat import mx
from mxnet_r_compat.errors import MXTypeError, MXValueError

# the check gradient of docs/MXNET_R_BEHAVIOUR.md, "Optimizers"
GRAD = np.array([-0.3, -0.8], np.float32)
W0 = np.array([1.1, 1.8], np.float32)


def one_step(opt) -> np.ndarray:
    w = [W0.copy()]
    mx.opt.get.updater(opt)(w, [GRAD.copy()])
    return w[0]


@pytest.mark.parametrize("name, kwargs, expected, tol", [
    ("sgd", {"learning.rate": 1}, (1.4, 2.6), 1e-6),
    ("rmsprop", {"learning.rate": 1}, (5.64, 6.38), 1e-2),
    ("adam", {"learning.rate": 1}, (4.26, 4.96), 1e-2),
    ("adagrad", {"learning.rate": 1}, (2.1, 2.8), 1e-6),
    ("adadelta", {}, (1.11, 1.81), 1e-3),
    ("nag", {"learning.rate": 1, "momentum": 0.1}, (1.45, 2.65), 0.1),
])
def test_spec_test_vectors(name, kwargs, expected, tol):
    np.testing.assert_allclose(one_step(mx.opt.create(name, **kwargs)), expected, atol=tol)


def test_create_takes_both_spellings_and_keeps_values():
    a = mx.opt.create("sgd", **{"learning.rate": 0.1, "momentum": 0.9, "clip_gradient": 2.0})
    b = mx.opt.create("sgd", learning_rate=0.1, momentum=0.9, clip_gradient=2.0)
    assert (a.lr, a.momentum, a.clip_gradient) == (b.lr, b.momentum, b.clip_gradient) \
        == (0.1, 0.9, 2.0)
    assert isinstance(mx.opt.sgd(**{"learning.rate": 0.3}), type(a))


def test_unknown_optimizer():
    with pytest.raises(MXValueError, match=r"^Unknown optimizer sgdd\b"):
        mx.opt.create("sgdd")


def test_updater_skips_null_gradients_and_updates_in_place():
    opt = mx.opt.create("sgd", learning_rate=1.0)
    up = mx.opt.get.updater(opt, None, mx.cpu())
    data, w = np.ones(2, np.float32), W0.copy()
    out = up([data, w], [None, GRAD.copy()])
    assert out[0] is None
    assert out[1] is w
    np.testing.assert_allclose(w, [1.4, 2.6], rtol=1e-6)
    assert data.tolist() == [1.0, 1.0]
    named = up({"data": data, "w": w}, {"data": None, "w": GRAD.copy()})
    assert named["data"] is None and named["w"] is w


def test_counters_follow_index_order():
    """num_update = max over weights of their counts, counted from 0 at the first update."""
    opt = mx.opt.create("sgd", learning_rate=0.0)
    up = mx.opt.get.updater(opt)
    ws = [np.zeros(1, np.float32), np.zeros(2, np.float32)]
    gs = [np.zeros(1, np.float32), np.zeros(2, np.float32)]
    seen = []
    for _ in range(4):
        up(ws, gs)
        seen.append(opt.num_update)
    assert seen == [0, 1, 2, 3]
    assert opt.counts == {0: 3, 1: 3}


def test_training_counters_are_b_minus_one_after_b_batches(train):
    opt = mx.opt.create("sgd", learning_rate=0.01)
    train(num_round=3, optimizer=opt)  # 4 batches per epoch
    assert opt.num_update == 3 * 4 - 1


def test_sgd_rescale_is_rounded_to_six_digits():
    opt = mx.opt.create("sgd", learning_rate=1.0, rescale_grad=1 / 3)
    assert opt.hyper("rescale_grad") == 0.333333
    w = [np.ones(1, np.float32)]
    mx.opt.get.updater(opt)(w, [np.full(1, 3.0, np.float32)])
    # 1 - 0.333333 * 3 = 1e-6 (in float32: 1.07e-6), not 0 as the unrounded 1/3 would give.
    f = np.float32
    assert w[0][0] == pytest.approx(f(1) - f(0.333333) * f(3), abs=1e-7)
    assert w[0][0] > 5e-7


@pytest.mark.parametrize("value, backend", [(2e-6, 2e-06), (0.1234567, 0.123457),
                                            (1 / 30, 0.0333333), (12345678.0, 1.23457e7)])
def test_hyper_parameters_reach_the_kernel_with_six_digits(value, backend):
    assert mx.opt.create("sgd", learning_rate=value).hyper("lr") == backend


def test_trainer_rescale_is_one_over_the_full_batch(train):
    seen = {}

    def grab(iteration, nbatch, env):
        seen["opt"] = env.optimizer

    train(num_round=1, array_batch_size=30, epoch_end_callback=grab)
    assert seen["opt"].rescale_grad == 1 / 30
    assert seen["opt"].hyper("rescale_grad") == 0.0333333


def test_rescale_grad_cannot_be_passed_with_an_optimizer_name(train):
    with pytest.raises(MXValueError, match=r'formal argument "rescale.grad" matched by '
                                           r"multiple actual arguments"):
        train(**{"rescale.grad": 0.5})


def test_optimizer_object_is_used_as_given_and_extra_keywords_ignored(train):
    opt = mx.opt.create("sgd", learning_rate=0.0)
    model = train(num_round=1, optimizer=opt, learning_rate=5.0,
                  arg_params={"fc_weight": np.ones((1, 3)), "fc_bias": np.zeros(1)})
    assert opt.rescale_grad == 1.0
    np.testing.assert_array_equal(model.arg_params["fc_weight"], np.ones((1, 3)))


def test_optimizer_object_still_rejects_misspelt_keywords(train):
    with pytest.raises(MXTypeError, match="learning_rat"):
        train(optimizer=mx.opt.create("sgd"), learning_rat=1.0)


# ------------------------------------------------------------------------------------------
# Schedulers (a deliberate fix: they change the rate actually used)


def steps_taken(opt, n):
    """Run n updates of one weight with gradient 1 and return the step sizes."""
    up = mx.opt.get.updater(opt)
    w = [np.zeros(1, np.float32)]
    sizes = []
    for _ in range(n):
        before = float(w[0][0])
        up(w, [np.ones(1, np.float32)])
        sizes.append(before - float(w[0][0]))
    return sizes


def test_factor_scheduler_changes_the_rate_used(stderr_lines):
    sched = mx.lr_scheduler.FactorScheduler(step=2, factor_val=0.5)
    opt = mx.opt.create("sgd", **{"learning.rate": 0.1, "lr_scheduler": sched})
    sizes = steps_taken(opt, 8)
    np.testing.assert_allclose(sizes, [0.1] * 4 + [0.05] * 2 + [0.025] * 2, rtol=1e-4)
    assert stderr_lines() == ["Update[3]: learning rate is changed to 0.05",
                              "Update[5]: learning rate is changed to 0.025"]


def test_factor_scheduler_floor(stderr_lines):
    sched = mx.lr_scheduler.FactorScheduler(step=1, factor_val=0.1, stop_factor_lr=5e-3)
    opt = mx.opt.create("sgd", learning_rate=0.1, lr_scheduler=sched)
    sizes = steps_taken(opt, 6)
    np.testing.assert_allclose(sizes, [0.1, 0.1, 0.1, 0.01, 0.005, 0.005], rtol=1e-4)
    lines = stderr_lines()
    assert lines[:2] == ["Update[2]: learning rate is changed to 0.01",
                         "Update[3]: now learning rate arrived at 0.005will not change in "
                         "the future"]


def test_schedulers_accept_r_partial_name_factor():
    assert mx.lr_scheduler.FactorScheduler(step=1, factor=0.5, verbose=False).factor == 0.5
    assert mx.lr_scheduler.MultiFactorScheduler(step=[1], factor=0.25).factor == 0.25
    with pytest.raises(MXValueError, match='argument "factor_val" is missing'):
        mx.lr_scheduler.FactorScheduler(step=1)


def test_multifactor_scheduler_applies_every_step_including_the_last(stderr_lines):
    sched = mx.lr_scheduler.MultiFactorScheduler(step=[2, 4], factor_val=0.1)
    opt = mx.opt.create("sgd", learning_rate=1.0, lr_scheduler=sched)
    sizes = steps_taken(opt, 8)
    np.testing.assert_allclose(sizes, [1.0] * 4 + [0.1] * 2 + [0.01] * 2, rtol=1e-4)
    assert stderr_lines() == ["Update[3]: learning rate is changed to 0.1",
                              "Update[5]: learning rate is changed to 0.01"]


def test_scheduler_verbose_false_is_silent(stderr_lines):
    sched = mx.lr_scheduler.FactorScheduler(step=1, factor_val=0.5, verbose=False)
    steps_taken(mx.opt.create("sgd", learning_rate=1.0, lr_scheduler=sched), 4)
    assert stderr_lines() == []


def test_scheduler_in_training_changes_the_weights(train):
    def run(sched):
        return train(num_round=3, optimizer=mx.opt.create(
            "sgd", learning_rate=0.05, lr_scheduler=sched, rescale_grad=1 / 16),
        ).arg_params["fc_weight"]

    fixed = run(None)
    scheduled = run(mx.lr_scheduler.FactorScheduler(step=2, factor_val=0.1, verbose=False))
    assert not np.allclose(fixed, scheduled, rtol=1e-3)


@pytest.mark.parametrize("make, message", [
    (lambda: mx.lr_scheduler.FactorScheduler(step=0, factor_val=0.5),
     "Schedule step must be greater or equal than 1 round"),
    (lambda: mx.lr_scheduler.FactorScheduler(step=1, factor_val=1.5),
     "Factor must be no more than 1 to make lr reduce"),
    (lambda: mx.lr_scheduler.MultiFactorScheduler(step=[5, 3], factor_val=0.5),
     "Schedule step must be an increasing integer list"),
    (lambda: mx.lr_scheduler.MultiFactorScheduler(step=[0, 3], factor_val=0.5),
     "Schedule step must be greater or equal than 1 round"),
    (lambda: mx.lr_scheduler.MultiFactorScheduler(step=[1, 3], factor_val=2),
     "Factor must be no more than 1 to make lr reduce"),
])
def test_scheduler_errors(make, message):
    with pytest.raises(MXValueError, match=f"^{message}$"):
        make()
