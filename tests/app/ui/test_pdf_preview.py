"""The PDF preview: pages drawn on white, page count, thumbnails, refusal of a bad file."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor

from app.ui.pdf_preview import PdfPreview
from records.render import RenderRequest, render_record, signatory_lines
from records.templates import load_templates
from tests.app.ui.conftest import T0


@pytest.fixture(scope="module")
def transcript_pdf() -> tuple[bytes, int]:
    template = load_templates()["interrogation_transcript"]
    values = template.example_values()
    rendered = render_record(RenderRequest(template, values, "TEST", 0, "zh", T0,
                                           signatory_lines(template, values)))
    return rendered.pdf, rendered.pages


def test_a_pdf_is_shown_with_its_pages_and_thumbnails(
        qtbot: Any, transcript_pdf: tuple[bytes, int]) -> None:
    pdf, pages = transcript_pdf
    preview = PdfPreview()
    qtbot.addWidget(preview)
    preview.resize(700, 800)
    preview.show()
    qtbot.waitExposed(preview)
    assert preview.page_count == 0 and preview.stack.currentIndex() == 0
    with qtbot.waitSignal(preview.loaded) as loaded:
        assert preview.show_pdf(pdf, "讯问笔录")
    assert loaded.args == [pages] and preview.page_count == pages > 1
    assert preview.thumbnails.count() == pages
    assert preview.pages_label.text() == f"{pages} page(s)"
    preview.thumbnails.setCurrentRow(pages - 1)
    qtbot.waitUntil(lambda: preview.view.pageNavigator().currentPage() == pages - 1)
    preview.clear()
    assert preview.page_count == 0 and preview.thumbnails.count() == 0


def test_pages_are_composited_onto_white(qtbot: Any,
                                         transcript_pdf: tuple[bytes, int]) -> None:
    preview = PdfPreview()
    qtbot.addWidget(preview)
    preview.show_pdf(transcript_pdf[0], "x")
    raw = preview.document.render(0, QSize(200, 283))
    assert raw.pixelColor(0, 0).alpha() == 0  # QtPdf leaves the background transparent
    page = preview.page_image(0, 200)
    assert page.pixelColor(0, 0) == QColor("white")
    dark = sum(1 for y in range(0, page.height(), 2) for x in range(0, page.width(), 2)
               if page.pixelColor(x, y).lightness() < 128)
    assert dark > 50  # the text is there


def test_bytes_that_are_not_a_pdf_are_refused_with_a_message(qtbot: Any) -> None:
    preview = PdfPreview()
    qtbot.addWidget(preview)
    assert preview.show_pdf(b"%PDF-1.7 this is not a PDF", "broken") is False
    assert preview.page_count == 0 and preview.stack.currentIndex() == 0
    assert "cannot be shown" in preview.placeholder.text()
