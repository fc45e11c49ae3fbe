"""Forms generated from templates: an editor for each of the twelve field types that hands
back what was typed, the transcript's question list, the signatories' choices."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from app.ui.forms.editors import editor_for
from app.ui.forms.qa_list import QaListEditor
from app.ui.forms.record_form import RecordForm
from app.ui.forms.signatories import SignatoryPanel
from app.ui.i18n import Localization
from records.fields import FieldValidationError, validate_fields
from records.templates import FIELD_TYPES, Role, Template, load_templates
from records.views import PersonView
from tests.app.ui.conftest import T0

TEMPLATES = load_templates()


def _all_specs() -> dict[str, Any]:
    specs = {}
    for template in TEMPLATES.values():
        for spec in template.fields:
            specs.setdefault(spec.type, spec)
    return specs


def test_the_templates_use_every_field_type_and_each_has_an_editor(qtbot: Any) -> None:
    specs = _all_specs()
    assert set(specs) == set(FIELD_TYPES)
    host = QWidget()
    qtbot.addWidget(host)
    for kind, spec in specs.items():
        editor = editor_for(spec, host)
        assert editor.value() in (None, False), kind  # an untouched editor is empty
        if spec.example is not None:
            editor.set_value(spec.example)
            typed = {"datetime": str(spec.example).replace("T", " "),
                     "integer": str(spec.example)}  # validation turns typed text into values
            assert editor.value() == typed.get(kind, spec.example), kind


@pytest.mark.parametrize("template_id", sorted(TEMPLATES))
def test_a_form_round_trips_the_example_values_through_validation(
        qtbot: Any, template_id: str) -> None:
    template = TEMPLATES[template_id]
    form = RecordForm(template)
    qtbot.addWidget(form)
    for language in ("zh", "en"):
        form.set_values(template.example_values(language))
        assert validate_fields(template, form.values(), today=T0.date()) == validate_fields(
            template, template.example_values(language), today=T0.date())


def test_errors_show_under_their_fields_in_the_interface_language(qtbot: Any) -> None:
    template = TEMPLATES["interrogation_transcript"]
    form = RecordForm(template)
    qtbot.addWidget(form)
    form.set_values({**template.example_values(), "session": "0", "suspect_name": ""})
    with pytest.raises(FieldValidationError) as caught:
        validate_fields(template, form.values(), today=T0.date())
    form.show_errors(caught.value.errors)
    assert form.error_labels["session"].text() == "'Session' must be at least 1"
    assert form.error_labels["suspect_name"].isVisibleTo(form)
    assert not form.error_labels["procuratorate"].isVisibleTo(form)
    assert form.first_invalid() is form.editors["session"]
    Localization.of().set_language("zh")
    qtbot.waitUntil(lambda: form.error_labels["session"].text() == "“讯问次数”不能小于 1")
    assert form.labels["session"].text() == "讯问次数 *"
    form.clear_errors()
    assert not form.error_labels["session"].isVisibleTo(form)


def test_the_question_list_skips_blank_pairs_and_marks_the_bad_one(qtbot: Any) -> None:
    spec = TEMPLATES["interrogation_transcript"].field("transcript")
    editor = QaListEditor(spec)
    qtbot.addWidget(editor)
    assert editor.value() is None
    editor.set_value([{"q": "问一", "a": "答一"}, {"q": "问二", "a": ""}])
    editor.add_pair()  # left blank: not part of the value
    assert editor.value() == [{"q": "问一", "a": "答一"}, {"q": "问二", "a": ""}]
    editor.set_invalid(True, item=1)
    assert editor.pairs[1].answer.property("invalid") is True
    assert not editor.pairs[0].answer.property("invalid")
    editor.remove_pair(editor.pairs[0])
    assert editor.value() == [{"q": "问二", "a": ""}]
    assert editor.pairs[0].question_label.text() == "Question 1"
    editor.remove_pair(editor.pairs[0])
    editor.remove_pair(editor.pairs[0])  # the last one is emptied, never removed
    assert len(editor.pairs) == 1 and editor.value() is None


def _person(pid: str, name: str, role: str) -> PersonView:
    return PersonView(pid, "C", name, role, None, None, False, None)


def test_signatories_follow_the_record_and_the_prosecutors_choices(qtbot: Any) -> None:
    template: Template = TEMPLATES["interrogation_transcript"]
    persons = [_person("P1", "李明", "prosecutor"), _person("P2", "钱某", "interpreter")]
    panel = SignatoryPanel(template, persons)
    qtbot.addWidget(panel)
    values = dict(template.example_values())
    panel.update_for({**values, "suspect_is_minor": False})
    rows = {r.spec.role: r for r in panel.rows}
    adult, interpreter = rows[Role.APPROPRIATE_ADULT], rows[Role.INTERPRETER]
    assert not adult.signs.isChecked() and adult.signs.isEnabled()
    assert not rows[Role.PROSECUTOR].signs.isEnabled()  # always signs
    panel.update_for(values)  # the suspect is a minor: the appropriate adult must sign
    assert adult.signs.isChecked() and not adult.signs.isEnabled()
    interpreter.signs.setChecked(True)
    interpreter.person.setCurrentIndex(interpreter.person.findData("P2"))
    suspect = rows[Role.SUSPECT]
    suspect.station.setCurrentIndex(suspect.station.findData("workstation"))
    choice = panel.choice()
    assert choice.include_optional == (Role.INTERPRETER,)
    assert choice.persons == {"interpreter": "P2"}
    assert choice.stations == {"prosecutor": "workstation", "recorder": "workstation",
                               "appropriate_adult": "workstation", "suspect": "workstation",
                               "interpreter": "terminal"}
