#!/usr/bin/env python3
"""Translations of the user interface: extract, compile, check.

    .venv/bin/python tools/i18n.py update   # app/ui sources -> inkseal_zh_CN.ts -> .qm
    .venv/bin/python tools/i18n.py check    # fail if the .ts or .qm is stale or incomplete

``update`` runs Qt's ``lupdate`` over every Python file under ``app/ui`` (strings in
``self.tr(...)`` and ``QCoreApplication.translate(context, ...)``) into
``resources/translations/inkseal_zh_CN.ts``, keeping the translations already there and
dropping strings no longer used; then ``lrelease`` compiles it into the ``.qm`` the
application loads.  New strings arrive marked unfinished: translate them (Qt Linguist:
``.venv/bin/pyside6-linguist``, or any editor) and run ``update`` again.  The ``.ts`` keeps
no source line numbers, so it changes only when strings do.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "app" / "ui"
TRANSLATIONS = REPO / "resources" / "translations"
TS_FILE = TRANSLATIONS / "inkseal_zh_CN.ts"
QM_FILE = TRANSLATIONS / "inkseal_zh_CN.qm"
TARGET_LANGUAGE = "zh_CN"

__all__ = ["Message", "compile_qm", "extract", "messages", "problems", "qt_tool", "sources"]


def qt_tool(name: str) -> Path:
    """Qt's ``lupdate`` or ``lrelease`` as shipped inside the PySide6 wheel."""
    import PySide6

    path = Path(PySide6.__file__).resolve().parent / name
    if not path.exists():
        raise FileNotFoundError(f"{name} not found in the PySide6 installation ({path})")
    return path


def sources(root: Path = SOURCES) -> list[Path]:
    """Every Python file whose strings are translated."""
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} failed ({done.returncode}):\n"
                           f"{done.stdout}{done.stderr}")


def extract(ts_file: Path, root: Path = SOURCES) -> None:
    """Merge the strings of the sources under ``root`` into ``ts_file`` (created if absent)."""
    _run([str(qt_tool("lupdate")), "-silent", "-locations", "none", "-no-obsolete",
          "-target-language", TARGET_LANGUAGE, *map(str, sources(root)), "-ts", str(ts_file)])


def compile_qm(ts_file: Path, qm_file: Path) -> None:
    """Compile ``ts_file`` into the binary ``qm_file`` Qt loads."""
    _run([str(qt_tool("lrelease")), "-silent", str(ts_file), "-qm", str(qm_file)])


@dataclass(frozen=True)
class Message:
    """One source string and its translation(s) (several for a plural ``%n`` message)."""

    context: str
    source: str
    translations: tuple[str, ...]
    finished: bool


def messages(ts_file: Path) -> list[Message]:
    """Every message of a ``.ts`` file."""
    found = []
    for context in ET.parse(ts_file).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            forms = [f.text or "" for f in translation.iter("numerusform")]
            texts = tuple(forms) if forms else (translation.text or "",)
            finished = translation.get("type") not in ("unfinished", "vanished", "obsolete")
            found.append(Message(name, message.findtext("source") or "", texts, finished))
    return found


_PLACEHOLDER = re.compile(r"\{\d+\}|%n|%\d|&(?=\w)")


def problems(ts_file: Path) -> list[str]:
    """What is wrong with the translations: untranslated strings, and translations whose
    placeholders ({0}, %n) differ from the source's."""
    found = []
    for m in messages(ts_file):
        where = f"{m.context}: {m.source!r}"
        if not m.finished or not all(t.strip() for t in m.translations):
            found.append(f"untranslated {where}")
            continue
        wanted = sorted(p for p in _PLACEHOLDER.findall(m.source) if p != "&")
        for text in m.translations:
            got = sorted(p for p in _PLACEHOLDER.findall(text) if p != "&")
            if got != wanted:
                found.append(f"placeholders {got} instead of {wanted} in {where}")
    return found


def stale(ts_file: Path = TS_FILE, qm_file: Path = QM_FILE) -> list[str]:
    """How the committed files differ from what ``update`` would make now."""
    found = []
    with tempfile.TemporaryDirectory(prefix="inkseal-i18n-") as tmp:
        fresh_ts, fresh_qm = Path(tmp) / ts_file.name, Path(tmp) / qm_file.name
        if ts_file.exists():
            shutil.copyfile(ts_file, fresh_ts)
        extract(fresh_ts)
        if not ts_file.exists() or fresh_ts.read_bytes() != ts_file.read_bytes():
            found.append(f"{ts_file.name} is stale: strings were added, changed or removed in "
                         "app/ui; run tools/i18n.py update and translate")
        compile_qm(ts_file if ts_file.exists() else fresh_ts, fresh_qm)
        if not qm_file.exists() or fresh_qm.read_bytes() != qm_file.read_bytes():
            found.append(f"{qm_file.name} does not match {ts_file.name}; run tools/i18n.py "
                         "update")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("update", "check"))
    args = parser.parse_args(argv)
    if args.action == "update":
        TRANSLATIONS.mkdir(parents=True, exist_ok=True)
        extract(TS_FILE)
        compile_qm(TS_FILE, QM_FILE)
        left = problems(TS_FILE)
        print(f"{TS_FILE.relative_to(REPO)}: {len(messages(TS_FILE))} strings, "
              f"{len(left)} to fix")
        for line in left:
            print(f"  {line}")
        return 0
    found = stale() + problems(TS_FILE)
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
