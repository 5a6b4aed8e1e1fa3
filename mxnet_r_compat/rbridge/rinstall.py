"""Install the R package ``mxnet`` where plain R finds it: ``library(mxnet)`` in any session.

``make setup`` runs ``python -m mxnet_r_compat.rbridge.rinstall``. It installs
``mxnet_r_compat/R/mxnet`` with ``R CMD INSTALL`` (help pages included) into a library on R's
default ``.libPaths()`` and records in the installed DESCRIPTION which Python the package
starts (R/hosted.R): ``Config/mxnet_r_compat/python`` (this Python, an absolute path) and
``Config/mxnet_r_compat/source_hash`` (rlib.source_hash()). It reinstalls only when either
changed, so running it again costs one ``Rscript`` start.

The library: ``$MXNET_R_COMPAT_R_LIBRARY`` when set, else the first writable directory of
R's default ``.libPaths()`` (``/usr/local/lib/R/site-library`` when run as root on Debian),
else the user library ``R_LIBS_USER`` (created; R puts it on the path once it exists).

It refuses to overwrite another package named ``mxnet`` (Apache MXNet's own R package), and
fails when one found earlier on ``.libPaths()`` would be loaded instead; both messages say
how to fix it.

Example:
    $ .venv/bin/python -m mxnet_r_compat.rbridge.rinstall
    setup: R package mxnet installed in /usr/local/lib/R/site-library (uses .venv/bin/python)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .rlib import R_SOURCE, source_hash

#: Environment variable choosing the library to install into.
ENV_LIBRARY = "MXNET_R_COMPAT_R_LIBRARY"
PYTHON_FIELD = "Config/mxnet_r_compat/python"
HASH_FIELD = "Config/mxnet_r_compat/source_hash"
#: Text in the Title of this project's package (and in no other package named mxnet).
OUR_TITLE = "'mxnet_r_compat'"


class RInstallError(RuntimeError):
    """The R package cannot be installed (or would not be the one R loads); says why."""


@dataclass(frozen=True)
class Result:
    """Where the package is, and whether this run (re)installed it."""

    library: Path
    installed: bool


def _rscript(code: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(["Rscript", "-e", code], capture_output=True, text=True,
                          env={**(env or os.environ), "LANG": "C.UTF-8"})
    if proc.returncode != 0:
        raise RInstallError(f"Rscript failed on {code!r}:\n{proc.stderr}")
    return proc.stdout


def default_libraries() -> list[Path]:
    """R's ``.libPaths()`` in a fresh session (R_LIBS and R_LIBS_USER as set now)."""
    out = _rscript('cat(.libPaths(), sep = "\\n")')
    return [Path(p) for p in out.splitlines() if p]


def target_library() -> Path:
    """The library to install into (see the module docstring).

    Example:
        >>> target_library()              # as root on Debian
        PosixPath('/usr/local/lib/R/site-library')
    """
    override = os.environ.get(ENV_LIBRARY)
    if override:
        return Path(override).expanduser().resolve()
    for lib in default_libraries():
        if os.access(lib, os.W_OK):
            return lib
    user = Path(_rscript('cat(path.expand(Sys.getenv("R_LIBS_USER")))').strip())
    user.mkdir(parents=True, exist_ok=True)
    return user


def read_description(path: Path) -> dict[str, str]:
    """The fields of a DESCRIPTION file (continuation lines joined with a space).

    Example:
        >>> read_description(R_SOURCE / "DESCRIPTION")["Package"]
        'mxnet'
    """
    fields: dict[str, str] = {}
    key = None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line[:1].isspace() and key is not None:
            fields[key] += " " + line.strip()
        elif ":" in line:
            key, value = line.split(":", 1)
            fields[key] = value.strip()
    return fields


def is_ours(package_dir: Path) -> bool:
    """True when ``package_dir`` (``<lib>/mxnet``) holds this project's R package."""
    desc = package_dir / "DESCRIPTION"
    return desc.is_file() and OUR_TITLE in read_description(desc).get("Title", "")


def is_foreign(package_dir: Path) -> bool:
    """True when ``package_dir`` holds another package named mxnet. A directory without a
    DESCRIPTION (an interrupted install, or one still running) is no package: R CMD INSTALL
    replaces the first and refuses, with its lock message, to run beside the second.

    Example:
        >>> is_foreign(Path("/nonexistent/mxnet"))
        False
    """
    return (package_dir / "DESCRIPTION").is_file() and not is_ours(package_dir)


