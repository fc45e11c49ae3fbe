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
