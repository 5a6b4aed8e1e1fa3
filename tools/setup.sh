#!/usr/bin/env bash
# Idempotent set-up: Debian packages (when missing), .venv at the repo root, the package.
# Run by `make setup`; safe to run again at any time.
set -euo pipefail
cd "$(dirname "$0")/.."

# r-base-dev gives R's headers and link libraries, so rpy2 builds in API mode
# (r-base-core alone falls back to the slower ABI mode; docs/RBRIDGE.md, "Installing rpy2").
APT_PACKAGES=(r-base-core r-base-dev r-cran-mlbench libpcre2-dev python3-venv)
# codetools: without it R prints a note for every setRefClass (user-defined data iterators).
APT_PACKAGES+=(r-cran-codetools)
# library(mxnet) in a plain R session hosts Python through reticulate; roxygen2 regenerates
# the help pages (make docs-r) and knitr knits the vignette (tests/rpkg).
APT_PACKAGES+=(r-cran-reticulate r-cran-roxygen2 r-cran-knitr)
# gcc's AddressSanitizer/UBSan runtimes for `make sanitize` (tools/sanitize.sh preloads them;
# they come with gcc, listed so that a missing one is installed rather than failing there).
APT_PACKAGES+=(libasan8 libubsan1)
# Graphviz's `dot` draws graph.viz / mx.viz.plot pictures (without it they print DOT text);
# r-cran-mlbench (listed above) holds the Five Minutes tutorial's Sonar and BostonHousing.
APT_PACKAGES+=(graphviz)
# OpenMPI: mpirun and the headers mpi4py compiles against, for kvstore = "dist_sync"
# (docs/DISTRIBUTED.md).
APT_PACKAGES+=(openmpi-bin libopenmpi-dev)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PY --version)"
  $PY -m venv .venv
  .venv/bin/pip install -q --upgrade pip
fi

# rpy2 in API mode or not at all; --no-cache-dir so a cached ABI-only wheel is never reused.
if ! RPY2_CFFI_MODE=API .venv/bin/python -c 'import rpy2.rinterface' >/dev/null 2>&1; then
  echo "setup: installing rpy2 (API mode)"
  RPY2_CFFI_MODE=API .venv/bin/pip install -q --no-cache-dir \
    'rpy2-rinterface==3.6.5' 'rpy2-robjects==3.6.6'
fi

# Reinstall the package only when its build inputs changed (the C core compiles here).
# The import check goes through _lib: a bare `import mxnet_r_compat._native` always fails
# without the OpenBLAS preload (docs/BLAS.md), which made every `make` target recompile.
stamp=.venv/.mxnet_r_compat-installed
if [ ! -f "$stamp" ] || [ -n "$(find pyproject.toml setup.py native -newer "$stamp" -type f 2>/dev/null | head -1)" ] \
   || ! .venv/bin/python -c 'import mxnet_r_compat._lib' >/dev/null 2>&1; then
  echo "setup: pip install -e '.[r,dev,dist]' (compiles the C core)"
  .venv/bin/pip install -q --no-binary mpi4py -e '.[r,dev,dist]'
  touch "$stamp"
fi

# mpi4py compiled from source against the OpenMPI above (a binary wheel may carry or expect
# another MPI); the same requirement as the `dist` extra of pyproject.toml.
if ! .venv/bin/python -c 'from mpi4py import MPI' >/dev/null 2>&1; then
  echo "setup: installing mpi4py (built against $(mpicc --showme:version 2>&1 | head -1))"
  .venv/bin/pip install -q --no-binary mpi4py 'mpi4py>=4.0'
fi

RPY2_CFFI_MODE=API .venv/bin/python -c 'import rpy2.rinterface as ri; ri.initr()' \
  || { echo "setup: rpy2 cannot start R (see above)"; exit 1; }

# The R package mxnet for plain R sessions (`Rscript x.R`, the R console, knitr): R CMD INSTALL
# into a library on R's default path, recording this .venv's python (absolute path). It
# reinstalls only when the R sources or that path changed (rbridge/rinstall.py);
# MXNET_R_COMPAT_R_LIBRARY chooses another library.
.venv/bin/python -m mxnet_r_compat.rbridge.rinstall
echo "setup: ok ($(.venv/bin/python --version), $(R --version | head -1))"
