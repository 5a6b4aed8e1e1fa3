"""An R callback's own state (attributes state()/load.state()) is part of exact resume."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
RSCRIPT = Path(sys.executable).with_name("mxnet-rscript")

pytestmark = pytest.mark.r


def _run(mode: str, tmp_path: Path) -> tuple[int, list[str]]:
    proc = subprocess.run([str(RSCRIPT), str(HERE / "early_stop_resume.R"), mode, str(tmp_path)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith(mode)][-1].split()
    return int(line[1]), line[2:]


def test_early_stop_patience_survives_a_resume(tmp_path):
    full_epochs, full_weights = _run("full", tmp_path)
    first_epochs, _ = _run("first", tmp_path)
    resumed_epochs, resumed_weights = _run("second", tmp_path)
    assert (full_epochs, first_epochs) == (8, 6)
    assert resumed_epochs == 8
    assert resumed_weights == full_weights
