"""A red band across the top of a screen: what went wrong, in the interface language, and
(when there is something to try again) a button for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from app.ui.i18n import Retranslating

__all__ = ["FaultBand"]


class FaultBand(Retranslating, QWidget):
    """Hidden until :meth:`show_fault`; the text is a function so it follows the language."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fault-band")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.retry_button = QPushButton(self)
        self.retry_button.setAutoDefault(False)
        self.retry_button.clicked.connect(self._retry_now)
        self.setStyleSheet("QWidget#fault-band { background: #b3261e; } "
                           "QWidget#fault-band QLabel { color: white; font-weight: 600; "
                           "padding: 6px; }")
        self.setAutoFillBackground(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        row.addWidget(self.label, 1)
        row.addWidget(self.retry_button)
        self._text: Callable[[], str] | None = None
        self._retry: Callable[[], Any] | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.retry_button.setText(self.tr("Try again"))
        self.label.setText(self._text() if self._text is not None else "")
        self.retry_button.setVisible(self._retry is not None)
        self.setVisible(self._text is not None)

    @property
    def text(self) -> str:
        """What the band says now ('' while hidden)."""
        return self.label.text() if self._text is not None else ""

    @property
    def showing(self) -> bool:
        return self._text is not None

    def show_fault(self, text: Callable[[], str], retry: Callable[[], Any] | None = None) -> None:
        """Say ``text()`` (called again on each language switch); ``retry`` offers a retry."""
        self._text, self._retry = text, retry
        self.retranslate()

    def clear(self) -> None:
        self._text = self._retry = None
        self.retranslate()

    def _retry_now(self) -> None:
        retry = self._retry
        self.clear()
        if retry is not None:
            retry()
