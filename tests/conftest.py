"""Fixtures shared by every test directory: the two ways R code reaches mxnet_r_compat.

* ``mxnet-rscript``: Python starts R (rpy2) and installs the R package into a private cache.
* ``Rscript``: a plain R session; ``library(mxnet)`` loads the package ``make setup``
  installs (rbridge/rinstall.py), which starts this Python inside R through reticulate
  (rbridge/hosted.py).

Tests that run R scripts take the ``r_host`` fixture and so run once per host. The plain-R
host uses a package installed by the same installer as ``make setup``, from this checkout's
sources, into a temporary library put first on ``R_LIBS``: the tests never depend on (or
change) what is installed on the machine.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

#: The two hosts; ``r_host`` is parametrized over them.
R_HOSTS = ("mxnet-rscript", "Rscript")
MXNET_RSCRIPT = str(Path(sys.executable).with_name("mxnet-rscript"))


@dataclass(frozen=True)
class RHost:
    """How to run an R script on one host: its command and its environment."""

    name: str
    library: Path | None = None  # the plain-R host's library (first on R_LIBS)

    @property
    def plain(self) -> bool:
        """True for plain ``Rscript`` (R hosts Python)."""
        return self.name == "Rscript"

    def argv(self, *args: str) -> list[str]:
        """The command line running ``args`` (a script and its arguments, or options)."""
        return ["Rscript" if self.plain else MXNET_RSCRIPT, *args]

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """``base`` (default: this process's environment) adjusted for this host."""
        env = dict(os.environ if base is None else base)
        env.pop("MXNET_R_COMPAT_PYTHON", None)
        if self.plain:
            assert self.library is not None
            env["R_LIBS"] = os.pathsep.join(filter(None, [str(self.library),
                                                          env.get("R_LIBS")]))
        return env


@pytest.fixture(scope="session")
def hosted_r_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The R package installed as ``make setup`` installs it, into a temporary library."""
    from mxnet_r_compat.rbridge import rinstall

    lib = tmp_path_factory.mktemp("hosted_rlib")
    try:
        rinstall.install(python=sys.executable, library=lib)
    except rinstall.RInstallError as e:
        pytest.fail(f"cannot install the R package for plain R sessions:\n{e}", pytrace=False)
    return lib


@pytest.fixture(scope="session")
def r_hosts(hosted_r_library: Path) -> dict[str, RHost]:
    """Both hosts by name, for a test that compares them."""
    return {"mxnet-rscript": RHost("mxnet-rscript"), "Rscript": RHost("Rscript", hosted_r_library)}


@pytest.fixture(scope="session", params=R_HOSTS)
def r_host(request: pytest.FixtureRequest) -> RHost:
    """Each host in turn (tests using it run twice)."""
    if request.param == "Rscript":
        return RHost("Rscript", request.getfixturevalue("hosted_r_library"))
    return RHost("mxnet-rscript")
