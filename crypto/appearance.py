"""Visible signature appearances: pressure-shaded ink, a red fingerprint imprint, name, role, time.

The picture (ink and imprint) is one RGBA image drawn with Pillow; the text is real PDF text
in a CJK font whose path the caller passes.  The font is cut down to the stamp's own
characters before pyHanko sees it, so a 21 MB font costs a subset of a few kilobytes.
"""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from PIL import Image, ImageDraw, ImageFont, ImageOps
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import TextStampStyle

from crypto.errors import CryptoError

__all__ = [
    "AppearanceError",
    "InkPoint",
    "StampSpec",
    "compose_picture",
    "seal_picture",
    "seal_style",
    "fingerprint_imprint",
    "render_ink",
    "stamp_style",
    "stamp_text",
    "subset_font",
]

InkPoint = tuple[float, float, float]
"""x, y (pad units, y down) and pressure (0..1)."""

_PX_PER_PT = 3  # 216 dpi: sharp when printed, small in the file


class AppearanceError(CryptoError):
    """A stamp cannot be drawn: ``font_unreadable``, ``glyphs_missing``, ``bad_image``."""

    def __init__(self, message: str, *, reason: str, path: str | None = None,
                 characters: str = "") -> None:
        super().__init__(message, reason=reason)
        self.path = path
        self.characters = characters


@dataclass(frozen=True)
class StampSpec:
    """What a hand-signature appearance shows."""

    name: str
    role: str
    signed_at: datetime
    font_path: Path
    ink: Image.Image | None = field(default=None, repr=False)
    """Pressure-shaded ink, RGBA (see :func:`render_ink`)."""
    fingerprint: Image.Image | None = field(default=None, repr=False)
    """The captured fingerprint, greyscale, ridges dark; drawn as a red imprint."""
    font_size: int = 7
    time_format: str = "%Y-%m-%d %H:%M:%S %z"


def render_ink(strokes: Sequence[Sequence[InkPoint]], *, size: tuple[int, int],
               extent: tuple[float, float], max_width: float = 9.0,
               color: tuple[int, int, int] = (16, 24, 64)) -> Image.Image:
    """Draw strokes as ink whose width and darkness follow pressure, on a transparent canvas.

    ``extent`` is the pad's (width, height) in the units of the points; ``size`` the image
    size in pixels.  The pad's aspect ratio is kept.
    """
    width, height = size
    scale = min(width / extent[0], height / extent[1])
    ox = (width - extent[0] * scale) / 2
    oy = (height - extent[1] * scale) / 2
    alpha = Image.new("L", size, 0)
    draw = ImageDraw.Draw(alpha)
    for stroke in strokes:
        for (x0, y0, p0), (x1, y1, p1) in zip(stroke, stroke[1:], strict=False):
            p = max(0.0, min(1.0, (p0 + p1) / 2))
            if p <= 0:
                continue
            w = max(1, round(max_width * (0.25 + 0.75 * p)))
            shade = round(90 + 165 * p)
            a = (ox + x0 * scale, oy + y0 * scale)
            b = (ox + x1 * scale, oy + y1 * scale)
            draw.line([a, b], fill=shade, width=w)
            r = w / 2  # round joints: without them thick segments show notches
            draw.ellipse([b[0] - r, b[1] - r, b[0] + r, b[1] + r], fill=shade)
    ink = Image.new("RGBA", size, (*color, 0))
    ink.putalpha(alpha)
    return ink


def fingerprint_imprint(image: Image.Image, *, color: tuple[int, int, int] = (200, 16, 24)
                        ) -> Image.Image:
    """A greyscale fingerprint as a red imprint (ridges red, valleys transparent)."""
    try:
        grey = ImageOps.autocontrast(image.convert("L"))
    except (OSError, ValueError) as exc:
        raise AppearanceError(f"fingerprint image unusable: {exc}", reason="bad_image") from exc
    alpha = ImageOps.invert(grey).point(lambda v: 0 if v < 40 else min(255, int(v * 1.1)))
    imprint = Image.new("RGBA", grey.size, (*color, 0))
    imprint.putalpha(alpha)
    return imprint


