#!/usr/bin/env bash
# The C core under AddressSanitizer + UndefinedBehaviorSanitizer (`make sanitize`), and
# under LeakSanitizer (`make leakcheck`, also the last step of `make sanitize`).
#
#   tools/sanitize.sh             steps 1-4
#   tools/sanitize.sh leakcheck   steps 1 and 4
#
# 1. Builds the cffi extension with the sanitizers into build/asan/run.XXXXXX/pkg/ (next
#    to a copy of the Python package); the normal mxnet_r_compat/_native*.so is never touched.
# 2. Runs the C-facing tests (the list SANITIZE_TESTS below; SANITIZE_SUITE=all runs the
#    whole of tests/) against that build, with gcc's libasan/libubsan
#    preloaded into CPython and into every child process the tests start (the
#    mxnet-rscript children embed R: see LIBTIRPC below). A pytest plugin written below
#    fails the run unless the loaded _native is the sanitized one, and a sitecustomize
#    module logs the _native of every Python process, which must be the sanitized one.
#    Leak checking is off here (CPython leaks at exit by design).
# 3. Builds native/tests/smoke.c with native/*.c (-std=c99 -Wall -Wextra -Werror,
#    same sanitizers), linked to the scipy-openblas32 wheel's OpenBLAS, and runs it
#    with leak checking on.
# 4. Leak check: a training run (every op, two devices, every optimizer, predict,
#    save/load) under LeakSanitizer. CPython's own exit-time leaks are ignored; any leak
#    with a frame in our C core (the sanitized _native or native/*.c) fails. A control run
#    first proves that the check sees a leak made by a small C library loaded the same way.
# Any sanitizer report aborts the process it happens in, and this script exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-all}
case "$MODE" in all|leakcheck) ;; *) echo "usage: $0 [leakcheck]" >&2; exit 2 ;; esac
ROOT=$PWD
PY=$ROOT/.venv/bin/python
# One directory per run under build/asan/: several people may run this in one work tree at
# once, and a run must not delete the package another run's tests are importing. Removed
# when the run succeeds, kept for inspection when it fails.
mkdir -p "$ROOT/build/asan"
OUT=$(mktemp -d "$ROOT/build/asan/run.XXXXXX")
PKG=$OUT/pkg
trap 'status=$?; if [ "$status" -eq 0 ]; then rm -rf "$OUT"; fi; exit "$status"' EXIT
SAN_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -O1 -g"
SAN_LINK="-fsanitize=address,undefined"
t0=$SECONDS

say() { echo "sanitize: $*"; }
die() { echo "sanitize: FAILED: $*" >&2; exit 1; }

[ -x "$PY" ] || die "no $PY (run make setup)"
LIBASAN=$(gcc -print-file-name=libasan.so)
LIBUBSAN=$(gcc -print-file-name=libubsan.so)
[ -f "$LIBASAN" ] && [ -f "$LIBUBSAN" ] || die "gcc has no libasan.so/libubsan.so ($LIBASAN, $LIBUBSAN)"
BLAS_LIB=$("$PY" -c 'import scipy_openblas32 as s; print(s.get_lib_dir())')
BLAS_INC=$("$PY" -c 'import scipy_openblas32 as s; print(s.get_include_dir())')
BLAS_NAME=$("$PY" -c 'import scipy_openblas32 as s; print(s.get_library())')

# -------------------------------------------------------------------------------------------
# 1. the sanitized extension, beside a copy of the package

