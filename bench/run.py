"""Issue 7's benchmark: mxnet_r_compat, a numpy baseline and real MXNet 1.9.1, in one run.

    make bench                      # = .venv/bin/python bench/run.py (after make bench-setup)
    .venv/bin/python bench/run.py --markdown      # also print a section for bench/RESULTS.md
    .venv/bin/python bench/run.py --quick         # fewer repetitions (a smoke run)

Every workload runs in its own child process (its peak RSS is its own):
bench/workloads.py in .venv for ours and the numpy baseline, bench/mxnet_baseline.py
in .venv-mxnet (``make bench-setup``) for MXNet. Times are medians over repetitions
after a warm-up; the machine's load is recorded before and after each workload,
because the 2 cores are shared. Ours and numpy use --threads BLAS threads
(default 1: a shared 2-core machine punishes a second BLAS thread whenever the other
core is busy). MXNet runs with its defaults and again with one thread
(OMP_NUM_THREADS=1), and the faster of the two is the baseline. Targets (bench/RESULTS.md) are
checked on ratios measured in this run; nothing here is a test, and `make test`
asserts no timings.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
OURS_PY = ROOT / ".venv" / "bin" / "python"
MXNET_PY = ROOT / ".venv-mxnet" / "bin" / "python"
RSCRIPT = ROOT / ".venv" / "bin" / "mxnet-rscript"

# Real MXNet R 1.9.1 cannot be installed here (not on CRAN or PyPI); its figures are the
# issue's own, measured on this machine type.
MXNET_R_REFERENCE = {"tutorial_ms_per_epoch": 22.0, "callback_function_R_process_s": 6.3,
                     "mlp_128": 37.9e3, "mlp_32": 19.7e3}


# -- running workers ------------------------------------------------------------------------------

def load() -> float:
    return os.getloadavg()[0]


def worker(python: Path, script: str, spec: dict, env: dict[str, str]) -> dict:
    """Run one workload in a child process; its RESULT line, plus peak RSS and load."""
    before = load()
    t0 = time.perf_counter()
    proc = subprocess.run([str(python), str(HERE / script), json.dumps(spec)], env=env,
                          capture_output=True, text=True, check=False, cwd=ROOT)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{script} {spec} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    out = json.loads(lines[-1][len("RESULT "):])
    out["load_before"], out["load_after"] = before, load()
    out["wall_s"] = time.perf_counter() - t0
    return out


def base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                        "MXNET_CPU_WORKER_NTHREADS", "GOTO_NUM_THREADS")}
    env["PYTHONWARNINGS"] = "ignore"
    return env


def ours_env(threads: int) -> dict[str, str]:
    return {**base_env(), "OPENBLAS_NUM_THREADS": str(threads)}


MXNET_CONFIGS = {"default": {}, "1 thread": {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                                              "OPENBLAS_NUM_THREADS": "1",
                                              "MXNET_CPU_WORKER_NTHREADS": "1"}}


def mxnet_env(config: str) -> dict[str, str]:
    return {**base_env(), **MXNET_CONFIGS[config]}


def r_worker(script: str, args: list[str], env: dict[str, str]) -> dict:
    """An R workload through mxnet-rscript; its RESULT line plus the process's peak RSS."""
    before = load()
    with tempfile.TemporaryFile("w+") as errfile:
        proc = subprocess.Popen([str(RSCRIPT), str(HERE / script), *args], env=env, cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=errfile, text=True)
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)  # reaped here: its own rusage
        proc.returncode = os.waitstatus_to_exitcode(status)
        errfile.seek(0)
        err = errfile.read()
    lines = [ln for ln in out.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{script} {args} failed ({proc.returncode}):\n{err[-3000:]}")
    res = json.loads(lines[-1][len("RESULT "):])
    res["peak_rss_mb"] = usage.ru_maxrss / 1024
    res["load_before"], res["load_after"] = before, load()
    return res


def process_times(cmd: list[str], runs: int, cwd: Path, env: dict[str, str]) -> dict:
    """Wall time of a whole process (start to exit), median over runs after one warm-up."""
    times = []
    for i in range(runs + 1):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n"
                               f"{proc.stderr[-3000:]}")
        if i:
            times.append(time.perf_counter() - t0)
    return {"median_s": statistics.median(times), "times": times}


# -- machine --------------------------------------------------------------------------------------

