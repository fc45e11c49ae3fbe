"""A record's fields as a form generated from its template, with the domain's validation
messages shown under the fields they concern."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from app.ui.forms.editors import FieldEditor, LineEditor, editor_for, wrap_with_error
from app.ui.i18n import Retranslating, current_language
from app.ui.style import set_role
from records.fields import FieldError
from records.templates import Template

__all__ = ["RecordForm"]


class RecordForm(Retranslating, QWidget):
    """One editor per field of ``template``, in the template's order."""

    edited = Signal()

    def __init__(self, template: Template, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.template = template
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.general_error = QLabel(self)
        self.general_error.setWordWrap(True)
        set_role(self.general_error, "error")
        self.general_error.hide()
        layout.addRow(self.general_error)
        self.editors: dict[str, FieldEditor] = {}
        self.labels: dict[str, QLabel] = {}
        self.error_labels: dict[str, QLabel] = {}
        self._errors: list[FieldError] = []
        for spec in template.fields:
            editor = editor_for(spec, self)
            cell, error = wrap_with_error(editor, self)
            label = QLabel(self)
            label.setWordWrap(True)
            label.setBuddy(editor.input)
            if spec.type == "qa_list":  # the transcript takes the whole width, under its label
                layout.addRow(label)
                layout.addRow(cell)
            else:
                layout.addRow(label, cell)
            editor.edited.connect(self.edited)
            self.editors[spec.name] = editor
            self.labels[spec.name] = label
            self.error_labels[spec.name] = error
        self.retranslate()

    def retranslate(self) -> None:
        language = current_language()
        for spec in self.template.fields:
            text = spec.label.get(language)
            self.labels[spec.name].setText(f"{text} *" if spec.required else text)
        self._render_errors()

    # -- values ---------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """What the user entered, field by field (``None`` for an empty input)."""
        return {name: editor.value() for name, editor in self.editors.items()}

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Fill the fields named in ``values`` (others stay as they are)."""
        for name, value in values.items():
            if name in self.editors:
                self.editors[name].set_value(value)

    def set_person_suggestions(self, names: Iterable[str]) -> None:
        """Offer these names in every person-name field."""
        listed = list(names)
        for editor in self.editors.values():
            if isinstance(editor, LineEditor) and editor.spec.type == "person_name":
                editor.set_suggestions(listed)

    # -- errors ---------------------------------------------------------------------------
    def show_errors(self, errors: Sequence[FieldError]) -> None:
        """Show each error under its field (in the interface language) and outline it."""
        self._errors = list(errors)
        self._render_errors()

    def clear_errors(self) -> None:
        self.show_errors([])

    @property
    def errors(self) -> tuple[FieldError, ...]:
        return tuple(self._errors)

    def first_invalid(self) -> FieldEditor | None:
        """The first field (in form order) with an error."""
        bad = {e.field for e in self._errors}
        return next((e for n, e in self.editors.items() if n in bad), None)

    def _render_errors(self) -> None:
        language = current_language()
        by_field: dict[str, list[FieldError]] = {}
        general: list[str] = []
        for error in self._errors:
            if error.field in self.editors:
                by_field.setdefault(error.field, []).append(error)
            else:
                general.append(error.message.get(language))
        for name, editor in self.editors.items():
            mine = by_field.get(name, [])
            label = self.error_labels[name]
            label.setText("\n".join(e.message.get(language) for e in mine))
            label.setVisible(bool(mine))
            items = [e.item for e in mine if e.item is not None]
            editor.set_invalid(bool(mine), items[0] if items else None)
        self.general_error.setText("\n".join(general))
        self.general_error.setVisible(bool(general))
