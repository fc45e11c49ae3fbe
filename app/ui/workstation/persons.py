"""The persons of a case (suspect, appropriate adult, lawyer, interpreter, ...) and the dialog
that adds one, checking the resident identity number as it is typed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.forms.editors import wrap_with_error
from app.ui.i18n import Retranslating, current_language
from app.ui.ops import Op, OpRunner
from app.ui.style import mark_invalid, set_role
from records.errors import InvalidInput
from records.fields import check_resident_id
from records.templates import ROLE_NAMES, Role

if TYPE_CHECKING:
    from records.service import RecordService
    from records.views import CaseView, PersonView

__all__ = ["PersonDialog", "PersonPanel", "identity_problem", "role_name"]


def role_name(role: str) -> str:
    """A role in the interface language (the raw value for a role we do not know)."""
    try:
        return ROLE_NAMES[Role(role)].get(current_language())
    except ValueError:
        return role


def identity_problem(number: str, today: date) -> str | None:
    """Why ``number`` is not a valid resident identity number, in the interface language."""
    try:
        check_resident_id(number, today)
    except ValueError as exc:
        code = str(exc).partition(":")[0]
        texts = {
            "id_format": QCoreApplication.translate(
                "Identity", "18 characters are needed: 17 digits, then a digit or X"),
            "id_region": QCoreApplication.translate(
                "Identity", "The first two digits are not a province code"),
            "id_birth_date": QCoreApplication.translate(
                "Identity", "Digits 7 to 14 are not a plausible birth date"),
            "id_check_digit": QCoreApplication.translate(
                "Identity", "The check digit is wrong: the number is mistyped"),
        }
        return texts.get(code, QCoreApplication.translate(
            "Identity", "Not a valid resident identity number"))
    return None


class PersonPanel(Retranslating, QWidget):
    """The persons of the selected case."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel(self)
        set_role(self.heading, "heading")
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("person-table")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setTabKeyNavigation(False)
        self.heading.setBuddy(self.table)
        self.add_button = QPushButton(self)
        column = QVBoxLayout(self)
        column.addWidget(self.heading)
        column.addWidget(self.table, 1)
        column.addWidget(self.add_button)
        self.persons: tuple[PersonView, ...] = ()
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("&Persons of the case"))
        self.add_button.setText(self.tr("Add person…"))
        self.table.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Role"),
                                              self.tr("Identity number"), self.tr("Assists")])
        self.table.setAccessibleName(self.tr("Persons of the case"))
        self._fill()

    def set_persons(self, persons: Sequence[PersonView]) -> None:
        self.persons = tuple(persons)
        self._fill()

    def _fill(self) -> None:
        names = {p.id: p.name for p in self.persons}
        self.table.setRowCount(len(self.persons))
        for row, person in enumerate(self.persons):
            role = role_name(person.role)
            if person.minor:
                role = self.tr("{0} (minor)").format(role)
            cells = (person.name, role, person.identity_number or "",
                     names.get(person.acts_for_id or "", ""))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))


