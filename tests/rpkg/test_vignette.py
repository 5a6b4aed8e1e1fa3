"""The vignette (the Callback Function tutorial as R Markdown) knits in a plain R session and
under mxnet-rscript, and the knitted document holds the training lines of the golden run, each
training's layout warning first, as MXNet R's documentation shows them."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
VIGNETTE = ROOT / "mxnet_r_compat" / "R" / "mxnet" / "vignettes" / "callback_function.Rmd"
TUTORIAL = ROOT / "r_examples" / "callback_function.R"
GOLDEN = ROOT / "tests" / "golden" / "callback_function.json"
START = "## Start training with 1 devices"
WARNING = "## Warning in mx.model.select.layout.train(X, y): Auto detect layout"

pytestmark = pytest.mark.r


def _chunks(rmd: str) -> list[str]:
    return re.findall(r"^```\{r\}\n(.*?)^```$", rmd, re.M | re.S)


def test_the_vignette_runs_the_tutorial_code_unchanged():
    code = [line for chunk in _chunks(VIGNETTE.read_text()) for line in chunk.splitlines()]
    tutorial = [line for line in TUTORIAL.read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    assert [line for line in code if line.strip()] == tutorial


def _trainings(md: str) -> list[dict[str, list[float]]]:
    out = []
    for block in md.split(START)[1:]:
        out.append({
            "train": [float(v) for v in re.findall(r"^## \[\d+\] Train-rmse=(\S+)$", block, re.M)],
            "validation": [float(v) for v in
                           re.findall(r"^## \[\d+\] Validation-rmse=(\S+)$", block, re.M)],
            "batch5_train": [float(v) for v in
                             re.findall(r"^## Batch \[5\] Train-rmse=(\S+)$", block, re.M)]})
    return out


@pytest.fixture(scope="module")
def knitted(tmp_path_factory, r_host) -> str:
    cwd = tmp_path_factory.mktemp("vignette")
    (cwd / VIGNETTE.name).write_text(VIGNETTE.read_text())
    if r_host.plain:
        args = ["-e", f'invisible(knitr::knit("{VIGNETTE.name}", quiet = TRUE))']
    else:
        args = [VIGNETTE.name]
    proc = subprocess.run(r_host.argv(*args), cwd=cwd, env=r_host.env(), capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return (cwd / "callback_function.md").read_text()


def test_knitted_document_has_the_golden_training_lines(knitted):
    golden = json.loads(GOLDEN.read_text())["trainings"]
    trainings = _trainings(knitted)
    assert len(trainings) == len(golden) == 5
    for k, (got, expected) in enumerate(zip(trainings, golden, strict=True), start=1):
        for key in ("train", "validation", "batch5_train"):
            assert len(got[key]) == len(expected[key]), f"training {k} {key}"
            np.testing.assert_allclose(got[key], expected[key], rtol=1e-6,
                                       err_msg=f"training {k} {key}")


def test_each_training_is_preceded_by_its_layout_warning(knitted):
    for before in knitted.split(START)[:-1]:  # up to each "Start training"
        assert before.rfind(WARNING) > before.rfind("```r\n")  # after the chunk's code
    assert knitted.count(WARNING) == 5


def test_callback_messages_and_logger_values_are_in_the_document(knitted):
    saved = re.findall(r"^## Model checkpoint saved to boston-(\d{4})\.params$", knitted, re.M)
    assert saved == [f"{k:04d}" for k in range(1, 11)]
    heads = re.findall(r"^## \[1\]((?: +[\d.]+){6})$", knitted, re.M)
    assert len(heads) == 2  # head(logger$train), head(logger$eval)
