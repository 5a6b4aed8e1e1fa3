"""docs/RELIABILITY.md and the tests agree: every test it names exists (in tests/reliability
or, for rows whose tests live with their subject, anywhere under tests/), and every test of
tests/reliability is named there."""

from __future__ import annotations

import ast
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOC = HERE.parents[1] / "docs" / "RELIABILITY.md"


def _tests_here(pattern: str = "test_*.py", root: Path = HERE) -> set[str]:
    names = set()
    for path in root.glob(pattern):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                names.add(node.name)
    return names


def test_every_test_named_in_the_doc_exists():
    named = set(re.findall(r"\btest_[a-z0-9_]+", DOC.read_text()))
    named -= {p.stem for p in HERE.parent.glob("**/test_*.py")}  # file names
    assert named, "the doc names no test"
    everywhere = _tests_here("**/test_*.py", HERE.parent)
    assert not named - everywhere, sorted(named - everywhere)


def test_every_reliability_test_is_in_the_doc():
    text = DOC.read_text()
    missing = {name for name in _tests_here() - {"test_every_test_named_in_the_doc_exists",
                                                 "test_every_reliability_test_is_in_the_doc",
                                                 "test_every_python_case_is_documented",
                                                 "test_every_r_case_is_documented"}
               if name not in text}
    assert not missing, sorted(missing)
