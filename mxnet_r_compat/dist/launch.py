"""``mxnet-launch -n N [--hostfile F] script [args]``: start N workers of a training script
with mpirun (docs/DISTRIBUTED.md, "Launching").

An R script (``.R``, ``.Rmd``) runs under this installation's ``mxnet-rscript``, a Python
script under this Python, anything else as given. The mpirun options are the ones this
needs: ``--allow-run-as-root`` when run as root (containers), ``--oversubscribe`` when more
workers than cores are asked for on this machine (no hostfile), ``--bind-to none`` so that a
worker's BLAS threads are not pinned to one core, and, unless set already,
``OPENBLAS_NUM_THREADS`` = cores / workers per machine so the workers do not fight over cores.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path


def command(n: int, script: str, args: list[str], hostfile: str | None = None,
            mpirun: str = "mpirun") -> tuple[list[str], dict[str, str]]:
    """The mpirun command line and environment that start ``n`` workers of ``script``.

    Example:
        >>> cmd, env = command(2, "train.R", [])
        >>> cmd[:3], cmd[-1].endswith("train.R")
        (['mpirun', '-np', '2'], True)
    """
    cores = os.cpu_count() or 1
    cmd = [mpirun, "-np", str(n), "--bind-to", "none"]
    if hostfile is not None:
        cmd += ["--hostfile", hostfile]
    elif n > cores:
        cmd.append("--oversubscribe")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-run-as-root")
    env = dict(os.environ)
    if "OPENBLAS_NUM_THREADS" not in env:
        per_machine = n if hostfile is None else 1
        env["OPENBLAS_NUM_THREADS"] = str(max(1, cores // per_machine))
    cmd += ["-x", "OPENBLAS_NUM_THREADS"]
    return cmd + _interpreter(script) + [script, *args], env


def _interpreter(script: str) -> list[str]:
    suffix = Path(script).suffix.lower()
    if suffix in (".r", ".rmd"):
        return [str(Path(sys.executable).parent / "mxnet-rscript")]
    if suffix == ".py":
        return [sys.executable]
    return []


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``mxnet-launch``; returns mpirun's exit status.

    Example:
        >>> main(["-n", "2", "--dry-run", "train.R"])   # doctest: +SKIP
        0
    """
    parser = argparse.ArgumentParser(prog="mxnet-launch", description=__doc__.split("\n")[0])
    parser.add_argument("-n", "--num-workers", type=int, required=True,
                        help="number of worker processes")
    parser.add_argument("--hostfile", help="OpenMPI hostfile: the machines and their slots")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the mpirun command instead of running it")
    parser.add_argument("script", help="an R (.R) or Python (.py) training script")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="the script's arguments")
    opts = parser.parse_args(argv)
    if opts.num_workers < 1:
        parser.error(f"Invalid value for argument `-n`. Received: {opts.num_workers}. "
                     f"Expected a whole number >= 1.")
    mpirun = shutil.which("mpirun")
    if mpirun is None and not opts.dry_run:
        print("mxnet-launch: mpirun not found; install OpenMPI (make setup does: apt-get "
              "install openmpi-bin libopenmpi-dev)", file=sys.stderr)
        return 127
    cmd, env = command(opts.num_workers, opts.script, opts.args, opts.hostfile,
                       mpirun or "mpirun")
    if opts.dry_run:
        print(" ".join(cmd))
        return 0
    return subprocess.call(cmd, env=env)


if __name__ == "__main__":
    sys.exit(main())
