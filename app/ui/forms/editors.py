"""One input widget per template field type.

Editors hand back what the user typed, barely touched (text stays text, an empty input is
``None``): the domain's ``validate_fields`` is the one judge of values, and its bilingual
messages are what the form shows.  Validators here only keep out characters that can never
be right (letters in a number), so that typing stays predictable.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeySequence, QRegularExpressionValidator, QShortcut
from PySide6.QtWidgets import (
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.i18n import Retranslating, current_language
from app.ui.style import mark_invalid, set_role
from records.templates import FieldSpec

__all__ = ["FieldEditor", "editor_for", "wrap_with_error"]


class FieldEditor(Retranslating, QWidget):
    """Base of the editors: ``value()``/``set_value()``, ``edited`` on every change."""

    edited = Signal()

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)

    def _take(self, widget: QWidget, stretch: int = 1) -> None:
        self._row.addWidget(widget, stretch)

    @property
    def input(self) -> QWidget:
        """The widget that takes the keyboard (focus, tab order, invalid outline)."""
        return self.focusProxy() or self

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def set_invalid(self, invalid: bool, item: int | None = None) -> None:
        """Outline the input while its value is refused (``item``: which Q/A pair)."""
        mark_invalid(self.input, invalid)

    def retranslate(self) -> None:
        """Editors whose texts come from the template override this."""


class LineEditor(FieldEditor):
    """Single-line text: text, person names, identity and case numbers, numbers, amounts."""

    _PATTERNS = {"integer": r"-?\d{0,12}", "amount": r"\d{0,12}(\.\d{0,2})?",
                 "resident_id": r"[0-9xX]{0,18}"}

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.line = QLineEdit(self)
        self.setFocusProxy(self.line)
        self._take(self.line)
        limit = spec.constraints.get("max_length")
        if spec.type == "resident_id":
            limit = 18
        if limit:
            self.line.setMaxLength(int(limit))
        pattern = self._PATTERNS.get(spec.type)
        if pattern:
            self.line.setValidator(QRegularExpressionValidator(QRegularExpression(pattern),
                                                               self.line))
        self.unit: QLabel | None = None
        if spec.type in ("integer", "amount"):
            self.line.setAlignment(Qt.AlignmentFlag.AlignRight)
            self.line.setMaximumWidth(160)
            self.unit = QLabel(self)
            self._take(self.unit, 0)
            self._row.addStretch(1)
        self.line.textEdited.connect(self.edited)
        self.retranslate()

    def value(self) -> Any:
        text = self.line.text()
        if self.spec.type == "resident_id":
            text = text.upper()
        return text if text.strip() else None

    def set_value(self, value: Any) -> None:
        self.line.setText("" if value is None else str(value))

    def set_suggestions(self, names: list[str]) -> None:
        """Offer these names while typing (the persons of the case)."""
        completer = QCompleter(sorted(set(names)), self.line)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.line.setCompleter(completer)

    def retranslate(self) -> None:
        hints = {"case_number": "渝南检刑捕受〔2020〕12号",
                 "resident_id": self.tr("18 characters, the last may be X"),
                 "integer": "", "amount": ""}
        self.line.setPlaceholderText(hints.get(self.spec.type, ""))
        if self.unit is not None:
            unit = self.spec.constraints.get("unit")
            if self.spec.type == "amount":
                self.unit.setText(self.tr("yuan"))
            else:
                self.unit.setText(unit.get(current_language()) if unit is not None else "")


class MultilineEditor(FieldEditor):
    """Several lines of text; Tab moves on (it never types a tab character)."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.text = QPlainTextEdit(self)
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.text.setMaximumHeight(self.fontMetrics().lineSpacing() * 8 + 12)
        self.setFocusProxy(self.text)
        self._take(self.text)
        self.text.textChanged.connect(self.edited)

    def value(self) -> Any:
        text = self.text.toPlainText()
        return text if text.strip() else None

    def set_value(self, value: Any) -> None:
        self.text.setPlainText("" if value is None else str(value))


