"""`make setup`'s install of the R package for plain R sessions (rbridge/rinstall.py):
idempotent, reinstalled when the recorded Python changes, never over another package named
mxnet, and never where another copy would be loaded first."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mxnet_r_compat.rbridge import rinstall

pytestmark = pytest.mark.r

FAKE_DESCRIPTION = """\
Package: mxnet
Type: Package
Title: MXNet: A Flexible and Efficient Machine Learning Library
Version: 1.9.1
Author: someone
Maintainer: someone <someone@example.invalid>
Description: Stands for Apache MXNet's own R package in these tests.
License: Apache License (== 2.0)
"""


@pytest.fixture(scope="module")
def foreign_library(tmp_path_factory) -> Path:
    """A library holding a package named mxnet that is not ours (as Apache MXNet's R package)."""
    root = tmp_path_factory.mktemp("foreign")
    src = root / "src" / "mxnet"
    (src / "R").mkdir(parents=True)
    (src / "DESCRIPTION").write_text(FAKE_DESCRIPTION)
    (src / "NAMESPACE").write_text("export(mx.version)\n")
    (src / "R" / "v.R").write_text('mx.version <- function() "1.9.1"\n')
    lib = root / "lib"
    lib.mkdir()
    proc = subprocess.run(["R", "CMD", "INSTALL", "--no-docs", f"--library={lib}", str(src)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return lib


def test_a_second_install_finds_the_package_up_to_date(hosted_r_library):
    res = rinstall.install(python=sys.executable, library=hosted_r_library)
    assert res == rinstall.Result(hosted_r_library, installed=False)
    fields = rinstall.read_description(hosted_r_library / "mxnet" / "DESCRIPTION")
    assert fields[rinstall.PYTHON_FIELD] == os.path.abspath(sys.executable)
    assert fields[rinstall.HASH_FIELD] == rinstall.source_hash()


def test_another_python_reinstalls(hosted_r_library, tmp_path):
    lib = tmp_path / "lib"
    shutil.copytree(hosted_r_library, lib)
    moved = "/moved/checkout/.venv/bin/python"
    assert rinstall.install(python=moved, library=lib).installed
    fields = rinstall.read_description(lib / "mxnet" / "DESCRIPTION")
    assert fields[rinstall.PYTHON_FIELD] == moved


def test_another_mxnet_is_never_overwritten(foreign_library):
    with pytest.raises(rinstall.RInstallError) as err:
        rinstall.install(python=sys.executable, library=foreign_library)
    text = str(err.value)
    assert text.startswith(f"another R package named 'mxnet' is installed in {foreign_library} "
                           "(MXNet: A Flexible and Efficient Machine Learning Library, version "
                           "1.9.1): most likely Apache MXNet's own R package.")
    assert f"R CMD REMOVE --library={foreign_library} mxnet" in text
    assert "MXNET_R_COMPAT_R_LIBRARY=<dir> make setup" in text
    assert not rinstall.is_ours(foreign_library / "mxnet")


def test_a_half_installed_directory_is_installed_over(tmp_path):
    """An `mxnet` directory without a DESCRIPTION (an install killed half-way) used to end
    setup with a Python traceback (FileNotFoundError on the DESCRIPTION)."""
    lib = tmp_path / "lib"
    (lib / "mxnet" / "R").mkdir(parents=True)
    assert not rinstall.is_foreign(lib / "mxnet")
    assert rinstall.install(python=sys.executable, library=lib).installed
    assert rinstall.is_ours(lib / "mxnet")


def test_another_mxnet_found_first_is_reported(foreign_library, tmp_path, monkeypatch):
    target = tmp_path / "ours"
    monkeypatch.setenv(rinstall.ENV_LIBRARY, str(target))
    monkeypatch.setenv("R_LIBS", str(foreign_library))
    with pytest.raises(rinstall.RInstallError) as err:
        rinstall.install(python=sys.executable)
    text = str(err.value)
    assert text.startswith(f"installed into {target}, but library(mxnet) would load "
                           f"{foreign_library / 'mxnet'} first: another R package named 'mxnet' "
                           "comes earlier on R's .libPaths().")
    assert f"R CMD REMOVE --library={foreign_library} mxnet" in text


def test_setup_command_reports_what_it_did(hosted_r_library):
    proc = subprocess.run([sys.executable, "-m", "mxnet_r_compat.rbridge.rinstall",
                           "--library", str(hosted_r_library)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (f"setup: R package mxnet up to date in {hosted_r_library} "
                           f"(starts {os.path.abspath(sys.executable)})\n")
