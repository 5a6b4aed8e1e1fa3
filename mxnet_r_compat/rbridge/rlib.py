"""The R package ``mxnet`` behind ``library(mxnet)``: installed once, found first, bridge filled.

The package is pure R, shipped as package data in ``mxnet_r_compat/R/mxnet/`` (no Rcpp, nothing
to compile). :func:`setup` makes it usable from the embedded R:

1. :func:`ensure_installed` runs ``R CMD INSTALL --no-html --no-test-load`` once into
   ``<cache>/R<version>-<platform>-<source hash>/``. The cache is ``$MXNET_R_COMPAT_RLIB`` or
   ``$XDG_CACHE_HOME/mxnet_r_compat`` (default ``~/.cache/mxnet_r_compat``). The hash covers
   every file of the R sources, so editing an R file reinstalls on the next run, and a new R
   version gets its own directory. Concurrent processes serialise on a file lock and each
   install happens in a temporary directory renamed into place, so a reader never sees a
   half-installed package.
2. The directory is prepended to ``.libPaths()``, so ``library(mxnet)``, ``require(mxnet)``,
   ``requireNamespace("mxnet")``, ``mxnet::``, ``packageVersion("mxnet")``, S3 dispatch and
   detach-then-library all behave as with a normally installed package.
3. ``options(mxnet.bridge.init = <Python hook>)``: the package's ``.onLoad`` (R/zzz.R) calls it
   with its ``.bridge`` environment, and the hook installs every registered entry point
   (export.py). The namespace is loaded only when the script asks for it, as in R.

Example:
    >>> from mxnet_r_compat.rbridge import rlib, session
    >>> session.start()
    >>> rlib.setup().libdir.name            # doctest: +ELLIPSIS
    'R4.2.2-x86_64-pc-linux-gnu-...'
    >>> session.evalr('library(mxnet); as.character(packageVersion("mxnet"))')[0]
    '0.1.0'
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mxnet_r_compat.errors import CallbackError

from . import export, session

#: The R package sources shipped inside the Python package.
R_SOURCE = Path(__file__).resolve().parent.parent / "R" / "mxnet"
#: Environment variable that overrides the install cache directory.
ENV_RLIB = "MXNET_R_COMPAT_RLIB"
#: R option holding the Python hook that .onLoad calls to fill ``.bridge``.
INIT_OPTION = "mxnet.bridge.init"
_STALE_TMP_SECONDS = 24 * 3600


class RlibInstallError(RuntimeError):
    """``R CMD INSTALL`` of the shipped R package failed; the message holds R's output."""


@dataclass(frozen=True)
class Install:
    """Where the R package is installed, and whether this call installed it (and how long)."""

    libdir: Path
    installed: bool
    seconds: float


_libdir: list[Path] = []  # the library put on .libPaths() by setup(), once
_r_objects: dict[str, Any] = session.hold_r_objects({})  # "hook", "invoke_cb"


def cache_root() -> Path:
    """The directory holding one installed library per R version and source hash."""
    override = os.environ.get(ENV_RLIB)
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mxnet_r_compat"


def _source_files(src: Path) -> list[Path]:
    """Files that make up the package: everything except hidden files and editor backups."""
    files = []
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if (
            path.is_file()
            and not any(p.startswith(".") for p in rel.parts)
            and not (path.name.endswith("~") or "__pycache__" in rel.parts)
        ):
            files.append(path)
    return files


