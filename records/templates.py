"""Record templates: one TOML data file per legal form, with its fields, layout and signatories.

A template is data only (``resources/templates/<id>.toml``).  Loading checks every key and
every cross-reference (layout placeholders, conditions, name fields, example values, glyph
coverage); a bad file raises :class:`TemplateError` naming the file, the key and a
machine-readable reason.  The file's exact text and its SHA-256 travel with the template so a
record can always say which wording it was drafted from.

File format (every text is a ``{ zh = "...", en = "..." }`` table):

* top level: ``id`` (= file name), ``version``, ``title``; optional ``issuer_field`` (printed
  above the title unless ``issuer_header = false``, and on the seal line), ``seal_caption``,
  ``example_created`` (offset date-time of the demo record);
* ``[[fields]]``: ``name``, ``type`` (see :data:`FIELD_TYPES`), ``label``, ``required``,
  ``example`` (mandatory when required), ``example_en``, ``constraints`` (per type, plus
  ``required_if``; choices list ``[[fields.constraints.options]]`` of ``value, zh, en``);
* ``[[layout]]``: ``kind`` = heading | paragraph | fields | items | qa, with ``text``,
  ``fields`` + ``columns``, ``items`` or ``field``; optional ``align``, ``indent``,
  ``condition``.  ``{name}`` in a text prints that field's value;
* ``[[signatories]]`` in signing order, the prosecutor first: ``role``, ``label``,
  ``statement``, ``station``, ``on_refusal``; optional ``optional``, ``condition``,
  ``name_field``.

A condition is ``NAME``, ``not NAME``, ``NAME == "value"`` or ``NAME != "value"``; every field
must be printed somewhere or switch something on, so nothing a signatory signs is hidden.
"""

from __future__ import annotations

import hashlib
import re
import string
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any

from resources import ROOT as RESOURCES

__all__ = [
    "COMMON_CONSTRAINTS", "FIELD_TYPES", "LANGUAGES", "ROLE_NAMES", "TEMPLATE_DIR",
    "BlockKind", "ChoiceOption", "FieldSpec", "LayoutBlock", "OnRefusal", "Role",
    "SignatorySpec", "Station", "Template", "TemplateError", "Text",
    "condition_holds", "load_template", "load_templates", "parse_template",
]

TEMPLATE_DIR = RESOURCES / "templates"
LANGUAGES = ("zh", "en", "zh+en")


class Role(StrEnum):
    """Who signs a record.  The prosecutor always signs first (the certification signature)."""

    PROSECUTOR = "prosecutor"
    SUSPECT = "suspect"
    APPROPRIATE_ADULT = "appropriate_adult"
    DEFENCE_LAWYER = "defence_lawyer"
    DUTY_LAWYER = "duty_lawyer"
    INTERPRETER = "interpreter"
    WITNESS = "witness"
    RECORDER = "recorder"
    RECIPIENT = "recipient"
    APPLICANT = "applicant"
    AGENT = "agent"


class Station(StrEnum):
    """Where a signatory signs by default: the prosecutor's workstation or the remote terminal."""

    WORKSTATION = "workstation"
    TERMINAL = "terminal"


class OnRefusal(StrEnum):
    """What a refusal to sign does: the record goes on (refusal noted) or signing stops."""

    CONTINUE = "continue"
    STOP = "stop"


