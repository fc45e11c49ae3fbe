"""The printed form as reportlab platypus flowables: title, fields, texts, Q/A, signature block.

``zh+en`` prints labels side by side (Chinese, then English in smaller grey type) and running
texts one after the other (each Chinese paragraph followed by its English version), so the
Chinese wording stays the authoritative one and reads exactly as on the Chinese form.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from records.render_values import chinese_numeral_date, format_date, format_value
from records.templates import BlockKind, LayoutBlock, Template, Text, condition_holds

__all__ = ["FONT_NAME", "SEAL_SIZE", "SLOT_SIZE", "Placement", "SlotRequest", "StoryContext",
           "build_story", "register_font"]

FONT_NAME = "InksealSans"
SLOT_SIZE = (230.0, 100.0)   # ink + fingerprint + name/time, as the signing appearance draws it
SEAL_SIZE = (128.0, 128.0)   # a 45 mm round institution seal
_GREY = colors.HexColor("#555555")
_LINE = colors.HexColor("#888888")
_lock = threading.Lock()


def register_font(path: Path) -> str:
    """Register the shipped CJK font with reportlab once per process; returns its name."""
    with _lock:
        if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(path)))
    return FONT_NAME


@dataclass(frozen=True)
class SlotRequest:
    """A signature field to place: its field name, the line printed beside it, its size."""

    name: str
    label: Text
    person: str
    statement: Text


@dataclass
class Placement:
    """Where a slot landed: 1-based page and (x1, y1, x2, y2) in PDF points."""

    page: int = 0
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True)
class StoryContext:
    """Everything the story needs besides the template."""

    template: Template
    values: Mapping[str, Any]
    language: str
    width: float
    issued: date
    slots: tuple[SlotRequest, ...]
    seal_name: str


class _Slot(Flowable):
    """An empty box with corner marks; records where it was drawn for the signature field."""

    def __init__(self, width: float, height: float, placement: Placement) -> None:
        super().__init__()
        self.width, self.height, self.placement = width, height, placement

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        _mark_slot(self.canv, self.width, self.height, self.placement)


def _mark_slot(canvas: Any, width: float, height: float, placement: Placement) -> None:
    """Draw corner marks at the current origin and record the box in page coordinates."""
    x1, y1 = canvas.absolutePosition(0, 0)
    x2, y2 = canvas.absolutePosition(width, height)
    placement.page = canvas.getPageNumber()
    placement.box = (round(x1, 2), round(y1, 2), round(x2, 2), round(y2, 2))
    canvas.saveState()
    canvas.setStrokeColor(_LINE)
    canvas.setLineWidth(0.6)
    mark = 10
    for x, y, dx, dy in ((0, 0, 1, 1), (width, 0, -1, 1), (0, height, 1, -1),
                         (width, height, -1, -1)):
        canvas.line(x, y, x + dx * mark, y)
        canvas.line(x, y, x, y + dy * mark)
    canvas.restoreState()


class _Styles:
    """Paragraph styles for one language: CJK line breaking for Chinese, word breaking for English."""

    def __init__(self) -> None:
        def style(name: str, size: float, leading: float, **extra: Any) -> ParagraphStyle:
            return ParagraphStyle(name, fontName=FONT_NAME, fontSize=size, leading=leading,
                                  **extra)
        self.title = style("title", 20, 28, alignment=TA_CENTER, spaceAfter=2)
        self.subtitle = style("subtitle", 11, 15, alignment=TA_CENTER, textColor=_GREY)
        self.issuer = style("issuer", 15, 22, alignment=TA_CENTER, spaceAfter=4)
        self.heading = style("heading", 12.5, 20, spaceBefore=8, spaceAfter=2)
        self.subheading = style("subheading", 10, 14, textColor=_GREY, spaceAfter=2)
        self.body = style("body", 11, 18.5, spaceAfter=1.5)
        self.small = style("small", 8.5, 12, textColor=_GREY)
        self.label = style("label", 10, 14)
        self.value = style("value", 11, 15)

    def variant(self, base: ParagraphStyle, language: str, **extra: Any) -> ParagraphStyle:
        wrap = "CJK" if language == "zh" else None
        return ParagraphStyle(f"{base.name}-{language}", parent=base, wordWrap=wrap, **extra)


_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}


class _Builder:
    """Turns layout blocks into flowables for one record."""

    def __init__(self, ctx: StoryContext) -> None:
        self.ctx, self.s = ctx, _Styles()
        self.languages = ("zh", "en") if ctx.language == "zh+en" else (ctx.language,)
        # One label width per column count for the whole record, so the grids line up.
        self.label_widths: dict[int, float] = {}
        for block in ctx.template.layout:
            if block.kind is BlockKind.FIELDS:
                labels = [ctx.template.field(name).label for name in block.fields]
                needed = self.label_width(labels, self.s.label.fontSize)
                self.label_widths[block.columns] = max(
                    needed, self.label_widths.get(block.columns, 0.0))

    # -- text helpers -----------------------------------------------------------------------
    def label(self, text: Text, colon: bool = True, stacked: bool = False) -> str:
        if self.ctx.language == "zh+en":
            gap = "<br/>" if stacked else " "
            return (f"{escape(text.zh)}{gap}<font size=\"7.5\" color=\"#555555\">"
                    f"{escape(text.en)}</font>")
        mark = ("：" if self.ctx.language == "zh" else ":") if colon else ""
        return escape(text.get(self.ctx.language)) + mark

    def label_width(self, texts: list[Text], size: float) -> float:
        """Width a label column needs so that labels stay on one line (per language)."""
        def width(s: str, points: float) -> float:
            return pdfmetrics.stringWidth(s, FONT_NAME, points)
        if self.ctx.language == "zh+en":
            return max(max(width(t.zh, size), width(t.en, 7.5)) for t in texts) + 8
        return max(width(t.get(self.ctx.language) + "：", size) for t in texts) + 8

    def filled(self, raw: str, language: str) -> str:
        """Template text with values filled in, underlined like entries on a paper form
        (not when the text is nothing but the value, e.g. a document number)."""
        alone = raw.strip().startswith("{") and raw.strip().endswith("}") \
            and raw.strip().count("{") == 1
        values = {}
        for spec in self.ctx.template.fields:
            shown = format_value(spec, self.ctx.values.get(spec.name), language)
            if not shown:
                values[spec.name] = "＿＿＿＿" if language == "zh" else "________"
            else:
                values[spec.name] = _markup(shown) if alone else f"<u>{_markup(shown)}</u>"
        return escape(raw).format_map(values)

    def running(self, text: Text, style: ParagraphStyle, align: str = "left",
                indent: bool = True) -> list[Flowable]:
        out: list[Flowable] = []
        shown: list[str] = []
        for language in self.languages:
            filled = self.filled(text.get(language), language)
            if filled in shown:  # e.g. a document number: the same in both languages
                continue
            shown.append(filled)
            secondary = self.ctx.language == "zh+en" and language == "en"
            base = ({self.s.body: self.s.small, self.s.heading: self.s.subheading}.get(style, style)
                    if secondary else style)
            first = 22 if indent and language == "zh" and align == "left" else 0
            out.append(Paragraph(filled, self.s.variant(base, language, alignment=_ALIGN[align],
                                                        firstLineIndent=first)))
        return out

    # -- blocks -----------------------------------------------------------------------------
    def title(self) -> list[Flowable]:
        ctx = self.ctx
        out: list[Flowable] = []
        issuer = ctx.values.get(ctx.template.issuer_field) if ctx.template.issuer_field else None
        if issuer and ctx.template.issuer_header:
            out.append(Paragraph(_markup(str(issuer)), self.s.variant(self.s.issuer, "zh")))
        if ctx.language == "zh+en":
            out.append(Paragraph(escape(ctx.template.title.zh), self.s.variant(self.s.title, "zh")))
            out.append(Paragraph(escape(ctx.template.title.en),
                                 self.s.variant(self.s.subtitle, "en")))
        else:
            out.append(Paragraph(escape(ctx.template.title.get(ctx.language)),
                                 self.s.variant(self.s.title, ctx.language)))
        out.append(Spacer(1, 8))
        return out

    def block(self, block: LayoutBlock) -> list[Flowable]:
        if block.condition and not condition_holds(block.condition, self.ctx.values):
            return []
        if block.kind is BlockKind.HEADING:
            return self.running(block.text, self.s.heading, block.align, indent=False)
        if block.kind is BlockKind.PARAGRAPH:
            return self.running(block.text, self.s.body, block.align, block.indent)
        if block.kind is BlockKind.ITEMS:
            out: list[Flowable] = []
            for item in block.items:
                out.extend(self.running(item, self.s.body, block.align, block.indent))
            return out
        if block.kind is BlockKind.QA:
            return self.qa(block.fields[0])
        return [self.grid(block)]

    def grid(self, block: LayoutBlock) -> Flowable:
        width, columns = self.ctx.width, block.columns
        specs = [self.ctx.template.field(name) for name in block.fields]
        cap = width / columns * (0.45 if columns == 2 else 0.3)
        label_w = min(self.label_widths[columns], cap)
        value_w = width / columns - label_w
        value_style = self.s.variant(self.s.value, "zh" if self.ctx.language != "en" else "en")
        label_style = self.s.variant(self.s.label, "en" if self.ctx.language == "en" else "zh")
        rows: list[list[Any]] = []
        spans: list[int] = []
        pending: list[Any] = []
        for spec in specs:
            shown = format_value(spec, self.ctx.values.get(spec.name), self.ctx.language)
            cells = [Paragraph(self.label(spec.label, stacked=True), label_style),
                     Paragraph(_markup(shown), value_style)]
            wide = columns == 2 and (spec.type == "multiline" or pdfmetrics.stringWidth(
                shown, FONT_NAME, value_style.fontSize) > value_w - 8)
            if wide or columns == 1:
                if pending:
                    rows.append(pending + ["", ""])
                    pending = []
                if columns == 2:
                    spans.append(len(rows))
                    cells += ["", ""]
                rows.append(cells)
            else:
                pending += cells
                if len(pending) == 4:
                    rows.append(pending)
                    pending = []
        if pending:
            rows.append(pending + ["", ""])
        widths = [label_w, value_w] * columns
        commands: list[tuple] = [("FONT", (0, 0), (-1, -1), FONT_NAME, 10),
                                 ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 2),
                                 ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                                 ("TOPPADDING", (0, 0), (-1, -1), 3),
                                 ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
        for row, cells in enumerate(rows):
            for column in range(1, len(widths), 2):
                if cells[column - 1] != "" or column == 1:
                    commands.append(("LINEBELOW", (column, row), (column, row), 0.5, _LINE))
        for row in spans:
            commands.append(("SPAN", (1, row), (3, row)))
            commands.append(("LINEBELOW", (1, row), (3, row), 0.5, _LINE))
        table = Table(rows, colWidths=widths, style=TableStyle(commands), hAlign="LEFT")
        return KeepTogether([table, Spacer(1, 6)])

    def qa(self, name: str) -> list[Flowable]:
        pairs = self.ctx.values.get(name) or []
        out: list[Flowable] = [Spacer(1, 4)]
        prefixes = {"zh": ("问：", "答："), "en": ("Q: ", "A: "), "zh+en": ("问 Q：", "答 A：")}
        q_prefix, a_prefix = prefixes[self.ctx.language]
        style = self.s.variant(self.s.body, "zh" if self.ctx.language != "en" else "en",
                               leftIndent=0, spaceAfter=1)
        for pair in pairs:
            out.append(Paragraph(f"{escape(q_prefix)}{_markup(pair['q'])}", style))
            out.append(Paragraph(f"{escape(a_prefix)}{_markup(pair['a'])}", style))
        return out

    def signatures(self, placements: dict[str, Placement]) -> list[Flowable]:
        ctx = self.ctx
        out: list[Flowable] = [Spacer(1, 14)]
        left_w = ctx.width - SLOT_SIZE[0] - 12
        label_style = self.s.variant(self.s.value, "zh" if ctx.language != "en" else "en")
        for slot in ctx.slots:
            placement = placements.setdefault(slot.name, Placement())
            left: list[Flowable] = [Paragraph(
                f"{self.label(slot.label)}{'：' if ctx.language == 'zh+en' else ''} "
                f"{_markup(slot.person)}", label_style)]
            for language in self.languages:
                style = self.s.small if ctx.language == "zh+en" and language == "en" \
                    else self.s.body
                left.append(Paragraph(escape(slot.statement.get(language)),
                                      self.s.variant(style, language)))
            table = Table([[left, _Slot(*SLOT_SIZE, placement)]],
                          colWidths=[left_w, SLOT_SIZE[0] + 12],
                          style=TableStyle([("FONT", (0, 0), (-1, -1), FONT_NAME, 10),
                                            ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                            ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                            ("BOTTOMPADDING", (0, 0), (-1, -1), 10)]))
            out.append(KeepTogether([table]))
        seal = placements.setdefault(ctx.seal_name, Placement())
        out.append(KeepTogether([_SealBlock(ctx, seal, self.s)]))
        return out


class _SealBlock(Flowable):
    """The issuing line (procuratorate, date) at the right, with the seal box centred on it."""

    def __init__(self, ctx: StoryContext, placement: Placement, styles: _Styles) -> None:
        super().__init__()
        self.ctx, self.placement = ctx, placement
        self.width, self.height = ctx.width, SEAL_SIZE[1] + 8
        field = ctx.template.issuer_field
        issuer = str(ctx.values.get(field) or "") if field else ""
        dated = {"zh": chinese_numeral_date(ctx.issued), "en": format_date(ctx.issued, "en"),
                 "zh+en": f"{chinese_numeral_date(ctx.issued)}  {format_date(ctx.issued, 'en')}"}
        caption = ctx.template.seal_caption.get(ctx.language)
        self.lines = [line for line in (caption, issuer, dated[ctx.language]) if line]

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas, (seal_w, seal_h) = self.canv, SEAL_SIZE
        right = self.width - 6
        size, leading = 11, 18
        text_w = max(pdfmetrics.stringWidth(line, FONT_NAME, size) for line in self.lines)
        centre_x = right - max(text_w, seal_w) / 2
        top = self.height / 2 + leading * len(self.lines) / 2 - size
        canvas.saveState()
        canvas.setFont(FONT_NAME, size)
        for index, line in enumerate(self.lines):
            canvas.drawCentredString(centre_x, top - index * leading, line)
        canvas.restoreState()
        canvas.saveState()
        canvas.translate(centre_x - seal_w / 2, (self.height - seal_h) / 2)
        _mark_slot(canvas, seal_w, seal_h, self.placement)
        canvas.restoreState()


def _markup(text: str) -> str:
    return escape(text).replace("\n", "<br/>")


def build_story(ctx: StoryContext, placements: dict[str, Placement]) -> list[Flowable]:
    """All flowables of the record; ``placements`` fills in as the slots are drawn."""
    builder = _Builder(ctx)
    story = builder.title()
    for block in ctx.template.layout:
        story.extend(builder.block(block))
    story.extend(builder.signatures(placements))
    return story

