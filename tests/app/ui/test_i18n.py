"""Translations: the committed catalogue is complete and current, every user-visible literal
in app/ui goes through tr(), and the language switches at run time, domain texts included."""

from __future__ import annotations

import ast
import logging
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from app.ui.i18n import Localization, Retranslating, current_language
from app.ui.services import WorkstationServices
from app.ui.workstation import WorkstationWindow
from tests.app.ui.conftest import wait_idle
from tests.app.ui.test_workstation_drafting import enrol

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO / "tools"))
import i18n as tool  # noqa: E402

# Qt calls that put text on screen, and which argument carries it.
TEXT_CALLS = {"setText": 0, "setWindowTitle": 0, "setToolTip": 0, "setStatusTip": 0,
              "setPlaceholderText": 0, "setTitle": 0, "setTabText": 1, "setItemText": 1,
              "showMessage": 0, "setLabelText": 0, "setAccessibleName": 0, "addMenu": 0,
              "addTab": 1, "addItem": 0, "setHorizontalHeaderLabels": 0, "critical": 2,
              "information": 2, "warning": 2, "question": 2, "about": 2}
TEXT_CLASSES = {"QLabel", "QPushButton", "QCheckBox", "QAction", "QGroupBox", "QToolButton",
                "QRadioButton", "QMenu"}


def test_the_catalogue_is_current_complete_and_compiled() -> None:
    assert tool.stale() == []
    assert tool.problems(tool.TS_FILE) == []
    assert len(tool.messages(tool.TS_FILE)) > 100


def test_a_missing_translation_or_placeholder_is_caught(tmp_path: Path) -> None:
    ts = tmp_path / "x.ts"
    ts.write_text("""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS><TS version="2.1" language="zh_CN">
<context><name>C</name>
<message><source>Open {0}</source><translation>打开</translation></message>
<message><source>Close</source><translation type="unfinished"></translation></message>
<message><source>Fine {0}</source><translation>好 {0}</translation></message>
</context></TS>""", encoding="utf-8")
    assert tool.problems(ts) == ["placeholders [] instead of ['{0}'] in C: 'Open {0}'",
                                 "untranslated C: 'Close'"]


def _literal(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return any(c.isalpha() for c in node.value)
    return isinstance(node, ast.JoinedStr)


def untranslated_literals(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        index = TEXT_CALLS.get(name) if isinstance(func, ast.Attribute) else (
            0 if name in TEXT_CLASSES else None)
        if index is None or len(node.args) <= index:
            continue
        arg = node.args[index]
        spanned = lines[node.lineno - 1:(node.end_lineno or node.lineno)]
        if _literal(arg) and not any("# untranslated:" in line for line in spanned):
            found.append(f"{path.relative_to(REPO)}:{node.lineno}: {ast.unparse(arg)}")
    return found


def test_no_user_visible_literal_bypasses_tr() -> None:
    found = [hit for path in sorted((REPO / "app" / "ui").rglob("*.py"))
             for hit in untranslated_literals(path)]
    assert found == []


def test_the_lint_catches_a_bare_literal(tmp_path: Path) -> None:
    bad = REPO / "app" / "ui" / "_lint_probe.py"
    try:
        bad.write_text('label.setText("Hello")\nQLabel(f"Hi {name}")\n'
                       'label.setText(self.tr("Fine"))\n', encoding="utf-8")
        assert [hit.split(": ", 1)[1] for hit in untranslated_literals(bad)] == [
            "'Hello'", "f'Hi {name}'"]
    finally:
        bad.unlink()


class Greeting(Retranslating, QLabel):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.retranslate()

    def retranslate(self) -> None:
        self.calls += 1
        self.setText(QCoreApplication.translate("CaseDialog", "Required"))


def test_a_language_change_retranslates_every_widget(qtbot: Any) -> None:
    label = Greeting()
    qtbot.addWidget(label)
    Localization.of().set_language("zh")
    qtbot.waitUntil(lambda: label.text() == "必填")
    assert current_language() == "zh"
    Localization.of().set_language("en")
    qtbot.waitUntil(lambda: label.text() == "Required")
    assert label.calls >= 3
    with pytest.raises(ValueError):
        Localization.of().set_language("fr")


def test_a_missing_catalogue_leaves_english_and_says_so(
        qtbot: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    local = Localization(owner, directory=tmp_path)
    with caplog.at_level(logging.ERROR, logger="app.ui.i18n"):
        local.set_language("zh")
    assert any("inkseal_zh_CN.qm" in r.getMessage() for r in caplog.records)
    Localization.of().set_language("en")  # the application's own translators again


def test_the_window_switches_language_with_one_action(
        window: WorkstationWindow, qtbot: Any, services: WorkstationServices) -> None:
    template = services.templates["leniency_notice"]
    case_id = enrol(services, template, "zh")
    services.records.draft_record(case_id, template.id, template.example_values("zh")).result()
    window.refresh_cases(select=case_id)
    qtbot.waitUntil(lambda: window.records.table.rowCount() == 1)
    wait_idle(qtbot, window)
    assert window.records.table.item(0, 0).text() == template.title.en
    window.toggle_language_action.trigger()
    qtbot.waitUntil(lambda: window.station_menu.title() == "工作站(&W)")
    assert window.windowTitle() == "Inkseal — 工作站 WS-TEST"
    assert window.records.table.item(0, 0).text() == template.title.zh
    assert window.records.table.horizontalHeaderItem(2).text() == "状态"
    assert window.language_actions["zh"].isChecked()
    window.toggle_language_action.trigger()
    qtbot.waitUntil(lambda: window.station_menu.title() == "&Workstation")
    assert window.records.table.item(0, 0).text() == template.title.en


def test_the_application_starts_in_the_settings_language(qtbot: Any) -> None:
    from app.ui.application import ensure_application

    app = ensure_application(language="zh")
    assert app is QApplication.instance() and current_language() == "zh"
    qtbot.waitUntil(lambda: QCoreApplication.translate("RecordState", "Sealed") == "已用印")
    ensure_application(language="en")
    assert current_language() == "en"
