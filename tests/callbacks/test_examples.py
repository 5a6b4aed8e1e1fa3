"""r_examples/callbacks_beyond.py runs in a few seconds and shows what it says."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "r_examples" / "callbacks_beyond.py"


def test_python_example(tmp_path):
    proc = subprocess.run([sys.executable, str(EXAMPLE), str(tmp_path)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert out[0].startswith("Stopped: early stopping: eval-rmse did not improve for 5 epochs")
    assert "Returned model == best checkpoint: True" in out
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".params") == \
        ["boston-0047.params", "boston-0052.params", "boston-0056.params"]
    assert (tmp_path / "learning_curves.png").read_bytes()[:4] == b"\x89PNG"
    rows = (tmp_path / "train.csv").read_text().splitlines()
    assert rows[0] == "iteration,train.rmse,eval.rmse,lr,seconds" and len(rows) == 1 + 57
    progress = [line for line in proc.stderr.splitlines() if " 9/9 batches " in line]
    assert len(progress) == 57