def machine(threads: int) -> dict:
    info = {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "nproc": os.cpu_count(), "cpu": platform.processor() or "unknown",
            "python": platform.python_version(), "threads": threads, "load": load()}
    try:
        with open("/proc/cpuinfo") as f:
            text = f.read()
        for key in ("model name", "cpu family", "model\t"):
            line = next(ln for ln in text.splitlines() if ln.startswith(key))
            info[key.strip()] = line.split(":", 1)[1].strip()
        info["avx512"] = " avx512f" in text
    except (OSError, StopIteration):
        pass
    probe = ("import ctypes, os, scipy_openblas32 as s; "
             "so = ctypes.CDLL(os.path.join(s.get_lib_dir(), 'lib' + s.get_library() + '.so')); "
             "so.scipy_openblas_get_config.restype = ctypes.c_char_p; "
             "so.scipy_openblas_get_corename.restype = ctypes.c_char_p; "
             "print(so.scipy_openblas_get_config().decode().strip(), '| core', "
             "so.scipy_openblas_get_corename().decode(), '| scipy-openblas32', s.__version__)")
    proc = subprocess.run([str(OURS_PY), "-c", probe], capture_output=True, text=True,
                          check=False)
    info["blas"] = proc.stdout.strip() or proc.stderr.strip()[-200:]
    info["git"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                 capture_output=True, text=True, check=False).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True, check=False).stdout.strip()
    info["git_dirty"] = bool(dirty)
    return info


def export_boston() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    code = ("import numpy as np; from mxnet_r_compat.datasets import boston_tutorial_split as b; "
            "a, c, d, e = b(); np.savez(r'%s', train_x=a, train_y=c, test_x=d, test_y=e)"
            % (OUT / "boston.npz"))
    subprocess.run([str(OURS_PY), "-c", code], check=True, cwd=ROOT)


# -- the run --------------------------------------------------------------------------------------

def run(args) -> dict:
    q = args.quick
    reps = 2 if q else args.reps
    have_mx = MXNET_PY.exists()
    res: dict = {"machine": machine(args.threads), "mxnet_available": have_mx,
                 "command": " ".join([".venv/bin/python", "bench/run.py", *sys.argv[1:]])}
    export_boston()
    env = ours_env(args.threads)
    def say(*a):
        print(*a, file=sys.stderr, flush=True)

    say("tutorial: per-epoch time (Boston, FC(1), batch 20, validation every epoch)")
    tut = {"ours": worker(OURS_PY, "workloads.py", {"impl": "ours", "workload": "tutorial",
                                                    "short": 10, "long": 410,
                                                    "reps": max(3, reps + 2)}, env),
           "numpy": worker(OURS_PY, "workloads.py", {"impl": "numpy", "workload": "tutorial",
                                                     "short": 10, "long": 110,
                                                     "reps": reps}, env)}
    if have_mx:
        for cfg in MXNET_CONFIGS:
            tut[f"mxnet ({cfg})"] = worker(MXNET_PY, "mxnet_baseline.py",
                                           {"workload": "tutorial", "short": 10,
                                            "long": 40 if q else 110, "reps": reps},
                                           mxnet_env(cfg))
    res["tutorial"] = tut

    res["mlp"] = {}
    for batch in (128, 32):
        say(f"mlp: batch {batch} (784-128-64-10, 60000 samples, 1 epoch)")
        m = {"ours": worker(OURS_PY, "workloads.py", {"impl": "ours", "workload": "mlp",
                                                      "batch": batch, "reps": reps + 1}, env),
             "ours from R": r_worker("mlp.R", [str(batch), str(reps)], env),
             "roofline": worker(OURS_PY, "workloads.py", {"impl": "ours", "workload": "roofline",
                                                          "batch": batch, "reps": 7}, env),
             "numpy": worker(OURS_PY, "workloads.py", {"impl": "numpy", "workload": "mlp",
                                                       "batch": batch, "reps": reps}, env)}
        if have_mx:
            for cfg in MXNET_CONFIGS:
                m[f"mxnet ({cfg})"] = worker(MXNET_PY, "mxnet_baseline.py",
                                             {"workload": "mlp", "batch": batch, "reps": reps},
                                             mxnet_env(cfg))
        res["mlp"][str(batch)] = m

    say("callbacks: per-call cost")
    cb = {"ours": worker(OURS_PY, "workloads.py", {"impl": "ours", "workload": "callback",
                                                   "calls": 2000 if q else 10000,
                                                   "epochs": 3, "reps": 5 if q else 9}, env)}
    if have_mx:
        cb["mxnet (default)"] = worker(MXNET_PY, "mxnet_baseline.py",
                                       {"workload": "callback", "epochs": 3,
                                        "reps": 3 if q else 7}, mxnet_env("default"))
    res["callback"] = cb

    say("whole processes: mxnet-rscript r_examples/callback_function.R")
    runs = 2 if q else 5
    with tempfile.TemporaryDirectory() as tmp:  # the script writes checkpoint files
        proc = {"ours: mxnet-rscript r_examples/callback_function.R": process_times(
            [str(RSCRIPT), str(ROOT / "r_examples" / "callback_function.R")], runs, Path(tmp),
            env)}
        if have_mx:
            proc["mxnet (default): python, import + 10-epoch tutorial"] = process_times(
                [str(MXNET_PY), str(HERE / "mxnet_baseline.py"),
                 json.dumps({"workload": "tutorial_once"})], runs, ROOT, mxnet_env("default"))
    res["process"] = proc
    res["machine"]["load_end"] = load()
    return res


