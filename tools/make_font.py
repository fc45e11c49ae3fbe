"""Build the CJK font Inkseal ships in resources/fonts/ from a Noto CJK collection.

The shipped font must render every name a case can hold on every machine, embed in
reportlab (TrueType outlines only) and in pyHanko stamps (1000 units per em), and stay
small enough to live in the repository.  So: take the Simplified Chinese face of a Noto
CJK collection, keep the GBK repertoire plus Latin and punctuation, convert the CFF
outlines to quadratic TrueType outlines, and keep 1000 units per em.

Usage: python tools/make_font.py /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \
           resources/fonts/InksealSans-Regular.ttf
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontTools.cu2qu.ufo import DEFAULT_MAX_ERR
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTCollection, TTFont, newTable


def repertoire() -> set[int]:
    """Code points kept: printable ASCII and Latin-1, punctuation, CJK symbols, GBK."""
    cps: set[int] = set(range(0x20, 0x7F)) | set(range(0xA0, 0x180))
    cps |= set(range(0x2000, 0x2070))  # general punctuation
    cps |= set(range(0x2100, 0x2200)) | set(range(0x2460, 0x24FF))  # letterlike, circled digits
    cps |= set(range(0x2190, 0x2200)) | set(range(0x25A0, 0x2600))  # arrows, shapes (□ ☐ ■)
    cps |= set(range(0x3000, 0x3040))  # CJK symbols and punctuation
    cps |= set(range(0xFF00, 0xFFF0))  # full-width forms
    for cp in range(0x4E00, 0xA000):  # CJK unified ideographs present in GBK
        try:
            chr(cp).encode("gbk")
        except UnicodeEncodeError:
            continue
        cps.add(cp)
    return cps


def pick_face(collection: Path, prefer: str) -> TTFont:
    """The face of a .ttc whose family name contains ``prefer`` (for example 'SC')."""
    ttc = TTCollection(str(collection))
    for font in ttc.fonts:
        family = font["name"].getDebugName(1) or ""
        if prefer in family.split():
            return font
    raise SystemExit(f"no face with '{prefer}' in {collection}")


def cff_to_glyf(font: TTFont, max_err: float = DEFAULT_MAX_ERR) -> None:
    """Replace CFF outlines by quadratic TrueType outlines, in place."""
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in font.getGlyphOrder():
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err * font["head"].unitsPerEm / 1000, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = font.getGlyphOrder()
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                 "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                 "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0  # no glyph names: smaller, and reportlab does not need them
    font.sfntVersion = "\x00\x01\x00\x00"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("collection", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--face", default="SC")
    parser.add_argument("--family", default="Inkseal Sans")
    args = parser.parse_args(argv)

    font = pick_face(args.collection, args.face)
    options = Options()
    options.layout_features = ["kern"]  # horizontal text only; locl would pull in JP/KR/TW variants
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = Subsetter(options)
    subsetter.populate(unicodes=sorted(repertoire()))
    subsetter.subset(font)
    cff_to_glyf(font)
    # A distinct family name, so the shipped subset never shadows a system Noto install.
    name = font["name"]
    for record in list(name.names):
        if record.nameID in (1, 4, 16):
            name.setName(args.family if record.nameID != 4 else f"{args.family} Regular",
                         record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 6:
            name.setName(args.family.replace(" ", "") + "-Regular",
                         record.nameID, record.platformID, record.platEncID, record.langID)
    if font["head"].unitsPerEm != 1000:
        raise SystemExit("expected a 1000 units-per-em source font")
    font["head"].created = font["head"].modified = 0x0  # reproducible output
    args.output.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(args.output))
    print(f"{args.output}: {len(font.getGlyphOrder())} glyphs, {args.output.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
