"""Per-operation cost of NDArray arithmetic on small arrays: MXNet's demo basic_bench.R loop
``y <- y + x * lr``, 1000 iterations (2 operations each), from Python and from R, against real
MXNet 1.9.1's Python API in the same run.

    .venv/bin/python bench/ndarray_ops.py              # needs make bench-setup for MXNet
    .venv/bin/python bench/ndarray_ops.py --markdown   # also a section for bench/RESULTS.md

Each implementation runs in its own child process: ours from Python (.venv), ours from R
(bench/ndarray_ops.R under mxnet-rscript) and MXNet (.venv-mxnet). A repetition is one
1000-iteration loop, timed from the first operation until the result is readable (MXNet
computes asynchronously: its time includes ``wait_to_read``); the figure is the median over
the repetitions, in microseconds per operation. The load average is recorded before and after
each child, because the machine's 2 cores are shared. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OURS_PY = ROOT / ".venv" / "bin" / "python"
MXNET_PY = ROOT / ".venv-mxnet" / "bin" / "python"
RSCRIPT = ROOT / ".venv" / "bin" / "mxnet-rscript"
TARGET_R_US = 60.0


def loop_times(mx, shape: tuple[int, ...], iters: int, reps: int, sync) -> list[float]:
    """Seconds per repetition of ``y = y + x * lr`` (``iters`` iterations), after a warm-up."""
    lr = 0.01
    out = []
    for rep in range(reps + 1):
        x, y = mx.nd.ones(shape), mx.nd.zeros(shape)
        t0 = time.perf_counter()
        for _ in range(iters):
            y = y + x * lr
        sync(y)
        if rep:  # the first repetition warms up
            out.append(time.perf_counter() - t0)
    expected = iters * lr
    assert abs(float(y.asnumpy().reshape(-1)[0]) - expected) < 1e-3 * expected
    return out


def worker(kind: str, spec: dict) -> dict:
    """Run the loop in this process with our mx or MXNet's; return per-operation times."""
    if kind == "ours":
        from mxnet_r_compat import mx
        sync = lambda y: None  # noqa: E731 (synchronous)
        version = "mxnet_r_compat"
    else:
        import mxnet as mx
        sync = lambda y: y.wait_to_read()  # noqa: E731
        version = f"mxnet {mx.__version__}"
    times = loop_times(mx, tuple(spec["shape"]), spec["iters"], spec["reps"], sync)
    per_op = [t / (2 * spec["iters"]) * 1e6 for t in times]
    return {"impl": version, "us_per_op": per_op}


def run_child(cmd: list[str], env: dict[str, str]) -> dict:
    before = os.getloadavg()[0]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode or not lines:
        raise RuntimeError(f"{cmd} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    out = json.loads(lines[-1][len("RESULT "):])
    out["load"] = (before, os.getloadavg()[0])
    return out


def measure(spec: dict) -> dict[str, dict]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "OMP_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1"}
    arg = json.dumps(spec)
    results = {
        "ours, Python": run_child([str(OURS_PY), __file__, "--worker", "ours", arg], env),
        "ours, R": run_child([str(RSCRIPT), str(HERE / "ndarray_ops.R"), arg], env),
    }
    if MXNET_PY.exists():
        results["MXNet 1.9.1, Python"] = run_child(
            [str(MXNET_PY), __file__, "--worker", "mxnet", arg], env)
    return results


def table(spec: dict, results: dict[str, dict]) -> list[str]:
    mxnet = results.get("MXNet 1.9.1, Python")
    base = statistics.median(mxnet["us_per_op"]) if mxnet else None
    rows = ["| implementation | median µs/op | min µs/op | vs MXNet Python | load before/after |",
            "|---|---|---|---|---|"]
    for name, res in results.items():
        med, low = statistics.median(res["us_per_op"]), min(res["us_per_op"])
        ratio = f"{med / base:.2f}x" if base else "n/a"
        rows.append(f"| {name} | {med:.1f} | {low:.1f} | {ratio} | "
                    f"{res['load'][0]:.2f} / {res['load'][1]:.2f} |")
    py = statistics.median(results["ours, Python"]["us_per_op"])
    r = statistics.median(results["ours, R"]["us_per_op"])
    rows.append("")
    rows.append(f"Targets: Python at or below MXNet's cost: "
                f"{'met' if base and py <= base else 'NOT met' if base else 'no MXNet venv'}; "
                f"R at most {TARGET_R_US:.0f} µs/op: {'met' if r <= TARGET_R_US else 'NOT met'} "
                f"(shape {tuple(spec['shape'])}, {spec['iters']} iterations x 2 ops, "
                f"{spec['reps']} repetitions).")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worker", choices=["ours", "mxnet"])
    ap.add_argument("spec", nargs="?")
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--iters", type=int, default=1000)
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    if args.worker:
        print("RESULT " + json.dumps(worker(args.worker, json.loads(args.spec))))
        return
    lines = []
    for shape in ([1, 1], [10, 10]):
        spec = {"shape": shape, "iters": args.iters, "reps": args.reps}
        lines += [f"Shape {tuple(shape)}:", "", *table(spec, measure(spec)), ""]
    print("\n".join(lines))
    if args.markdown:
        print(f"- Command: `.venv/bin/python bench/ndarray_ops.py --markdown --reps {args.reps}`")
        print(f"- Date: {time.strftime('%Y-%m-%dT%H:%M:%S%z')}; machine: `nproc` "
              f"{os.cpu_count()}, {platform.processor() or platform.machine()}; "
              f"Python {platform.python_version()}")


if __name__ == "__main__":
    sys.exit(main())
