"""Cost of the random stream (native/rng.c): draws, Dropout masks and the saved state size.

Usage:
    .venv/bin/python bench/rng_draw.py [--reps 31] [--markdown]

Each row gives the fastest and the median wall time of ``reps`` calls after one warm-up
call, through the public Python functions (``mxnet_r_compat.learn.random``) or, for Dropout, the
C call itself. On a shared machine the fastest call is the steadier figure.
"seed + draw" seeds before every call, so it includes what seeding costs the next draw.
The last line gives the size of ``random.get_state()`` after the draws of the
Callback Function tutorial (169 + 13 + 337 uniforms) and after one 100k draw.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import timed

from mxnet_r_compat.learn import random
from mxnet_r_compat._lib import fptr, lib


def _dropout(n: int):
    x = np.ones(n, np.float32)
    out, mask = np.empty_like(x), np.empty_like(x)
    keep = (x, out, mask)  # the pointers below do not keep the arrays alive

    def run() -> None:
        rc = lib.mxc_dropout_forward(fptr(keep[1], writable=True), fptr(keep[2], writable=True),
                                     fptr(keep[0]), n, 0.5, random.current_stream())
        assert rc == 0, rc
    return run


def _seeded(draw, n: int):
    def run() -> None:
        random.set_seed(7)
        draw(n)
    return run


def cases() -> list[tuple[str, object]]:
    """(label, zero-argument callable) pairs, in table order."""
    random.set_seed(7)
    return [
        ("runif(100000)", lambda: random.runif(100_000)),
        ("seed + runif(100000)", _seeded(random.runif, 100_000)),
        ("rnorm(100000)", lambda: random.rnorm(100_000)),
        ("seed + rnorm(100000)", _seeded(random.rnorm, 100_000)),
        ("runif(13)", lambda: random.runif(13)),
        ("runif(1000000)", lambda: random.runif(1_000_000)),
        ("dropout mask, 100000 (C call)", _dropout(100_000)),
    ]


def state_sizes() -> tuple[int, int]:
    """Bytes of get_state() after the tutorial's draws, and after one 100k draw."""
    random.set_seed(0)
    for n in (169, 13, 337):
        random.runif(n)
    tutorial = len(random.get_state())
    random.set_seed(0)
    random.runif(100_000)
    return tutorial, len(random.get_state())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=31)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    rows = []
    for label, fn in cases():
        times = timed(fn, args.reps)
        rows.append((label, min(times) * 1e6, statistics.median(times) * 1e6))
    tutorial, big = state_sizes()
    if args.markdown:
        print("| call | fastest us | median us |\n|---|---|---|")
        for label, best, median in rows:
            print(f"| {label} | {best:.1f} | {median:.1f} |")
    else:
        for label, best, median in rows:
            print(f"{label:32s} {best:10.1f} us (median {median:.1f})")
    print(f"state size: {tutorial} bytes after the tutorial's draws, {big} after runif(100000)")


if __name__ == "__main__":
    main()
