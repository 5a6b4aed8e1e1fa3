"""The LeNet section of bench/run.py: ours against real MXNet 1.9.1, and the convolutions'
GEMM roofline (bench/conv_gemm.py), all in the run that reports them.

Ours runs with 1 and with 2 threads (OPENBLAS_NUM_THREADS, which the core's own worker
threads follow: docs/BLAS.md); MXNet with its defaults and with one thread. The throughput
target compares our best with MXNet's best; the memory target compares peak RSS at the
same configurations. The 2 cores are shared, and their load drifts over minutes, so the
four trainings run in two rounds, the second in reverse order, and each configuration's
throughput is the median over both rounds' repetitions: no configuration gets only the
quiet (or only the busy) minutes.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable

SAMPLES = 6000  # one epoch: 60 batches of 100
TARGET_SPEEDUP = 2.0
TARGET_EFFICIENCY = 0.5


def run(worker: Callable, ours_py, mxnet_py, ours_env: Callable, mxnet_env: Callable,
        mxnet_configs, reps: int) -> dict:
    """Every LeNet workload, each in its own child processes (one per round)."""
    spec = {"workload": "lenet", "n": SAMPLES, "reps": reps}
    configs = [(f"ours ({t} thread{'s' if t > 1 else ''})", ours_py, "workloads.py",
                {**spec, "impl": "ours"}, ours_env(t)) for t in (1, 2)]
    if mxnet_py.exists():
        configs += [(f"mxnet ({cfg})", mxnet_py, "mxnet_baseline.py", spec, mxnet_env(cfg))
                    for cfg in mxnet_configs]
    rounds: dict[str, list[dict]] = {name: [] for name, *_ in configs}
    for order in (configs, configs[::-1]):
        for name, py, script, sp, env in order:
            rounds[name].append(worker(py, script, sp, env))
    out: dict = {name: _merge(runs) for name, runs in rounds.items()}
    out["conv roofline"] = {
        str(t): worker(ours_py, "workloads.py", {"impl": "ours", "workload": "conv_roofline",
                                                "threads": t, "reps": 7}, ours_env(t))["layers"]
        for t in (1, 2)}
    return out


def _merge(runs: list[dict]) -> dict:
    """One configuration over its rounds: median of every repetition, the highest peak RSS."""
    times = [t for r in runs for t in r["times"]]
    return {"samples_per_s": SAMPLES / statistics.median(times), "times": times,
            "per_round": [r["samples_per_s"] for r in runs],
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            "load_before": runs[0]["load_before"], "load_after": runs[-1]["load_after"]}


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
        rounds = ", ".join(f"{r:.0f}" for r in v["per_round"])
        out.append(f"  {k:<22} {v['samples_per_s']:8.0f}/s (rounds {rounds})   peak RSS "
                   f"{v['peak_rss_mb']:4.0f} MB   load {v['load_before']:.2f}->"
                   f"{v['load_after']:.2f}")
    out.append("  Convolutions, forward + backward of a batch (bench/conv_gemm.py): layer time "
               "vs the same sgemm calls alone on 1 thread")
    for t, layers in le["conv roofline"].items():
        for r in layers:
            out.append(f"    {r['layer']:<27} {t} thread(s): {r['layer_ms']:6.2f} ms "
                       f"({r['layer_gflops']:5.1f} GFLOP/s), sgemm {r['gemm_ms']:6.2f} ms "
                       f"({r['gemm_gflops']:5.1f} GFLOP/s), efficiency {r['efficiency']:.2f}")
    return out
