"""Screenshots of the main screens in both languages: saved as PNG files (look at them), every
visible character drawable by the shipped font, and real drawing in every picture."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QWidget

from app.ui.i18n import Localization
from app.ui.services import WorkstationServices
from app.ui.workstation import WorkstationWindow
from app.ui.workstation.cases import CaseDialog
from app.ui.workstation.persons import PersonDialog
from records.fonts import FONT_FAMILY
from tests.app.ui.conftest import type_text, wait_idle
from tests.app.ui.screens import distinct_colours, glyph_problems, ink_fraction
from tests.app.ui.test_workstation_drafting import enrol, open_draft

TEMPLATE = "interrogation_transcript"


def shoot(widget: QWidget, path: Path, qtbot: Any, *, least: tuple[int, int] = (300, 200)
          ) -> None:
    """Save ``widget`` as PNG after checking its texts and its pixels (at least ``least``
    pixels wide and high: a progress dialog is smaller than a window)."""
    QApplication.processEvents()
    assert glyph_problems(widget) == []
    image = widget.grab().toImage()
    assert image.width() > least[0] and image.height() > least[1]
    assert distinct_colours(image) > 8, "a flat picture: nothing was drawn"
    assert 0.001 < ink_fraction(image) < 0.5
    assert image.save(str(path))


def pdf_painted(window_part: QWidget) -> bool:
    return ink_fraction(window_part.grab().toImage()) > 0.002


@pytest.mark.parametrize("language", ["zh", "en"])
def test_main_screens(window: WorkstationWindow, qtbot: Any, services: WorkstationServices,
                      tmp_path: Path, language: str) -> None:
    assert QApplication.font().family() == FONT_FAMILY
    Localization.of().set_language(language)
    template = services.templates[TEMPLATE]
    case_id = enrol(services, template, language)

    draft = open_draft(window, qtbot, case_id, TEMPLATE, language)
    draft.fill(template.example_values(language))
    draft.preview_button.click()
    qtbot.waitUntil(lambda: draft.last_preview is not None, timeout=20_000)
    qtbot.waitUntil(lambda: pdf_painted(draft.preview_pane.view), timeout=10_000)
    shoot(draft, tmp_path / f"draft-{language}.png", qtbot)

    draft.fill({"suspect_id_number": "500108200403151234", "start_time": "2020-02-10 25:00",
                "transcript": []})
    draft.save_button.click()
    qtbot.waitUntil(lambda: bool(draft.form.errors), timeout=20_000)
    shoot(draft, tmp_path / f"draft-errors-{language}.png", qtbot)
    draft.fill(template.example_values(language))
    draft.save_button.click()
    qtbot.waitUntil(lambda: window.open_record is not None, timeout=20_000)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: pdf_painted(window.preview.view), timeout=10_000)
    shoot(window, tmp_path / f"workstation-{language}.png", qtbot)

    window.new_case_action.trigger()
    case_dialog = window.dialog
    assert isinstance(case_dialog, CaseDialog)
    type_text(case_dialog.inputs["title"], "某案")
    case_dialog.submit()
    shoot(case_dialog, tmp_path / f"case-dialog-{language}.png", qtbot)
    case_dialog.close()

    window.add_person_action.trigger()
    person_dialog = window.dialog
    assert isinstance(person_dialog, PersonDialog)
    type_text(person_dialog.name, "李四")
    qtbot.keyClicks(person_dialog.identity, "500108200403151234")
    shoot(person_dialog, tmp_path / f"person-dialog-{language}.png", qtbot)
    person_dialog.close()

    window.new_record_action.trigger()
    shoot(window.dialog, tmp_path / f"template-dialog-{language}.png", qtbot)
    window.dialog.close()
    print(f"screenshots in {tmp_path}")
