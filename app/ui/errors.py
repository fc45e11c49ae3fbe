"""Where an operation's error ends up when nobody handles it: the log (with its traceback) and
one dialog with the message in the interface language.

Domain errors carry their own Chinese and English text (``RecordError.message(language)``,
``FieldError.message``); anything else is a fault of ours, shown as such with the log file's
path so that a user can send it to whoever supports the site.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from app.ui.i18n import current_language
from records.errors import RecordError
from records.fields import FieldValidationError

__all__ = ["ErrorReporter", "describe_error"]

log = logging.getLogger(__name__)


def describe_error(error: BaseException, language: str) -> tuple[str, str | None]:
    """The message for people and the machine-readable reason (None for our own faults)."""
    if isinstance(error, RecordError):
        return error.message(language), error.reason
    if isinstance(error, FieldValidationError):
        return "\n".join(e.message.get(language) for e in error.errors), error.reason
    reason = getattr(error, "reason", None)
    if isinstance(reason, str):
        # A typed error of another layer (a template, the renderer): its text is English.
        return str(error), reason
    return "", None


class ErrorReporter(QObject):
    """Logs an error with its traceback and shows it in a window-modal message box."""

    reported = Signal(str)  # the text shown, for tests and a status line

    def __init__(self, log_path: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._log_path = log_path

    def report(self, parent: QWidget | None, error: BaseException) -> QMessageBox:
        """Log ``error`` and show it; returns the (non-blocking) message box."""
        log.error("operation failed: %s", error,
                  exc_info=(type(error), error, error.__traceback__))
        message, reason = describe_error(error, current_language())
        if reason is None:
            where = str(self._log_path) if self._log_path else self.tr("the console")
            message = self.tr("Something went wrong that Inkseal did not expect:\n{0}\n\n"
                              "The details are in {1}.").format(
                f"{type(error).__name__}: {error}", where)
            title = self.tr("Unexpected error")
        else:
            title = self.tr("The operation could not be completed")
            message = self.tr("{0}\n\n(reason: {1})").format(message, reason)
        box = QMessageBox(QMessageBox.Icon.Critical, title, message,
                          QMessageBox.StandardButton.Ok, parent)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setObjectName("inkseal-error")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.open()  # never exec(): a modal loop inside a callback would stall the caller
        self.reported.emit(message)
        return box
