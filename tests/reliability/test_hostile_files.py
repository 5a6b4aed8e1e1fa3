"""Hostile files are refused cheaply: a FIFO, a device, a sparse 6 GB file or a file whose
header asks for too much, given as ``-symbol.json``, ``.params`` or resume sidecar, to
``mx.model.load``, ``mx.symbol.load``, ``mx.nd.load`` and ``resume=``.

Each case runs in a child process whose address space is capped at 1 GiB (so that a
regression fails with MemoryError instead of exhausting the machine; not under the
sanitizer build, whose shadow memory is a reserve of terabytes) and which reports
what the refusal cost: the growth of its peak RSS and the bytes it read (``rchar`` of
/proc/self/io), both measured after a warm-up that ran the same call on good files. The
bounds asserted are those of docs/RELIABILITY.md ("Hostile files"): under 50 MB more
memory and under 1 MB read (a file whose size is within the limits but whose JSON would be
too costly to parse is read, up to the 8 MiB limit of symbol files). A hang (a FIFO opened
for reading) ends at the child timeout.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import CHILD_TIMEOUT, R_PREAMBLE, child_env, parse_cases

EXTRA_RSS_LIMIT = 50 * 1024 * 1024
READ_LIMIT = 1024 * 1024
READ_SYMBOL_LIMIT = 8 * 1024 * 1024 + READ_LIMIT
SIX_GB = 6 * 1024 ** 3

CHILD = r'''
import gc, json, os, re, resource, struct, sys, time, warnings
if "asan" not in os.environ.get("LD_PRELOAD", ""):  # ASan reserves terabytes of shadow
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
import numpy as np
from mxnet_r_compat import mx

case = json.loads(sys.argv[1])
os.chdir(case["dir"])
SIX_GB = 6 * 1024 ** 3
GOOD_HEADER = struct.pack("<QQQ", 0x112, 0, 1)


def fifo(path):
    os.remove(path) if os.path.lexists(path) else None
    os.mkfifo(path)


def dev_zero(path):
    os.remove(path) if os.path.lexists(path) else None
    os.symlink("/dev/zero", path)


def sparse(path, head=b"", size=SIX_GB):
    with open(path, "wb") as handle:
        handle.write(head)
        handle.truncate(size)


def train(**kw):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    fc = mx.symbol.FullyConnected(mx.symbol.Variable("data"), num_hidden=1, name="fc")
    net = mx.symbol.LinearRegressionOutput(fc, name="lro")
    mx.set.seed(0)
    args = dict(X=X, y=X @ [1.0, -2.0, 0.5], num_round=2, array_batch_size=10,
                learning_rate=0.05, array_layout="rowmajor", verbose=False)
    return mx.model.FeedForward.create(net, **{**args, **kw})


def rchar():
    with open("/proc/self/io") as handle:
        return int(handle.read().split("rchar:")[1].split()[0])


def status_kb(field):
    with open("/proc/self/status") as handle:
        return int(re.search(field + r":\s+(\d+)", handle.read()).group(1))


warnings.simplefilter("ignore")
exec(case["warmup"])
exec(case["sabotage"])
gc.collect()
with open("/proc/self/clear_refs", "w") as handle:
    handle.write("5")  # the peak RSS (VmHWM) starts again from the current RSS
rss, read, started = status_kb("VmRSS"), rchar(), time.perf_counter()
try:
    exec(case["action"])
    outcome = "no error"
except BaseException as exc:
    outcome = f"{type(exc).__name__}: {exc}"
print(json.dumps({"outcome": outcome, "seconds": time.perf_counter() - started,
                  "extra_rss": (status_kb("VmHWM") - rss) * 1024, "read": rchar() - read}))
'''

SAVE_GOOD = "model = train(); mx.model.save(model, 'good', 1); mx.model.load('good', 1)\n"
BAD_PAIR = "mx.model.save(model, 'bad', 1)\n"
CHECKPOINTED = ("model = train(checkpoint='run')\n"
                "train(checkpoint='run', resume='run', begin_round=3, num_round=3)\n")
RESUME = "train(resume='run', begin_round=3, num_round=3)"
HEADER_ASKS_TOO_MUCH = "struct.pack('<QQQ', 0x112, 0, 10 ** 9)"
HUGE_RECORD = "GOOD_HEADER + struct.pack('<Iii1qiii', 0xF993FAC9, 0, 1, 1 << 40, 1, 0, 0)"

# (case, sabotage after the warm-up, expected outcome): mx.model.load of 'bad'.
LOAD_CASES = [
    ("symbol file is a FIFO", "fifo('bad-symbol.json')",
     r"ModelFileError: Invalid symbol JSON: '.*bad-symbol\.json' is a FIFO \(named pipe\), "
     r"not a regular file"),
    ("symbol file links to /dev/zero", "dev_zero('bad-symbol.json')",
     r"ModelFileError: Invalid symbol JSON: '.*bad-symbol\.json' is a character device, not "
     r"a regular file"),
    ("symbol file of 6 GB", "sparse('bad-symbol.json', b'{\"nodes\": [')",
     r"ModelFileError: Invalid symbol JSON: the symbol file '.*bad-symbol\.json' has "
     r"6442450944 bytes, more than the limit of 8388608"),
    ("symbol file costly to parse",
     "open('bad-symbol.json', 'w').write('[' + '[],' * 2000000 + '[]]')",
     r"ModelFileError: Invalid symbol JSON: the symbol file '.*' would take about \d+ MiB to "
     r"parse .* the limit is 32 MiB"),
    ("params file is a FIFO", "fifo('bad-0001.params')",
     r"ModelFileError: Invalid NDArray file format: '.*bad-0001\.params' is a FIFO"),
    ("params file links to /dev/zero", "dev_zero('bad-0001.params')",
     r"ModelFileError: Invalid NDArray file format: '.*bad-0001\.params' is a character device"),
    ("params file of 6 GB, bad magic", "sparse('bad-0001.params')",
     r"ModelFileError: Invalid NDArray file format: bad header magic \(file '.*bad-0001\.params'"
     r", byte offset 0\)"),
    ("params header asks for 10^9 arrays", f"sparse('bad-0001.params', {HEADER_ASKS_TOO_MUCH})",
     r"ModelFileError: Invalid NDArray file format: array count 1000000000 is more than the "
     r"limit of 100000"),
    ("params record asks for 4 TB", f"sparse('bad-0001.params', {HUGE_RECORD})",
     r"ModelFileError: Invalid NDArray file format: array 0 data \(float32\) needs "
     r"4398046511104 bytes but only 6442450888 remain"),
]

# The same for resume=: the warm-up writes checkpoints of epochs 1 and 2 (and resumes once).
RESUME_CASES = [
    ("resume: params file is a FIFO", "fifo('run-0002.params')",
     r"ModelFileError: Cannot read the checkpoint's weights: '.*run-0002\.params' is a FIFO"),
    ("resume: params file of 6 GB", "sparse('run-0002.params', GOOD_HEADER)",
     r"ModelFileError: '.*run-0002\.params' is not the weights file that '.*run-0002\.state' was "
     r"written with \(it has 6442450944 bytes, the sidecar says \d+\)"),
    ("resume: sidecar is a FIFO", "fifo('run-0002.state')",
     r"ModelFileError: Invalid resume state file '.*run-0002\.state': '.*' is a FIFO"),
    ("resume: sidecar links to /dev/zero", "dev_zero('run-0002.state')",
     r"ModelFileError: Invalid resume state file '.*run-0002\.state': '.*' is a character "
     r"device"),
    ("resume: sidecar of 6 GB", "sparse('run-0002.state')",
     r"ModelFileError: Invalid resume state file '.*run-0002\.state': no end-of-archive record"),
]

ND_CASES = [  # mx.nd.load in R; load_ndarray_list in Python
    ("mx.nd.load of a FIFO", "fifo('w.nd')",
     r"ModelFileError: Invalid NDArray file format: '.*w\.nd' is a FIFO"),
    ("mx.nd.load of 6 GB, bad magic", "sparse('w.nd')",
     r"ModelFileError: Invalid NDArray file format: bad header magic"),
    ("mx.nd.load, a name of 4 GB",
     "sparse('w.nd', GOOD_HEADER + struct.pack('<iQQ', 0, 1, 1 << 32))",
     r"ModelFileError: Invalid NDArray file format: name 0 has 4294967296 bytes; all names "
     r"together may have at most 8388608"),
]


def run_case(tmp_path: Path, warmup: str, sabotage: str, action: str) -> dict:
    case = {"dir": str(tmp_path), "warmup": warmup, "sabotage": sabotage, "action": action}
    proc = subprocess.run([sys.executable, "-c", CHILD, json.dumps(case)], env=child_env(),
                          capture_output=True, text=True, timeout=CHILD_TIMEOUT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"hostile file: {report['seconds']:.3f} s, {report['extra_rss'] / 2**20:.1f} MB "
          f"extra peak RSS, {report['read']} bytes read: {report['outcome'][:100]}")
    return report


def assert_refused_cheaply(report: dict, expected: str, read_limit: int = READ_LIMIT) -> None:
    assert re.match(expected, report["outcome"]), report["outcome"]
    assert report["extra_rss"] < EXTRA_RSS_LIMIT, report
    assert report["read"] < read_limit, report


@pytest.mark.parametrize("case, sabotage, expected", LOAD_CASES, ids=[c[0] for c in LOAD_CASES])
def test_hostile_model_files_are_refused_cheaply(tmp_path, case, sabotage, expected):
    report = run_case(tmp_path, SAVE_GOOD, BAD_PAIR + sabotage, "mx.model.load('bad', 1)")
    assert_refused_cheaply(report, expected, READ_SYMBOL_LIMIT if "costly" in case else READ_LIMIT)


@pytest.mark.parametrize("case, sabotage, expected", RESUME_CASES,
                         ids=[c[0] for c in RESUME_CASES])
def test_hostile_checkpoint_files_are_refused_at_resume(tmp_path, case, sabotage, expected):
    report = run_case(tmp_path, CHECKPOINTED, sabotage, RESUME)
    assert_refused_cheaply(report, expected)


@pytest.mark.parametrize("case, sabotage, expected", ND_CASES, ids=[c[0] for c in ND_CASES])
def test_hostile_ndarray_files_are_refused_cheaply(tmp_path, case, sabotage, expected):
    warmup = ("from mxnet_r_compat.formats import load_ndarray_list, save_ndarray_list\n"
              "save_ndarray_list('good.nd', {'a': np.ones(3)}); load_ndarray_list('good.nd')\n")
    report = run_case(tmp_path, warmup, sabotage, "load_ndarray_list('w.nd')")
    assert_refused_cheaply(report, expected)


@pytest.mark.r
def test_r_refuses_fifos_and_devices_as_model_files(run_r):
    """mx.model.load, mx.symbol.load and mx.nd.load in R: a FIFO or /dev/zero is refused
    at once (mx.symbol.load used to read the file with readLines, which waits on a FIFO and
    reads /dev/zero until memory runs out)."""
    child = run_r(R_PREAMBLE + r"""
    model <- fit()
    mx.model.save(model, "pipe", 1)
    invisible(file.remove("pipe-symbol.json")); system("mkfifo pipe-symbol.json")
    mx.model.save(model, "zero", 1)
    invisible(file.remove("zero-0001.params"))
    invisible(file.symlink("/dev/zero", "zero-0001.params"))
    system("mkfifo alone.json")
    case("mx.model.load, symbol FIFO", mx.model.load("pipe", 1))
    case("mx.model.load, params /dev/zero", mx.model.load("zero", 1))
    case("mx.symbol.load, FIFO", mx.symbol.load("alone.json"))
    case("mx.symbol.load, /dev/zero", mx.symbol.load("/dev/zero"))
    case("mx.nd.load, FIFO", mx.nd.load("alone.json"))
    cat("DONE\n")
    """)
    assert child.returncode == 0, child.stderr
    cases = parse_cases(child.stdout)
    assert cases == {
        "mx.model.load, symbol FIFO": "Invalid symbol JSON: 'pipe-symbol.json' is "
                                      "a FIFO (named pipe), not a regular file",
        "mx.model.load, params /dev/zero": "Invalid NDArray file format: '"
                                           "zero-0001.params' is a character device, not a "
                                           "regular file",
        "mx.symbol.load, FIFO": "Invalid symbol JSON: 'alone.json' is a FIFO "
                                "(named pipe), not a regular file",
        "mx.symbol.load, /dev/zero": "Invalid symbol JSON: '/dev/zero' is a character device, "
                                     "not a regular file",
        "mx.nd.load, FIFO": "Invalid NDArray file format: 'alone.json' is a FIFO "
                            "(named pipe), not a regular file",
    }, child.stdout
