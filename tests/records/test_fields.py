"""Field values: every type normalises good input and names every bad field, in both languages."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from records.fields import FieldValidationError, check_resident_id, validate_fields
from records.templates import load_templates, parse_template

TODAY = date(2020, 2, 10)

ALL_TYPES = '''
id = "types"
version = 1
title = { zh = "字段类型", en = "Field types" }

[[fields]]
name = "title"
type = "text"
label = { zh = "标题", en = "Title" }
required = true
constraints = { min_length = 2, max_length = 10 }
example = "告知书"

[[fields]]
name = "phone"
type = "text"
label = { zh = "电话", en = "Phone" }
required = false
constraints = { pattern = '1[3-9]\\d{9}' }

[[fields]]
name = "facts"
type = "multiline"
label = { zh = "事实", en = "Facts" }
required = false
constraints = { max_length = 30 }

[[fields]]
name = "born"
type = "date"
label = { zh = "出生日期", en = "Born" }
required = false

[[fields]]
name = "start"
type = "datetime"
label = { zh = "开始时间", en = "Start" }
required = false

[[fields]]
name = "end"
type = "datetime"
label = { zh = "结束时间", en = "End" }
required = false
constraints = { not_before = "start" }

[[fields]]
name = "session"
type = "integer"
label = { zh = "次数", en = "Session" }
required = false
constraints = { min = 1, max = 9 }

[[fields]]
name = "amount"
type = "amount"
label = { zh = "金额", en = "Amount" }
required = false
constraints = { min = 1, max = 100000 }

[[fields]]
name = "sex"
type = "choice"
label = { zh = "性别", en = "Sex" }
required = false
  [[fields.constraints.options]]
  value = "male"
  zh = "男"
  en = "male"
  [[fields.constraints.options]]
  value = "female"
  zh = "女"
  en = "female"

[[fields]]
name = "minor"
type = "boolean"
label = { zh = "未成年人", en = "Minor" }
required = false

[[fields]]
name = "guardian"
type = "person_name"
label = { zh = "法定代理人", en = "Guardian" }
required = false
constraints = { required_if = "minor" }

[[fields]]
name = "id_number"
type = "resident_id"
label = { zh = "公民身份号码", en = "Identity number" }
required = false

[[fields]]
name = "case_number"
type = "case_number"
label = { zh = "案号", en = "Case number" }
required = false

[[fields]]
name = "qa"
type = "qa_list"
label = { zh = "问答", en = "Q/A" }
required = false
constraints = { min_items = 1, max_items = 3, max_length = 40 }

[[layout]]
kind = "fields"
fields = ["title", "phone", "facts", "born", "start", "end", "session", "amount", "sex",
          "minor", "guardian", "id_number", "case_number"]

[[layout]]
kind = "qa"
field = "qa"

[[signatories]]
role = "prosecutor"
label = { zh = "检察官", en = "Prosecutor" }
statement = { zh = "已告知。", en = "Notified." }
station = "workstation"
on_refusal = "stop"
'''

VALID_ID = "500108200403151235"


@pytest.fixture(scope="module")
def template():
    return parse_template(ALL_TYPES, Path("types.toml"))


def check(template, **values):
    return validate_fields(template, {"title": "告知书", **values}, today=TODAY)


def codes(template, **values) -> dict[str, str]:
    with pytest.raises(FieldValidationError) as caught:
        check(template, **values)
    return {e.field: e.code for e in caught.value.errors}


def test_every_declared_field_comes_back_with_none_for_empty(template):
    result = check(template, phone="", qa=[])
    assert set(result) == {f.name for f in template.fields}
    assert result["title"] == "告知书" and result["phone"] is None and result["qa"] is None


@pytest.mark.parametrize("name,raw,normalised", [
    ("title", "  告知书  ", "告知书"),
    ("facts", "第一行  \r\n第二行\r\n\n", "第一行\n第二行"),
    ("born", date(2004, 3, 15), "2004-03-15"),
    ("born", "2004-03-15", "2004-03-15"),
    ("start", "2020-02-10 09:30", "2020-02-10T09:30"),
    ("start", datetime(2020, 2, 10, 9, 30, 15), "2020-02-10T09:30:15"),
    ("session", "3", 3),
    ("amount", "40,000", "40000.00"),
    ("amount", 12, "12.00"),
    ("sex", "female", "female"),
    ("minor", False, False),
    ("guardian", "  阿卜杜拉·买买提 ", "阿卜杜拉·买买提"),
    ("guardian", "阿卜杜拉・买买提", "阿卜杜拉·买买提"),
    ("guardian", "Maria  O'Neil", "Maria O'Neil"),
    ("id_number", VALID_ID.lower(), VALID_ID),
    ("id_number", "50010819850612271x", "50010819850612271X"),
    ("case_number", "渝南检刑捕受[2020]12号", "渝南检刑捕受〔2020〕12号"),
    ("case_number", "渝南检刑捕受（2020）12号", "渝南检刑捕受〔2020〕12号"),
    ("qa", [{"q": " 你叫什么名字？", "a": "王某某。\r\n"}], [{"q": "你叫什么名字？", "a": "王某某。"}]),
])
def test_good_values_are_normalised(template, name, raw, normalised):
    assert check(template, **{name: raw})[name] == normalised


@pytest.mark.parametrize("name,raw,code", [
    ("title", "告", "too_short"),
    ("title", "告知书告知书告知书告知书", "too_long"),
    ("title", "两行\n文字", "not_single_line"),
    ("title", 42, "wrong_type"),
    ("phone", "12345", "pattern_mismatch"),
    ("facts", "字" * 31, "too_long"),
    ("born", "2020-02-30", "bad_date"),
    ("born", "10/02/2020", "bad_date"),
    ("born", datetime(2020, 2, 10, 9, 0), "wrong_type"),
    ("start", "2020-02-10", "bad_datetime"),
    ("start", datetime(2020, 2, 10, 9, 0, tzinfo=timezone.utc), "has_timezone"),
    ("session", 0, "too_small"),
    ("session", 10, "too_large"),
    ("session", True, "wrong_type"),
    ("session", "3.5", "wrong_type"),
    ("amount", "12.345", "bad_amount"),
    ("amount", "-5", "bad_amount"),
    ("amount", "0.50", "too_small"),
    ("amount", "100000.01", "too_large"),
    ("sex", "unknown", "not_an_option"),
    ("minor", "yes", "wrong_type"),
    ("guardian", "王", "bad_name"),
    ("guardian", "王2号", "bad_name"),
    ("guardian", "王 Ming", "bad_name"),
    ("id_number", "50010820040315123", "id_format"),
    ("id_number", "990108200403151235", "id_region"),
    ("id_number", "500108200402301235", "id_birth_date"),
    ("id_number", "500108202103151235", "id_birth_date"),   # born after TODAY
    ("id_number", "500108200403151234", "id_check_digit"),
    ("case_number", "2020-12", "case_number_format"),
    ("qa", [{"q": "问题"}], "bad_pair"),
    ("qa", [{"q": "问题", "a": "  "}], "empty_pair"),
    ("qa", [{"q": "问", "a": "答" * 41}], "too_long"),
    ("qa", [{"q": "问", "a": "答"}] * 4, "too_many_items"),
    ("qa", "问：答：", "wrong_type"),
])
def test_bad_values_are_named_with_a_code(template, name, raw, code):
    assert codes(template, **{name: raw}) == {name: code}


def test_every_error_is_reported_at_once_with_bilingual_messages(template):
    with pytest.raises(FieldValidationError) as caught:
        validate_fields(template, {"title": "", "born": "x", "sex": "x", "surprise": 1},
                        today=TODAY)
    errors = {e.field: e for e in caught.value.errors}
    assert {f: e.code for f, e in errors.items()} == {
        "title": "required", "born": "bad_date", "sex": "not_an_option",
        "surprise": "unknown_field"}
    assert "标题" in errors["title"].message.zh and "Title" in errors["title"].message.en
    assert "born" in str(caught.value) and caught.value.reason == "invalid_fields"


def test_qa_errors_point_at_the_pair(template):
    with pytest.raises(FieldValidationError) as caught:
        check(template, qa=[{"q": "问", "a": "答"}, {"q": "问", "a": ""}])
    (error,) = caught.value.errors
    assert (error.field, error.code, error.item) == ("qa", "empty_pair", 1)
    assert "第 2 组" in error.message.zh and "pair 2" in error.message.en


def test_characters_the_font_cannot_draw_are_named(template):
    with pytest.raises(FieldValidationError) as caught:
        check(template, facts="签名✍️完毕")
    (error,) = caught.value.errors
    assert error.code == "glyph_missing"
    assert "✍" in error.message.en and "U+270D" in error.message.en


def test_required_if_applies_when_its_condition_holds(template):
    assert codes(template, minor=True) == {"guardian": "required"}
    assert check(template, minor=False)["guardian"] is None
    assert check(template, minor=True, guardian="赵红")["guardian"] == "赵红"


def test_end_before_start_is_refused(template):
    assert codes(template, start="2020-02-10T10:00", end="2020-02-10T09:59") == \
        {"end": "out_of_order"}
    assert check(template, start="2020-02-10T10:00", end="2020-02-10T10:00")["end"]


def test_values_that_are_not_a_mapping_are_refused(template):
    with pytest.raises(FieldValidationError) as caught:
        validate_fields(template, [("title", "x")])  # type: ignore[arg-type]
    assert caught.value.errors[0].code == "not_a_mapping"


def test_input_is_not_modified(template):
    values = {"title": " 告知书 ", "qa": [{"q": " 问 ", "a": "答"}]}
    snapshot = repr(values)
    check(template, **values)
    assert repr(values) == snapshot


def test_every_shipped_example_is_valid_and_normalisation_is_idempotent():
    for template in load_templates().values():
        for language in ("zh", "en"):
            once = validate_fields(template, template.example_values(language), today=TODAY)
            assert validate_fields(template, once, today=TODAY) == once


def test_check_resident_id_for_other_layers():
    assert check_resident_id(" 50010819850612271x", TODAY) == "50010819850612271X"
    with pytest.raises(ValueError, match="^id_check_digit: "):
        check_resident_id("500108198506122710", TODAY)


# -- GB 11643 check digit: property-based ----------------------------------------------------

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)


def with_check_digit(body: str) -> str:
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS)) % 11]


@st.composite
def identity_numbers(draw) -> str:
    region = draw(st.sampled_from(["11", "31", "44", "50", "51", "54", "65", "81"]))
    rest = draw(st.text("0123456789", min_size=4, max_size=4))
    born = draw(birth_dates)
    serial = draw(st.text("0123456789", min_size=3, max_size=3))
    return with_check_digit(f"{region}{rest}{born:%Y%m%d}{serial}")


@settings(max_examples=200, deadline=None)
@given(identity_numbers())
def test_any_well_formed_number_with_its_check_digit_is_accepted(number):
    assert check_resident_id(number, TODAY) == number


@settings(max_examples=200, deadline=None)
@given(identity_numbers(), st.integers(0, 17), st.integers(1, 10))
def test_any_single_changed_character_is_caught(number, position, shift):
    alphabet = "0123456789X" if position == 17 else "0123456789"
    index = alphabet.index(number[position])
    typo = number[:position] + alphabet[(index + shift) % len(alphabet)] + number[position + 1:]
    if typo == number:
        return
    with pytest.raises(ValueError):
        # A typo either breaks the region, the birth date, or (always) the check digit.
        check_resident_id(typo, TODAY)


@settings(max_examples=100, deadline=None)
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1)),
       st.integers(-36000, 36000))
def test_end_is_refused_exactly_when_it_is_before_start(template, start, seconds):
    start = start.replace(microsecond=0)
    end = start + timedelta(seconds=seconds)
    values = {"title": "告知书", "start": start, "end": end}
    if seconds < 0:
        with pytest.raises(FieldValidationError):
            validate_fields(template, values, today=TODAY)
    else:
        validate_fields(template, values, today=TODAY)
