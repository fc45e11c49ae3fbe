"""The records of a case: what each is, in which language, and where its signing stands."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.i18n import Retranslating, current_language
from app.ui.style import set_role

if TYPE_CHECKING:
    from records.views import RecordSummary

__all__ = ["RecordPanel", "language_name", "state_name"]


def state_name(state: str) -> str:
    """A record state in the interface language."""
    names = {
        "draft": QCoreApplication.translate("RecordState", "Draft"),
        "signing": QCoreApplication.translate("RecordState", "Being signed"),
        "ready": QCoreApplication.translate("RecordState", "Ready to seal"),
        "stopped": QCoreApplication.translate("RecordState", "Stopped (refused)"),
        "sealed": QCoreApplication.translate("RecordState", "Sealed"),
    }
    return names.get(str(state), str(state))


def language_name(language: str) -> str:
    """A record language ('zh', 'en', 'zh+en') in the interface language."""
    names = {"zh": QCoreApplication.translate("RecordLanguage", "Chinese"),
             "en": QCoreApplication.translate("RecordLanguage", "English"),
             "zh+en": QCoreApplication.translate("RecordLanguage", "Chinese and English")}
    return names.get(language, language)


class RecordPanel(Retranslating, QWidget):
    """Records of the selected case, newest first."""

    open_requested = Signal(str)  # record id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel(self)
        set_role(self.heading, "heading")
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("record-table")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setTabKeyNavigation(False)
        self.table.activated.connect(lambda index: self._open_row(index.row()))
        self.heading.setBuddy(self.table)
        self.new_button = QPushButton(self)
        self.open_button = QPushButton(self)
        self.open_button.clicked.connect(lambda: self._open_row(self.table.currentRow()))
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(self.table, 1)
        column.addLayout(buttons)
        self.records: tuple[RecordSummary, ...] = ()
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("&Records of the case"))
        self.new_button.setText(self.tr("New record…"))
        self.open_button.setText(self.tr("Open"))
        self.table.setHorizontalHeaderLabels([self.tr("Record"), self.tr("Language"),
                                              self.tr("State"), self.tr("Revision")])
        self.table.setAccessibleName(self.tr("Records of the case"))
        self._fill()

    def set_records(self, records: Sequence[RecordSummary], select: str | None = None) -> None:
        self.records = tuple(records)
        self._fill()
        rows = [i for i, r in enumerate(self.records) if r.id == select]
        if rows:
            self.table.selectRow(rows[0])
        self._update_buttons()

    def _fill(self) -> None:
        language = current_language()
        self.table.setRowCount(len(self.records))
        for row, record in enumerate(self.records):
            title = record.title_en if language == "en" else record.title_zh
            cells = (title, language_name(record.language), state_name(record.state),
                     str(record.head_revision))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, record.id)
                item.setToolTip(self.tr("Created {0}").format(
                    record.created_at.strftime("%Y-%m-%d %H:%M")))
                self.table.setItem(row, column, item)

    @property
    def current(self) -> RecordSummary | None:
        row = self.table.currentRow()
        selected = self.table.selectionModel().hasSelection()
        return self.records[row] if selected and 0 <= row < len(self.records) else None

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.current is not None)

    def _open_row(self, row: int) -> None:
        if 0 <= row < len(self.records):
            self.open_requested.emit(self.records[row].id)
