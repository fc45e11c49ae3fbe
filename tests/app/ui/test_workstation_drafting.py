"""Drafting through the workstation window: every template, in both languages, from its
example values; the preview and the saved record show the right PDF; bad values and missing
signatories are reported where they belong and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app.ui.i18n import Localization
from app.ui.services import WorkstationServices
from app.ui.workstation import WorkstationWindow
from app.ui.workstation.draft import DraftDialog
from app.ui.workstation.template_choice import TemplateDialog
from records.templates import Template, load_templates
from tests.app.ui.conftest import add_case, wait_idle

TEMPLATE_IDS = sorted(load_templates())


def enrol(services: WorkstationServices, template: Template, language: str) -> str:
    """A case with one person for every signatory the example values call for."""
    values = template.example_values(language)

    def persons(case_id: str) -> None:
        for spec in template.active_signatories(values):
            services.records.add_person(case_id, values[spec.name_field], spec.role).result()

    return add_case(services, persons=persons)


def open_draft(window: WorkstationWindow, qtbot: Any, case_id: str, template_id: str,
               language: str) -> DraftDialog:
    window.refresh_cases(select=case_id)
    qtbot.waitUntil(lambda: window.cases.current is not None
                    and window.cases.current.id == case_id)
    wait_idle(qtbot, window)
    window.new_record_action.trigger()
    chooser = window.dialog
    assert isinstance(chooser, TemplateDialog)
    chooser.choose(template_id, language)
    qtbot.mouseClick(chooser.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(window.dialog, DraftDialog))
    return window.dialog  # type: ignore[return-value]


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("template_id", TEMPLATE_IDS)
def test_every_template_is_drafted_previewed_and_saved(
        window: WorkstationWindow, qtbot: Any, services: WorkstationServices,
        template_id: str, language: str) -> None:
    Localization.of().set_language(language)
    template = services.templates[template_id]
    case_id = enrol(services, template, language)
    dialog = open_draft(window, qtbot, case_id, template_id, language)
    assert dialog.windowTitle().endswith(template.title.get(language))
    dialog.fill(template.example_values(language))

    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.last_preview is not None, timeout=20_000)
    assert dialog.preview_pane.page_count == dialog.last_preview.pages >= 1
    assert dialog.form.errors == ()
    assert services.records.count_rows().result()["records"] == 0  # a preview writes nothing

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.open_record is not None, timeout=20_000)
    wait_idle(qtbot, window)
    [summary] = services.records.list_records(case_id).result()
    assert summary.template_id == template_id and summary.language == language
    record = window.open_record
    assert record.id == summary.id
    assert window.preview.page_count == record.head.pages
    assert window.records.table.rowCount() == 1
    assert window.records.table.item(0, 0).text() == template.title.get(language)
    assert window.records.table.item(0, 2).text() == ("Draft" if language == "en" else "草稿")
    expected = [s.role.value for s in template.active_signatories(
        template.example_values(language))]
    assert [s.role for s in record.head.signatories] == expected


def test_bad_values_are_shown_under_their_fields_and_nothing_is_written(
        window: WorkstationWindow, qtbot: Any, services: WorkstationServices) -> None:
    template = services.templates["interrogation_transcript"]
    case_id = enrol(services, template, "en")
    dialog = open_draft(window, qtbot, case_id, template.id, "en")
    dialog.fill({**template.example_values("en"), "suspect_id_number": "500108200403151234",
                 "end_time": "2020-02-10 08:00", "transcript": [], "session": ""})
    before = services.records.count_rows().result()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.form.errors), timeout=20_000)
    bad = {e.field: e.code for e in dialog.form.errors}
    assert bad == {"suspect_id_number": "id_check_digit", "end_time": "out_of_order",
                   "transcript": "required", "session": "required"}
    assert "check digit" in dialog.form.error_labels["suspect_id_number"].text()
    assert "4 field(s) need attention" in dialog.status.text()
    assert services.records.count_rows().result() == before
    assert not (services.blobs.root / "sha256").exists()  # no PDF was stored either
    Localization.of().set_language("zh")
    qtbot.waitUntil(lambda: "校验码错误" in dialog.form.error_labels["suspect_id_number"].text())
    assert "有 4 个字段需要修改" in dialog.status.text()
    dialog.close()


def test_a_signatory_without_a_person_is_named_on_its_row(
        window: WorkstationWindow, qtbot: Any, services: WorkstationServices) -> None:
    template = services.templates["interrogation_transcript"]

    def without_recorder(case_id: str) -> None:
        for name, role in (("李明", "prosecutor"), ("王某某", "suspect"),
                           ("赵红", "appropriate_adult")):
            services.records.add_person(case_id, name, role).result()

    case_id = add_case(services, persons=without_recorder)
    dialog = open_draft(window, qtbot, case_id, template.id, "zh")
    dialog.fill(template.example_values("zh"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    rows = {row.spec.role.value: row for row in dialog.signatories.rows}
    qtbot.waitUntil(lambda: rows["recorder"].error.isVisibleTo(dialog), timeout=20_000)
    assert "has no recorder" in rows["recorder"].error.text()
    assert not rows["suspect"].error.isVisibleTo(dialog)
    assert services.records.count_rows().result()["records"] == 0
    dialog.close()


def test_an_added_signatory_signs_where_the_prosecutor_chose(
        window: WorkstationWindow, qtbot: Any, services: WorkstationServices) -> None:
    template = services.templates["rights_obligations_notice"]
    values = template.example_values("zh")
    case_id = enrol(services, template, "zh")
    interpreter = services.records.add_person(case_id, "钱多多", "interpreter").result()
    dialog = open_draft(window, qtbot, case_id, template.id, "zh")
    dialog.fill({**values, "interpreter_name": "钱多多"})
    rows = {row.spec.role.value: row for row in dialog.signatories.rows}
    assert rows["interpreter"].signs.isChecked()  # named in the record, so they sign
    rows["interpreter"].person.setCurrentIndex(rows["interpreter"].person.findData(
        interpreter.id))
    rows["suspect"].station.setCurrentIndex(rows["suspect"].station.findData("workstation"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.open_record is not None, timeout=20_000)
    wait_idle(qtbot, window)
    signed = {(s.role, s.name, s.station) for s in window.open_record.head.signatories}
    assert ("interpreter", "钱多多", "terminal") in signed
    assert ("suspect", values["suspect_name"], "workstation") in signed


def test_reopening_a_record_shows_its_pdf(window: WorkstationWindow, qtbot: Any,
                                          services: WorkstationServices) -> None:
    template = services.templates["plea_agreement"]
    case_id = enrol(services, template, "zh")
    record = services.records.draft_record(case_id, template.id,
                                           template.example_values("zh")).result()
    window.refresh_cases(select=case_id)
    qtbot.waitUntil(lambda: window.records.table.rowCount() == 1)
    wait_idle(qtbot, window)
    assert window.preview.page_count == 0
    window.activateWindow()
    qtbot.waitActive(window)
    window.records.table.setFocus()
    window.records.table.setCurrentCell(0, 0)
    qtbot.keyClick(window.records.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.open_record is not None, timeout=20_000)
    assert window.open_record.id == record.id
    assert window.preview.page_count == record.head.pages
    assert window.preview.title.text().startswith(template.title.en)