def _fit(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    copy = image.copy()
    copy.thumbnail(box, Image.Resampling.LANCZOS)
    return copy


def compose_picture(spec: StampSpec, box: tuple[float, float]) -> Image.Image:
    """The stamp's picture for a field of ``box`` points: ink left and up, imprint right."""
    w, h = round(box[0] * _PX_PER_PT), round(box[1] * _PX_PER_PT)
    canvas = Image.new("RGBA", (w, h), (255, 255, 255, 0))
    text_strip = round(h * 0.3)
    print_w = min(round(w * 0.3), h)
    if spec.fingerprint is not None:
        imprint = _fit(fingerprint_imprint(spec.fingerprint), (print_w, h))
        canvas.alpha_composite(imprint, (w - imprint.width, (h - imprint.height) // 2))
    if spec.ink is not None:
        area = (w - (print_w if spec.fingerprint is not None else 0), h - text_strip)
        ink = _fit(spec.ink.convert("RGBA"), area)
        layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        layer.alpha_composite(ink, ((area[0] - ink.width) // 2, (area[1] - ink.height) // 2))
        # Ink over the imprint, the way a pen line crosses a fingerprint on paper.
        canvas = Image.alpha_composite(canvas, layer)
    return canvas


def stamp_text(spec: StampSpec) -> str:
    """The appearance's text: name and role, then the signing time."""
    return f"{spec.name}（{spec.role}）\n{spec.signed_at.strftime(spec.time_format)}"


def _unix_epoch_note(record: logging.LogRecord) -> bool:
    # Fonts built by tools that write Unix times into 'head' make fontTools warn on every
    # load; it converts them correctly, and our subset is written with proper values.
    return "timestamp seems very low" not in record.getMessage()


def subset_font(font_path: Path, text: str) -> bytes:
    """A TrueType/OpenType font cut down to ``text``'s characters, scaled to 1000 units/em.

    pyHanko writes glyph widths in font units, so fonts with another em size would render
    with wrong spacing; rescaling the subset is cheap.
    """
    head_log = logging.getLogger("fontTools.ttLib.tables._h_e_a_d")
    head_log.addFilter(_unix_epoch_note)
    try:
        font = TTFont(str(font_path), lazy=True)
        font["head"]  # noqa: B018 - parse it now, while the filter is in place
    except (OSError, ValueError, KeyError) as exc:
        raise AppearanceError(f"cannot read font {font_path}: {exc}", reason="font_unreadable",
                              path=str(font_path)) from exc
    finally:
        head_log.removeFilter(_unix_epoch_note)
    with font:
        cmap = font.getBestCmap() or {}
        missing = "".join(sorted({c for c in text if c not in "\n" and ord(c) not in cmap}))
        if missing:
            raise AppearanceError(f"font {font_path} cannot draw {missing!r}",
                                  reason="glyphs_missing", path=str(font_path),
                                  characters=missing)
        options = subset.Options()
        # A stamp is one or two horizontal lines: no shaping tables, no vertical metrics,
        # no hinting.  Dropping them halves the cost of cutting a large CJK font.
        options.layout_features = []
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "vhea", "vmtx", "VORG"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.hinting = False
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=text.replace("\n", ""))
        subsetter.subset(font)
        if font["head"].unitsPerEm != 1000:
            scale_upem(font, 1000)
        out = io.BytesIO()
        font.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class _SubsetFontFactory(FontEngineFactory):
    font_bytes: bytes = field(repr=False)
    font_size: int

    def create_font_engine(self, writer, obj_stream=None):  # type: ignore[no-untyped-def]
        if obj_stream is None and writer.stream_xrefs:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(writer=writer, font_handle=io.BytesIO(self.font_bytes),
                                font_size=self.font_size, obj_stream=obj_stream)


def stamp_style(spec: StampSpec, box: tuple[float, float]) -> TextStampStyle:
    """A pyHanko stamp style for ``spec`` in a field of ``box`` (width, height) points."""
    text = stamp_text(spec)
    font = _SubsetFontFactory(subset_font(spec.font_path, text), spec.font_size)
    picture = compose_picture(spec, box)
    return TextStampStyle(
        stamp_text=text.replace("%", "%%"),
        text_box_style=TextBoxStyle(font=font, font_size=spec.font_size,
                                    leading=spec.font_size + 2),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MIN,
            margins=layout.Margins(left=3, right=3, top=3, bottom=3),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT),
        background=PdfImage(picture, box=layout.BoxConstraints(box[0], box[1])),
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0),
            inner_content_scaling=layout.InnerScaling.STRETCH_TO_FIT),
        background_opacity=1.0,
        border_width=0,
    )


def seal_picture(institution: str, font_path: Path, diameter_pt: float,
                 color: tuple[int, int, int] = (210, 20, 30)) -> Image.Image:
    """A round red institution seal: a ring, a star, the name along the upper arc."""
    size = round(diameter_pt * _PX_PER_PT)
    image = Image.new("RGBA", (size, size), (*color, 0))
    draw = ImageDraw.Draw(image)
    ring = max(2, size // 28)
    draw.ellipse([ring, ring, size - ring, size - ring], outline=(*color, 255), width=ring)
    c = size / 2
    star_r = size * 0.17
    points = []
    for k in range(10):
        r = star_r if k % 2 == 0 else star_r * 0.4
        angle = math.pi / 2 + k * math.pi / 5
        points.append((c + r * math.cos(angle), c - r * math.sin(angle)))
    draw.polygon(points, fill=(*color, 255))
    try:
        font = ImageFont.truetype(str(font_path), max(8, size // 9))
    except OSError as exc:
        raise AppearanceError(f"cannot read font {font_path}: {exc}", reason="font_unreadable",
                              path=str(font_path)) from exc
    chars = [ch for ch in institution if not ch.isspace()]
    if chars:
        span = min(math.radians(250), math.radians(22) * len(chars))
        radius = c - ring * 2 - size // 14
        for i, ch in enumerate(chars):
            angle = math.pi / 2 + span / 2 - (span * (i + 0.5) / len(chars))
            glyph = Image.new("RGBA", (size // 6, size // 6), (*color, 0))
            ImageDraw.Draw(glyph).text((size // 12, size // 12), ch, font=font,
                                       fill=(*color, 255), anchor="mm")
            glyph = glyph.rotate(math.degrees(angle - math.pi / 2),
                                 resample=Image.Resampling.BICUBIC)
            x = c + radius * math.cos(angle) - glyph.width / 2
            y = c - radius * math.sin(angle) - glyph.height / 2
            image.alpha_composite(glyph, (round(x), round(y)))
    return image


def seal_style(institution: str, font_path: Path, box: tuple[float, float]) -> TextStampStyle:
    """The seal field's appearance: the round seal, no text line (the seal says it all)."""
    diameter = min(box)
    picture = seal_picture(institution, font_path, diameter)
    return TextStampStyle(
        stamp_text="",
        background=PdfImage(picture, box=layout.BoxConstraints(diameter, diameter)),
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(0),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT),
        background_opacity=1.0,
        border_width=0,
    )
