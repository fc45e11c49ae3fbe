"""The case list and the dialog that opens a new case."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.forms.editors import wrap_with_error
from app.ui.i18n import Retranslating, current_language
from app.ui.ops import Op, OpRunner
from app.ui.style import mark_invalid, set_role
from records.errors import InvalidInput

if TYPE_CHECKING:
    from records.service import RecordService
    from records.views import CaseView

__all__ = ["CaseDialog", "CasePanel"]


class CasePanel(Retranslating, QWidget):
    """Every case, newest first; choosing one shows its persons and records."""

    case_selected = Signal(object)  # CaseView or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel(self)
        set_role(self.heading, "heading")
        self.list = QListWidget(self)
        self.list.setObjectName("case-list")
        self.heading.setBuddy(self.list)
        self.new_button = QPushButton(self)
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(self.list, 1)
        column.addWidget(self.new_button)
        self.cases: tuple[CaseView, ...] = ()
        self.list.currentRowChanged.connect(self._selected)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("&Cases"))
        self.new_button.setText(self.tr("New case…"))
        self.list.setAccessibleName(self.tr("Cases"))

    def set_cases(self, cases: Sequence[CaseView], select: str | None = None) -> None:
        """Show ``cases``; keep (or move to) the case with id ``select``."""
        keep = select or (self.current.id if self.current else None)
        self.cases = tuple(cases)
        self.list.blockSignals(True)
        self.list.clear()
        for case in self.cases:
            item = QListWidgetItem(f"{case.case_number}\n{case.title}")
            item.setData(Qt.ItemDataRole.UserRole, case.id)
            item.setToolTip(f"{case.agency}\n{case.cause}".strip())
            self.list.addItem(item)
        rows = [i for i, case in enumerate(self.cases) if case.id == keep]
        self.list.setCurrentRow(rows[0] if rows else (0 if self.cases else -1))
        self.list.blockSignals(False)
        self._selected(self.list.currentRow())

    def replace(self, case: CaseView) -> None:
        """A fresher view of one listed case (after a person was added)."""
        self.cases = tuple(case if c.id == case.id else c for c in self.cases)
        if self.current is not None and self.current.id == case.id:
            self.case_selected.emit(case)

    @property
    def current(self) -> CaseView | None:
        row = self.list.currentRow()
        return self.cases[row] if 0 <= row < len(self.cases) else None

    def _selected(self, row: int) -> None:
        self.case_selected.emit(self.current)


class CaseDialog(Retranslating, QDialog):
    """Case number, title, agency and cause of a new case; the record service has the last
    word (a number already in use, too long, a character the record font lacks)."""

    created = Signal(object)  # CaseView

    def __init__(self, records: RecordService, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("case-dialog")
        self.records = records
        form = QFormLayout()
        self.inputs: dict[str, QLineEdit] = {}
        self.labels: dict[str, QLabel] = {}
        self.errors: dict[str, QLabel] = {}
        for name in ("case_number", "title", "agency", "cause"):
            line = QLineEdit(self)
            cell, error = wrap_with_error(line, self)
            label = QLabel(self)
            label.setBuddy(line)
            form.addRow(label, cell)
            self.inputs[name], self.labels[name], self.errors[name] = line, label, error
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(self.buttons)
        self._problems: Sequence[tuple[str, Callable[[], str]]] = ()
        self.retranslate()
        self.resize(520, self.sizeHint().height())

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("New case"))
        texts = {"case_number": self.tr("Case &number *"), "title": self.tr("&Title *"),
                 "agency": self.tr("&Agency *"), "cause": self.tr("C&ause")}
        for name, text in texts.items():
            self.labels[name].setText(text)
        self.inputs["case_number"].setPlaceholderText(
            "渝南检刑捕受〔2020〕12号")  # untranslated: a case number is Chinese in both languages
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Create case"))
        self._render()

    def values(self) -> dict[str, str]:
        return {name: line.text() for name, line in self.inputs.items()}

    def submit(self) -> None:
        """Check what can be checked here, then ask the record service to open the case."""
        values = self.values()
        missing = [n for n in ("case_number", "title", "agency") if not values[n].strip()]
        if missing:
            self._problems = [(n, lambda: self.tr("Required")) for n in missing]
            self._render()
            self.inputs[missing[0]].setFocus()
            return
        self.buttons.setEnabled(False)
        records = self.records
        Op(self, lambda progress: records.create_case(
            values["case_number"], values["title"], values["agency"], values["cause"]).result(),
           self._created).failure(self._failed).with_progress(self.tr("Opening the case…")).run()

    def _created(self, case: CaseView) -> None:
        self.created.emit(case)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(error, InvalidInput):
            self._problems = [(p.field, lambda p=p: p.en if current_language() == "en" else p.zh)
                              for p in error.problems]
            self._render()
            bad = [n for n, _ in self._problems if n in self.inputs]
            if bad:
                self.inputs[bad[0]].setFocus()
        else:
            OpRunner.of(self).reporter.report(self, error)

    def _render(self) -> None:
        for name, line in self.inputs.items():
            texts = [text() for field, text in self._problems if field == name]
            self.errors[name].setText("\n".join(texts))
            self.errors[name].setVisible(bool(texts))
            mark_invalid(line, bool(texts))
