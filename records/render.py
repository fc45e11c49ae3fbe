"""Render a record to PDF revision 0: the filled form, page footers, and one empty signature
field per signatory (signing order) plus the seal field, all locked as the signing order needs.

The same request always gives the same bytes; the SHA-256 of those bytes is the record's
identity.  Page numbers are 1-based on paper; :class:`SignatureField.page` is 0-based like
pyHanko's ``on_page``.

Languages: ``zh`` (default) and ``en`` print one language; ``zh+en`` prints labels side by
side (Chinese, then English in smaller grey type) and running texts one after the other,
Chinese first, so the Chinese wording reads exactly as on the Chinese form.  Field values
print as entered (they are not translated).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate

from records.fields import validate_fields
from records.fonts import cjk_font_path, missing_glyphs
from records.render_fields import FieldPlan, write_revision_zero
from records.render_story import (
    FONT_NAME,
    Placement,
    SlotRequest,
    StoryContext,
    build_story,
    register_font,
)
from records.templates import LANGUAGES, Role, Template, Text

__all__ = [
    "SEAL_FIELD", "RenderError", "RenderRequest", "RenderedRecord", "SignatoryLine",
    "SignatureField", "render_record", "signatory_lines", "signature_field_name",
]

SEAL_FIELD = "Sig_Seal"
_MARGINS = dict(leftMargin=25 * mm, rightMargin=20 * mm, topMargin=22 * mm, bottomMargin=26 * mm)
_PDF_LANG = {"zh": "zh-CN", "en": "en", "zh+en": "zh-CN"}


class RenderError(ValueError):
    """A render request that cannot be honoured; ``reason`` is machine-readable."""

    def __init__(self, reason: str, detail: str) -> None:
        self.reason, self.detail = reason, detail
        super().__init__(f"{detail} [{reason}]")


def signature_field_name(order: int, role: Role) -> str:
    """The PDF field name of the ``order``-th signatory (1-based), e.g. ``Sig_1_prosecutor``."""
    return f"Sig_{order}_{Role(role).value}"


@dataclass(frozen=True)
class SignatoryLine:
    """One signatory of one record, in signing order (1 = the prosecutor)."""

    order: int
    role: Role
    name: str
    label: Text
    statement: Text


@dataclass(frozen=True)
class RenderRequest:
    """Everything that determines a record's PDF; equal requests give equal bytes."""

    template: Template
    values: Mapping[str, Any]
    record_id: str
    revision: int
    language: str
    created: datetime
    signatories: tuple[SignatoryLine, ...]


@dataclass(frozen=True)
class SignatureField:
    """An empty signature field: ``page`` is 0-based, ``box`` is (x1, y1, x2, y2) in points."""

    name: str
    role: Role | None
    order: int
    page: int
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class RenderedRecord:
    """Revision 0 of a record: its bytes, their SHA-256, pages, hand-signature fields, seal."""

    pdf: bytes
    sha256: str
    pages: int
    fields: tuple[SignatureField, ...]
    seal: SignatureField


def signatory_lines(template: Template, values: Mapping[str, Any],
                    include_optional: Collection[Role] = ()) -> tuple[SignatoryLine, ...]:
    """The signatory lines of a record from its template: active signatories in order, names
    from their ``name_field``."""
    lines = []
    for order, spec in enumerate(template.active_signatories(values, include_optional), 1):
        name = values.get(spec.name_field) if spec.name_field else None
        lines.append(SignatoryLine(order, spec.role, str(name or ""), spec.label, spec.statement))
    return tuple(lines)


def _check_signatories(request: RenderRequest, values: Mapping[str, Any]) -> None:
    lines, template = request.signatories, request.template
    if not lines or lines[0].role is not Role.PROSECUTOR:
        raise RenderError("bad_signatories", "the prosecutor must be the first signatory")
    if [line.order for line in lines] != list(range(1, len(lines) + 1)):
        raise RenderError("bad_signatories", "signatory orders must run 1, 2, 3, ...")
    declared = [s.role for s in template.signatories]
    roles = [line.role for line in lines]
    unknown = [r.value for r in roles if r not in declared]
    if unknown:
        raise RenderError("bad_signatories",
                          f"template {template.id} has no signatory role {', '.join(unknown)}")
    if len(set(roles)) != len(roles) or roles != sorted(roles, key=declared.index):
        raise RenderError("bad_signatories",
                          "signatories must follow the template's signing order, once each")
    missing = [s.role.value for s in template.active_signatories(values) if s.role not in roles]
    if missing:
        raise RenderError("missing_signatory",
                          f"these signatories must sign this record: {', '.join(missing)}")


