"""Refusing to sign: a reason is required and is logged word for word.

The signatory (or whoever writes for them) picks one of the usual reasons and may add to it;
the text as shown, in the interface language, is what the station logs and the record keeps.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.i18n import Retranslating
from app.ui.style import set_role
from records.signing import MAX_REFUSAL_REASON

__all__ = ["RefusalDialog"]


class RefusalDialog(Retranslating, QDialog):
    """Asks why; :attr:`reason` is the text to log once accepted."""

    def __init__(self, signatory: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("refusal-dialog")
        self.signatory = signatory
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        set_role(self.heading, "heading")
        self.choices = QListWidget(self)
        self.choices.setMaximumHeight(160)
        self.detail_label = QLabel(self)
        self.detail = QPlainTextEdit(self)
        self.detail.setTabChangesFocus(True)
        self.detail_label.setBuddy(self.detail)
        self.buttons = QDialogButtonBox(self)
        self.refuse_button: QPushButton = self.buttons.addButton(
            "", QDialogButtonBox.ButtonRole.AcceptRole)
        self.back_button: QPushButton = self.buttons.addButton(
            "", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(self.choices)
        column.addWidget(self.detail_label)
        column.addWidget(self.detail, 1)
        column.addWidget(self.buttons)
        # A reason counts once it is chosen (selected), not when the list merely takes the
        # focus and Qt makes its first row current: nobody refuses by pressing Tab.
        self.choices.itemSelectionChanged.connect(self._update)
        self.detail.textChanged.connect(self._update)
        self.retranslate()
        self.resize(620, 460)

    def _presets(self) -> list[str]:
        return [self.tr("I do not agree with what the record says"),
                self.tr("I cannot read the record"),
                self.tr("I want to consult a lawyer first"),
                self.tr("Another reason (write it below)")]

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Refuse to sign"))
        self.heading.setText(self.tr("{0} refuses to sign. Why? The reason is recorded "
                                     "exactly as written here.").format(self.signatory))
        row = self._chosen_row()
        self.choices.clear()
        for text in self._presets():
            self.choices.addItem(text)
        if row >= 0:
            self.choices.setCurrentRow(row)
        self.choices.setAccessibleName(self.tr("Reason"))
        self.detail_label.setText(self.tr("&In your own words:"))
        self.refuse_button.setText(self.tr("Record the refusal"))
        self.back_button.setText(self.tr("Back"))
        self._update()

    @property
    def reason(self) -> str:
        """The reason as it will be logged (the chosen line, then the words added)."""
        row = self._chosen_row()
        presets = self._presets()
        chosen = presets[row] if 0 <= row < len(presets) - 1 else ""
        detail = self.detail.toPlainText().strip()
        text = "：".join(p for p in (chosen, detail) if p) if chosen and detail and \
            any("\u4e00" <= c <= "\u9fff" for c in chosen) else \
            ": ".join(p for p in (chosen, detail) if p)
        return text[:MAX_REFUSAL_REASON]

    def _chosen_row(self) -> int:
        rows = self.choices.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def _update(self) -> None:
        self.refuse_button.setEnabled(bool(self.reason))

    def keyPressEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.reason:
            return  # no reason yet: Enter must not record an empty refusal
        super().keyPressEvent(event)
