"""QApplication set-up shared by every window: the shipped CJK font, the look, the language,
the event loop."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from types import TracebackType

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMainWindow

from app.settings import Settings
from app.ui.i18n import Localization
from app.ui.style import apply_style
from records.fonts import FONT_FAMILY, FontError, cjk_font_path

__all__ = ["PROBE_VARIABLE", "ensure_application", "install_font", "prepare_application", "run_window"]

log = logging.getLogger(__name__)

#: Set to 1 to print when the first window is exposed (and ready), then quit: bench/startup.py.
PROBE_VARIABLE = "INKSEAL_STARTUP_PROBE"


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


def prepare_application(app: QApplication, *, language: str = "zh",
                        large_type: bool = False) -> None:
    """Font, look and interface language of ``app`` (safe to call again to change them)."""
    install_font(app)
    apply_style(app, large_type=large_type)
    Localization.of(app).set_language(language)


def ensure_application(argv: list[str] | None = None, *, language: str | None = None,
                       large_type: bool = False) -> QApplication:
    """The one QApplication of this process, created and set up on first call; with
    ``language``, switch the interface to it."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
        app.setApplicationName("Inkseal")
        app.setOrganizationName("Inkseal")
        prepare_application(app, language=language or "zh", large_type=large_type)
    elif language is not None:
        Localization.of(app).set_language(language)
    return app  # type: ignore[return-value]


def _log_uncaught(kind: type[BaseException], error: BaseException,
                  trace: TracebackType | None) -> None:
    # A fault in a slot must reach the log file, not only a console nobody watches.
    log.critical("uncaught error in the user interface", exc_info=(kind, error, trace))


def run_window(settings: Settings, window_class: Callable[[Settings], QMainWindow]) -> int:
    """Show one role's window and run the event loop until it closes."""
    app = ensure_application(language=settings.language)
    sys.excepthook = _log_uncaught
    window = window_class(settings)
    probe = None
    if os.environ.get(PROBE_VARIABLE) == "1":
        from app.ui.probe import StartupProbe

        probe = StartupProbe(window, app)
    window.show()
    log.info("%s shown (font %s, language %s)", type(window).__name__, FONT_FAMILY,
             settings.language)
    code = app.exec()
    del probe
    return code