# A snapshot of native/ is built (cffi compiles inside tmpdir, so the sources must sit
# below it, or distutils would drop object files into the real native/).
mkdir -p "$PKG/native/tests"
cp -r mxnet_r_compat "$PKG/"
rm -f "$PKG"/mxnet_r_compat/_native*
find "$PKG" -name __pycache__ -type d -prune -exec rm -rf {} +
cp native/*.c native/*.h native/*.def native/build_ffi.py "$PKG/native/"
cp native/tests/smoke.c "$PKG/native/tests/"

# -fno-wrapv: CPython's own CFLAGS carry -fwrapv, which defines signed overflow and so
# silently turns off UBSan's signed-integer-overflow check in the extension.
say "building the cffi extension with $SAN_FLAGS into ${PKG#"$ROOT"/}"
if ! (cd "$PKG" && MXC_CFLAGS="$SAN_FLAGS -fno-wrapv" MXC_LDFLAGS="$SAN_LINK" \
      "$PY" - >"$OUT/build.log" 2>&1 <<'EOF'
import sys
sys.path.insert(0, "native")
import build_ffi
print(build_ffi.ffibuilder.compile(tmpdir=".", verbose=True))
EOF
); then
  cat "$OUT/build.log" >&2
  die "sanitized build failed"
fi
shopt -s nullglob
sos=("$PKG"/mxnet_r_compat/_native*.so)
shopt -u nullglob
[ ${#sos[@]} -eq 1 ] || die "expected one _native*.so in $PKG/mxnet_r_compat, found ${#sos[@]}"
SO=${sos[0]}
readelf -d "$SO" | grep -q 'libasan' || die "$SO does not link libasan: not a sanitized build"

# The plugin that proves the tests load the sanitized module (checked at start and at end).
cat >"$PKG/mxc_asan_guard.py" <<'EOF'
"""pytest plugin of tools/sanitize.sh: fail unless the sanitized _native is loaded."""
import os
import sys

EXPECTED = os.path.realpath(os.environ["MXC_ASAN_SO"])


def _check(when):
    import mxnet_r_compat._lib  # noqa: F401  (preloads OpenBLAS, then imports _native)

    loaded = os.path.realpath(sys.modules["mxnet_r_compat._native"].__file__)
    with open("/proc/self/maps") as f:
        maps = f.read()
    problems = []
    if loaded != EXPECTED:
        problems.append(f"loaded {loaded}, expected {EXPECTED}")
    if EXPECTED not in maps:
        problems.append(f"{EXPECTED} is not mapped")
    if "libasan" not in maps:
        problems.append("libasan is not mapped")
    if problems:
        sys.stderr.write(f"sanitize: FAILED ({when}): " + "; ".join(problems) + "\n")
        sys.stderr.flush()
        os._exit(3)
    sys.stderr.write(f"sanitize: {when}: running against {loaded}\n")


def pytest_configure(config):
    _check("start")


def pytest_sessionfinish(session, exitstatus):
    _check("end")
EOF

# Every Python process started with $PKG on PYTHONPATH (the test run and its children:
# mxnet-rscript scripts, killed writers, Ctrl-C targets) records which _native it loaded.
cat >"$PKG/sitecustomize.py" <<'EOF'
"""tools/sanitize.sh: log which _native this process loaded (checked after the run)."""
import atexit
import os
import sys


def _log():
    mod = sys.modules.get("mxnet_r_compat._native")
    log = os.environ.get("MXC_ASAN_CHILD_LOG")
    if mod is None or not log:
        return
    with open(log, "a") as f:
        f.write(f"{os.getpid()} {os.path.realpath(mod.__file__)}\n")


atexit.register(_log)
EOF

# R's libR links libtirpc for its XDR serialisation, but libasan intercepts xdrmem_create
# and looks up the real function when it starts, before libR (and so libtirpc) is loaded:
# the interceptor then calls NULL and every embedded R crashes in R_Unserialize. Preloading
# libtirpc after libasan gives the interceptor its target (docs/RELIABILITY.md).
LIBTIRPC=""
if command -v R >/dev/null 2>&1; then
  LIBTIRPC=$(ldd "$(R RHOME)/lib/libR.so" 2>/dev/null | awk '/libtirpc/ {print $3}' || true)
fi
PRELOAD="$LIBASAN $LIBUBSAN${LIBTIRPC:+ $LIBTIRPC}"

# -------------------------------------------------------------------------------------------
# 2. the whole test suite against it

# The tests that drive the C core directly: operators, NDArray (R's .C() path included in
# tests/ops/test_rcall.py), formats, iterators, the fused path, optimizers, random streams,
# and the trainer/reliability tests that hand C hostile or threaded input. The rest of the
# trainer, resume and R-facing suites reach the same kernels again (the leak driver of step 4
# trains through every operator and optimizer); under ASan they would double make test's
# time, so they run unsanitized in `make test` and sanitized with SANITIZE_SUITE=all.
SANITIZE_TESTS=(ops ndarray formats io engine test_fused.py test_fused_window.py
                test_native_optimizer.py test_rng.py test_rng_golden.py
                test_mxnet_arithmetic.py test_registry.py
                reliability/test_hostile_files.py reliability/test_numeric_faults.py
                reliability/test_threads.py resume/test_sidecar_fields.py
                trainer/test_multidevice.py trainer/test_executor.py)
if [ "${SANITIZE_SUITE:-c}" = all ]; then
  TEST_PATHS=("$ROOT/tests")
else
  TEST_PATHS=()
  for t in "${SANITIZE_TESTS[@]}"; do
    [ -e "$ROOT/tests/$t" ] || die "tests/$t (listed in SANITIZE_TESTS) does not exist"
    TEST_PATHS+=("$ROOT/tests/$t")
  done
fi

if [ "$MODE" = all ]; then
  CHILD_LOG=$OUT/children.log
  rm -f "$CHILD_LOG"
  say "pytest ${TEST_PATHS[*]#"$ROOT"/}, LD_PRELOAD=$PRELOAD"
  t2=$SECONDS
  # cwd = $PKG: `python -m` puts the cwd first on sys.path, so the repo's own package
  # cannot shadow the copy. --capture=sys leaves fd 2 alone, so a sanitizer report
  # printed from C reaches the terminal even though the process dies at once.
  (
    cd "$PKG"
    env PYTHONPATH="$PKG" PYTHONDONTWRITEBYTECODE=1 MXC_ASAN_SO="$SO" \
      MXC_ASAN_CHILD_LOG="$CHILD_LOG" LD_PRELOAD="$PRELOAD" \
      ASAN_OPTIONS=detect_leaks=0 \
      UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      "$PY" -m pytest -q -c "$ROOT/pyproject.toml" --rootdir "$ROOT" -p mxc_asan_guard \
      -p no:cacheprovider --capture=sys "${TEST_PATHS[@]}"
  ) || die "pytest under ASan/UBSan (exit $?)"
  [ -s "$CHILD_LOG" ] || die "no Python process logged its _native ($CHILD_LOG)"
  others=$(awk -v so="$(realpath "$SO")" '$2 != so' "$CHILD_LOG")
  [ -z "$others" ] || die "processes ran without the sanitized _native: $others"
  say "suite: ok in $((SECONDS - t2)) s; $(wc -l <"$CHILD_LOG") processes ran the sanitized _native"
fi

# -------------------------------------------------------------------------------------------
# 3. the pure-C smoke test, leaks on

if [ "$MODE" = all ]; then

say "building native/tests/smoke.c with native/*.c (-Wall -Wextra -Werror)"
# shellcheck disable=SC2086  # the flag strings are meant to split
gcc -std=c99 -Wall -Wextra -Werror $SAN_FLAGS -I"$PKG/native" -I"$BLAS_INC" \
  "$PKG"/native/tests/smoke.c "$PKG"/native/*.c -o "$OUT/smoke" \
  -L"$BLAS_LIB" -l"$BLAS_NAME" -lm -Wl,-rpath,"$BLAS_LIB" || die "smoke build failed"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$OUT/smoke" \
  || die "smoke test (exit $?)"
fi

# -------------------------------------------------------------------------------------------
# 4. leak check: a training run under LeakSanitizer

# The C core allocates nothing itself (the caller owns every buffer), so any leak with one
# of its frames on the allocation stack is a bug. CPython frees little at exit; those
# reports are ignored (they have no frame of ours).
cat >"$OUT/lsan_filter.py" <<'EOF'
"""Print the LeakSanitizer reports (files given) that have a frame matching the pattern."""
import re
import sys

pattern = re.compile(sys.argv[1])
ours, total = [], 0
for path in sys.argv[2:]:
    text = open(path, errors="replace").read()
    for block in re.split(r"\n(?=(?:Direct|Indirect) leak of )", text):
        if not re.match(r"(Direct|Indirect) leak of ", block.lstrip()):
            continue
        total += 1
        frames = [ln for ln in block.splitlines() if re.match(r"\s+#\d+ ", ln)]
        if any(pattern.search(f) for f in frames):
            ours.append(block.strip())
print(f"{total} leak reports, {len(ours)} with a frame matching {pattern.pattern}")
for block in ours:
    print(block + "\n")
sys.exit(1 if ours else 0)
EOF

cat >"$OUT/leak_driver.py" <<'EOF'
"""A training run touching every part of the C core (tools/sanitize.sh, step 4)."""
import ctypes
import os
import sys
import tempfile

import numpy as np

from mxnet_r_compat import mx

if len(sys.argv) > 1:  # the control: a C library that leaks, loaded like _native
    ctypes.CDLL(sys.argv[1]).mxc_leakprobe()
rng = np.random.default_rng(0)
X = rng.normal(size=(120, 6)).astype(np.float32)
y = (X[:, 0] > 0).astype(np.float32)
d = mx.symbol.Variable("data")
a = mx.symbol.Activation(mx.symbol.FullyConnected(d, num_hidden=8, name="fa"), act_type="tanh")
b = mx.symbol.Activation(mx.symbol.FullyConnected(d, num_hidden=4, name="fb"), act_type="relu")
h = mx.symbol.Concat(a, b, num_args=2, dim=1)
h = mx.symbol.BatchNorm(h, name="bn", fix_gamma=False)
h = mx.symbol.Dropout(mx.symbol.Activation(h, act_type="sigmoid"), p=0.2)
h = mx.symbol.Flatten(h)
nets = {"softmax": (mx.symbol.SoftmaxOutput(
            mx.symbol.FullyConnected(h, num_hidden=2, name="o0"), name="sm"), y),
        "linear": (mx.symbol.LinearRegressionOutput(
            mx.symbol.FullyConnected(h, num_hidden=1, name="o1"), name="lro"), X[:, 1]),
        "logistic": (mx.symbol.LogisticRegressionOutput(
            mx.symbol.FullyConnected(h, num_hidden=1, name="o2"), name="lgo"), y),
        "mae": (mx.symbol.MAERegressionOutput(
            mx.symbol.FullyConnected(h, num_hidden=1, name="o3"), name="mae"), X[:, 2])}
folder = tempfile.mkdtemp()
for i, opt in enumerate(["sgd", "nag", "adam", "rmsprop", "adagrad", "adadelta"]):
    name = list(nets)[i % len(nets)]
    net, label = nets[name]
    mx.set.seed(i)
    kw = {} if opt == "adadelta" else {"learning_rate": 0.05}
    if opt in ("sgd", "nag"):
        kw["momentum"] = 0.9
    model = mx.model.FeedForward.create(
        net, X, label, array_layout="rowmajor", num_round=2, array_batch_size=32,
        optimizer=opt, verbose=False, ctx=[mx.cpu(0), mx.cpu(1)],
        eval_metric=mx.metric.accuracy if name == "softmax" else mx.metric.rmse,
        eval_data={"data": X[:50], "label": label[:50]}, **kw)
    model.predict(X, array_layout="rowmajor")
    mx.model.save(model, os.path.join(folder, name), 2)
    mx.model.load(os.path.join(folder, name), 2).predict(X[:7], array_layout="rowmajor")
# The convolutional operators, on the core's worker threads (native/parallel.c).
S = mx.symbol
img = rng.normal(size=(40, 2, 8, 8)).astype(np.float32)
c = S.Convolution(S.Variable("data"), kernel=(3, 3), pad=(1, 1), num_filter=4, name="cv")
c = S.LeakyReLU(S.LRN(c, nsize=3), act_type="prelu", name="pr")
c = S.Pooling(S.UpSampling(c, scale=2, sample_type="nearest", num_args=1), kernel=(2, 2),
              stride=(2, 2), pool_type="max")
c = S.Deconvolution(S.SoftmaxActivation(c, mode="channel"), kernel=(2, 2), stride=(2, 2),
                    num_filter=2, name="dc")
c = S.Pooling(S.LeakyReLU(c, act_type="rrelu"), global_pool=True, pool_type="avg")
conv_net = S.SoftmaxOutput(S.FullyConnected(S.Dropout(S.Flatten(c), p=0.1, axes=(1,)),
                                            num_hidden=2, name="co"), name="cs")
mx.set.seed(7)
model = mx.model.FeedForward.create(conv_net, img, y[:40], array_layout="rowmajor",
                                    num_round=2, array_batch_size=8, learning_rate=0.05,
                                    verbose=False, ctx=[mx.cpu(0), mx.cpu(1)])
model.predict(img, array_layout="rowmajor")
# Shapes, reductions, broadcasts, unary math, BlockGrad and MakeLoss (ops/layout_ops.py...).
g = S.FullyConnected(S.Variable("data"), num_hidden=6, name="g")
parts = S.SliceChannel(S.transpose(S.Reshape(g, shape=(0, 2, 3)), axes=(0, 2, 1)),
                       num_outputs=2, axis=2, squeeze_axis=True)
m = S.broadcast_mul(parts[1], S.exp(S.mean(parts[0], axis=0, keepdims=True)))
m = m + S.sqrt(S.abs(S.BlockGrad(parts[0])) + 1)
loss = S.MakeLoss(S.square(S.sum(m, axis=1) - S.Variable("label")), normalization="batch")
mx.set.seed(8)
model = mx.model.FeedForward.create(loss, X, X[:, 0], array_layout="rowmajor", num_round=2,
                                    array_batch_size=16, learning_rate=0.01, verbose=False,
                                    ctx=[mx.cpu(0), mx.cpu(1)], eval_metric=mx.metric.rmse)
model.predict(X, array_layout="rowmajor")
print("leak driver: ok")
EOF

run_lsan() {  # run_lsan LOGPREFIX [driver args...]: the driver under LSan, reports in files
  local log=$1
  shift
  rm -f "$log".*
  (
    cd "$PKG"
    env PYTHONPATH="$PKG" PYTHONDONTWRITEBYTECODE=1 LD_PRELOAD="$LIBASAN $LIBUBSAN" \
      ASAN_OPTIONS="detect_leaks=1:log_path=$log:malloc_context_size=30" \
      LSAN_OPTIONS=exitcode=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
      "$PY" "$OUT/leak_driver.py" "$@"
  ) || die "the leak driver failed (exit $?)"
  compgen -G "$log.*" >/dev/null || die "LeakSanitizer wrote no report ($log.*): is it active?"
}

# A leak report is ours when a frame is in the sanitized _native or in a native/*.c file.
OURS="$(basename "$SO")|/native/[a-z_]+\.c"
t4=$SECONDS
say "leak check: control (a leak in a C file under native/ must be caught)"
mkdir -p "$OUT/leakprobe/native"
cat >"$OUT/leakprobe/native/leakprobe.c" <<'EOF'
#include <stdlib.h>
#include <string.h>
void *mxc_leakprobe_sink;
void mxc_leakprobe(void) {
    char *p = malloc(4242);
    memset(p, 1, 4242);
    mxc_leakprobe_sink = NULL; /* the only pointer is dropped: a direct leak */
}
EOF
gcc -shared -fPIC -g -O0 -fno-omit-frame-pointer "$OUT/leakprobe/native/leakprobe.c" \
  -o "$OUT/leakprobe/libmxc_leakprobe.so" || die "leak probe build failed"
run_lsan "$OUT/lsan-control" "$OUT/leakprobe/libmxc_leakprobe.so"
if "$PY" "$OUT/lsan_filter.py" "$OURS" "$OUT"/lsan-control.* >"$OUT/lsan-control.txt"; then
  cat "$OUT/lsan-control.txt" >&2
  die "the control leak was not reported: the leak check cannot see leaks"
fi
grep -q "4242 byte" "$OUT/lsan-control.txt" || die "control: the 4242-byte leak is missing"

say "leak check: a training run (6 optimizers, every op, 2 devices, predict, save/load)"
run_lsan "$OUT/lsan"
"$PY" "$OUT/lsan_filter.py" "$OURS" "$OUT"/lsan.* >"$OUT/lsan.txt" \
  || { cat "$OUT/lsan.txt" >&2; die "leaks in the C core (above)"; }
say "leak check: ok in $((SECONDS - t4)) s ($(head -1 "$OUT/lsan.txt"))"

say "ok ($((SECONDS - t0)) s)"
