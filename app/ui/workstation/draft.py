"""Drafting a record: the template's form, its signatories and where each signs, a preview of
the PDF, and the draft saved through the record service.

Nothing is judged here that the domain judges: the preview runs the template's validation
and the real renderer off the GUI thread, and saving is ``RecordService.draft_record`` (which
writes nothing when a field or a signatory is wrong).  The preview carries the record id
``PREVIEW`` and the time it was made; the saved record gets its own id and time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.ui.forms.record_form import RecordForm
from app.ui.forms.signatories import SignatoryPanel
from app.ui.i18n import Retranslating, current_language
from app.ui.ops import Op, OpProgress, OpRunner
from app.ui.pdf_preview import PdfPreview
from app.ui.services import WorkstationServices, local_now
from app.ui.style import set_role
from app.ui.workstation.records import language_name
from records.errors import InvalidFields, InvalidInput
from records.fields import FieldValidationError
from records.templates import Template

if TYPE_CHECKING:
    from records.render import RenderedRecord
    from records.views import CaseView, RecordView

__all__ = ["PREVIEW_RECORD_ID", "DraftDialog", "prefill"]

PREVIEW_RECORD_ID = "PREVIEW"


def prefill(template: Template, case: CaseView) -> dict[str, Any]:
    """What the case already says: its number, its agency, and for each signatory role with
    exactly one person, that person's name (and identity number and birth date)."""
    names = {spec.name for spec in template.fields}
    values: dict[str, Any] = {}
    if "case_number" in names and template.field("case_number").type == "case_number":
        values["case_number"] = case.case_number
    if template.issuer_field:
        values[template.issuer_field] = case.agency
    for spec in template.signatories:
        people = [p for p in case.persons if p.role == spec.role.value]
        if spec.name_field is None or len(people) != 1:
            continue
        person = people[0]
        values[spec.name_field] = person.name
        prefix = spec.name_field.removesuffix("_name")
        if f"{prefix}_id_number" in names and person.identity_number:
            values[f"{prefix}_id_number"] = person.identity_number
        if f"{prefix}_birth_date" in names and person.birth_date:
            values[f"{prefix}_birth_date"] = person.birth_date.isoformat()
    return values


