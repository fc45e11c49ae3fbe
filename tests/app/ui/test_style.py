"""The shared look: the shipped font everywhere, large type for the kiosk, role-keyed styles."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication, QLineEdit

from app.ui.style import BASE_POINT_SIZE, LARGE_TYPE_FACTOR, apply_style, mark_invalid
from app.ui.workstation import WorkstationWindow
from records.fonts import FONT_FAMILY


def test_large_type_scales_the_shipped_font_and_back(window: WorkstationWindow,
                                                     qtbot: Any) -> None:
    app = QApplication.instance()
    label_height = window.cases.heading.sizeHint().height()
    window.large_type_action.trigger()
    try:
        assert app.font().family() == FONT_FAMILY
        assert app.font().pointSizeF() == BASE_POINT_SIZE * LARGE_TYPE_FACTOR
        qtbot.waitUntil(lambda: window.cases.heading.sizeHint().height() > label_height)
    finally:
        window.large_type_action.trigger()
    assert app.font().pointSizeF() == BASE_POINT_SIZE


def test_an_invalid_input_is_outlined_until_fixed(qtbot: Any) -> None:
    line = QLineEdit()
    qtbot.addWidget(line)
    mark_invalid(line, True)
    assert line.property("invalid") is True
    mark_invalid(line, False)
    assert line.property("invalid") is False
    apply_style(QApplication.instance())  # idempotent
    assert 'role="error"' in QApplication.instance().styleSheet()
