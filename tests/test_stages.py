"""The stages import one way: vocabulary ← normalize ← extract ← load, schemas beside them; never backwards."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = {"vocabulary", "schemas", "normalize", "extract", "load", "review", "plan_to_data"}
# What each package may import of the project's packages (itself aside).
ALLOWED = {
    "vocabulary": set(),
    "schemas": {"vocabulary", "normalize"},  # the golden set reads card codes as the dataset does
    "normalize": {"vocabulary", "schemas"},
    "extract": {"vocabulary", "schemas", "normalize"},
}


def imported_packages(path: Path) -> set[str]:
    """The project's top-level packages a module imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & PROJECT


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_stage_imports_only_what_comes_before_it(package):
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) - ALLOWED[package] - {package})
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    assert {module: packages for module, packages in wrong.items() if packages} == {}