class DateEditor(FieldEditor):
    """A date (YYYY-MM-DD) or a date and time (YYYY-MM-DD HH:MM), typed or picked from a
    calendar (Alt+Down or F4 opens it)."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.with_time = spec.type == "datetime"
        self.line = QLineEdit(self)
        pattern = (r"\d{0,4}(-\d{0,2}(-\d{0,2}([ T]\d{0,2}(:\d{0,2})?)?)?)?" if self.with_time
                   else r"\d{0,4}(-\d{0,2}(-\d{0,2})?)?")
        self.line.setValidator(QRegularExpressionValidator(QRegularExpression(pattern),
                                                           self.line))
        self.line.setMaximumWidth(200)
        self.setFocusProxy(self.line)
        self._take(self.line, 0)
        self.pick = QToolButton(self)
        self.pick.setText("…")
        # The keyboard opens the calendar from the input itself (Alt+Down, F4): one tab stop.
        self.pick.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pick.clicked.connect(self.open_calendar)
        self._take(self.pick, 0)
        self._row.addStretch(1)
        for keys in ("Alt+Down", "F4"):
            shortcut = QShortcut(QKeySequence(keys), self.line)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.open_calendar)
        self.calendar: QCalendarWidget | None = None
        self.line.textEdited.connect(self.edited)
        self.retranslate()

    def retranslate(self) -> None:
        self.line.setPlaceholderText(self.tr("YYYY-MM-DD HH:MM") if self.with_time
                                     else self.tr("YYYY-MM-DD"))
        self.pick.setToolTip(self.tr("Pick from a calendar (Alt+Down)"))

    def value(self) -> Any:
        text = self.line.text().strip()
        return text or None

    def set_value(self, value: Any) -> None:
        text = "" if value is None else str(value)
        self.line.setText(text.replace("T", " ") if self.with_time else text)

    def open_calendar(self) -> None:
        """Show a calendar under the input; picking a day fills the date part."""
        calendar = QCalendarWidget(self)
        calendar.setWindowFlags(Qt.WindowType.Popup)
        calendar.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        calendar.setGridVisible(True)
        current = QDate.fromString(self.line.text()[:10], "yyyy-MM-dd")
        if current.isValid():
            calendar.setSelectedDate(current)
        calendar.activated.connect(self._picked)
        calendar.clicked.connect(self._picked)
        calendar.move(self.line.mapToGlobal(self.line.rect().bottomLeft()))
        self.calendar = calendar
        calendar.show()
        calendar.setFocus()

    def _picked(self, day: QDate) -> None:
        text = day.toString("yyyy-MM-dd")
        if self.with_time:
            rest = self.line.text()[10:].strip()
            text = f"{text} {rest or '09:00'}"
        self.line.setText(text)
        self.edited.emit()
        if self.calendar is not None:
            self.calendar.close()
            self.calendar = None
        self.line.setFocus()


class ChoiceEditor(FieldEditor):
    """One of the template's options, shown in the interface language; blank until chosen."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.combo = QComboBox(self)
        self.combo.addItem("", None)
        for option in spec.options:
            self.combo.addItem("", option.value)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setFocusProxy(self.combo)
        self._take(self.combo, 0)
        self._row.addStretch(1)
        self.combo.currentIndexChanged.connect(self.edited)
        self.retranslate()

    def retranslate(self) -> None:
        language = current_language()
        self.combo.setItemText(0, self.tr("— choose —"))
        for index, option in enumerate(self.spec.options, start=1):
            self.combo.setItemText(index, option.label.get(language))

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        index = self.combo.findData(value)
        self.combo.setCurrentIndex(max(index, 0))


class BooleanEditor(FieldEditor):
    """Yes or no."""

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(spec, parent)
        self.box = QCheckBox(self)
        self.setFocusProxy(self.box)
        self._take(self.box)
        self.box.toggled.connect(self.edited)
        self.retranslate()

    def retranslate(self) -> None:
        self.box.setText(self.tr("Yes"))

    def value(self) -> Any:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        self.box.setChecked(bool(value))


def editor_for(spec: FieldSpec, parent: QWidget | None = None) -> FieldEditor:
    """The editor for ``spec``'s type (every one of the twelve)."""
    from app.ui.forms.qa_list import QaListEditor

    kinds: dict[str, type[FieldEditor]] = {
        "text": LineEditor, "person_name": LineEditor, "resident_id": LineEditor,
        "case_number": LineEditor, "integer": LineEditor, "amount": LineEditor,
        "multiline": MultilineEditor, "date": DateEditor, "datetime": DateEditor,
        "choice": ChoiceEditor, "boolean": BooleanEditor, "qa_list": QaListEditor,
    }
    return kinds[spec.type](spec, parent)


def wrap_with_error(editor: QWidget, parent: QWidget) -> tuple[QWidget, QLabel]:
    """``editor`` with a hidden error line under it, as one form cell."""
    cell = QWidget(parent)
    column = QVBoxLayout(cell)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    editor.setParent(cell)
    column.addWidget(editor)
    error = QLabel(cell)
    error.setWordWrap(True)
    set_role(error, "error")
    error.hide()
    column.addWidget(error)
    return cell, error
