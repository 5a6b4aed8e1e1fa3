"""The LeNet section of bench/run.py: ours against real MXNet 1.9.1, and the convolutions'
GEMM roofline (bench/conv_gemm.py), all in the run that reports them.

Ours runs with 1 and with 2 threads (OPENBLAS_NUM_THREADS, which the core's own worker
threads follow: docs/BLAS.md); MXNet with its defaults and with one thread. The throughput
target compares our best with MXNet's best; the memory target compares peak RSS at the
same configurations.
"""

from __future__ import annotations

from collections.abc import Callable

SAMPLES = 6000  # one epoch: 60 batches of 100
TARGET_SPEEDUP = 2.0
TARGET_EFFICIENCY = 0.5


def run(worker: Callable, ours_py, mxnet_py, ours_env: Callable, mxnet_env: Callable,
        mxnet_configs, reps: int) -> dict:
    """Every LeNet workload, each in its own child process."""
    spec = {"workload": "lenet", "n": SAMPLES, "reps": reps}
    out = {}
    for threads in (1, 2):
        out[f"ours ({threads} thread{'s' if threads > 1 else ''})"] = worker(
            ours_py, "workloads.py", {**spec, "impl": "ours"}, ours_env(threads))
    out["conv roofline"] = {
        str(t): worker(ours_py, "workloads.py", {"impl": "ours", "workload": "conv_roofline",
                                            "threads": t, "reps": 7}, ours_env(t))["layers"]
        for t in (1, 2)}
    if mxnet_py.exists():
        for cfg in mxnet_configs:
            out[f"mxnet ({cfg})"] = worker(mxnet_py, "mxnet_baseline.py", spec, mxnet_env(cfg))
    return out


def _best(group: dict, prefix: str) -> tuple[str, dict] | None:
    runs = [(k, v) for k, v in group.items() if k.startswith(prefix)]
    return max(runs, key=lambda kv: kv[1]["samples_per_s"]) if runs else None


def targets(res: dict) -> list[dict]:
    le = res.get("lenet")
    if not le:
        return []
    rows = []
    ours, mx = _best(le, "ours"), _best(le, "mxnet")
    if mx:
        ratio = ours[1]["samples_per_s"] / mx[1]["samples_per_s"]
        rows.append({"target": f"LeNet: training throughput >= {TARGET_SPEEDUP:g}x MXNet 1.9.1",
                     "measured": f"{ours[0]} {ours[1]['samples_per_s']:.0f}/s, {mx[0]} "
                                 f"{mx[1]['samples_per_s']:.0f}/s", "ratio": ratio,
                     "met": ratio >= TARGET_SPEEDUP})
        o_rss = max(v["peak_rss_mb"] for k, v in le.items() if k.startswith("ours"))
        m_rss = min(v["peak_rss_mb"] for k, v in le.items() if k.startswith("mxnet"))
        rows.append({"target": "LeNet: peak RSS below MXNet's",
                     "measured": f"ours at most {o_rss:.0f} MB, MXNet at least {m_rss:.0f} MB",
                     "ratio": m_rss / o_rss, "met": o_rss < m_rss})
    for layer in le["conv roofline"]["1"]:
        rows.append({"target": f"LeNet {layer['layer'].split()[0]} (1 thread): >= "
                               f"{TARGET_EFFICIENCY:.0%} of its GEMM roofline",
                     "measured": f"{layer['layer_gflops']:.1f} GFLOP/s, its sgemm calls "
                                 f"{layer['gemm_gflops']:.1f} GFLOP/s",
                     "ratio": layer["efficiency"], "met": layer["efficiency"] >= TARGET_EFFICIENCY})
    return rows


def details(res: dict) -> list[str]:
    le = res.get("lenet")
    if not le:
        return []
    out = [f"LeNet (tutorial network, batch 100, {SAMPLES} samples = one epoch per fit; "
           "samples/s, median; peak RSS of the process):"]
    for k, v in le.items():
        if k == "conv roofline":
            continue
        out.append(f"  {k:<22} {v['samples_per_s']:8.0f}/s   peak RSS {v['peak_rss_mb']:6.0f} MB"
                   f"   load {v['load_before']:.2f}->{v['load_after']:.2f}")
    out.append("  Convolutions, forward + backward of a batch (bench/conv_gemm.py): layer time "
               "vs the same sgemm calls alone on 1 thread")
    for t, layers in le["conv roofline"].items():
        for r in layers:
            out.append(f"    {r['layer']:<27} {t} thread(s): {r['layer_ms']:6.2f} ms "
                       f"({r['layer_gflops']:5.1f} GFLOP/s), sgemm {r['gemm_ms']:6.2f} ms "
                       f"({r['gemm_gflops']:5.1f} GFLOP/s), efficiency {r['efficiency']:.2f}")
    return out