def source_hash(src: Path = R_SOURCE) -> str:
    """A short hash of the R package sources (paths and contents).

    Example:
        >>> len(source_hash())
        16
    """
    h = hashlib.sha256()
    for path in _source_files(src):
        h.update(path.relative_to(src).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def _r_key() -> str:
    version = session.evalr('with(R.version, paste0(major, ".", minor, "-", platform))')
    return f"R{version[0]}"


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_installed(src: Path = R_SOURCE, root: Path | None = None) -> Install:
    """Install the R package unless this R version already has these exact sources installed.

    Needs the embedded R (for its version); starts it if necessary.

    Raises:
        RlibInstallError: ``R CMD INSTALL`` failed (its output is in the message).

    Example:
        >>> ensure_installed().installed      # False: installed by an earlier run
        False
    """
    session.start()
    root = cache_root() if root is None else root
    libdir = root / f"{_r_key()}-{source_hash(src)}"
    if (libdir / "mxnet" / "DESCRIPTION").is_file():
        return Install(libdir, installed=False, seconds=0.0)
    root.mkdir(parents=True, exist_ok=True)
    with _locked(root / ".install.lock"):
        if (libdir / "mxnet" / "DESCRIPTION").is_file():  # another process just installed it
            return Install(libdir, installed=False, seconds=0.0)
        _remove_stale_tmp(root)
        t0 = time.perf_counter()
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
        try:
            _r_cmd_install(src, tmp)
            os.rename(tmp / "lib", libdir)  # atomic: the package appears complete or not at all
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return Install(libdir, installed=True, seconds=time.perf_counter() - t0)


def _r_cmd_install(src: Path, tmp: Path) -> None:
    """Copy the sources (so a read-only site-packages is never written) and install into tmp/lib."""
    from rpy2.rinterface_lib import openrlib

    pkg = tmp / "src" / "mxnet"
    for path in _source_files(src):
        dest = pkg / path.relative_to(src)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
    (tmp / "lib").mkdir()
    r_bin = os.path.join(openrlib.R_HOME, "bin", "R") if openrlib.R_HOME else "R"
    cmd = [
        r_bin,
        "CMD",
        "INSTALL",
        "--no-html",  # the help pages are installed (`?mx.model.FeedForward.create`), as text
        "--no-test-load",
        "--no-multiarch",
        f"--library={tmp / 'lib'}",
        str(pkg),
    ]
    env = {**os.environ, "LANG": "C.UTF-8"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RlibInstallError(
            f"installing the R package 'mxnet' from {src} failed (status {proc.returncode}):\n"
            f"$ {' '.join(cmd)}\n{proc.stdout}{proc.stderr}"
        )


def _remove_stale_tmp(root: Path) -> None:
    """Remove temp dirs left by installs that were killed (called with the lock held)."""
    cutoff = time.time() - _STALE_TMP_SECONDS
    for tmp in root.glob(".tmp-*"):
        with contextlib.suppress(OSError):
            if tmp.stat().st_mtime < cutoff:
                shutil.rmtree(tmp)


def setup(root: Path | None = None) -> Install:
    """Make ``library(mxnet)`` work in this process's R (idempotent; starts R if needed).

    Imports the entry-point modules first, so an import error surfaces here with a Python
    traceback rather than inside ``library(mxnet)``.
    """
    session.start()
    export.import_entry_modules()
    inst = ensure_installed(root=root)
    if inst.libdir not in _libdir:
        session.call_r(
            session.evalr("function(lib) invisible(.libPaths(c(lib, .libPaths())))"),
            str(inst.libdir),
        )
        _libdir[:] = [inst.libdir]
    if "hook" not in _r_objects:
        _r_objects["hook"] = export.export(_fill_on_load, "bridge.init")
        session.call_r(
            session.evalr(f"function(hook) options({INIT_OPTION} = hook)"), _r_objects["hook"]
        )
    if session.evalr('isNamespaceLoaded("mxnet")')[0]:  # loaded before setup(): fill it now
        export.fill_bridge(namespace_get(".bridge"))
    return inst


def _fill_on_load(bridge_env: Any) -> None:
    export.fill_bridge(bridge_env)


def installed_libdir() -> str | None:
    """The library directory that :func:`setup` put first on ``.libPaths()``, if any."""
    return str(_libdir[0]) if _libdir else None


def namespace_get(name: str) -> Any:
    """An object of the mxnet namespace (loading it if needed), e.g. ``namespace_get(".py")``."""
    import rpy2.rinterface as ri

    ns = session.call_r(ri.baseenv["asNamespace"], "mxnet")
    return session.call_r(ri.baseenv["get"], name, envir=ns, inherits=False)


def invoke_callback(
    cb: Any, iteration: int, nbatch: int, env: Any, *, verbose: bool | None = None, slot: str = ""
) -> Any:
    """Call an R training callback ``cb(iteration, nbatch, env[, verbose])`` from Python.

    Goes through the package's ``.invoke_cb`` (R/util.R): ``verbose`` is passed only when it is
    not None and the closure accepts it, and R errors and interrupts come back as values, never
    printed.

    Returns:
        the callback's R result (a Sexp: for epoch callbacks a logical, FALSE meaning stop).

    Raises:
        CallbackError: the callback signalled an R error; ``.condition`` holds the R condition.
        KeyboardInterrupt: Ctrl-C while the callback ran.

    Example:
        >>> cb = session.evalr("function(iteration, nbatch, env) iteration < 3")
        >>> invoke_callback(cb, 1, 0, ri.globalenv)[0]
        True
    """
    import rpy2.rinterface as ri

    invoke = _r_objects.get("invoke_cb")
    if invoke is None:
        invoke = _r_objects["invoke_cb"] = namespace_get(".invoke_cb")
    kwargs = {} if verbose is None else {"verbose": verbose}
    res = session.call_r(invoke, cb, iteration, nbatch, env, **kwargs)
    if res.typeof != ri.RTYPES.VECSXP:  # TRUE/FALSE/NULL/...: the common case, no class check
        return res
    rclass = res.rclass
    if "mx_r_interrupt" in rclass:
        raise KeyboardInterrupt("interrupted in an R callback")
    if "error" in rclass:
        msg = session.call_r(ri.baseenv["conditionMessage"], res)[0]
        err = CallbackError(str(msg), slot=slot, iteration=iteration, nbatch=nbatch)
        err.condition = res  # type: ignore[attr-defined]
        raise err
    return res


@export.register("bridge_info")
def bridge_info() -> Any:
    """R: ``mxnet:::.py("bridge_info")``: named character vector of versions and paths.

    Fields: package (mxnet_r_compat version), python, rpy2, rpy2_mode ("API" or "ABI"), R
    (``R.version.string``) and rlib (where the R package is installed).
    """
    import rpy2.rinterface as ri

    fields = session.info()
    fields["rlib"] = installed_libdir() or ""
    out = ri.StrSexpVector(list(fields.values()))
    out.names = ri.StrSexpVector(list(fields))
    return out