# -- reporting ------------------------------------------------------------------------------------

def best_mxnet(group: dict, key: str, higher: bool) -> tuple[str, float] | None:
    runs = [(k, v[key]) for k, v in group.items() if k.startswith("mxnet")]
    if not runs:
        return None
    return max(runs, key=lambda kv: kv[1]) if higher else min(runs, key=lambda kv: kv[1])


def targets(res: dict) -> list[dict]:
    rows = []
    tut = res["tutorial"]
    ours_epoch = tut["ours"]["per_epoch_s"]
    mx_best = best_mxnet(tut, "per_epoch_s", higher=False)
    if mx_best:
        ratio = mx_best[1] / ours_epoch
        rows.append({"target": "tutorial per-epoch time >= 50x faster than MXNet Python",
                     "measured": f"ours {ours_epoch * 1e3:.3f} ms, {mx_best[0]} "
                                 f"{mx_best[1] * 1e3:.2f} ms", "ratio": ratio,
                     "met": ratio >= 50})
    for batch, m in res["mlp"].items():
        ours = m["ours"]["samples_per_s"]
        mb = best_mxnet(m, "samples_per_s", higher=True)
        if mb:
            ratio = ours / mb[1]
            rows.append({"target": f"MLP batch {batch}: throughput >= 2x MXNet",
                         "measured": f"ours {ours / 1e3:.1f}k/s, {mb[0]} {mb[1] / 1e3:.1f}k/s",
                         "ratio": ratio, "met": ratio >= 2})
        roof = m["roofline"]["samples_per_s"]
        rows.append({"target": f"MLP batch {batch}: >= 60% of the GEMM roofline",
                     "measured": f"ours {ours / 1e3:.1f}k/s, roofline {roof / 1e3:.1f}k/s "
                                 f"({m['roofline']['gflops']:.1f} GFLOP/s)",
                     "ratio": ours / roof, "met": ours / roof >= 0.6})
        mx_rss = [v["peak_rss_mb"] for k, v in m.items() if k.startswith("mxnet")]
        if mx_rss:
            o = m["ours"]["peak_rss_mb"]
            rows.append({"target": f"MLP batch {batch}: peak RSS <= MXNet's",
                         "measured": f"ours {o:.0f} MB, MXNet {min(mx_rss):.0f}-{max(mx_rss):.0f} MB",
                         "ratio": min(mx_rss) / o, "met": o <= min(mx_rss)})
    cb = res["callback"]["ours"]
    for name in ("R closure, realistic", "R closure, trivial"):
        us = cb["in_training_us"][name]
        adapter = cb["adapter_us"][f"{name} (adapter)"]
        rows.append({"target": f"{name} callback <= 60 us per call (in training)",
                     "measured": f"{us:.1f} us in training, {adapter:.1f} us the call alone",
                     "ratio": 60 / us, "met": us <= 60})
    proc = res["process"]["ours: mxnet-rscript r_examples/callback_function.R"]["median_s"]
    ref = MXNET_R_REFERENCE["callback_function_R_process_s"]
    rows.append({"target": "mxnet-rscript r_examples/callback_function.R >= 3x faster than "
                           "real MXNet R (6.3 s, issue's figure)",
                 "measured": f"ours {proc:.2f} s", "ratio": ref / proc, "met": ref / proc >= 3})
    return rows


