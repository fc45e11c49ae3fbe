"""Who signs a record, in signing order, and where: the template's signatories, the optional
ones the prosecutor adds, the person of the case who signs for each role, and the station
(this workstation's pad or the detention-room terminal)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout, QLabel, QWidget

from app.ui.i18n import Retranslating, current_language
from app.ui.style import mark_invalid, set_role
from records.errors import InputProblem
from records.templates import ROLE_NAMES, Role, SignatorySpec, Station, Template, condition_holds

if TYPE_CHECKING:
    from records.views import PersonView

__all__ = ["SignatoryChoice", "SignatoryPanel", "station_name"]


def station_name(station: Station | str) -> str:
    """A station's name in the interface language."""
    names = {Station.WORKSTATION.value: QCoreApplication.translate("Station", "This workstation"),
             Station.TERMINAL.value: QCoreApplication.translate("Station", "Terminal")}
    return names[str(Station(station).value)]


@dataclass(frozen=True)
class SignatoryChoice:
    """What ``RecordService.draft_record`` needs to know beyond the field values."""

    include_optional: tuple[Role, ...]
    stations: Mapping[str, str]
    persons: Mapping[str, str]


@dataclass
class _Row:
    spec: SignatorySpec
    order: QLabel
    role: QLabel
    signs: QCheckBox
    person: QComboBox
    station: QComboBox
    error: QLabel


class SignatoryPanel(Retranslating, QWidget):
    """One row per signatory of the template, in signing order."""

    changed = Signal()

    def __init__(self, template: Template, persons: Sequence[PersonView],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.template = template
        self.persons = tuple(persons)
        grid = QGridLayout(self)
        grid.setColumnStretch(3, 1)
        self.headers = [QLabel(self) for _ in range(5)]
        for column, header in enumerate(self.headers):
            set_role(header, "heading")
            grid.addWidget(header, 0, column)
        self.rows: list[_Row] = []
        for spec in template.signatories:
            line = 1 + 2 * len(self.rows)
            row = _Row(spec, QLabel(self), QLabel(self), QCheckBox(self), QComboBox(self),
                       QComboBox(self), QLabel(self))
            row.person.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            row.person.setMinimumContentsLength(14)
            row.person.addItem("", None)
            for person in self.persons:
                row.person.addItem("", person.id)
            for station in Station:
                row.station.addItem("", station.value)
            row.station.setCurrentIndex(row.station.findData(spec.station.value))
            row.signs.setChecked(not spec.optional)
            row.signs.setEnabled(spec.optional)
            row.signs.toggled.connect(self._refresh)
            row.person.currentIndexChanged.connect(self.changed)
            row.station.currentIndexChanged.connect(self.changed)
            set_role(row.error, "error")
            row.error.setWordWrap(True)
            row.error.hide()
            for column, widget in enumerate((row.order, row.role, row.signs, row.person,
                                             row.station)):
                grid.addWidget(widget, line, column)
            grid.addWidget(row.error, line + 1, 1, 1, 4)
            self.rows.append(row)
        self._values: Mapping[str, Any] = {}
        self._problems: dict[str, list[InputProblem]] = {}
        self.retranslate()
        self._refresh()

    def retranslate(self) -> None:
        language = current_language()
        for header, text in zip(self.headers, (self.tr("Order"), self.tr("Signatory"),
                                               self.tr("Signs"), self.tr("Person of the case"),
                                               self.tr("Signs at")), strict=True):
            header.setText(text)
        roles = {p.id: ROLE_NAMES[Role(p.role)].get(language) if p.role in set(Role) else p.role
                 for p in self.persons}
        for number, row in enumerate(self.rows, start=1):
            row.order.setText(str(number))
            label = row.spec.label.get(language)
            row.role.setText(self.tr("{0} (optional)").format(label) if row.spec.optional
                             else label)
            row.signs.setAccessibleName(self.tr("{0} signs").format(label))
            row.person.setItemText(0, self.tr("Automatic (by role and name)"))
            for index, person in enumerate(self.persons, start=1):
                row.person.setItemText(index, self.tr("{0} ({1})").format(person.name,
                                                                        roles[person.id]))
            for index in range(row.station.count()):
                row.station.setItemText(index, station_name(row.station.itemData(index)))
        self._refresh_tooltips()
        self._render_problems()

    # -- which signatories are active -----------------------------------------------------
    def update_for(self, values: Mapping[str, Any]) -> None:
        """Re-judge the optional signatories whose condition depends on the field values."""
        self._values = dict(values)
        self._refresh()

    def _by_condition(self, spec: SignatorySpec) -> bool:
        return spec.condition is not None and condition_holds(spec.condition, self._values)

    def _refresh(self) -> None:
        for row in self.rows:
            forced = not row.spec.optional or self._by_condition(row.spec)
            if forced:
                row.signs.blockSignals(True)
                row.signs.setChecked(True)
                row.signs.blockSignals(False)
            row.signs.setEnabled(not forced)
            active = row.signs.isChecked()
            row.person.setEnabled(active)
            row.station.setEnabled(active)
        self._refresh_tooltips()
        self.changed.emit()

    def _refresh_tooltips(self) -> None:
        for row in self.rows:
            if not row.spec.optional:
                tip = self.tr("Always signs this record")
            elif self._by_condition(row.spec):
                tip = self.tr("Signs because of what the record says ({0})").format(
                    row.spec.condition)
            else:
                tip = self.tr("Tick to have this signatory sign as well")
            row.signs.setToolTip(tip)

    def choice(self) -> SignatoryChoice:
        """The optional signatories added by hand, the stations and persons chosen."""
        include = tuple(r.spec.role for r in self.rows if r.spec.optional
                        and r.signs.isChecked() and not self._by_condition(r.spec))
        active = [r for r in self.rows if r.signs.isChecked()]
        stations = {r.spec.role.value: str(r.station.currentData()) for r in active}
        persons = {r.spec.role.value: str(r.person.currentData()) for r in active
                   if r.person.currentData() is not None}
        return SignatoryChoice(include, stations, persons)

    # -- problems from the record service -------------------------------------------------
    def show_problems(self, problems: Sequence[InputProblem]) -> None:
        """Show the service's problems (``field`` is the role) under their rows."""
        self._problems = {}
        for problem in problems:
            self._problems.setdefault(problem.field, []).append(problem)
        self._render_problems()

    def _render_problems(self) -> None:
        english = current_language() == "en"
        for row in self.rows:
            mine = self._problems.get(row.spec.role.value, [])
            row.error.setText("\n".join(p.en if english else p.zh for p in mine))
            row.error.setVisible(bool(mine))
            mark_invalid(row.person, bool(mine))
