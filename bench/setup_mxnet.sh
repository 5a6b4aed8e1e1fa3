#!/usr/bin/env bash
# `make bench-setup`: real MXNet 1.9.1 (the baseline of bench/run.py) in its own venv.
#
# mxnet 1.9.1 is a py3-none manylinux wheel built against the numpy 1.x C API, so it
# gets numpy 1.23.5 (the last release it was tested with; its wheels stop at Python 3.11).
# The venv lives in .venv-mxnet/ (git-ignored) and never touches the project's .venv.
# Idempotent: a venv that already imports mxnet 1.9.1 is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${MXNET_VENV:-.venv-mxnet}
PY=${MXNET_PYTHON:-python3.11}

if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c \
    'import mxnet, numpy; assert mxnet.__version__ == "1.9.1", mxnet.__version__' 2>/dev/null; then
  echo "bench-setup: $VENV already has mxnet 1.9.1"
  exit 0
fi
command -v "$PY" >/dev/null || { echo "bench-setup: $PY not found (mxnet 1.9.1 + numpy 1.23.5 need Python <= 3.11)" >&2; exit 1; }
echo "bench-setup: creating $VENV with $($PY --version)"
"$PY" -m venv "$VENV"
"$VENV/bin/pip" install -q --upgrade pip
"$VENV/bin/pip" install -q 'mxnet==1.9.1' 'numpy==1.23.5'
"$VENV/bin/python" -c 'import mxnet, numpy; print("bench-setup: ok, mxnet", mxnet.__version__, "numpy", numpy.__version__)'
