"""Micro-benchmark: LeNet's convolutions (forward + backward) against raw SGEMM at their shapes.

A convolution of a batch is, per sample, one GEMM forward and two backward (native/conv.c):

    out_n  (f, p)  = w (f, k) . col_n (k, p)          NN
    dw    (f, k) += dout_n (f, p) . col_n^T           NT
    dcol_n (k, p)  = w^T . dout_n (f, p)              TN   (not for a first layer: no dx)

with k = c kh kw and p = oh ow. The *roofline* of a layer is the time of exactly these GEMMs,
each timed alone as raw ``mxc_sgemm`` calls on hot buffers with one OpenBLAS thread; its
GFLOP/s is the layer's FLOP (2 f k p per GEMM per sample) over that time. The layer's own
time (im2col, col2im, bias and every product included) is measured on the same thread count,
and ``efficiency = roofline time / layer time`` (= the layer's GFLOP/s over the GEMMs').
Layer and GEMMs are timed alternately, rep by rep, and the medians compared, so a change of
the machine's load hits both alike; on one thread the clock is the thread's CPU time
(``time.thread_time``), which waiting for a busy core does not inflate.

    .venv/bin/python bench/conv_gemm.py                 # 1 and 2 threads
    .venv/bin/python bench/conv_gemm.py --markdown      # a table for bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from mxnet_r_compat._lib import check, ffi, fptr, lib

f32 = np.float32
# (name, batch, channels, size, filters, kernel, needs input gradient): LeNet's two layers
LAYERS = [("conv1 1->20 5x5 on 28x28", 100, 1, 28, 20, 5, False),
          ("conv2 20->50 5x5 on 12x12", 100, 20, 12, 50, 5, True)]


def one_time(step, calls: int, clock) -> float:
    t0 = clock()
    for _ in range(calls):
        step()
    return (clock() - t0) / calls


def layer_gemms(n, c, size, f, k, needs_dx) -> list[tuple[int, int, int, int, int, int]]:
    """(calls, m, n, k, trans_a, trans_b) of one forward + backward of the layer."""
    kk, p = c * k * k, (size - k + 1) ** 2
    out = [(n, f, p, kk, 0, 0), (n, f, kk, p, 0, 1)]
    if needs_dx:
        out.append((n, kk, p, f, 1, 0))
    return out


def gemm_step(calls, m, nn, k, ta, tb):
    """`calls` raw sgemm calls of this shape (beta = 1, as the layer's), as one step."""
    rs = np.random.default_rng(0)
    a = rs.standard_normal((k, m) if ta else (m, k), dtype=f32)
    b = rs.standard_normal((nn, k) if tb else (k, nn), dtype=f32)
    cc = np.zeros((m, nn), f32)
    pa, pb, pc = fptr(a), fptr(b), fptr(cc, writable=True)

    def step() -> None:
        assert a is not None and b is not None and cc is not None  # keep the buffers alive
        for _ in range(calls):
            lib.mxc_sgemm(pc, pa, pb, m, nn, k, ta, tb, 1.0, 1.0)
    return step


def layer_step(n, c, size, f, k, needs_dx):
    """mxc_conv2d_forward + mxc_conv2d_backward on a batch (bias, dw, db; dx when the layer
    needs it), as one step."""
    o = size - k + 1
    g = ffi.new("mxc_conv2d *", {"n": n, "c": c, "h": size, "w": size, "f": f, "oh": o, "ow": o,
                                 "kh": k, "kw": k, "sh": 1, "sw": 1, "ph": 0, "pw": 0, "dh": 1,
                                 "dw": 1, "groups": 1})
    rs = np.random.default_rng(1)
    bufs = {"x": rs.standard_normal((n, c, size, size), dtype=f32),
            "w": rs.standard_normal((f, c, k, k), dtype=f32), "b": np.zeros(f, f32),
            "y": np.zeros((n, f, o, o), f32), "dy": rs.standard_normal((n, f, o, o), dtype=f32),
            "dx": np.zeros((n, c, size, size), f32), "dw": np.zeros((f, c, k, k), f32),
            "db": np.zeros(f, f32), "work": np.zeros(lib.mxc_conv2d_workspace(g), f32)}
    p = {key: fptr(a, writable=True) for key, a in bufs.items()}
    dx = p["dx"] if needs_dx else ffi.NULL
    size_w = bufs["work"].size

    def step() -> None:
        assert bufs  # keeps the arrays behind p alive
        check(lib.mxc_conv2d_forward(p["y"], p["x"], p["w"], p["b"], g, p["work"], size_w),
              "conv forward")
        check(lib.mxc_conv2d_backward(dx, p["dw"], p["db"], p["dy"], p["x"], p["w"], g,
                                      p["work"], size_w), "conv backward")
    return step


def measure(name: str, spec: tuple, threads: int, reps: int) -> dict:
    """One layer at `threads` (its GEMMs on 1 thread), timed alternately; medians."""
    gemms = [gemm_step(*gm) for gm in layer_gemms(*spec)]
    layer = layer_step(*spec)
    clock = time.thread_time if threads == 1 else time.perf_counter
    t_layer, t_gemm = [], []
    layer(), [g() for g in gemms]  # warm-up
    for _ in range(reps):
        check(lib.mxc_blas_set_num_threads(threads), "threads")
        t_layer.append(one_time(layer, 3, clock))
        check(lib.mxc_blas_set_num_threads(1), "threads")
        t_gemm.append(sum(one_time(g, 3, clock) for g in gemms))
    tl, tg = statistics.median(t_layer), statistics.median(t_gemm)
    flop = sum(2 * calls * m * nn * k for calls, m, nn, k, _, _ in layer_gemms(*spec))
    return {"layer": name, "threads": threads, "gflop": flop / 1e9, "layer_ms": tl * 1e3,
            "gemm_ms": tg * 1e3, "layer_gflops": flop / tl / 1e9, "gemm_gflops": flop / tg / 1e9,
            "efficiency": tg / tl}


def roofline(threads: int, reps: int = 7) -> list[dict]:
    """Per layer: FLOP, layer and roofline times and GFLOP/s, efficiency, at `threads`."""
    before = lib.mxc_blas_get_num_threads()
    try:
        return [measure(name, tuple(spec), threads, reps) for name, *spec in LAYERS]
    finally:
        check(lib.mxc_blas_set_num_threads(before), "threads")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    rows = [r for t in args.threads for r in roofline(t, args.reps)]
    if args.markdown:
        print("| layer | threads | layer fwd+bwd ms | GFLOP/s | sgemm ms (1 thread) | sgemm "
              "GFLOP/s | efficiency |")
        print("|---|---|---|---|---|---|---|")
    for r in rows:
        cells = [r["layer"], r["threads"], f"{r['layer_ms']:.2f}", f"{r['layer_gflops']:.1f}",
                 f"{r['gemm_ms']:.2f}", f"{r['gemm_gflops']:.1f}", f"{r['efficiency']:.2f}"]
        print(("| " + " | ".join(map(str, cells)) + " |") if args.markdown else
              "  ".join(f"{v:>10}" for v in cells))


if __name__ == "__main__":
    main()