class BlockKind(StrEnum):
    """One block of a template's printed layout, top to bottom."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    FIELDS = "fields"
    ITEMS = "items"
    QA = "qa"


@dataclass(frozen=True)
class Text:
    """A piece of user-visible text in Simplified Chinese and English."""

    zh: str
    en: str

    def get(self, language: str) -> str:
        """The text in ``zh``, ``en`` or ``zh+en`` (both, Chinese first)."""
        if language == "zh":
            return self.zh
        if language == "en":
            return self.en
        if language == "zh+en":
            return self.zh if self.zh == self.en else f"{self.zh} {self.en}"
        raise ValueError(f"unknown language {language!r}; expected one of {LANGUAGES}")


ROLE_NAMES: Mapping[Role, Text] = MappingProxyType({
    Role.PROSECUTOR: Text("检察官", "Prosecutor"),
    Role.SUSPECT: Text("犯罪嫌疑人", "Suspect"),
    Role.APPROPRIATE_ADULT: Text("合适成年人", "Appropriate adult"),
    Role.DEFENCE_LAWYER: Text("辩护律师", "Defence lawyer"),
    Role.DUTY_LAWYER: Text("值班律师", "Duty lawyer"),
    Role.INTERPRETER: Text("翻译人员", "Interpreter"),
    Role.WITNESS: Text("见证人", "Witness"),
    Role.RECORDER: Text("书记员", "Recorder"),
    Role.RECIPIENT: Text("受送达人", "Recipient"),
    Role.APPLICANT: Text("申请人", "Applicant"),
    Role.AGENT: Text("代理人", "Agent"),
})

# Field type -> the constraint keys it accepts and their TOML types.  Value checks: records.fields.
FIELD_TYPES: Mapping[str, Mapping[str, type]] = MappingProxyType({
    "text": {"min_length": int, "max_length": int, "pattern": str},
    "multiline": {"min_length": int, "max_length": int},
    "date": {"not_before": str, "not_after": str},
    "datetime": {"not_before": str, "not_after": str},
    "integer": {"min": int, "max": int, "unit": dict},
    "amount": {"min": int, "max": int},
    "choice": {"options": list},
    "boolean": {},
    "person_name": {"max_length": int},
    "resident_id": {},
    "case_number": {},
    "qa_list": {"min_items": int, "max_items": int, "max_length": int},
})

# Accepted by every field type: the field becomes required when the condition holds.
COMMON_CONSTRAINTS: Mapping[str, type] = MappingProxyType({"required_if": str})


class TemplateError(ValueError):
    """A template file is unusable; ``key`` is the dotted place in the file, ``reason`` a code."""

    def __init__(self, path: Path | str, key: str, reason: str, detail: str = "") -> None:
        self.path = Path(path)
        self.key = key
        self.reason = reason
        self.detail = detail
        where = f"{self.path}: {key}" if key else str(self.path)
        super().__init__(f"{where}: {detail or reason} [{reason}]")


@dataclass(frozen=True)
class ChoiceOption:
    """One allowed value of a ``choice`` field and how it is printed."""

    value: str
    label: Text


@dataclass(frozen=True)
class FieldSpec:
    """One field of a record: its type, bilingual label, constraints and an example value."""

    name: str
    type: str
    label: Text
    required: bool
    example: Any = field(default=None, hash=False)
    example_en: Any = field(default=None, hash=False)
    constraints: Mapping[str, Any] = field(default_factory=dict, hash=False)
    options: tuple[ChoiceOption, ...] = ()

    def option(self, value: str) -> ChoiceOption | None:
        """The choice option with this value, if any."""
        return next((o for o in self.options if o.value == value), None)


@dataclass(frozen=True)
class SignatorySpec:
    """One signatory in signing order: role, what they sign under, where, and what refusal does."""

    role: Role
    label: Text
    statement: Text
    optional: bool
    condition: str | None
    station: Station
    on_refusal: OnRefusal
    name_field: str | None = None


@dataclass(frozen=True)
class LayoutBlock:
    """A block of the printed form; texts may hold ``{field}`` placeholders."""

    kind: BlockKind
    text: Text | None = None
    fields: tuple[str, ...] = ()
    items: tuple[Text, ...] = ()
    columns: int = 1
    align: str = "left"
    condition: str | None = None
    indent: bool = True


@dataclass(frozen=True)
class Template:
    """A loaded, checked template.  ``signatories`` are in signing order, prosecutor first."""

    id: str
    version: int
    title: Text
    fields: tuple[FieldSpec, ...]
    signatories: tuple[SignatorySpec, ...]
    source_sha256: str
    source_text: str = field(repr=False)
    layout: tuple[LayoutBlock, ...] = ()
    issuer_field: str | None = None
    issuer_header: bool = True
    seal_caption: Text = Text("（院印）", "(Seal of the procuratorate)")
    example_created: datetime | None = None

    def field(self, name: str) -> FieldSpec:
        """The field called ``name`` (KeyError if the template has none)."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def example_values(self, language: str = "zh") -> dict[str, Any]:
        """The declared example values (English ones where given and ``language`` is ``en``)."""
        english = language == "en"
        return {f.name: (f.example_en if english and f.example_en is not None else f.example)
                for f in self.fields if f.example is not None}

    def active_signatories(self, values: Mapping[str, Any],
                           include_optional: Collection[Role] = ()) -> tuple[SignatorySpec, ...]:
        """Signatories who sign this record, in order: the required ones, optional ones whose
        condition holds for ``values``, and optional ones explicitly included."""
        return tuple(s for s in self.signatories
                     if not s.optional or s.role in include_optional
                     or (s.condition is not None and condition_holds(s.condition, values)))


