"""Field values of a record: checked against their template, normalised, errors in both languages.

``validate_fields`` returns JSON-compatible normalised values (``str``, ``int``, ``bool``,
``None``, lists of ``{"q", "a"}``): dates as ``YYYY-MM-DD``, times as ``YYYY-MM-DDTHH:MM``,
amounts as ``"40000.00"``, identity numbers upper-case.  Every declared field is present in
the result (``None`` when an optional field is empty).  A bad value never passes silently:
every problem of every field is collected into one :class:`FieldValidationError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from records.fonts import missing_glyphs
from records.templates import FieldSpec, Template, Text, condition_holds

__all__ = ["FieldError", "FieldValidationError", "check_resident_id", "validate_fields"]


@dataclass(frozen=True)
class FieldError:
    """One problem with one field: ``code`` is machine-readable, ``message`` for people.

    ``item`` is the 0-based index of the bad question/answer pair in a ``qa_list``."""

    field: str
    code: str
    message: Text
    item: int | None = None


class FieldValidationError(ValueError):
    """The values of a record are not acceptable; ``errors`` lists every bad field."""

    reason = "invalid_fields"

    def __init__(self, errors: tuple[FieldError, ...] | list[FieldError]) -> None:
        self.errors = tuple(errors)
        lines = "; ".join(f"{e.field}: {e.message.en} [{e.code}]" for e in self.errors)
        super().__init__(f"{len(self.errors)} invalid field(s): {lines}")


class _Bad(Exception):
    """Raised by a type checker; becomes a FieldError for the field being checked."""

    def __init__(self, code: str, zh: str, en: str, item: int | None = None) -> None:
        super().__init__(code)
        self.code, self.text, self.item = code, Text(zh, en), item


# -- one checker per field type: (spec, raw value, today) -> normalised value -------------------

def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise _Bad("wrong_type", "应为文字", "must be text")
    return value


def _lengths(spec: FieldSpec, text: str) -> str:
    low, high = spec.constraints.get("min_length"), spec.constraints.get("max_length")
    if low is not None and len(text) < low:
        raise _Bad("too_short", f"至少 {low} 个字符", f"must have at least {low} characters")
    if high is not None and len(text) > high:
        raise _Bad("too_long", f"最多 {high} 个字符", f"must have at most {high} characters")
    return text


def _text(spec: FieldSpec, value: Any, today: date) -> str:
    text = _string(value).strip()
    if "\n" in text or "\r" in text:
        raise _Bad("not_single_line", "不能换行", "must be a single line")
    pattern = spec.constraints.get("pattern")
    if pattern is not None and not re.fullmatch(pattern, text):
        raise _Bad("pattern_mismatch", "格式不正确", f"does not match the form {pattern}")
    return _lengths(spec, text)


def _clean_lines(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def _multiline(spec: FieldSpec, value: Any, today: date) -> str:
    return _lengths(spec, _clean_lines(_string(value)))


def _date(spec: FieldSpec, value: Any, today: date) -> str:
    if isinstance(value, datetime):
        raise _Bad("wrong_type", "应为日期（不含时间）", "must be a date without a time")
    if isinstance(value, date):
        return value.isoformat()
    text = _string(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise _Bad("bad_date", "日期格式应为 YYYY-MM-DD", "must be a date as YYYY-MM-DD")
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise _Bad("bad_date", "日期不存在", "is not a calendar date") from None


def _datetime(spec: FieldSpec, value: Any, today: date) -> str:
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?", text):
            raise _Bad("bad_datetime", "时间格式应为 YYYY-MM-DD HH:MM",
                       "must be a date and time as YYYY-MM-DD HH:MM")
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise _Bad("bad_datetime", "时间不存在", "is not a valid date and time") from None
    if not isinstance(value, datetime):
        raise _Bad("wrong_type", "应为日期和时间", "must be a date and time")
    if value.tzinfo is not None:
        # Forms print the procuratorate's wall-clock time; a zone would be silently dropped.
        raise _Bad("has_timezone", "应为当地时间，不带时区", "must be local time without a zone")
    if value.microsecond:
        raise _Bad("bad_datetime", "时间精确到秒即可", "must not carry fractions of a second")
    return value.isoformat(timespec="seconds" if value.second else "minutes")


def _integer(spec: FieldSpec, value: Any, today: date) -> int:
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,12}\s*", value):
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Bad("wrong_type", "应为整数", "must be a whole number")
    return _bounds(spec, value, value)


def _bounds(spec: FieldSpec, value: Any, number: int | Decimal) -> Any:
    low, high = spec.constraints.get("min"), spec.constraints.get("max")
    if low is not None and number < low:
        raise _Bad("too_small", f"不能小于 {low}", f"must be at least {low}")
    if high is not None and number > high:
        raise _Bad("too_large", f"不能大于 {high}", f"must be at most {high}")
    return value


def _amount(spec: FieldSpec, value: Any, today: date) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
        raise _Bad("wrong_type", "应为金额（元）", "must be an amount in yuan")
    text = str(value).strip().replace(",", "")
    if not re.fullmatch(r"\d{1,12}(\.\d{1,2})?", text):
        raise _Bad("bad_amount", "金额应为不超过两位小数的非负数",
                   "must be a non-negative amount with at most two decimals")
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only numbers
        raise _Bad("bad_amount", "金额无效", "is not an amount") from None
    return _bounds(spec, f"{number:.2f}", number)


def _choice(spec: FieldSpec, value: Any, today: date) -> str:
    if not isinstance(value, str) or spec.option(value) is None:
        allowed = ", ".join(o.value for o in spec.options)
        raise _Bad("not_an_option", f"应为以下之一：{allowed}", f"must be one of: {allowed}")
    return value


def _boolean(spec: FieldSpec, value: Any, today: date) -> bool:
    if not isinstance(value, bool):
        raise _Bad("wrong_type", "应为是或否", "must be yes or no (true/false)")
    return value


_CJK_NAME = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+(?:[·•][\u3400-\u4dbf\u4e00-\u9fff]+)*")
_LATIN_NAME = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:[ .'\-][A-Za-z\u00c0-\u024f]+)*\.?")


def _person_name(spec: FieldSpec, value: Any, today: date) -> str:
    # Input methods type the separator of transliterated names several ways.
    name = re.sub(r"[•・‧･]", "·", re.sub(r"\s+", " ", _string(value).strip()))
    if _CJK_NAME.fullmatch(name):
        if len(name) < 2:
            raise _Bad("bad_name", "中文姓名至少两个字", "a Chinese name has at least two characters")
    elif not _LATIN_NAME.fullmatch(name):
        raise _Bad("bad_name", "姓名只能是汉字（可含间隔号·）或拉丁字母",
                   "a name is Chinese characters (with · between parts) or Latin letters")
    return _lengths(spec, name) if "max_length" in spec.constraints else _cap(name, 40)


def _cap(name: str, limit: int) -> str:
    if len(name) > limit:
        raise _Bad("too_long", f"最多 {limit} 个字符", f"must have at most {limit} characters")
    return name


# GB/T 2260 province-level codes, the first two digits of a resident identity number.
_REGIONS = frozenset({11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43,
                      44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83})
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def check_resident_id(number: str, today: date) -> str:
    """Normalise and check a PRC resident identity number (GB 11643-1999); ValueError if bad."""
    try:
        return _resident_id_checked(number, today)
    except _Bad as bad:
        raise ValueError(f"{bad.code}: {bad.text.en}") from None


def _resident_id_checked(value: Any, today: date) -> str:
    number = _string(value).strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise _Bad("id_format", "公民身份号码应为18位，前17位为数字，末位为数字或X",
                   "must be 18 characters: 17 digits, then a digit or X")
    if int(number[:2]) not in _REGIONS:
        raise _Bad("id_region", "前两位不是有效的省级行政区划代码",
                   "the first two digits are not a province code")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise _Bad("id_birth_date", "出生日期码不是有效日期",
                   "digits 7-14 are not a valid birth date") from None
    if born < date(1900, 1, 1) or born > today:
        raise _Bad("id_birth_date", "出生日期不合理", "the birth date is not plausible")
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    if "10X98765432"[total % 11] != number[17]:
        raise _Bad("id_check_digit", "校验码错误（号码有误）",
                   "the check digit is wrong (mistyped number)")
    return number


def _resident_id(spec: FieldSpec, value: Any, today: date) -> str:
    return _resident_id_checked(value, today)


def _case_number(spec: FieldSpec, value: Any, today: date) -> str:
    text = re.sub(r"\s+", "", _string(value))
    # People type the year brackets many ways; the printed form uses 〔 〕 (GB/T 9704).
    text = re.sub(r"[\[［(（【〔](\d{4})[\]］)）】〕]", r"〔\1〕", text)
    if not re.fullmatch(r"[\u4e00-\u9fff]{2,20}〔(19|20)\d\d〕[0-9A-Z\-]{1,20}号", text):
        raise _Bad("case_number_format", "案号格式应如：渝南检刑捕受〔2020〕12号",
                   "must look like 渝南检刑捕受〔2020〕12号 (agency abbreviation, 〔year〕, number 号)")
    return text


def _qa_list(spec: FieldSpec, value: Any, today: date) -> list[dict[str, str]]:
    if not isinstance(value, (list, tuple)):
        raise _Bad("wrong_type", "应为问答列表", "must be a list of question/answer pairs")
    limit = spec.constraints.get("max_length", 5000)
    pairs = []
    for index, pair in enumerate(value):
        if not isinstance(pair, Mapping) or set(pair) != {"q", "a"}:
            raise _Bad("bad_pair", f"第 {index + 1} 组应含“问”和“答”",
                       f"pair {index + 1} must have exactly 'q' and 'a'", index)
        clean = {}
        for key in ("q", "a"):
            if not isinstance(pair[key], str) or not pair[key].strip():
                raise _Bad("empty_pair", f"第 {index + 1} 组的{'问' if key == 'q' else '答'}为空",
                           f"pair {index + 1}: the {'question' if key == 'q' else 'answer'} "
                           "is empty", index)
            clean[key] = _clean_lines(pair[key])
            if len(clean[key]) > limit:
                raise _Bad("too_long", f"第 {index + 1} 组超过 {limit} 个字符",
                           f"pair {index + 1} is longer than {limit} characters", index)
        pairs.append(clean)
    low, high = spec.constraints.get("min_items", 1), spec.constraints.get("max_items")
    if len(pairs) < low:
        raise _Bad("too_few_items", f"至少 {low} 组问答", f"needs at least {low} question(s)")
    if high is not None and len(pairs) > high:
        raise _Bad("too_many_items", f"最多 {high} 组问答", f"allows at most {high} questions")
    return pairs


_CHECKERS: Mapping[str, Callable[[FieldSpec, Any, date], Any]] = {
    "text": _text, "multiline": _multiline, "date": _date, "datetime": _datetime,
    "integer": _integer, "amount": _amount, "choice": _choice, "boolean": _boolean,
    "person_name": _person_name, "resident_id": _resident_id, "case_number": _case_number,
    "qa_list": _qa_list,
}


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, (str, list, tuple)) and not (
        value.strip() if isinstance(value, str) else value))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for pair in value for s in pair.values()]
    return []


def validate_fields(template: Template, values: Mapping[str, Any], *,
                    today: date | None = None) -> dict[str, Any]:
    """Check ``values`` against ``template``; return normalised values or raise
    :class:`FieldValidationError` listing every bad field.  ``today`` bounds birth dates."""
    if not isinstance(values, Mapping):
        raise FieldValidationError([FieldError("", "not_a_mapping", Text(
            "字段值应为“名称→值”的映射", "field values must be a mapping of name to value"))])
    today = today or date.today()
    errors: list[FieldError] = []
    known = {spec.name for spec in template.fields}
    for name in sorted(set(values) - known, key=str):
        errors.append(FieldError(str(name), "unknown_field", Text(
            f"模板“{template.title.zh}”没有字段 {name}",
            f"template '{template.title.en}' has no field {name}")))
    result: dict[str, Any] = {}
    for spec in template.fields:
        raw = values.get(spec.name)
        if _is_empty(raw):
            result[spec.name] = None
            if spec.required:
                errors.append(FieldError(spec.name, "required", Text(
                    f"“{spec.label.zh}”为必填项", f"'{spec.label.en}' is required")))
            continue
        try:
            value = _CHECKERS[spec.type](spec, raw, today)
            missing = sorted({c for s in _strings(value) for c in missing_glyphs(s)})
            if missing:
                shown = " ".join(f"{c}(U+{ord(c):04X})" for c in missing)
                raise _Bad("glyph_missing", f"含有字体无法显示的字符：{shown}",
                           f"contains characters the font cannot draw: {shown}")
        except _Bad as bad:
            errors.append(FieldError(spec.name, bad.code, Text(
                f"“{spec.label.zh}”{bad.text.zh}", f"'{spec.label.en}' {bad.text.en}"), bad.item))
            result[spec.name] = None
            continue
        result[spec.name] = value
    for spec in template.fields:
        condition = spec.constraints.get("required_if")
        # Only an empty field: an invalid one has its own error already.
        if condition and _is_empty(values.get(spec.name)) and condition_holds(condition, result):
            errors.append(FieldError(spec.name, "required", Text(
                f"“{spec.label.zh}”在此情形下为必填项（{condition}）",
                f"'{spec.label.en}' is required here ({condition})")))
    errors.extend(_order_errors(template, result))
    if errors:
        raise FieldValidationError(errors)
    return result


def _order_errors(template: Template, values: Mapping[str, Any]) -> list[FieldError]:
    """``not_before``/``not_after`` between two date or datetime fields (ISO strings compare)."""
    errors = []
    for spec in template.fields:
        for key, wrong in (("not_before", lambda a, b: a < b), ("not_after", lambda a, b: a > b)):
            other = spec.constraints.get(key)
            mine, theirs = values.get(spec.name), values.get(other) if other else None
            if mine is None or theirs is None or not wrong(_when(mine), _when(theirs)):
                continue
            label = template.field(other).label
            word_zh, word_en = ("早于", "before") if key == "not_before" else ("晚于", "after")
            errors.append(FieldError(spec.name, "out_of_order", Text(
                f"“{spec.label.zh}”不能{word_zh}“{label.zh}”",
                f"'{spec.label.en}' cannot be {word_en} '{label.en}'")))
    return errors


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value)