def _foreign_message(package_dir: Path, lib: Path) -> str:
    fields = read_description(package_dir / "DESCRIPTION")
    what = f"{fields.get('Title', '?')}, version {fields.get('Version', '?')}"
    return (
        f"another R package named 'mxnet' is installed in {lib} ({what}): most likely "
        "Apache MXNet's own R package. mxnet_r_compat's package has the same name and will not "
        "overwrite it.\n  Either remove it:   R CMD REMOVE --library="
        f"{lib} mxnet\n  or install into a library of your choice and put it first on R's "
        f"path:  {ENV_LIBRARY}=<dir> make setup  and  export R_LIBS=<dir>"
    )


def up_to_date(package_dir: Path, python: str, digest: str) -> bool:
    """True when ``package_dir`` holds our package built from these sources for ``python``."""
    if not is_ours(package_dir):
        return False
    fields = read_description(package_dir / "DESCRIPTION")
    return fields.get(PYTHON_FIELD) == python and fields.get(HASH_FIELD) == digest


def install(python: str | None = None, library: Path | None = None,
            src: Path = R_SOURCE) -> Result:
    """Install (or leave alone, when up to date) the R package; see the module docstring.

    Raises:
        RInstallError: another ``mxnet`` is in the way, or ``R CMD INSTALL`` failed.

    Example:
        >>> install().installed          # a second run finds it up to date
        False
    """
    python = os.path.abspath(python or sys.executable)
    lib = library if library is not None else target_library()
    package_dir = lib / "mxnet"
    if is_foreign(package_dir):
        raise RInstallError(_foreign_message(package_dir, lib))
    digest = source_hash(src)
    installed = False
    if not up_to_date(package_dir, python, digest):
        lib.mkdir(parents=True, exist_ok=True)
        _r_cmd_install(src, lib, {PYTHON_FIELD: python, HASH_FIELD: digest})
        installed = True
    _check_found_first(lib, library is not None)
    return Result(lib, installed)


def _r_cmd_install(src: Path, lib: Path, fields: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory(prefix="mxnet-rpkg-") as tmp:
        pkg = Path(tmp) / "mxnet"
        shutil.copytree(src, pkg, ignore=shutil.ignore_patterns(".*", "*~", "__pycache__"))
        with open(pkg / "DESCRIPTION", "a", encoding="utf-8") as fh:
            fh.writelines(f"{k}: {v}\n" for k, v in fields.items())
        cmd = ["R", "CMD", "INSTALL", "--no-multiarch", f"--library={lib}", str(pkg)]
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              env={**os.environ, "LANG": "C.UTF-8"})
        if proc.returncode != 0:
            raise RInstallError(f"$ {' '.join(cmd)}\n{proc.stdout}{proc.stderr}")


def _check_found_first(lib: Path, explicit: bool) -> None:
    """Fail when ``library(mxnet)`` in a fresh R session would load another copy."""
    env = dict(os.environ)
    if explicit:  # a library chosen by the caller counts as put first on the path by them
        env["R_LIBS"] = os.pathsep.join(filter(None, [str(lib), env.get("R_LIBS")]))
    found = Path(_rscript('cat(find.package("mxnet"))', env).strip())
    if found.resolve() == (lib / "mxnet").resolve():
        return
    what = "another R package named 'mxnet'" if not is_ours(found) else \
        "an older copy of mxnet_r_compat's R package"
    raise RInstallError(
        f"installed into {lib}, but library(mxnet) would load {found} first: {what} comes "
        f"earlier on R's .libPaths().\n  Remove it:  R CMD REMOVE --library={found.parent} "
        f"mxnet\n  or choose the library that comes first:  {ENV_LIBRARY}={found.parent} "
        "make setup"
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m mxnet_r_compat.rbridge.rinstall [--library DIR] [--python PATH]``."""
    parser = argparse.ArgumentParser(prog="python -m mxnet_r_compat.rbridge.rinstall",
                                     description="Install the R package mxnet for plain R.")
    parser.add_argument("--library", type=Path, help=f"library directory (default: ${ENV_LIBRARY}"
                        " or the first writable one on R's .libPaths())")
    parser.add_argument("--python", help="the Python the package starts (default: this one)")
    args = parser.parse_args(argv)
    try:
        res = install(args.python, args.library)
    except RInstallError as e:
        sys.stderr.write(f"setup: cannot install the R package mxnet: {e}\n")
        return 1
    state = "installed in" if res.installed else "up to date in"
    print(f"setup: R package mxnet {state} {res.library} "
          f"(starts {os.path.abspath(args.python or sys.executable)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
