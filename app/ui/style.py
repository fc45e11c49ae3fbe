"""The shared look: Fusion style, a light palette, a short style sheet keyed on roles, and a
large-type mode for the detention-room kiosk (read at arm's length, touched with a finger).

Widgets never hard-code colours: they set a ``role`` property (``error``, ``hint``,
``heading``, ``state``) or ``invalid`` on an input, and the style sheet does the rest.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

__all__ = ["BASE_POINT_SIZE", "LARGE_TYPE_FACTOR", "apply_style", "mark_invalid", "set_role"]

BASE_POINT_SIZE = 10.0
LARGE_TYPE_FACTOR = 1.6

ERROR = "#b3261e"
HINT = "#5b6270"
ACCENT = "#1f5fa8"

_SHEET = f"""
QLabel[role="error"] {{ color: {ERROR}; }}
QLabel[role="hint"] {{ color: {HINT}; }}
QLabel[role="heading"] {{ font-weight: 600; }}
QLabel[role="placeholder"] {{ color: {HINT}; padding: 12px; }}
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"], QComboBox[invalid="true"],
QDateEdit[invalid="true"], QDateTimeEdit[invalid="true"] {{ border: 1px solid {ERROR}; }}
QGroupBox {{ font-weight: 600; }}
QGroupBox QLabel, QGroupBox QCheckBox, QGroupBox QTableWidget {{ font-weight: normal; }}
"""


def _palette() -> QPalette:
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#f3f4f6",
        QPalette.ColorRole.Base: "#ffffff",
        QPalette.ColorRole.AlternateBase: "#f7f8fa",
        QPalette.ColorRole.Text: "#1b1f24",
        QPalette.ColorRole.WindowText: "#1b1f24",
        QPalette.ColorRole.Button: "#e9ebef",
        QPalette.ColorRole.ButtonText: "#1b1f24",
        QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#fffbe6",
        QPalette.ColorRole.ToolTipText: "#1b1f24",
        QPalette.ColorRole.PlaceholderText: "#8a909a",
        QPalette.ColorRole.Link: ACCENT,
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#9aa0a8"))
    return palette


def apply_style(app: QApplication, *, large_type: bool = False) -> None:
    """Fusion, our palette and style sheet; ``large_type`` scales every font for the kiosk."""
    fusion = QStyleFactory.create("Fusion")
    if fusion is not None:
        app.setStyle(fusion)
    app.setPalette(_palette())
    font = QFont(app.font())
    font.setPointSizeF(BASE_POINT_SIZE * (LARGE_TYPE_FACTOR if large_type else 1.0))
    app.setFont(font)
    app.setStyleSheet(_SHEET)


def set_role(widget: QWidget, role: str) -> None:
    """Give ``widget`` a style role (error, hint, heading, placeholder)."""
    widget.setProperty("role", role)
    _repolish(widget)


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    """Outline an input in red while its value is refused."""
    if bool(widget.property("invalid")) != invalid:
        widget.setProperty("invalid", invalid)
        _repolish(widget)


def _repolish(widget: QWidget) -> None:
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
