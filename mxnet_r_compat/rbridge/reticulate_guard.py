"""Python objects that reticulate frees from R finalizers, made safe while R works for us.

Measured with Debian's reticulate 1.28 (tests/rpkg/test_hosted.py): reticulate frees the Python
object behind an R ``py_object`` in a C finalizer that calls ``Py_DecRef`` without taking
Python's lock (the GIL), because in a reticulate session R always runs with that lock held.
The bridge breaks that assumption: rpy2 calls R through cffi, which releases the lock for the
duration of each call, and R may collect garbage and run finalizers during any of them (an
allocation is enough). A ``py_object`` dropped by the script (reticulate makes several while
it starts) then crashes the process: "Fatal Python error: PyThreadState_Get: the function
must be called with the GIL held".

reticulate calls Python through a table of function pointers it fills when Python starts;
:func:`make_decref_safe` points its ``Py_DecRef`` entry at a function that takes the lock
first (a cffi callback: cffi acquires the lock on entry when the thread does not hold it).
Later reticulate versions take the lock in the finalizer themselves; when the entry is not
found (another build), nothing is changed.

Example:
    >>> make_decref_safe()      # in hosted.attach(), once
    True
"""

from __future__ import annotations

import ctypes
from typing import Any

#: reticulate's ``reticulate::libpython::Py_DecRef`` function pointer (C++ mangled name).
DECREF_SYMBOL = "_ZN10reticulate9libpython9Py_DecRefE"

_kept: list[Any] = []  # the callback and its FFI: must live as long as the process


def _reticulate_library() -> str | None:
    """Path of the loaded reticulate.so (from this process's memory map)."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                path = line.split()[-1]
                if path.endswith("/reticulate.so"):
                    return path
    except OSError:
        return None
    return None


def make_decref_safe() -> bool:
    """Point reticulate's ``Py_DecRef`` at a version that takes the GIL; True if done."""
    if _kept:
        return True
    path = _reticulate_library()
    if path is None:
        return False
    try:
        entry = ctypes.c_void_p.in_dll(ctypes.CDLL(path), DECREF_SYMBOL)
    except (OSError, ValueError):
        return False
    import cffi

    ffi = cffi.FFI()
    real = ctypes.pythonapi.Py_DecRef  # a PyDLL function: called with the GIL held
    real.argtypes = [ctypes.c_void_p]
    real.restype = None

    def decref(obj: Any) -> None:
        real(int(ffi.cast("uintptr_t", obj)))

    callback = ffi.callback("void(void *)", decref)
    _kept.extend([ffi, callback])
    entry.value = int(ffi.cast("uintptr_t", callback))
    return True
