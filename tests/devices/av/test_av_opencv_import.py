"""OpenCV is imported in one place, and importing it does not break Qt started later."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_only_the_cv_module_imports_cv2() -> None:
    offenders = []
    for path in sorted((REPO / "devices" / "av").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(n.split(".")[0] == "cv2" for n in names) and path.name != "_cv.py":
                offenders.append(path.name)
    assert offenders == []


def _plugin_path_after_import(value: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM_PLUGIN_PATH"}
    if value is not None:
        env["QT_QPA_PLATFORM_PLUGIN_PATH"] = value
    code = ("import os, devices.av.recorder, cv2\n"
            "print(repr(os.environ.get('QT_QPA_PLATFORM_PLUGIN_PATH')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_importing_the_recorder_leaves_qt_plugin_path_alone() -> None:
    assert _plugin_path_after_import(None) == "None"
    assert _plugin_path_after_import("/opt/qt/plugins") == "'/opt/qt/plugins'"
