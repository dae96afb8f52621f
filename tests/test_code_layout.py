"""The shape of hooks/fourpm: every feature stands on core and imports no other feature."""
from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "hooks" / "fourpm"


def feature_of(module: str) -> str:
    """fourpm.pdf.render -> pdf; fourpm.search -> search; fourpm -> ''."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def imports_of(path: Path) -> set[str]:
    """The fourpm modules a file imports, absolute (relative imports resolved from its package)."""
    package = list(path.relative_to(PACKAGE.parent).parts[:-1])  # a package's __init__ is in it too
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            if module.split(".")[0] != "fourpm":
                continue
            found |= {f"{module}.{alias.name}" if module == "fourpm" else module for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "fourpm"}
    return found


def test_every_feature_imports_core_and_itself_only():
    crossing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        own = feature_of(".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts))
        for module in imports_of(path):
            if feature_of(module) not in ("core", own):
                crossing.append(f"{path.relative_to(ROOT)} imports {module}")
    assert crossing == []
    assert feature_of("fourpm.pdf.render") == "pdf" and imports_of(PACKAGE / "pdf" / "render.py") >= {
        "fourpm.pdf", "fourpm.core", "fourpm.pdf.safety"}  # the check sees relative imports


def test_core_imports_no_feature():
    for path in sorted((PACKAGE / "core").glob("*.py")):
        assert {feature_of(m) for m in imports_of(path)} <= {"core"}, path