def details(res: dict) -> list[str]:
    out = []
    tut = res["tutorial"]
    out.append("Tutorial (per epoch: marginal time of an epoch, (T(long) - T(short)) / epochs; "
               "fit: the whole 10-epoch call):")
    for k, v in tut.items():
        out.append(f"  {k:<22} {v['per_epoch_s'] * 1e3:9.3f} ms/epoch   10-epoch fit "
                   f"{v['fit_short_s'] * 1e3:8.2f} ms   load {v['load_before']:.2f}->"
                   f"{v['load_after']:.2f}")
    out.append(f"  (MXNet R 1.9.1, issue's figure: {MXNET_R_REFERENCE['tutorial_ms_per_epoch']} "
               f"ms/epoch)")
    for batch, m in res["mlp"].items():
        out.append(f"MLP batch {batch} (samples/s, median; peak RSS of the process):")
        for k, v in m.items():
            if k == "roofline":
                continue
            out.append(f"  {k:<22} {v['samples_per_s'] / 1e3:8.1f}k/s   peak RSS "
                       f"{v['peak_rss_mb']:6.0f} MB   load {v['load_before']:.2f}->"
                       f"{v['load_after']:.2f}")
        r = m["roofline"]
        out.append(f"  GEMM roofline: {r['samples_per_s'] / 1e3:.1f}k samples/s "
                   f"({r['batch_gemm_s'] * 1e6:.0f} us of sgemm per batch, {r['gflops']:.1f} "
                   f"GFLOP/s, {r['blas_threads']} BLAS thread(s)); per GEMM: "
                   + ", ".join(f"{g['shape']} {g['trans']} {g['gflops']:.0f}" for g in r["gemms"]))
        out.append(f"  (MXNet R 1.9.1, issue's figure: "
                   f"{MXNET_R_REFERENCE[f'mlp_{batch}'] / 1e3:.1f}k/s)")
    cb = res["callback"]
    out.append("Callbacks (us per call):")
    for k, v in cb["ours"]["adapter_us"].items():
        out.append(f"  ours, the call alone: {k:<42} {v:7.1f}")
    for k, v in cb["ours"]["in_training_us"].items():
        if isinstance(v, float):
            out.append(f"  ours, in training (marginal): {k:<34} {v:7.1f}")
    if "mxnet (default)" in cb:
        m = cb["mxnet (default)"]
        out.append(f"  MXNet Python, the call alone: Python callback (BatchEndParam + call)"
                   f"{m['Python callback (call alone)']:8.1f}")
        out.append(f"  MXNet Python, in training (marginal, noisy): Python callback "
                   f"{m['Python callback']:13.1f}")
    out.append("Whole processes (median wall time):")
    for k, v in res["process"].items():
        out.append(f"  {k:<58} {v['median_s']:6.2f} s")
    out.append("  (issue's figures: MXNet R 6.3 s (5.8 s of it library(mxnet)); MXNet Python "
               "2.35 s)")
    return out


def table(rows: list[dict], markdown: bool) -> list[str]:
    if markdown:
        out = ["| target | measured | ratio | met |", "|---|---|---|---|"]
        out += [f"| {r['target']} | {r['measured']} | {r['ratio']:.2f} | "
                f"{'yes' if r['met'] else '**no**'} |" for r in rows]
        return out
    return [f"{'MET ' if r['met'] else 'MISS'} {r['ratio']:8.2f}  {r['target']}\n"
            f"               {r['measured']}" for r in rows]


def header(res: dict) -> list[str]:
    m = res["machine"]
    return [f"- Command: `{res['command']}` (repo root, commit {m['git']}"
            f"{' + uncommitted changes' if m['git_dirty'] else ''})",
            f"- Date: {m['date']}",
            f"- Machine: `nproc` {m['nproc']}; CPU `{m.get('model name', m['cpu'])}` (family "
            f"{m.get('cpu family', '?')}, model {m.get('model', '?')}"
            f"{', AVX-512' if m.get('avx512') else ''})",
            f"- BLAS: {m['blas']}",
            f"- Threads: ours and numpy {m['threads']} BLAS thread(s) (OPENBLAS_NUM_THREADS); "
            f"MXNet with its defaults and with OMP_NUM_THREADS=1, the faster counted",
            f"- Load (1-min average): {m['load']:.2f} at the start, {m['load_end']:.2f} at the "
            f"end (2 cores shared with other engineers)"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads for ours and numpy")
    ap.add_argument("--reps", type=int, default=5, help="repetitions per timing (median)")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    ap.add_argument("--markdown", action="store_true", help="print a bench/RESULTS.md section")
    ap.add_argument("--json", type=Path, default=OUT / "results.json", help="raw results")
    args = ap.parse_args()
    if not MXNET_PY.exists():
        print("bench: no .venv-mxnet (run `make bench-setup`): the MXNet baseline is skipped",
              file=sys.stderr)
    res = run(args)
    rows = targets(res)
    res["targets"] = rows
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(res, indent=1))
    print("\n".join(header(res)))
    print()
    print("\n".join(table(rows, args.markdown)))
    print()
    text = details(res)
    print("\n".join(["```", *text, "```"] if args.markdown else text))
    print(f"\nraw results: {args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json}")


if __name__ == "__main__":
    main()
