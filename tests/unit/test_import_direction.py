"""The zelfevaluatie never imports the review: the review listens to ``signals.submission_revised``."""

from __future__ import annotations

import ast
from pathlib import Path

import peerreview.selfeval

SELFEVAL = Path(peerreview.selfeval.__file__).parent


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):  # function-level imports included
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_zelfevaluatie_never_imports_the_review():
    found = {
        f"{path.name}: {name}"
        for path in SELFEVAL.glob("*.py")
        for name in imported_modules(path)
        if name == "peerreview.review" or name.startswith("peerreview.review.")
    }
    assert found == set()


def test_the_check_sees_function_level_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from peerreview.review import services\n", encoding="utf-8")
    assert "peerreview.review.services" in imported_modules(sample)
