"""QApplication set-up shared by every window: the shipped CJK font, language, event loop."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMainWindow

from app.settings import Settings
from records.fonts import FONT_FAMILY, FontError, cjk_font_path

__all__ = ["ensure_application", "install_font", "run_window"]

log = logging.getLogger(__name__)


def install_font(app: QApplication) -> str | None:
    """Register the shipped CJK font and make it the application font; return its family."""
    try:
        path = cjk_font_path()
    except FontError as exc:
        log.error("shipped font unavailable, Chinese text may not render: %s", exc)
        return None
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.error("Qt could not load the shipped font %s", path)
        return None
    font = QFont(families[0])
    font.setPointSizeF(max(app.font().pointSizeF(), 10.0))
    app.setFont(font)
    return families[0]


def ensure_application(argv: list[str] | None = None) -> QApplication:
    """The one QApplication of this process, created and set up on first call."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
        app.setApplicationName("Inkseal")
        app.setOrganizationName("Inkseal")
        install_font(app)
    return app  # type: ignore[return-value]


def run_window(settings: Settings, window_class: Callable[[Settings], QMainWindow]) -> int:
    """Show one role's window and run the event loop until it closes."""
    app = ensure_application()
    window = window_class(settings)
    window.show()
    log.info("%s shown (font %s)", type(window).__name__, FONT_FAMILY)
    return app.exec()
