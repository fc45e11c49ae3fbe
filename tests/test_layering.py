"""The architecture's import rules: no Qt below app/, crypto and devices import nothing of ours."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORE = ("records", "crypto", "devices")
OURS = ("app", "records", "crypto", "devices")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def _modules(package: str) -> list[Path]:
    return sorted((REPO / package).rglob("*.py"))


@pytest.mark.parametrize("package", CORE)
def test_core_never_imports_qt(package: str) -> None:
    offenders = [str(p.relative_to(REPO)) for p in _modules(package)
                 if _imports(p) & {"PySide6", "shiboken6", "PyQt5", "PyQt6"}]
    assert offenders == []


@pytest.mark.parametrize("package,allowed", [("crypto", set()), ("devices", set()),
                                             ("records", {"records", "crypto", "devices"})])
def test_imports_point_down(package: str, allowed: set[str]) -> None:
    bad = {}
    for path in _modules(package):
        wrong = (_imports(path) & set(OURS)) - allowed - {package}
        if wrong:
            bad[str(path.relative_to(REPO))] = sorted(wrong)
    assert bad == {}


def test_importing_every_core_module_loads_no_qt() -> None:
    """Catches what the static scan cannot: a dependency that drags Qt in at import time."""
    names = []
    for package in CORE:
        for path in _modules(package):
            rel = path.relative_to(REPO).with_suffix("")
            if "migrations" in rel.parts:
                continue  # Alembic scripts run inside Alembic's own context
            parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
            names.append(".".join(parts))
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(','.join(qt))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""
