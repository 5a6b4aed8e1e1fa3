#!/usr/bin/env bash
# The C core under AddressSanitizer + UndefinedBehaviorSanitizer (`make sanitize`).
#
# 1. Builds the cffi extension with the sanitizers into build/asan/pkg/ (next to a
#    copy of the Python package); the normal mxnet_r_compat/_native*.so is never touched.
# 2. Runs the C-level tests (tests/ops/, tests/test_native_optimizer.py,
#    tests/test_rng.py) against that build, with gcc's libasan/libubsan preloaded
#    into CPython. A pytest plugin written below fails the run unless the loaded
#    _native is the sanitized one. Leak checking is off here (CPython leaks at exit).
# 3. Builds native/tests/smoke.c with native/*.c (-std=c99 -Wall -Wextra -Werror,
#    same sanitizers), linked to the scipy-openblas32 wheel's OpenBLAS, and runs it
#    with leak checking on.
# Any sanitizer report aborts the process it happens in, and this script exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
OUT=$ROOT/build/asan
PKG=$OUT/pkg
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
rm -rf "$PKG"
mkdir -p "$PKG/native/tests"
cp -r mxnet_r_compat "$PKG/"
rm -f "$PKG"/mxnet_r_compat/_native*
find "$PKG" -name __pycache__ -type d -prune -exec rm -rf {} +
cp native/*.c native/*.h native/build_ffi.py "$PKG/native/"
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

# -------------------------------------------------------------------------------------------
# 2. the C-level tests against it

TESTS=()
[ -d tests/ops ] && TESTS+=("$ROOT/tests/ops")
TESTS+=("$ROOT/tests/test_native_optimizer.py" "$ROOT/tests/test_rng.py" "$ROOT/tests/test_fused.py")
say "pytest ${TESTS[*]#"$ROOT"/}"
# cwd = $PKG: `python -m` puts the cwd first on sys.path, so the repo's own package
# cannot shadow the copy. --capture=sys leaves fd 2 alone, so a sanitizer report
# printed from C reaches the terminal even though the process dies at once.
(
  cd "$PKG"
  env PYTHONPATH="$PKG" PYTHONDONTWRITEBYTECODE=1 MXC_ASAN_SO="$SO" \
    LD_PRELOAD="$LIBASAN $LIBUBSAN" \
    ASAN_OPTIONS=detect_leaks=0 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$PY" -m pytest -q -c "$ROOT/pyproject.toml" --rootdir "$ROOT" -p mxc_asan_guard \
    -p no:cacheprovider --capture=sys "${TESTS[@]}"
) || die "pytest under ASan/UBSan (exit $?)"

# -------------------------------------------------------------------------------------------
# 3. the pure-C smoke test, leaks on

say "building native/tests/smoke.c with native/*.c (-Wall -Wextra -Werror)"
# shellcheck disable=SC2086  # the flag strings are meant to split
gcc -std=c99 -Wall -Wextra -Werror $SAN_FLAGS -I"$PKG/native" -I"$BLAS_INC" \
  "$PKG"/native/tests/smoke.c "$PKG"/native/*.c -o "$OUT/smoke" \
  -L"$BLAS_LIB" -l"$BLAS_NAME" -lm -Wl,-rpath,"$BLAS_LIB" || die "smoke build failed"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$OUT/smoke" \
  || die "smoke test (exit $?)"

say "ok ($((SECONDS - t0)) s)"
