"""Templates: the eight shipped forms load, and every kind of bad template is refused by name."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from records.fonts import missing_glyphs
from records.templates import (
    TEMPLATE_DIR,
    OnRefusal,
    Role,
    Station,
    TemplateError,
    Text,
    condition_holds,
    load_template,
    load_templates,
    parse_template,
)

SHIPPED = {
    "interrogation_transcript", "rights_obligations_notice", "leniency_notice",
    "plea_agreement", "custody_notice", "remote_service_receipt",
    "judicial_assistance_application", "judicial_assistance_decision",
}

MINIMAL = '''
id = "mini"
version = 1
title = { zh = "测试文书", en = "Test form" }

[[fields]]
name = "suspect_name"
type = "person_name"
label = { zh = "姓名", en = "Name" }
required = true
example = "王某某"

[[fields]]
name = "is_minor"
type = "boolean"
label = { zh = "是否未成年人", en = "Minor" }
required = true
example = true

[[fields]]
name = "note"
type = "text"
label = { zh = "备注", en = "Note" }
required = false
constraints = { max_length = 20 }

[[layout]]
kind = "paragraph"
text = { zh = "{suspect_name}：{note}", en = "To {suspect_name}: {note}" }

[[signatories]]
role = "prosecutor"
label = { zh = "检察官", en = "Prosecutor" }
statement = { zh = "已告知。", en = "Notified." }
station = "workstation"
on_refusal = "stop"

[[signatories]]
role = "appropriate_adult"
label = { zh = "合适成年人", en = "Appropriate adult" }
statement = { zh = "我在场。", en = "I was present." }
optional = true
condition = "is_minor"
station = "workstation"
on_refusal = "continue"

[[signatories]]
role = "suspect"
label = { zh = "犯罪嫌疑人", en = "Suspect" }
statement = { zh = "以上我看过，和我说的相符。", en = "I have read the above." }
station = "terminal"
on_refusal = "continue"
name_field = "suspect_name"
'''


@pytest.fixture(scope="module")
def shipped():
    return load_templates()


def write(tmp_path: Path, text: str, name: str = "mini.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def mutate(old: str, new: str, count: int = 1) -> str:
    assert old in MINIMAL, old
    return MINIMAL.replace(old, new, count)


# -- the shipped templates -----------------------------------------------------------------

def test_the_eight_templates_load(shipped):
    assert set(shipped) == SHIPPED


def test_every_template_has_bilingual_title_fields_and_prosecutor_first(shipped):
    for template in shipped.values():
        assert template.version >= 1
        assert template.title.zh and template.title.en
        assert template.fields
        first = template.signatories[0]
        assert first.role is Role.PROSECUTOR and not first.optional
        assert first.station is Station.WORKSTATION
        for spec in template.signatories:
            assert spec.label.zh and spec.label.en and spec.statement.zh and spec.statement.en
            assert isinstance(spec.on_refusal, OnRefusal)


def test_source_text_and_hash_are_the_file(shipped):
    for template in shipped.values():
        raw = (TEMPLATE_DIR / f"{template.id}.toml").read_bytes()
        assert template.source_text == raw.decode("utf-8")
        assert template.source_sha256 == hashlib.sha256(raw).hexdigest()


def test_all_template_text_is_drawable_by_the_shipped_font(shipped):
    for template in shipped.values():
        assert missing_glyphs(template.source_text) == [], template.id


def test_transcript_carries_the_suspects_statement_and_qa_list(shipped):
    transcript = shipped["interrogation_transcript"]
    suspect = next(s for s in transcript.signatories if s.role is Role.SUSPECT)
    assert suspect.statement.zh == "以上笔录我看过，和我说的相符。"
    assert suspect.statement.en == "I have read the above record and it matches what I said."
    assert suspect.station is Station.TERMINAL
    assert transcript.field("transcript").type == "qa_list"
    assert len(transcript.example_values()["transcript"]) >= 5


def test_appropriate_adult_signs_only_for_a_minor(shipped):
    transcript = shipped["interrogation_transcript"]
    values = transcript.example_values()
    roles = [s.role for s in transcript.active_signatories(values)]
    assert roles == [Role.PROSECUTOR, Role.RECORDER, Role.APPROPRIATE_ADULT, Role.SUSPECT]
    adult = {**values, "suspect_is_minor": False}
    assert Role.APPROPRIATE_ADULT not in [s.role for s in transcript.active_signatories(adult)]
    forced = transcript.active_signatories(adult, include_optional={Role.APPROPRIATE_ADULT})
    assert Role.APPROPRIATE_ADULT in [s.role for s in forced]
    with_interpreter = {**values, "interpreter_name": "阿依古丽"}
    assert [s.role for s in transcript.active_signatories(with_interpreter)][-1] \
        is Role.INTERPRETER


def test_plea_letter_is_witnessed_by_the_lawyer_actually_present(shipped):
    plea = shipped["plea_agreement"]
    values = plea.example_values()
    assert [s.role for s in plea.active_signatories(values)] == \
        [Role.PROSECUTOR, Role.SUSPECT, Role.DUTY_LAWYER]
    defended = {**values, "counsel_kind": "defence_lawyer"}
    assert [s.role for s in plea.active_signatories(defended)] == \
        [Role.PROSECUTOR, Role.SUSPECT, Role.DEFENCE_LAWYER]
    assert all(s.on_refusal is OnRefusal.STOP for s in plea.signatories)


def test_english_examples_replace_chinese_ones_only_where_given(shipped):
    transcript = shipped["interrogation_transcript"]
    zh, en = transcript.example_values("zh"), transcript.example_values("en")
    assert zh["suspect_name"] == "王某某" and en["suspect_name"] == "Wang Moumou"
    assert zh["case_number"] == en["case_number"]


def test_text_get_by_language():
    text = Text("讯问笔录", "Record of Interrogation")
    assert text.get("zh") == "讯问笔录"
    assert text.get("en") == "Record of Interrogation"
    assert text.get("zh+en") == "讯问笔录 Record of Interrogation"
    with pytest.raises(ValueError):
        text.get("fr")


@pytest.mark.parametrize("condition,values,expected", [
    ("minor", {"minor": True}, True),
    ("minor", {"minor": False}, False),
    ("minor", {}, False),
    ("not minor", {"minor": None}, True),
    ("name", {"name": ""}, False),
    ("name", {"name": "赵红"}, True),
    ('kind == "duty_lawyer"', {"kind": "duty_lawyer"}, True),
    ('kind == "duty_lawyer"', {"kind": "defence_lawyer"}, False),
    ('kind != "self"', {"kind": "close_relative"}, True),
])
def test_condition_holds(condition, values, expected):
    assert condition_holds(condition, values) is expected


def test_minimal_template_loads(tmp_path):
    template = load_template(write(tmp_path, MINIMAL))
    assert template.id == "mini" and template.field("note").constraints["max_length"] == 20
    assert template.layout[0].text.en == "To {suspect_name}: {note}"


def test_load_templates_refuses_a_missing_directory(tmp_path):
    with pytest.raises(TemplateError) as caught:
        load_templates(tmp_path / "absent")
    assert caught.value.reason == "unreadable"


# -- every kind of bad template ------------------------------------------------------------

BAD = [
    # (description, mutated text, reason, key)
    ("missing id", mutate('id = "mini"\n', ""), "missing_key", "id"),
    ("missing fields", MINIMAL.split("[[fields]]")[0] + "[[layout]]" +
     MINIMAL.split("[[layout]]")[1], "missing_key", "fields"),
    ("missing field type", mutate('type = "person_name"\n', ""), "missing_key",
     "fields.suspect_name.type"),
    ("missing required", mutate('required = true\nexample = "王某某"',
                                'example = "王某某"'), "missing_key", "fields.suspect_name.required"),
    ("missing statement", mutate('statement = { zh = "已告知。", en = "Notified." }\n', ""),
     "missing_key", "signatories.prosecutor.statement"),
    ("missing english", mutate('label = { zh = "姓名", en = "Name" }',
                               'label = { zh = "姓名" }'), "missing_key",
     "fields.suspect_name.label.en"),
    ("version as string", mutate("version = 1", 'version = "1"'), "wrong_type", "version"),
    ("required as string", mutate("required = true", 'required = "yes"'), "wrong_type",
     "fields.suspect_name.required"),
    ("label as string", mutate('label = { zh = "姓名", en = "Name" }', 'label = "姓名"'),
     "wrong_type", "fields.suspect_name.label"),
    ("constraint wrong type", mutate("max_length = 20", 'max_length = "20"'), "wrong_type",
     "fields.note.constraints.max_length"),
    ("unknown field type", mutate('type = "person_name"', 'type = "signature"'),
     "unknown_field_type", "fields.suspect_name.type"),
    ("unknown role", mutate('role = "suspect"', 'role = "victim"'), "unknown_role",
     "signatories[2].role"),
    ("unknown station", mutate('station = "terminal"', 'station = "kiosk"'), "unknown_station",
     "signatories.suspect.station"),
    ("unknown refusal", mutate('on_refusal = "continue"\nname_field',
                               'on_refusal = "ignore"\nname_field'),
     "unknown_refusal_action", "signatories.suspect.on_refusal"),
    ("misspelt key", mutate("required = false", "requried = false"), "unknown_key",
     "fields.note.requried"),
    ("unknown constraint", mutate("max_length = 20", "max_len = 20"), "unknown_constraint",
     "fields.note.constraints.max_len"),
    ("duplicate field", mutate('name = "note"', 'name = "suspect_name"'), "duplicate_field",
     "fields.suspect_name"),
    ("duplicate role", mutate('role = "appropriate_adult"', 'role = "suspect"'),
     "duplicate_role", "signatories.suspect"),
    ("prosecutor not first", mutate('role = "prosecutor"', 'role = "recorder"'),
     "first_not_prosecutor", "signatories[0]"),
    ("condition on a required signatory", mutate("optional = true\n", ""),
     "condition_on_required", "signatories.appropriate_adult.condition"),
    ("bad condition", mutate('condition = "is_minor"', 'condition = "is_minor and x"'),
     "bad_condition", "signatories.appropriate_adult.condition"),
    ("condition names no field", mutate('condition = "is_minor"', 'condition = "juvenile"'),
     "unknown_field", "signatories.appropriate_adult.condition"),
    ("name field unknown", mutate('name_field = "suspect_name"', 'name_field = "name"'),
     "unknown_field", "signatories.suspect.name_field"),
    ("unknown placeholder", mutate("{suspect_name}：{note}", "{suspect}：{note}"),
     "unknown_field", "layout[0]"),
    ("stray brace", mutate("{suspect_name}：{note}", "{suspect_name：{note}"),
     "bad_placeholder", "layout[0]"),
    ("unknown block kind", mutate('kind = "paragraph"', 'kind = "table"'),
     "unknown_block_kind", "layout[0].kind"),
    ("field never shown", mutate("{suspect_name}：{note}", "{suspect_name}：").replace(
        "To {suspect_name}: {note}", "To {suspect_name}:"), "unrendered_field", "fields.note"),
    ("invalid example", mutate('example = "王某某"', 'example = "王1"'), "invalid_example",
     "fields.suspect_name.example"),
    ("required field without example", mutate('required = true\nexample = "王某某"',
                                              "required = true"), "missing_key",
     "fields.suspect_name.example"),
    ("glyph the font lacks", mutate('statement = { zh = "已告知。"', 'statement = { zh = "已告知㈠"'),
     "glyph_missing", ""),
    ("id differs from file name", mutate('id = "mini"', 'id = "other"'), "id_mismatch", "id"),
    ("toml syntax", mutate("version = 1", "version = = 1"), "toml_syntax", ""),
    ("choice without options", mutate('type = "text"', 'type = "choice"').replace(
        "constraints = { max_length = 20 }", ""), "missing_key", "fields.note.constraints.options"),
    ("bad regex", mutate("max_length = 20", 'pattern = "([a-z"'), "bad_pattern",
     "fields.note.constraints.pattern"),
    ("order against unknown field", mutate("max_length = 20", 'not_before = "start"'),
     "unknown_constraint", "fields.note.constraints.not_before"),
    ("required_if names no field", mutate("max_length = 20", 'required_if = "absent"'),
     "unknown_field", "fields.note.constraints.required_if"),
]


@pytest.mark.parametrize("text,reason,key", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_template_is_refused_with_file_key_and_reason(tmp_path, text, reason, key):
    path = write(tmp_path, text)
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    error = caught.value
    assert (error.reason, error.key) == (reason, key)
    assert error.path == path
    assert str(path) in str(error) and key in str(error) and reason in str(error)


def test_a_date_order_constraint_must_name_a_field_of_the_same_type(tmp_path):
    text = mutate('[[layout]]', '''[[fields]]
name = "start"
type = "date"
label = { zh = "开始", en = "Start" }
required = false

[[fields]]
name = "end"
type = "datetime"
label = { zh = "结束", en = "End" }
required = false
constraints = { not_before = "start" }

[[layout]]
kind = "fields"
fields = ["start", "end"]

[[layout]]''')
    with pytest.raises(TemplateError) as caught:
        parse_template(text, tmp_path / "mini.toml")
    assert (caught.value.reason, caught.value.key) == ("wrong_field_type",
                                                        "fields.end.constraints.not_before")


def test_a_qa_block_needs_a_qa_list_field(tmp_path):
    text = mutate('[[layout]]', '[[layout]]\nkind = "qa"\nfield = "note"\n\n[[layout]]')
    with pytest.raises(TemplateError) as caught:
        parse_template(text, tmp_path / "mini.toml")
    assert caught.value.reason == "wrong_field_type"


def test_not_utf8_is_refused(tmp_path):
    path = tmp_path / "mini.toml"
    path.write_bytes(MINIMAL.encode("gb18030"))
    with pytest.raises(TemplateError) as caught:
        load_template(path)
    assert caught.value.reason == "not_utf8"


def test_one_bad_file_fails_the_directory_naming_that_file(tmp_path):
    write(tmp_path, MINIMAL)
    bad = write(tmp_path, MINIMAL.replace('id = "mini"', 'id = "zbad"').replace(
        'type = "person_name"', 'type = "nope"'), "zbad.toml")
    with pytest.raises(TemplateError) as caught:
        load_templates(tmp_path)
    assert caught.value.path == bad and caught.value.reason == "unknown_field_type"
