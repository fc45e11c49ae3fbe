"""Checks on the parties of a case before they are stored: the case itself, its persons, and
who signs a record.  Every problem is collected and reported at once (``InvalidInput``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.errors import InputProblem, InvalidInput
from records.fields import check_resident_id
from records.fonts import missing_glyphs
from records.model import Case, Person
from records.templates import ROLE_NAMES, Role, SignatorySpec, Station

__all__ = ["check_case", "check_person", "check_stations", "resolve_signatories"]

class _Problems:
    def __init__(self) -> None:
        self.items: list[InputProblem] = []

    def add(self, field: str, code: str, zh: str, en: str) -> None:
        self.items.append(InputProblem(field, code, zh, en))

    def text(self, field: str, value: Any, *, limit: int, required: bool = True) -> str:
        text = value.strip() if isinstance(value, str) else ""
        if value is not None and not isinstance(value, str):
            self.add(field, "not_text", "应为文字", "must be text")
        elif required and not text:
            self.add(field, "required", "必填", "is required")
        elif len(text) > limit:
            self.add(field, "too_long", f"过长（{len(text)} 字，最多 {limit} 字）",
                     f"is too long ({len(text)} characters, at most {limit})")
        else:
            missing = missing_glyphs(text)
            if missing:
                shown = " ".join(f"{c} (U+{ord(c):04X})" for c in missing)
                self.add(field, "glyph_missing", f"含有无法打印的字符：{shown}",
                         f"contains characters the record font cannot print: {shown}")
        return text

    def raise_if_any(self, reason: str = "invalid_input") -> None:
        if self.items:
            raise InvalidInput(self.items, reason=reason)


def check_case(session: Session, case_number: Any, title: Any, agency: Any,
               cause: Any) -> tuple[str, str, str, str]:
    """The case's values, stripped; ``InvalidInput`` listing every bad one (a case number
    already used included)."""
    problems = _Problems()
    number = problems.text("case_number", case_number, limit=64)
    values = (number, problems.text("title", title, limit=200),
              problems.text("agency", agency, limit=200),
              problems.text("cause", cause, limit=200, required=False))
    if number and session.scalar(select(Case.id).where(Case.case_number == number)):
        problems.add("case_number", "duplicate", f"案号 {number} 已存在",
                     f"case number {number} is already in use")
    problems.raise_if_any()
    return values


def check_person(session: Session, case: Case, *, name: Any, role: Any,
                 identity_number: str | None, birth_date: date | None, minor: bool | None,
                 acts_for: str | None, today: date) -> dict[str, Any]:
    """A person's column values, checked against each other (the identity number's birth
    date, age and the minor flag) and against the case (``acts_for`` must be one of its
    persons); ``InvalidInput`` listing every problem."""
    problems = _Problems()
    clean_name = problems.text("name", name, limit=100)
    try:
        role_value = Role(role).value
    except ValueError:
        problems.add("role", "unknown_role", f"未知的身份：{role!r}", f"unknown role {role!r}")
        role_value = str(role)
    number = (identity_number or "").strip().upper() or None
    if number is not None:
        try:
            number = check_resident_id(number, today)
        except ValueError as exc:
            code, _, detail = str(exc).partition(": ")
            problems.add("identity_number", code, "不是有效的居民身份证号码",
                         f"is not a valid resident identity number ({detail or code})")
        else:
            id_birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
            if birth_date is not None and birth_date != id_birth:
                problems.add("birth_date", "mismatch",
                             f"与身份证号码中的出生日期 {id_birth} 不符",
                             f"differs from the birth date {id_birth} in the identity number")
            birth_date = birth_date or id_birth
    if birth_date is not None and (birth_date > today or birth_date.year < 1900):
        problems.add("birth_date", "implausible", "出生日期不合理", "is not a plausible birth date")
    age = None if birth_date is None else (
        today.year - birth_date.year - ((today.month, today.day) < (birth_date.month,
                                                                   birth_date.day)))
    if minor is None:
        minor = age is not None and age < 18
    elif age is not None and minor != (age < 18):
        problems.add("minor", "mismatch", f"与年龄（{age} 岁）不符",
                     f"does not match the age ({age})")
    if acts_for is not None:
        other = session.get(Person, acts_for)
        if other is None or other.case_id != case.id:
            problems.add("acts_for", "unknown_person", "本案中没有该人员",
                         "is not a person of this case")
    problems.raise_if_any()
    return {"name": clean_name, "role": role_value, "identity_number": number,
            "birth_date": birth_date, "minor": bool(minor), "acts_for_id": acts_for}


def resolve_signatories(session: Session, case_id: str, specs: Sequence[SignatorySpec],
                        assigned: Mapping[Role | str, str],
                        values: Mapping[str, Any]) -> list[Person]:
    """The person who signs for each signatory spec: the one assigned to the role, else the
    case's one person with that role (and, where the template names the signatory in a field,
    with that name).  Where a field names the signatory, the person's name must be the same,
    so the name printed under a signature is the name in the record.  Raises
    ``InvalidInput(reason='signatories_unassigned')`` naming every role not settled."""
    persons = list(session.scalars(select(Person).where(Person.case_id == case_id)
                                   .order_by(Person.created_at, Person.id)))
    chosen = {str(role): person_id for role, person_id in assigned.items()}
    problems = _Problems()
    found: list[Person] = []
    for spec in specs:
        role = spec.role.value
        label = ROLE_NAMES.get(spec.role, spec.label)
        named = values.get(spec.name_field) if spec.name_field else None
        if role in chosen:
            matches = [p for p in persons if p.id == chosen[role]]
            if not matches:
                problems.add(role, "unknown_person", f"{label.zh}：本案中没有该人员",
                             f"{label.en}: no such person in this case")
        else:
            matches = [p for p in persons if p.role == role
                       and (not named or p.name == named)]
            called = f"“{named}”" if named else ""
            if not matches:
                problems.add(role, "no_person", f"本案尚未登记{label.zh}{called}",
                             f"the case has no {label.en.lower()} {called}".rstrip())
            elif len(matches) > 1:
                problems.add(role, "ambiguous", f"本案有多名{label.zh}{called}，请指定由谁签名",
                             f"the case has several {label.en.lower()}s {called}: "
                             "say which one signs")
        if len(matches) == 1:
            if named and matches[0].name != named:
                problems.add(role, "name_mismatch",
                             f"{label.zh}姓名为“{matches[0].name}”，笔录中写的是“{named}”",
                             f"the {label.en.lower()} is {matches[0].name}, but the record "
                             f"names {named}")
            found.append(matches[0])
    problems.raise_if_any("signatories_unassigned")
    return found


def check_stations(specs: Sequence[SignatorySpec],
                   chosen: Mapping[Role | str, Station | str]) -> list[str]:
    """Where each signatory signs: the chosen station for their role, else the template's."""
    wanted = {str(role): station for role, station in chosen.items()}
    problems = _Problems()
    places: list[str] = []
    for spec in specs:
        station = wanted.get(spec.role.value, spec.station)
        try:
            places.append(Station(station).value)
        except ValueError:
            problems.add(spec.role.value, "unknown_station", f"未知的签名地点：{station!r}",
                         f"unknown station {station!r} (workstation or terminal)")
    problems.raise_if_any()
    return places