class PersonDialog(Retranslating, QDialog):
    """Adds one person to a case."""

    added = Signal(object)  # PersonView

    def __init__(self, records: RecordService, case: CaseView, parent: QWidget,
                 today: date | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("person-dialog")
        self.records, self.case = records, case
        self.today = today or date.today()
        self.name = QLineEdit(self)
        self.role = QComboBox(self)
        for role in Role:
            self.role.addItem("", role.value)
        self.role.setCurrentIndex(self.role.findData(Role.SUSPECT.value))
        self.identity = QLineEdit(self)
        self.identity.setMaxLength(18)
        self.birth_date = QLineEdit(self)
        self.minor = QComboBox(self)
        for value in (None, True, False):
            self.minor.addItem("", value)
        self.acts_for = QComboBox(self)
        self.acts_for.addItem("", None)
        for person in case.persons:
            self.acts_for.addItem("", person.id)
        form = QFormLayout()
        self.labels: dict[str, QLabel] = {}
        self.errors: dict[str, QLabel] = {}
        self.inputs: dict[str, QWidget] = {
            "name": self.name, "role": self.role, "identity_number": self.identity,
            "birth_date": self.birth_date, "minor": self.minor, "acts_for": self.acts_for}
        for key, widget in self.inputs.items():
            cell, error = wrap_with_error(widget, self)
            label = QLabel(self)
            label.setBuddy(widget)
            form.addRow(label, cell)
            self.labels[key], self.errors[key] = label, error
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(self.buttons)
        self.identity.textEdited.connect(self._check_identity)
        self._problems: dict[str, Any] = {}
        self.retranslate()
        self.resize(520, self.sizeHint().height())

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Add a person to case {0}").format(self.case.case_number))
        texts = {"name": self.tr("&Name *"), "role": self.tr("&Role *"),
                 "identity_number": self.tr("&Identity number"),
                 "birth_date": self.tr("&Date of birth"), "minor": self.tr("&Minor"),
                 "acts_for": self.tr("A&ssists")}
        for key, text in texts.items():
            self.labels[key].setText(text)
        for index in range(self.role.count()):
            self.role.setItemText(index, role_name(self.role.itemData(index)))
        self.minor.setItemText(0, self.tr("From the date of birth"))
        self.minor.setItemText(1, self.tr("Yes"))
        self.minor.setItemText(2, self.tr("No"))
        self.acts_for.setItemText(0, self.tr("— nobody —"))
        for index, person in enumerate(self.case.persons, start=1):
            self.acts_for.setItemText(index, self.tr("{0} ({1})").format(person.name,
                                                                          role_name(person.role)))
        self.identity.setPlaceholderText(self.tr("18 characters, the last may be X"))
        self.birth_date.setPlaceholderText(self.tr("YYYY-MM-DD (taken from the identity "
                                                   "number when empty)"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Add person"))
        self._render()

    def _check_identity(self, text: str) -> None:
        # Judge a number once it is complete; while typing, only clear an old complaint.
        self._problems.pop("identity_number", None)
        if len(text.strip()) == 18:
            self._problems["identity_number"] = self._identity_problem
        self._render()

    def _identity_problem(self) -> str | None:
        return identity_problem(self.identity.text(), self.today)

    def submit(self) -> None:
        """Check the name, identity number and date here, then ask the record service."""
        problems: dict[str, Any] = {}
        if not self.name.text().strip():
            problems["name"] = lambda: self.tr("Required")
        number = self.identity.text().strip()
        if number and identity_problem(number, self.today):
            problems["identity_number"] = self._identity_problem
        birth: date | None = None
        if self.birth_date.text().strip():
            try:
                birth = date.fromisoformat(self.birth_date.text().strip())
            except ValueError:
                problems["birth_date"] = lambda: self.tr("Write the date as YYYY-MM-DD")
        self._problems = problems
        self._render()
        if problems:
            first = next(k for k in self.inputs if k in problems)
            self.inputs[first].setFocus()
            return
        self.buttons.setEnabled(False)
        records, case_id = self.records, self.case.id
        name, role = self.name.text(), str(self.role.currentData())
        minor, acts_for = self.minor.currentData(), self.acts_for.currentData()
        Op(self, lambda progress: records.add_person(
            case_id, name, role, identity_number=number or None, birth_date=birth,
            minor=minor, acts_for=acts_for).result(), self._added) \
            .failure(self._failed).with_progress(self.tr("Adding the person…")).run()

    def _added(self, person: PersonView) -> None:
        self.added.emit(person)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        if not isinstance(error, InvalidInput):
            OpRunner.of(self).reporter.report(self, error)
            return
        self._problems = {}
        for problem in error.problems:
            self._problems[problem.field] = (
                lambda p=problem: p.en if current_language() == "en" else p.zh)
        self._render()

    def _render(self) -> None:
        for key, widget in self.inputs.items():
            text = self._problems[key]() if key in self._problems else None
            self.errors[key].setText(text or "")
            self.errors[key].setVisible(bool(text))
            mark_invalid(widget, bool(text))