def _check_glyphs(request: RenderRequest, font: Path) -> None:
    """Text that comes with the request rather than from validated fields must be drawable too."""
    texts = [request.record_id] + [piece for line in request.signatories for piece in (
        line.name, line.label.zh, line.label.en, line.statement.zh, line.statement.en)]
    missing = sorted({c for text in texts for c in missing_glyphs(text, font)})
    if missing:
        raise RenderError("glyph_missing", "the font cannot draw: " + " ".join(
            f"{c} (U+{ord(c):04X})" for c in missing))


def _footer_canvas(request: RenderRequest):
    """A canvas class that paints 'page x of y' and the record id once the page count is known."""
    template = request.template
    language = request.language

    def footer(canvas: Canvas, page: int, total: int) -> None:
        width = canvas._pagesize[0]
        left, right, y = _MARGINS["leftMargin"], width - _MARGINS["rightMargin"], 16 * mm
        record = {"zh": f"记录编号：{request.record_id}", "en": f"Record {request.record_id}",
                  "zh+en": f"记录编号 Record：{request.record_id}"}[language]
        pages = {"zh": f"第 {page} 页 共 {total} 页", "en": f"Page {page} of {total}",
                 "zh+en": f"第 {page} 页 共 {total} 页  Page {page} of {total}"}[language]
        small = (f"{template.id} v{template.version} · rev. {request.revision} · "
                 f"template sha256 {template.source_sha256[:16]}")
        canvas.saveState()
        canvas.setStrokeColorRGB(0.6, 0.6, 0.6)
        canvas.setLineWidth(0.4)
        canvas.line(left, y + 12, right, y + 12)
        canvas.setFont(FONT_NAME, 9)
        canvas.drawString(left, y, record)
        canvas.drawRightString(right, y, pages)
        canvas.setFont(FONT_NAME, 6.5)
        canvas.setFillColorRGB(0.45, 0.45, 0.45)
        canvas.drawString(left, y - 10, small)
        canvas.restoreState()

    class FooterCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                footer(self, number, total)
                Canvas.showPage(self)
            Canvas.save(self)

    return FooterCanvas


def _typeset(request: RenderRequest, values: Mapping[str, Any],
             placements: dict[str, Placement]) -> tuple[bytes, int]:
    template, language = request.template, request.language
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, invariant=1, initialFontName=FONT_NAME, initialFontSize=11,
        **_MARGINS,
        title=template.title.get(language), subject=request.record_id, creator="Inkseal",
        author="", keywords=f"{template.id} v{template.version} {template.source_sha256}")
    slots = tuple(SlotRequest(signature_field_name(line.order, line.role), line.label, line.name,
                              line.statement) for line in request.signatories)
    ctx = StoryContext(template=template, values=values, language=language, width=doc.width,
                       issued=request.created.date(), slots=slots, seal_name=SEAL_FIELD)
    canvas_class = _footer_canvas(request)
    doc.build(build_story(ctx, placements), canvasmaker=canvas_class)
    pages = doc.page
    return buffer.getvalue(), pages


def render_record(request: RenderRequest, *, font: Path | None = None) -> RenderedRecord:
    """Render revision 0 of a record.  Raises FieldValidationError for bad values and
    RenderError for an unusable request; nothing is written anywhere."""
    if request.language not in LANGUAGES:
        raise RenderError("bad_language", f"language must be one of {', '.join(LANGUAGES)}")
    if request.created.tzinfo is None:
        raise RenderError("bad_created", "the creation time must carry its UTC offset")
    if not request.record_id or not request.record_id.isprintable():
        raise RenderError("bad_record_id", "the record id must be printable and non-empty")
    values = validate_fields(request.template, request.values, today=request.created.date())
    _check_signatories(request, values)
    font_path = font or cjk_font_path()
    _check_glyphs(request, font_path)
    register_font(font_path)
    placements: dict[str, Placement] = {}
    typeset, pages = _typeset(request, values, placements)
    hand = [SignatureField(signature_field_name(line.order, line.role), line.role, line.order,
                           placements[signature_field_name(line.order, line.role)].page - 1,
                           placements[signature_field_name(line.order, line.role)].box)
            for line in request.signatories]
    seal = SignatureField(SEAL_FIELD, None, len(hand) + 1, placements[SEAL_FIELD].page - 1,
                          placements[SEAL_FIELD].box)
    plans = [FieldPlan(f.name, f.page, f.box,
                       tuple(g.name for g in hand[index + 1:]) + (SEAL_FIELD,))
             for index, f in enumerate(hand)]
    plans.append(FieldPlan(SEAL_FIELD, seal.page, seal.box, None))
    pdf = write_revision_zero(typeset, plans, created=request.created,
                              lang=_PDF_LANG[request.language])
    return RenderedRecord(pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), pages=pages,
                          fields=tuple(hand), seal=seal)
