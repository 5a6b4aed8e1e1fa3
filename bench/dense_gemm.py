"""Micro-benchmark: the dense layer's forward + backward against raw SGEMM.

One dense step is ``mxc_dense_forward`` (with bias) plus ``mxc_dense_backward``
with dinp, dw and db: three GEMMs of 2·n·d_in·d_out FLOP each (the bias
broadcast and the bias column sums are not counted). The reference is the
same three GEMMs issued as raw ``mxc_sgemm`` calls:

    out  (n, d_out) = inp (n, d_in) . w^T             (0, 1), beta 0
    dinp (n, d_in) += dout (n, d_out) . w             (0, 0), beta 1
    dw   (d_out, d_in) += dout^T . inp                (1, 0), beta 1

Each figure is the median over ``--reps`` repetitions of ``--calls`` steps.
The ratio dense/sgemm shows what the dense kernels add to bare BLAS (bias
loops, the n == 1 GEMV path, call overhead).

    .venv/bin/python bench/dense_gemm.py            # 128x784x128 and 32x784x128, 1 and 2 threads
    .venv/bin/python bench/dense_gemm.py --markdown # the table for bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import ctypes
import datetime
import os
import platform
import statistics
import time
from collections.abc import Callable

import numpy as np
import scipy_openblas32

from mxnet_r_compat._lib import check, fptr, lib

f32 = np.float32
DEFAULT_SHAPES = ["128x784x128", "32x784x128"]


def blas_info() -> str:
    """OpenBLAS's own description (version, DYNAMIC_ARCH, kernel) of the loaded library."""
    path = os.path.join(scipy_openblas32.get_lib_dir(), f"lib{scipy_openblas32.get_library()}.so")
    so = ctypes.CDLL(path)  # the library _lib already loaded: same handle
    so.scipy_openblas_get_config.restype = ctypes.c_char_p
    so.scipy_openblas_get_corename.restype = ctypes.c_char_p
    config = so.scipy_openblas_get_config().decode().strip()
    return f"{config} (core {so.scipy_openblas_get_corename().decode()})"


def cpu_model() -> str:
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def median_seconds(step: Callable[[], None], calls: int, reps: int) -> float:
    """Median wall time of one step, over reps runs of calls steps (after a warm-up run)."""
    for _ in range(max(1, calls // 4)):
        step()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(calls):
            step()
        times.append((time.perf_counter() - t0) / calls)
    return statistics.median(times)


def make_steps(n: int, d_in: int, d_out: int) -> tuple[Callable[[], None], Callable[[], None]]:
    """The dense step and the raw-SGEMM step on the same buffers, checked to agree once."""
    rs = np.random.default_rng(0)
    inp = rs.uniform(-1, 1, (n, d_in)).astype(f32)
    w = rs.uniform(-0.1, 0.1, (d_out, d_in)).astype(f32)
    b = rs.uniform(-0.1, 0.1, d_out).astype(f32)
    dout = rs.uniform(-1, 1, (n, d_out)).astype(f32)
    out, dinp = np.zeros((n, d_out), f32), np.zeros((n, d_in), f32)
    dw, db = np.zeros((d_out, d_in), f32), np.zeros(d_out, f32)
    bufs = {"inp": inp, "w": w, "b": b, "dout": dout, "out": out, "dinp": dinp, "dw": dw,
            "db": db}
    # fptr's cast pointer does not keep its array alive: the closures hold bufs for that.
    p = {k: fptr(a, writable=True) for k, a in bufs.items()}

    def dense() -> None:
        assert bufs  # keeps the arrays behind p alive
        check(lib.mxc_dense_forward(p["out"], p["inp"], p["w"], p["b"], n, d_in, d_out),
              "mxc_dense_forward")
        check(lib.mxc_dense_backward(p["dinp"], p["dw"], p["db"], p["dout"], p["inp"], p["w"],
                                     n, d_in, d_out), "mxc_dense_backward")

    def gemm() -> None:
        assert bufs
        check(lib.mxc_sgemm(p["out"], p["inp"], p["w"], n, d_out, d_in, 0, 1, 1.0, 0.0), "sgemm")
        check(lib.mxc_sgemm(p["dinp"], p["dout"], p["w"], n, d_in, d_out, 0, 0, 1.0, 1.0),
              "sgemm")
        check(lib.mxc_sgemm(p["dw"], p["dout"], p["inp"], d_out, d_in, n, 1, 0, 1.0, 1.0),
              "sgemm")

    # Both paths must compute the same products before their speed means anything.
    dense()
    got = (out.copy(), dinp.copy(), dw.copy())
    dinp[:] = 0
    dw[:] = 0
    gemm()
    for a, ref in zip(got, (out + b, dinp, dw)):
        np.testing.assert_allclose(a, ref, rtol=1e-4, atol=1e-4)
    return dense, gemm


def parse_shape(text: str) -> tuple[int, int, int]:
    n, d_in, d_out = (int(v) for v in text.lower().split("x"))
    return n, d_in, d_out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shapes", nargs="+", default=DEFAULT_SHAPES, help="n x d_in x d_out")
    ap.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--flop-per-rep", type=float, default=4e9,
                    help="work per repetition; sets the number of calls per shape")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = ap.parse_args()

    before = lib.mxc_blas_get_num_threads()
    print(f"date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}")
    print(f"machine: nproc {os.cpu_count()}, {cpu_model()}, load avg "
          f"{os.getloadavg()[0]:.2f}")
    print(f"blas: {blas_info()}")
    print(f"reps: {args.reps} (median)")
    rows = []
    for shape in args.shapes:
        n, d_in, d_out = parse_shape(shape)
        flop = 3 * 2 * n * d_in * d_out
        calls = max(5, int(args.flop_per_rep / flop))
        dense, gemm = make_steps(n, d_in, d_out)
        for t in args.threads:
            check(lib.mxc_blas_set_num_threads(t), "mxc_blas_set_num_threads")
            g_dense = flop / median_seconds(dense, calls, args.reps) / 1e9
            g_gemm = flop / median_seconds(gemm, calls, args.reps) / 1e9
            rows.append((shape, t, calls, g_dense, g_gemm, g_dense / g_gemm))
    check(lib.mxc_blas_set_num_threads(before), "mxc_blas_set_num_threads")

    if args.markdown:
        print("\n| n x d_in x d_out | threads | calls/rep | dense fwd+bwd GFLOP/s "
              "| 3x sgemm GFLOP/s | dense/sgemm |")
        print("|---|---|---|---|---|---|")
        for shape, t, calls, gd, gg, r in rows:
            print(f"| {shape} | {t} | {calls} | {gd:.1f} | {gg:.1f} | {r:.2f} |")
    else:
        print(f"\n{'n x d_in x d_out':>16} {'threads':>7} {'calls':>6} {'dense GF/s':>10} "
              f"{'sgemm GF/s':>10} {'ratio':>6}")
        for shape, t, calls, gd, gg, r in rows:
            print(f"{shape:>16} {t:>7} {calls:>6} {gd:>10.1f} {gg:>10.1f} {r:>6.2f}")


if __name__ == "__main__":
    main()
