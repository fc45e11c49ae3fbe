"""Keyboard use: every control of the window (the document and the live view) and of the
drafting dialog is reached with Tab, in the order they appear, and the main actions have
shortcuts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCalendarWidget, QWidget

from app.ui.services import WorkstationServices
from app.ui.workstation import WorkstationWindow
from app.ui.workstation.cases import CaseDialog
from app.ui.workstation.draft import DraftDialog
from app.ui.workstation.template_choice import TemplateDialog
from tests.app.ui.conftest import wait_idle
from tests.app.ui.test_workstation_drafting import enrol

TEMPLATE = "interrogation_transcript"


def tab_chain(start: QWidget, qtbot: Any, limit: int = 400) -> list[QWidget]:
    """The widgets that get the focus pressing Tab from ``start`` until it comes back."""
    start.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is start)
    seen = [start]
    for _ in range(limit):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        current = QApplication.focusWidget()
        if current is start:
            return seen
        assert current not in seen, f"Tab went round without coming back: {current}"
        seen.append(current)
    raise AssertionError("Tab never came back to where it started")


def focusable(root: QWidget) -> set[QWidget]:
    """Every control inside ``root`` that Tab should reach."""
    return {w for w in root.findChildren(QWidget)
            if w.isVisibleTo(root) and w.isEnabled() and w.focusProxy() is None
            and w.focusPolicy() & Qt.FocusPolicy.TabFocus}


def before(chain: list[QWidget], *widgets: QWidget) -> bool:
    positions = [chain.index(w) for w in widgets]
    return positions == sorted(positions)


def with_record(window: WorkstationWindow, qtbot: Any, services: WorkstationServices) -> None:
    template = services.templates[TEMPLATE]
    case_id = enrol(services, template, "en")
    record = services.records.draft_record(case_id, TEMPLATE,
                                           template.example_values("en"), language="en").result()
    window.refresh_cases(select=case_id)
    qtbot.waitUntil(lambda: window.records.table.rowCount() == 1)
    window.load_record(record.id)
    qtbot.waitUntil(lambda: window.open_record is not None)
    wait_idle(qtbot, window)
    window.records.table.selectRow(0)


def test_tab_reaches_every_control_of_the_window_in_order(
        window: WorkstationWindow, qtbot: Any, services: WorkstationServices) -> None:
    with_record(window, qtbot, services)
    window.activateWindow()
    qtbot.waitActive(window)
    chain = tab_chain(window.cases.list, qtbot)
    assert set(chain) == focusable(window)
    assert before(chain, window.cases.list, window.cases.new_button, window.persons.table,
                  window.persons.add_button, window.records.table, window.records.new_button,
                  window.records.open_button, window.tabs.tabBar(),
                  window.preview.thumbnails, window.preview.view)


def test_shortcuts_of_the_main_actions(window: WorkstationWindow, qtbot: Any,
                                       services: WorkstationServices) -> None:
    with_record(window, qtbot, services)
    window.activateWindow()
    qtbot.waitActive(window)
    for keys, target in (("Alt+1", window.cases.list), ("Alt+2", window.persons.table),
                         ("Alt+3", window.records.table), ("Alt+4", window.preview.view)):
        key = getattr(Qt.Key, f"Key_{keys[-1]}")
        qtbot.keyClick(QApplication.focusWidget() or window, key, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda target=target: QApplication.focusWidget() is target)
    qtbot.keyClick(window.records.table, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.cases.list)  # label mnemonic

    assert not window.push_action.isEnabled()
    assert "not configured" in window.push_action.toolTip()
    assert window.push_action.shortcut().toString() == "Ctrl+T"

    qtbot.keyClick(window.cases.list, Qt.Key.Key_N,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: isinstance(window.dialog, CaseDialog) and window.dialog.isVisible())
    qtbot.keyClick(window.dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)

    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window.cases.list, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(window.dialog, TemplateDialog))
    chooser = window.dialog
    chooser.choose(TEMPLATE, "en")
    qtbot.keyClick(chooser.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(window.dialog, DraftDialog))
    draft = window.dialog
    draft.fill(services.templates[TEMPLATE].example_values("en"))
    draft.activateWindow()
    qtbot.waitActive(draft)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: draft.last_preview is not None, timeout=20_000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.records.table.rowCount() == 2, timeout=20_000)
    wait_idle(qtbot, window)


def test_tab_walks_the_draft_form_in_order_and_reaches_every_control(
        window: WorkstationWindow, qtbot: Any, services: WorkstationServices) -> None:
    template = services.templates[TEMPLATE]
    case_id = enrol(services, template, "en")
    window.refresh_cases(select=case_id)
    qtbot.waitUntil(lambda: window.cases.current is not None)
    wait_idle(qtbot, window)
    draft = window.draft(TEMPLATE, "en")
    assert draft is not None
    draft.fill({"transcript": [{"q": "Q1", "a": "A1"}, {"q": "Q2", "a": "A2"}]})
    qa = draft.form.editors["transcript"]
    qa.add_pair()  # created after everything else, put back in its place
    draft.activateWindow()
    qtbot.waitActive(draft)
    first = draft.form.editors[template.fields[0].name].input
    chain = tab_chain(first, qtbot)
    assert set(chain) == focusable(draft)
    inputs = [draft.form.editors[spec.name].input for spec in template.fields]
    assert before(chain, *inputs)
    pairs = [w for pair in qa.pairs for w in (pair.question, pair.answer, pair.remove)]
    assert before(chain, *pairs, qa.add_button, draft.signatories.rows[0].person,
                  draft.preview_button, draft.save_button, draft.cancel_button)


def test_a_date_is_picked_from_the_calendar_with_the_keyboard(
        window: WorkstationWindow, qtbot: Any, services: WorkstationServices) -> None:
    case_id = enrol(services, services.templates[TEMPLATE], "en")
    window.refresh_cases(select=case_id)
    qtbot.waitUntil(lambda: window.cases.current is not None)
    wait_idle(qtbot, window)
    draft = window.draft(TEMPLATE, "en")
    editor = draft.form.editors["suspect_birth_date"]
    editor.set_value("2004-03-15")
    draft.activateWindow()
    qtbot.waitActive(draft)
    editor.line.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.line)
    qtbot.keyClick(editor.line, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: isinstance(editor.calendar, QCalendarWidget)
                    and editor.calendar.isVisible())
    calendar = editor.calendar
    assert calendar.selectedDate().toString("yyyy-MM-dd") == "2004-03-15"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert editor.value() == "2004-03-16"
    assert editor.calendar is None


def test_tab_reaches_the_live_view_and_ctrl_tab_switches_to_it(
        window: WorkstationWindow, qtbot: Any, services: WorkstationServices) -> None:
    with_record(window, qtbot, services)
    window.activateWindow()
    qtbot.waitActive(window)
    window.tabs.tabBar().setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.tabs.tabBar())
    qtbot.keyClick(window.tabs.tabBar(), Qt.Key.Key_Right)
    assert window.tabs.currentWidget() is window.live
    chain = tab_chain(window.cases.list, qtbot)
    assert set(chain) == focusable(window)
    assert window.signing.live.events in chain
    qtbot.keyClick(window.signing.live.events, Qt.Key.Key_Tab,
                   Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.preview
