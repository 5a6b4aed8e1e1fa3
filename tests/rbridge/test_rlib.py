"""The R package install: once per source hash, reused, reinstalled on edits, safe in parallel."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mxnet_r_compat.errors import MXValueError
from mxnet_r_compat.rbridge import rlib
from mxnet_r_compat.rbridge.export import ENTRY_POINTS, error_message, register

# A child that installs the package sources argv[1] under the cache root argv[2], argv[3] times,
# appending a comment to R/util.R between installs; prints one JSON line per install.
_INSTALL = """
import json, sys, pathlib
from mxnet_r_compat.rbridge import rlib
src, root, times = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), int(sys.argv[3])
for i in range(times):
    if i == 2:
        with open(src / "R" / "util.R", "a") as f:
            f.write("# edited\\n")
    inst = rlib.ensure_installed(src, root)
    print(json.dumps({"libdir": str(inst.libdir), "installed": inst.installed,
                      "seconds": round(inst.seconds, 3)}), flush=True)
"""


@pytest.fixture
def src_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "src" / "mxnet"
    shutil.copytree(rlib.R_SOURCE, dest)
    return dest


def _installer(
    child_env: dict[str, str], src: Path, root: Path, times: int
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _INSTALL, str(src), str(root), str(times)],
        env=child_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _results(proc: subprocess.Popen[str]) -> list[dict[str, object]]:
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    return [json.loads(line) for line in out.splitlines()]


def test_install_is_reused_and_redone_when_sources_change(child_env, src_copy, tmp_path):
    first, again, edited = _results(_installer(child_env, src_copy, tmp_path / "cache", 3))
    print(
        f"install {first['seconds']} s; reuse {again['seconds']} s; "
        f"reinstall after edit {edited['seconds']} s"
    )
    assert first["installed"] is True
    assert (again["installed"], again["libdir"]) == (False, first["libdir"])
    assert edited["installed"] is True and edited["libdir"] != first["libdir"]
    for result in (first, edited):
        assert (Path(str(result["libdir"])) / "mxnet" / "DESCRIPTION").is_file()
    assert not list((tmp_path / "cache").glob(".tmp-*"))


def test_concurrent_installs_do_not_collide(child_env, src_copy, tmp_path):
    root = tmp_path / "cache"
    procs = [_installer(child_env, src_copy, root, 1) for _ in range(2)]
    results = [_results(p)[0] for p in procs]
    assert sorted(r["installed"] for r in results) == [False, True]  # one installed, one reused
    assert results[0]["libdir"] == results[1]["libdir"]
    assert [p.name for p in root.iterdir() if not p.name.startswith(".")] == [
        Path(str(results[0]["libdir"])).name
    ]
    assert not list(root.glob(".tmp-*"))


def test_runner_reports_install_then_reuse(run_r, tmp_path):
    env = {"MXNET_R_COMPAT_RLIB": str(tmp_path / "fresh"), "MXNET_R_COMPAT_VERBOSE": "1"}
    first = run_r("library(mxnet)", env=env)
    second = run_r("library(mxnet)", env=env)
    print(first.stderr, second.stderr)
    assert first.returncode == second.returncode == 0
    assert "R package mxnet installed in" in first.stderr
    assert "R package mxnet already installed" in second.stderr


# ---- no R needed below


def test_source_hash_follows_content_not_junk(src_copy):
    before = rlib.source_hash(src_copy)
    (src_copy / "R" / "util.R~").write_text("backup")
    (src_copy / ".hidden").write_text("x")
    assert rlib.source_hash(src_copy) == before
    (src_copy / "R" / "new.R").write_text("mx.new <- function() NULL\n")
    assert rlib.source_hash(src_copy) != before


def test_cache_root_override(monkeypatch, tmp_path):
    monkeypatch.setenv(rlib.ENV_RLIB, str(tmp_path))
    assert rlib.cache_root() == tmp_path
    monkeypatch.delenv(rlib.ENV_RLIB)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert rlib.cache_root() == tmp_path / "xdg" / "mxnet_r_compat"


def test_register_refuses_a_second_function_under_one_name():
    @register("t_unit_once")
    def first() -> None:
        return None

    register("t_unit_once")(first)  # the same function again (module re-import) is fine
    with pytest.raises(ValueError, match="already registered"):
        register("t_unit_once")(lambda: None)
    del ENTRY_POINTS["t_unit_once"]


def test_error_messages():
    assert error_message(KeyError("x")) == "KeyError: 'x'"
    assert error_message(ValueError()) == "ValueError"
    assert (
        error_message(MXValueError("Invalid value for argument `lr`."))
        == "Invalid value for argument `lr`."
    )
