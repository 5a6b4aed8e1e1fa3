"""Labels as R users have them: a factor trains a classification network on its 0-based codes
(with a note naming the levels), and every misuse (a factor for a regression output,
character labels, levels that do not fit the output layer) says what is wrong. Both hosts."""

from __future__ import annotations

import pytest

SCRIPT = r"""
data(iris)
X <- data.matrix(iris[, 1:4]); species <- iris$Species
sm <- mx.symbol.SoftmaxOutput(mx.symbol.FullyConnected(mx.symbol.Variable("data"),
                                                       num_hidden = 3, name = "fc"))
fit <- function(symbol, y, ...) mx.model.FeedForward.create(symbol, X = X, y = y,
  num.round = 2, array.batch.size = 15, learning.rate = 0.1, array.layout = "rowmajor",
  verbose = FALSE, ...)
note <- capture.output(type = "message", {
  mx.set.seed(0); m.factor <- fit(sm, species, eval.data = list(data = X, label = species))
})
emit("note", note)
mx.set.seed(0); m.codes <- fit(sm, as.integer(species) - 1)
emit("same.as.codes", identical(as.array(m.factor$arg.params$fc_weight),
                                as.array(m.codes$arg.params$fc_weight)))
lro <- mx.symbol.LinearRegressionOutput(mx.symbol.FullyConnected(mx.symbol.Variable("data"),
                                                                 num_hidden = 1))
emit("regression", msg(fit(lro, species)))
emit("character", msg(fit(sm, as.character(species))))
extra <- factor(as.character(species), levels = c(levels(species), "extra"))
emit("unused", msg(fit(sm, extra)))
sm2 <- mx.symbol.SoftmaxOutput(mx.symbol.FullyConnected(mx.symbol.Variable("data"),
                                                        num_hidden = 2))
emit("too.many", msg(fit(sm2, species)))
other <- factor(c(rep("setosa", 149), "rose"))
emit("eval.levels", msg(fit(sm, species, eval.data = list(data = X, label = other))))
"""


@pytest.fixture(scope="module")
def r(run_r_module):
    run = run_r_module(SCRIPT)
    assert run.returncode == 0, run.stderr
    return run


def test_a_factor_trains_on_its_codes_with_a_note(r):
    assert r["note"] == ('Note: `y` is a factor; training on its 0-based codes: 0 = "setosa", '
                         '1 = "versicolor", 2 = "virginica".')
    assert r["same.as.codes"] == "TRUE"


def test_a_factor_for_a_regression_output_says_so(r):
    assert r["regression"] == (
        'Invalid value for argument `y`. Received: a factor with levels "setosa", "versicolor", '
        '"virginica". Expected numeric labels: the network ends in LinearRegressionOutput, which '
        "is not a classification output (a factor is for SoftmaxOutput). If the levels are "
        "numbers, use as.numeric(as.character(y)).")


def test_character_labels_are_an_error(r):
    assert r["character"] == (
        'Invalid value for argument `y`. Received: a character vector ("setosa", "versicolor", '
        '"virginica"). Expected numeric labels, or a factor (factor(y)) for a classification '
        "output such as SoftmaxOutput.")


def test_levels_that_do_not_fit_the_output_layer(r):
    assert r["unused"] == (
        'Invalid value for argument `y`. Received: a factor with 4 levels ("setosa", '
        '"versicolor", "virginica", "extra"), of which "extra" is unused. Expected 3 levels, one '
        "per output of the network's last layer: drop the unused ones with droplevels(y).")
    assert r["too.many"] == (
        'Invalid value for argument `y`. Received: a factor with 3 levels ("setosa", '
        '"versicolor", "virginica"). Expected 2 levels, one per output of the network\'s last '
        "layer.")
    assert r["eval.levels"] == (
        'Invalid value for argument `eval.data$label`. Received: a factor with levels "rose" '
        'that `y` does not have. Expected the levels of `y`: "setosa", "versicolor", '
        '"virginica".')
