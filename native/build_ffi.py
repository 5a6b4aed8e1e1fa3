"""cffi build script for the C core (out-of-line API mode).

The cdef text is read from the module headers listed in mxc.h, so the C
compiler and cffi see the same declarations. A module takes part once its
``<module>.c`` exists: a header without an implementation is skipped rather
than left to fail at import with an undefined symbol.
"""

import os
import re
from pathlib import Path

import scipy_openblas32
from cffi import FFI

NATIVE = Path(__file__).resolve().parent
# Relative paths keep setuptools happy (it rejects absolute source paths).
REL = os.path.relpath(NATIVE, Path.cwd())


def module_names() -> list[str]:
    """Module headers in the order mxc.h includes them (dependencies first)."""
    text = (NATIVE / "mxc.h").read_text()
    return [m for m in re.findall(r'#include "(\w+)\.h"', text) if (NATIVE / f"{m}.c").exists()]


def cdef_text(modules: list[str]) -> str:
    return "\n".join((NATIVE / f"{m}.h").read_text() for m in modules)


def compile_args() -> list[str]:
    args = ["-O3", "-std=c99", "-march=x86-64-v2", "-fno-math-errno", "-ffp-contract=off"]
    extra = os.environ.get("MXC_CFLAGS", "")  # e.g. "-fsanitize=address,undefined -O1 -g"
    return args + extra.split()


ffibuilder = FFI()
_modules = module_names()
ffibuilder.cdef(cdef_text(_modules))
ffibuilder.set_source(
    "mxnet_r_compat._native",
    '#include "mxc.h"',
    sources=[os.path.join(REL, f"{m}.c") for m in _modules],
    include_dirs=[REL, scipy_openblas32.get_include_dir()],
    library_dirs=[scipy_openblas32.get_lib_dir()],
    libraries=[scipy_openblas32.get_library(), "m"],
    extra_compile_args=compile_args(),
    extra_link_args=os.environ.get("MXC_LDFLAGS", "").split(),
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