# -- conditions: NAME | not NAME | NAME == "literal" | NAME != "literal" -----------------------

_CONDITION = re.compile(r'\s*(not\s+)?([a-z][a-z0-9_]*)\s*(?:(==|!=)\s*"([^"]*)")?\s*')


def _parse_condition(text: str) -> tuple[bool, str, str | None, str | None]:
    match = _CONDITION.fullmatch(text)
    if match is None or (match.group(1) and match.group(3)):
        raise ValueError(f'condition {text!r} must be NAME, not NAME, NAME == "x" or NAME != "x"')
    return bool(match.group(1)), match.group(2), match.group(3), match.group(4)


def condition_holds(condition: str, values: Mapping[str, Any]) -> bool:
    """Evaluate a template condition against field values (absent or empty counts as false)."""
    negate, name, op, literal = _parse_condition(condition)
    value = values.get(name)
    if op is None:
        return bool(value) != negate
    return (str(value) == literal) == (op == "==")


# -- loading ----------------------------------------------------------------------------------

_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
_ALIGN = ("left", "center", "right")


class _Loader:
    """Walks one parsed TOML document, failing with the dotted key of the first bad value."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, reason: str, detail: str = "") -> TemplateError:
        return TemplateError(self.path, key, reason, detail)

    def keys(self, table: dict, where: str, required: set[str], optional: set[str]) -> None:
        # Unknown keys first: a misspelt required key is better reported as the typo.
        for key in table:
            if key not in required | optional:
                raise self.fail(_join(where, key), "unknown_key", f"'{key}' is not a known key")
        for key in sorted(required):
            if key not in table:
                raise self.fail(_join(where, key), "missing_key", f"'{key}' is required")

    def typed(self, table: dict, key: str, where: str, kind: type, default: Any = None) -> Any:
        if key not in table:
            return default
        value = table[key]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if not ok:
            raise self.fail(_join(where, key), "wrong_type",
                            f"expected {_TOML_NAMES[kind]}, got {_toml_name(value)}")
        return value

    def text(self, table: dict, key: str, where: str) -> Text:
        raw = self.typed(table, key, where, dict)
        place = _join(where, key)
        if raw is None:
            raise self.fail(place, "missing_key", f"'{key}' is required")
        self.keys(raw, place, {"zh", "en"}, set())
        return self.text_pair(raw, place)

    def text_pair(self, raw: dict, place: str) -> Text:
        zh, en = self.typed(raw, "zh", place, str), self.typed(raw, "en", place, str)
        if not zh.strip() or not en.strip():
            raise self.fail(place, "empty_text", "both 'zh' and 'en' must be non-empty")
        return Text(zh, en)

    def name(self, value: str, place: str) -> str:
        if not _NAME.fullmatch(value):
            raise self.fail(place, "bad_name", f"{value!r} is not a lower-case identifier")
        return value

    def enum(self, table: dict, key: str, where: str, enum: type[StrEnum], reason: str) -> Any:
        value = self.typed(table, key, where, str)
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(m.value for m in enum)
            raise self.fail(_join(where, key), reason,
                            f"{value!r} is not one of: {allowed}") from None


_TOML_NAMES = {str: "a string", int: "an integer", bool: "a boolean", dict: "a table",
               list: "an array", float: "a float", datetime: "a date-time with offset"}


def _toml_name(value: Any) -> str:
    for kind in (bool, int, float, str, dict, list, datetime):
        if isinstance(value, kind):
            return _TOML_NAMES[kind]
    return type(value).__name__


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _placeholders(text: Text) -> set[str]:
    """The ``{field}`` names used in a text (ValueError on stray braces or format specs)."""
    names = set()
    for variant in (text.zh, text.en):
        for _, name, spec, conversion in string.Formatter().parse(variant):
            if name is None:
                continue
            if not _NAME.fullmatch(name) or spec or conversion:
                raise ValueError(f"placeholder {{{name}}} must be a plain field name")
            names.add(name)
    return names


def _load_field(ld: _Loader, raw: Any, where: str) -> FieldSpec:
    if not isinstance(raw, dict):
        raise ld.fail(where, "wrong_type", f"expected a table, got {_toml_name(raw)}")
    if isinstance(raw.get("name"), str) and _NAME.fullmatch(raw["name"]):
        where = f"fields.{raw['name']}"  # errors name the field once it has a usable name
    ld.keys(raw, where, {"name", "type", "label", "required"},
            {"example", "example_en", "constraints"})
    name = ld.name(ld.typed(raw, "name", where, str), _join(where, "name"))
    kind = ld.typed(raw, "type", where, str)
    if kind not in FIELD_TYPES:
        raise ld.fail(_join(where, "type"), "unknown_field_type",
                      f"{kind!r} is not one of: {', '.join(FIELD_TYPES)}")
    constraints = dict(ld.typed(raw, "constraints", where, dict, {}))
    allowed = {**FIELD_TYPES[kind], **COMMON_CONSTRAINTS}
    for key in constraints:
        if key not in allowed:
            raise ld.fail(f"{where}.constraints.{key}", "unknown_constraint",
                          f"type {kind!r} accepts: {', '.join(allowed) or 'no constraints'}")
        ld.typed(constraints, key, f"{where}.constraints", allowed[key])
    if "unit" in constraints:
        constraints["unit"] = ld.text(constraints, "unit", f"{where}.constraints")
    options: list[ChoiceOption] = []
    if kind == "choice":
        raw_options = constraints.get("options") or []
        if not raw_options:
            raise ld.fail(f"{where}.constraints.options", "missing_key",
                          "a choice field needs a non-empty 'options' array")
        for index, raw_option in enumerate(raw_options):
            place = f"{where}.constraints.options[{index}]"
            if not isinstance(raw_option, dict):
                raise ld.fail(place, "wrong_type", "expected a table {value, zh, en}")
            ld.keys(raw_option, place, {"value", "zh", "en"}, set())
            value = ld.typed(raw_option, "value", place, str)
            if any(o.value == value for o in options):
                raise ld.fail(place, "duplicate_option", f"option {value!r} appears twice")
            options.append(ChoiceOption(value, ld.text_pair(raw_option, place)))
        del constraints["options"]
    required = ld.typed(raw, "required", where, bool)
    if required and "example" not in raw:
        raise ld.fail(_join(where, "example"), "missing_key",
                      "a required field needs an example value (used by the demo and tests)")
    return FieldSpec(name=name, type=kind, label=ld.text(raw, "label", where), required=required,
                     example=raw.get("example"), example_en=raw.get("example_en"),
                     constraints=MappingProxyType(constraints), options=tuple(options))



def _load_signatory(ld: _Loader, raw: Any, index: int, fields: Mapping[str, FieldSpec]
                    ) -> SignatorySpec:
    where = f"signatories[{index}]"
    if not isinstance(raw, dict):
        raise ld.fail(where, "wrong_type", f"expected a table, got {_toml_name(raw)}")
    if raw.get("role") in set(Role):
        where = f"signatories.{raw['role']}"
    ld.keys(raw, where, {"role", "label", "statement", "station", "on_refusal"},
            {"optional", "condition", "name_field"})
    role = ld.enum(raw, "role", where, Role, "unknown_role")
    optional = ld.typed(raw, "optional", where, bool, False)
    condition = ld.typed(raw, "condition", where, str)
    if condition is not None:
        if not optional:
            raise ld.fail(_join(where, "condition"), "condition_on_required",
                          "only an optional signatory can have a condition")
        _check_condition(ld, condition, _join(where, "condition"), fields)
    name_field = ld.typed(raw, "name_field", where, str)
    if name_field is not None and name_field not in fields:
        raise ld.fail(_join(where, "name_field"), "unknown_field", f"no field {name_field!r}")
    return SignatorySpec(role=role, label=ld.text(raw, "label", where),
                         statement=ld.text(raw, "statement", where), optional=optional,
                         condition=condition,
                         station=ld.enum(raw, "station", where, Station, "unknown_station"),
                         on_refusal=ld.enum(raw, "on_refusal", where, OnRefusal,
                                            "unknown_refusal_action"),
                         name_field=name_field)


def _check_condition(ld: _Loader, condition: str, place: str,
                     fields: Mapping[str, FieldSpec]) -> None:
    try:
        _, name, _, _ = _parse_condition(condition)
    except ValueError as exc:
        raise ld.fail(place, "bad_condition", str(exc)) from None
    if name not in fields:
        raise ld.fail(place, "unknown_field", f"condition names no field of this template: {name!r}")


def _load_block(ld: _Loader, raw: Any, index: int, fields: Mapping[str, FieldSpec]) -> LayoutBlock:
    where = f"layout[{index}]"
    if not isinstance(raw, dict):
        raise ld.fail(where, "wrong_type", f"expected a table, got {_toml_name(raw)}")
    kind = ld.enum(raw, "kind", where, BlockKind, "unknown_block_kind")
    needs = {BlockKind.HEADING: {"text"}, BlockKind.PARAGRAPH: {"text"},
             BlockKind.FIELDS: {"fields"}, BlockKind.ITEMS: {"items"}, BlockKind.QA: {"field"}}
    ld.keys(raw, where, needs[kind] | {"kind"}, {"columns", "align", "condition", "indent"})
    text = ld.text(raw, "text", where) if "text" in raw else None
    names: list[str] = []
    if kind is BlockKind.FIELDS:
        names = ld.typed(raw, "fields", where, list)
    elif kind is BlockKind.QA:
        names = [ld.typed(raw, "field", where, str)]
    items = tuple(_item(ld, item, f"{where}.items[{i}]")
                  for i, item in enumerate(ld.typed(raw, "items", where, list, [])))
    for position, name in enumerate(names):
        if not isinstance(name, str) or name not in fields:
            raise ld.fail(f"{where}.fields[{position}]", "unknown_field", f"no field {name!r}")
        if kind is BlockKind.QA and fields[name].type != "qa_list":
            raise ld.fail(f"{where}.field", "wrong_field_type", f"{name!r} is not a qa_list")
    for piece in ([text] if text else []) + list(items):
        try:
            unknown = _placeholders(piece) - set(fields)
        except ValueError as exc:
            raise ld.fail(where, "bad_placeholder", str(exc)) from None
        if unknown:
            raise ld.fail(where, "unknown_field", f"placeholder names no field: {sorted(unknown)}")
    columns = ld.typed(raw, "columns", where, int, 1)
    if columns not in (1, 2):
        raise ld.fail(_join(where, "columns"), "bad_value", "columns must be 1 or 2")
    align = ld.typed(raw, "align", where, str, "left")
    if align not in _ALIGN:
        raise ld.fail(_join(where, "align"), "bad_value", f"align must be one of {_ALIGN}")
    condition = ld.typed(raw, "condition", where, str)
    if condition is not None:
        _check_condition(ld, condition, _join(where, "condition"), fields)
    return LayoutBlock(kind=kind, text=text, fields=tuple(names), items=items, columns=columns,
                       align=align, condition=condition,
                       indent=ld.typed(raw, "indent", where, bool, True))


def _item(ld: _Loader, raw: Any, place: str) -> Text:
    if not isinstance(raw, dict):
        raise ld.fail(place, "wrong_type", f"expected a table {{zh, en}}, got {_toml_name(raw)}")
    ld.keys(raw, place, {"zh", "en"}, set())
    return ld.text_pair(raw, place)


def parse_template(source_text: str, path: Path) -> Template:
    """Check and build a template from TOML text; ``path`` names the file in errors."""
    ld = _Loader(path)
    try:
        doc = tomllib.loads(source_text)
    except tomllib.TOMLDecodeError as exc:
        raise ld.fail("", "toml_syntax", str(exc)) from None
    ld.keys(doc, "", {"id", "version", "title", "fields", "signatories", "layout"},
            {"issuer_field", "issuer_header", "seal_caption", "example_created"})
    template_id = ld.name(ld.typed(doc, "id", "", str), "id")
    if path.suffix == ".toml" and path.stem != template_id:
        raise ld.fail("id", "id_mismatch", f"id {template_id!r} differs from the file name")
    version = ld.typed(doc, "version", "", int)
    if version < 1:
        raise ld.fail("version", "bad_value", "version must be 1 or more")
    fields: dict[str, FieldSpec] = {}
    for index, raw in enumerate(ld.typed(doc, "fields", "", list)):
        spec = _load_field(ld, raw, f"fields[{index}]")
        if spec.name in fields:
            raise ld.fail(f"fields.{spec.name}", "duplicate_field", "field name used twice")
        fields[spec.name] = spec
    if not fields:
        raise ld.fail("fields", "empty", "a template needs at least one field")
    _check_field_references(ld, fields)
    issuer_field = ld.typed(doc, "issuer_field", "", str)
    if issuer_field is not None and issuer_field not in fields:
        raise ld.fail("issuer_field", "unknown_field", f"no field {issuer_field!r}")
    signatories: list[SignatorySpec] = []
    for index, raw in enumerate(ld.typed(doc, "signatories", "", list)):
        spec = _load_signatory(ld, raw, index, fields)
        if any(s.role is spec.role for s in signatories):
            raise ld.fail(f"signatories.{spec.role.value}", "duplicate_role", "role listed twice")
        signatories.append(spec)
    if not signatories or signatories[0].role is not Role.PROSECUTOR or signatories[0].optional:
        raise ld.fail("signatories[0]", "first_not_prosecutor",
                      "the prosecutor signs first (the certification signature) and always")
    layout = tuple(_load_block(ld, raw, index, fields)
                   for index, raw in enumerate(ld.typed(doc, "layout", "", list)))
    shown = {n for b in layout for n in b.fields} | {s.name_field for s in signatories}
    shown.add(issuer_field)
    # A field that switches a printed block or a signatory on is visible through its effect.
    for condition in [b.condition for b in layout] + [s.condition for s in signatories]:
        if condition:
            shown.add(_parse_condition(condition)[1])
    for block in layout:
        for piece in ([block.text] if block.text else []) + list(block.items):
            shown |= _placeholders(piece)
    for name in fields:
        if name not in shown:
            raise ld.fail(f"fields.{name}", "unrendered_field",
                          "the field appears nowhere in the layout, so no signatory would see it")
    example_created = ld.typed(doc, "example_created", "", datetime)
    if example_created is not None and example_created.tzinfo is None:
        raise ld.fail("example_created", "bad_value", "give the time with its UTC offset")
    template = Template(id=template_id, version=version, title=ld.text(doc, "title", ""),
                        fields=tuple(fields.values()), signatories=tuple(signatories),
                        source_sha256=hashlib.sha256(source_text.encode("utf-8")).hexdigest(),
                        source_text=source_text, layout=layout, issuer_field=issuer_field,
                        issuer_header=ld.typed(doc, "issuer_header", "", bool, True),
                        seal_caption=(ld.text(doc, "seal_caption", "") if "seal_caption" in doc
                                      else Template.seal_caption),
                        example_created=example_created)
    _check_examples_and_glyphs(ld, template)
    return template


def _check_field_references(ld: _Loader, fields: Mapping[str, FieldSpec]) -> None:
    for spec in fields.values():
        for key in ("not_before", "not_after"):
            other = spec.constraints.get(key)
            if other is None:
                continue
            place = f"fields.{spec.name}.constraints.{key}"
            if other not in fields:
                raise ld.fail(place, "unknown_field", f"no field {other!r}")
            if fields[other].type != spec.type:
                raise ld.fail(place, "wrong_field_type", f"{other!r} is not a {spec.type} field")
        if "required_if" in spec.constraints:
            _check_condition(ld, spec.constraints["required_if"],
                             f"fields.{spec.name}.constraints.required_if", fields)
        pattern = spec.constraints.get("pattern")
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ld.fail(f"fields.{spec.name}.constraints.pattern", "bad_pattern",
                              str(exc)) from None


def _check_examples_and_glyphs(ld: _Loader, template: Template) -> None:
    # Imported here: records.fields builds on this module's types.
    from records.fields import FieldValidationError, validate_fields
    from records.fonts import missing_glyphs

    for language in ("zh", "en"):
        try:
            validate_fields(template, template.example_values(language))
        except FieldValidationError as exc:
            first = exc.errors[0]
            suffix = "example_en" if language == "en" else "example"
            raise ld.fail(f"fields.{first.field}.{suffix}", "invalid_example",
                          first.message.en) from None
    missing = missing_glyphs(template.source_text)
    if missing:
        raise ld.fail("", "glyph_missing", "the shipped font cannot draw: "
                      + " ".join(f"{c} (U+{ord(c):04X})" for c in missing))


def load_template(path: Path) -> Template:
    """Load and check one template file."""
    path = Path(path)
    try:
        source_text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise TemplateError(path, "", "unreadable", str(exc)) from None
    except UnicodeDecodeError as exc:
        raise TemplateError(path, "", "not_utf8", str(exc)) from None
    return parse_template(source_text, path)


def load_templates(directory: Path | None = None) -> dict[str, Template]:
    """Load every ``*.toml`` template of a directory (default: the shipped ones), by id."""
    folder = Path(directory) if directory is not None else TEMPLATE_DIR
    if not folder.is_dir():
        raise TemplateError(folder, "", "unreadable", "not a directory")
    templates: dict[str, Template] = {}
    for path in sorted(folder.glob("*.toml")):
        template = load_template(path)
        templates[template.id] = template
    return templates
