"""cffi build script for the C core (out-of-line API mode).

The cdef text is read from the module headers listed in mxc.h, so the C
compiler and cffi see the same declarations. A module takes part once its
``<module>.c`` exists: a header without an implementation is skipped rather
than left to fail at import with an undefined symbol.

cdef() has no preprocessor. The one place the headers use it is the enums
generated from a table (``ops.def``, ``optimizers.def``): such an ``enum { ...
#include "x.def" ... };`` block is declared to cffi as one ``static const
int`` per name, the table's names taken from the same ``.def`` file, so
Python reads every value (``lib.MXC_OP_DENSE``...) from the compiled module
and no number is copied by hand.
"""

import os
import re
from pathlib import Path

import scipy_openblas32
from cffi import FFI

NATIVE = Path(__file__).resolve().parent
# Relative paths keep setuptools happy (it rejects absolute source paths).
REL = os.path.relpath(NATIVE, Path.cwd())

_TABLE_ENUM = re.compile(r"enum\s*\{[^{}]*?#include[^{}]*?\}\s*;", re.DOTALL)
_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.DOTALL)


def module_names() -> list[str]:
    """Module headers in the order mxc.h includes them (dependencies first)."""
    text = (NATIVE / "mxc.h").read_text()
    return [m for m in re.findall(r'#include "(\w+)\.h"', text) if (NATIVE / f"{m}.c").exists()]


def table_rows(def_file: str, macro: str) -> list[str]:
    """The IDs of a table's rows: the first argument of each ``macro(ID, ...)`` in order.

    Example:
        >>> table_rows("ops.def", "MXC_OP")[0]
        'FULLY_CONNECTED'
    """
    text = _COMMENT.sub(" ", (NATIVE / def_file).read_text())
    return re.findall(rf"\b{macro}\(\s*(\w+)\s*,", text)


def enum_names(block: str) -> list[str]:
    """Every name a table-generated enum block defines, in order.

    A line ``#define M(id, ...) PREFIX##id,`` says how the following
    ``#include "t.def"`` names its rows; other members are written as usual.
    """
    names, pattern = [], None
    for line in _COMMENT.sub(" ", block).splitlines():
        line = line.strip()
        define = re.match(r"#define\s+(\w+)\(\s*(\w+)[^)]*\)\s*(\w+)##\2", line)
        include = re.match(r'#include\s+"(\w+\.def)"', line)
        if define:
            pattern = (define.group(1), define.group(3))
        elif include:
            macro, prefix = pattern
            names += [prefix + row for row in table_rows(include.group(1), macro)]
        elif not line.startswith("#"):
            names += re.findall(r"\b(MXC_\w+)\b\s*(?:=[^,]*)?,?", line.removeprefix("enum"))
    return names


def header_cdef(text: str) -> str:
    """A header's text as cdef() can parse it (table enums as named constants)."""
    return _TABLE_ENUM.sub(
        lambda m: "\n".join(f"static const int {n};" for n in enum_names(m.group(0))), text)


def cdef_text(modules: list[str]) -> str:
    return "\n".join(header_cdef((NATIVE / f"{m}.h").read_text()) for m in modules)


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
    depends=[os.path.join(REL, f) for f in sorted(os.listdir(NATIVE))
             if f.endswith((".h", ".def"))],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
