"""Cases and persons through the workstation window: validated dialogs, nothing written when
refused, the lists following what was stored."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app.ui.i18n import Localization
from app.ui.services import WorkstationServices
from app.ui.workstation import WorkstationWindow
from app.ui.workstation.cases import CaseDialog
from app.ui.workstation.persons import PersonDialog, identity_problem
from tests.app.ui.conftest import T0, add_case, type_text, wait_idle

GOOD_ID = "500108200403151235"  # born 2004-03-15: an adult on T0
BAD_ID = "500108200403151234"  # the same with a wrong check digit
MINOR_ID = "500108201005011231"  # born 2010-05-01: a minor on T0
X_ID = "11010519491231002X"  # a check digit X


def _ok(dialog: Any) -> Any:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_a_case_is_created_through_its_dialog(window: WorkstationWindow, qtbot: Any,
                                              services: WorkstationServices) -> None:
    window.new_case_action.trigger()
    dialog = window.dialog
    assert isinstance(dialog, CaseDialog) and dialog.isVisible()
    type_text(dialog.inputs["case_number"], "渝南检刑捕受〔2020〕12号")
    type_text(dialog.inputs["title"], "王某某盗窃案")
    type_text(dialog.inputs["agency"], "重庆市南岸区人民检察院")
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.cases.list.count() == 1)
    wait_idle(qtbot, window)
    assert not shiboken6.isValid(dialog)  # closed, and deleted on close
    assert window.cases.current is not None
    assert window.cases.current.case_number == "渝南检刑捕受〔2020〕12号"
    assert window.new_record_action.isEnabled() and window.add_person_action.isEnabled()


def test_a_case_without_its_required_values_is_refused_here(
        window: WorkstationWindow, qtbot: Any, services: WorkstationServices) -> None:
    window.new_case_action.trigger()
    dialog = window.dialog
    type_text(dialog.inputs["title"], "某案")
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    shown = {name for name, label in dialog.errors.items() if label.isVisible()}
    assert shown == {"case_number", "agency"}
    assert dialog.errors["agency"].text() == "Required"
    assert dialog.inputs["case_number"].property("invalid") is True
    assert services.records.count_rows().result()["cases"] == 0
    dialog.close()


def test_the_services_refusal_shows_under_the_field_in_the_interface_language(
        window: WorkstationWindow, qtbot: Any, services: WorkstationServices) -> None:
    add_case(services, number="N-1")
    window.new_case_action.trigger()
    dialog = window.dialog
    for name, text in (("case_number", "N-1"), ("title", "另一案"), ("agency", "某检察院")):
        type_text(dialog.inputs[name], text)
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.errors["case_number"].isVisible())
    assert "already in use" in dialog.errors["case_number"].text()
    Localization.of().set_language("zh")
    qtbot.waitUntil(lambda: "已存在" in dialog.errors["case_number"].text())
    assert dialog.windowTitle() == "新建案件"
    assert services.records.count_rows().result()["cases"] == 1
    dialog.close()


def test_persons_are_added_with_their_identity_number_checked(
        window: WorkstationWindow, qtbot: Any, services: WorkstationServices) -> None:
    add_case(services)
    window.refresh_cases()
    qtbot.waitUntil(lambda: window.cases.current is not None)
    window.add_person_action.trigger()
    dialog = window.dialog
    assert isinstance(dialog, PersonDialog)
    type_text(dialog.name, "王某某")
    dialog.identity.setFocus()
    qtbot.keyClicks(dialog.identity, MINOR_ID[:-1] + "0")
    assert dialog.errors["identity_number"].isVisible()
    assert "check digit" in dialog.errors["identity_number"].text()
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert services.records.count_rows().result()["persons"] == 0
    qtbot.keyClick(dialog.identity, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dialog.identity, MINOR_ID[-1])
    assert not dialog.errors["identity_number"].isVisible()
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.persons.table.rowCount() == 1)
    wait_idle(qtbot, window)
    table = window.persons.table
    assert table.item(0, 0).text() == "王某某"
    assert table.item(0, 1).text() == "Suspect (minor)"
    assert table.item(0, 2).text() == MINOR_ID

    window.add_person_action.trigger()
    adult = window.dialog
    type_text(adult.name, "赵红")
    adult.role.setCurrentIndex(adult.role.findData("appropriate_adult"))
    adult.acts_for.setCurrentIndex(1)
    qtbot.mouseClick(_ok(adult), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.persons.table.rowCount() == 2)
    assert window.persons.table.item(1, 3).text() == "王某某"


def test_the_service_judges_what_the_dialog_cannot(window: WorkstationWindow, qtbot: Any,
                                                    services: WorkstationServices) -> None:
    add_case(services)
    window.refresh_cases()
    qtbot.waitUntil(lambda: window.cases.current is not None)
    window.add_person_action.trigger()
    dialog = window.dialog
    type_text(dialog.name, "王某某")
    qtbot.keyClicks(dialog.identity, GOOD_ID)
    qtbot.keyClicks(dialog.birth_date, "2004-03-16")
    dialog.minor.setCurrentIndex(dialog.minor.findData(True))
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.errors["birth_date"].isVisible())
    assert "2004-03-15" in dialog.errors["birth_date"].text()
    assert dialog.errors["minor"].isVisible()
    assert services.records.count_rows().result()["persons"] == 0
    dialog.close()


def test_identity_problems_name_the_mistake() -> None:
    today = T0.date()
    assert identity_problem(GOOD_ID, today) is None
    assert identity_problem(X_ID, today) is None and identity_problem(X_ID.lower(), today) is None
    assert "check digit" in identity_problem(BAD_ID, today)
    assert "18 characters" in identity_problem("12345", today)
    assert "province" in identity_problem("990108200403151235", today)
    assert "birth date" in identity_problem("500108200413151235", today)
