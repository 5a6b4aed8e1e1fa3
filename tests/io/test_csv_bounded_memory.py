"""mx.io.CSVIter streams: a CSV file larger than all the memory a process may use is read
to the end, row for row, in a child whose address space is capped (RLIMIT_AS)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

LIMIT = 300 * 2**20       # the child's whole address space (interpreter, numpy, the C core)
FILE_SIZE = 400 * 2**20   # the CSV is bigger than that
WIDTH = 100

CHILD = textwrap.dedent("""
    import resource, sys
    mode, path, limit, width = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if mode == "slurp":                      # the control: reading it whole cannot work
        try:
            data = open(path, "rb").read()
        except MemoryError:
            print("MemoryError")
            sys.exit(0)
        print("read", len(data))
        sys.exit(0)
    import numpy as np
    from mxnet_r_compat import mx
    it = mx.io.CSVIter(data_csv=path, data_shape=(width,), batch_size=100, round_batch=False)
    rows, total, last = 0, 0.0, None
    while it.iter_next():
        n = 100 - it.num_pad()
        batch = it.value()["data"].asnumpy()[:n]
        rows += n
        total += float(batch[:, 0].sum(dtype=np.float64))
        last = batch[-1].copy()
    print(rows, total, int(last[1]), int(last[-1]))
""")


def write_big_csv(path, size: int) -> tuple[int, float, int]:
    """Blocks of 1000 rows (first value: the row's index in its block) until ``size`` bytes;
    returns the row count, the sum of first values and the last row's second value."""
    rng = np.random.default_rng(0)
    rows = rng.integers(0, 256, (1000, WIDTH))
    rows[:, 0] = np.arange(1000)
    block = ("\n".join(",".join(map(str, r)) for r in rows) + "\n").encode()
    blocks = -(-size // len(block))
    with open(path, "wb") as f:
        for _ in range(blocks):
            f.write(block)
    return blocks * 1000, blocks * 499500.0, int(rows[-1, 1]), int(rows[-1, -1])


def run_child(mode: str, path) -> subprocess.CompletedProcess:
    """The child runs the package's normal build: AddressSanitizer reserves terabytes of
    address space for its shadow memory, which no RLIMIT_AS allows, so under `make sanitize`
    (tools/sanitize.sh) its preload and package copy are left out of the child's environment.
    The reader itself runs under the sanitizers in the other tests of tests/io."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("LD_PRELOAD", "PYTHONPATH", "ASAN_OPTIONS", "UBSAN_OPTIONS")
           and not k.startswith("MXC_ASAN")}
    env["OPENBLAS_NUM_THREADS"] = "1"
    return subprocess.run([sys.executable, "-c", CHILD, mode, str(path), str(LIMIT), str(WIDTH)],
                          capture_output=True, text=True, timeout=600, env=env, check=False,
                          cwd=path.parent)


@pytest.mark.slow
def test_a_csv_bigger_than_the_memory_limit_is_read_to_the_end(tmp_path):
    path = tmp_path / "big.csv"
    try:
        n_rows, total, second, last = write_big_csv(path, FILE_SIZE)
        assert path.stat().st_size > LIMIT
        control = run_child("slurp", path)
        assert control.stdout.strip() == "MemoryError", control.stderr
        proc = run_child("stream", path)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.split() == [str(n_rows), str(total), str(second), str(last)]
    finally:
        path.unlink(missing_ok=True)