class DraftDialog(Retranslating, QDialog):
    """Drafts one record of ``template`` in ``language`` for ``case``."""

    saved = Signal(object, bytes)  # the RecordView and its PDF

    def __init__(self, services: WorkstationServices, case: CaseView, template: Template,
                 language: str, parent: QWidget, *,
                 clock: Callable[[], datetime] = local_now) -> None:
        super().__init__(parent)
        self.setObjectName("draft-dialog")
        self.services, self.case, self.template = services, case, template
        self.language, self.clock = language, clock
        self.heading = QLabel(self)
        set_role(self.heading, "heading")
        self.fields_box = QGroupBox(self)
        self.form = RecordForm(template, self.fields_box)
        QVBoxLayout(self.fields_box).addWidget(self.form)
        self.signatories_box = QGroupBox(self)
        self.signatories = SignatoryPanel(template, case.persons, self.signatories_box)
        QVBoxLayout(self.signatories_box).addWidget(self.signatories)
        body = QWidget(self)
        column = QVBoxLayout(body)
        column.addWidget(self.fields_box)
        column.addWidget(self.signatories_box)
        column.addStretch(1)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(body)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.preview_pane = PdfPreview(self)
        splitter = QSplitter(self)
        splitter.addWidget(self.scroll)
        splitter.addWidget(self.preview_pane)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 540])
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        set_role(self.status, "hint")
        # In the order of the work: look at it, then keep it (or leave).
        self.preview_button = QPushButton(self)
        self.save_button = QPushButton(self)
        # Shortcuts of their own: a button's text mnemonic (Alt+P, Alt+S) replaces its shortcut.
        QShortcut(QKeySequence("Ctrl+P"), self, self.preview)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)
        self.cancel_button = QPushButton(self)
        for button in (self.preview_button, self.save_button, self.cancel_button):
            button.setAutoDefault(False)  # Enter in a field never saves by surprise
        self.preview_button.clicked.connect(self.preview)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

        self.form.set_values(prefill(template, case))
        self.form.set_person_suggestions(p.name for p in case.persons)
        self.form.edited.connect(self._values_changed)
        self._values_changed()
        self._status: Callable[[], str] = lambda: ""
        self.busy = False
        self.last_preview: RenderedRecord | None = None
        self.retranslate()
        self.resize(1200, 820)
        focus = self.form.editors[template.fields[0].name].input
        focus.setFocus()

    def retranslate(self) -> None:
        language = current_language()
        self.setWindowTitle(self.tr("Draft: {0}").format(self.template.title.get(language)))
        self.heading.setText(self.tr("{0} — case {1}, printed in {2}").format(
            self.template.title.get(language), self.case.case_number,
            language_name(self.language)))
        self.fields_box.setTitle(self.tr("Fields (* required)"))
        self.signatories_box.setTitle(self.tr("Signatories, in signing order"))
        self.preview_button.setText(self.tr("&Preview"))
        self.preview_button.setToolTip(self.tr("Check the fields and show the PDF (Ctrl+P)"))
        self.save_button.setText(self.tr("&Save draft"))
        self.save_button.setToolTip(self.tr("Save the record as a draft (Ctrl+S)"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.preview_pane.set_placeholder(self.tr(
            "Press Preview to see the record as it will be printed."))
        self.status.setText(self._status())

    def _say(self, status: Callable[[], str]) -> None:
        # Kept as a function so that a language switch re-renders it.
        self._status = status
        self.status.setText(status())

    def _values_changed(self) -> None:
        self.signatories.update_for(self.form.values())

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.preview_button.setEnabled(not busy)
        self.save_button.setEnabled(not busy)

    # -- preview --------------------------------------------------------------------------
    def preview(self) -> None:
        """Validate and render the record as it stands, without saving anything."""
        if self.busy:
            return
        template, language, now = self.template, self.language, self.clock()
        raw = self.form.values()
        include = self.signatories.choice().include_optional

        def work(progress: OpProgress) -> RenderedRecord:
            from records.fields import validate_fields
            from records.render import RenderRequest, render_record, signatory_lines

            values = validate_fields(template, raw, today=now.date())
            lines = signatory_lines(template, values, include)
            return render_record(RenderRequest(template, values, PREVIEW_RECORD_ID, 0,
                                               language, now, lines))

        self._set_busy(True)
        Op(self, work, self._previewed).failure(self._failed) \
            .with_progress(self.tr("Rendering the preview…")).run()

    def _previewed(self, rendered: RenderedRecord) -> None:
        self._set_busy(False)
        self.last_preview = rendered
        self.form.clear_errors()
        self.signatories.show_problems([])
        self.preview_pane.show_pdf(rendered.pdf, self.tr("Preview — not saved"))
        self._say(lambda: self.tr("Preview of %n page(s). The record number and time are "
                                  "set when the draft is saved.", "", rendered.pages))

    # -- save -----------------------------------------------------------------------------
    def save(self) -> None:
        """Save the draft through the record service (nothing is written if it refuses)."""
        if self.busy:
            return
        records, blobs = self.services.records, self.services.blobs
        case_id, template_id, language = self.case.id, self.template.id, self.language
        raw = self.form.values()
        choice = self.signatories.choice()

        def work(progress: OpProgress) -> tuple[RecordView, bytes]:
            record = records.draft_record(
                case_id, template_id, raw, language=language,
                signatories=dict(choice.persons), include_optional=choice.include_optional,
                stations=dict(choice.stations)).result()
            return record, blobs.read_bytes(record.head.pdf_sha256)

        self._set_busy(True)
        Op(self, work, self._saved).failure(self._failed) \
            .with_progress(self.tr("Saving the draft…")).run()

    def _saved(self, result: tuple[RecordView, bytes]) -> None:
        self._set_busy(False)
        record, pdf = result
        self.saved.emit(record, pdf)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, (InvalidFields, FieldValidationError)):
            errors = tuple(error.errors)
            self.form.show_errors(errors)  # type: ignore[arg-type]
            self.signatories.show_problems([])
            first = self.form.first_invalid()
            if first is not None:
                self.scroll.ensureWidgetVisible(first)
                first.input.setFocus()
            self._say(lambda: self.tr("%n field(s) need attention; nothing was saved.", "",
                                      len(errors)))
        elif isinstance(error, InvalidInput):
            self.signatories.show_problems(error.problems)
            self.scroll.ensureWidgetVisible(self.signatories)
            self._say(lambda: self.tr("The signatories need attention; nothing was saved.\n{0}")
                      .format(error.message(current_language())))
        else:
            OpRunner.of(self).reporter.report(self, error)

    def fill(self, values: Mapping[str, Any]) -> None:
        """Put ``values`` into the form, as typing them would."""
        self.form.set_values(values)
        self._values_changed()
