"""Visible appearances: pressure-shaded ink, red imprint, real CJK text from a pre-cut font."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from crypto.appearance import (
    AppearanceError,
    StampSpec,
    compose_picture,
    fingerprint_imprint,
    render_ink,
    seal_picture,
    stamp_text,
    subset_font,
)
from tests.crypto.test_pades_world import fingerprint, font_path, sealed_record, strokes

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _stroke(pressure: float) -> list[list[tuple[float, float, float]]]:
    return [[(10 + i * 10, 50, pressure) for i in range(9)]]


def _alpha_column(image: Image.Image, x: int) -> list[int]:
    alpha = image.getchannel("A")
    return [alpha.getpixel((x, y)) for y in range(image.height)]


def test_harder_pressure_draws_wider_and_darker_ink() -> None:
    light = render_ink(_stroke(0.2), size=(100, 100), extent=(100, 100))
    firm = render_ink(_stroke(1.0), size=(100, 100), extent=(100, 100))
    light_col, firm_col = _alpha_column(light, 50), _alpha_column(firm, 50)
    assert sum(1 for a in firm_col if a) > sum(1 for a in light_col if a)
    assert max(firm_col) > max(light_col) > 0


def test_pen_lifted_draws_nothing_and_background_stays_transparent() -> None:
    ink = render_ink(_stroke(0.0), size=(100, 100), extent=(100, 100))
    assert ink.getchannel("A").getbbox() is None
    drawn = render_ink(strokes(), size=(300, 120), extent=(2600, 1000))
    assert drawn.mode == "RGBA" and drawn.getpixel((0, 0))[3] == 0


def test_fingerprint_becomes_a_red_imprint() -> None:
    imprint = fingerprint_imprint(fingerprint())
    r, g, b, a = imprint.getpixel((80, 100 - 5 - 0))  # on the innermost ridge
    assert a > 0 and r > 150 and g < 60 and b < 60
    assert imprint.getpixel((2, 2))[3] == 0  # paper stays transparent


def test_picture_places_ink_left_and_imprint_right() -> None:
    spec = StampSpec("张三", "犯罪嫌疑人", datetime(2026, 1, 1, tzinfo=UTC), font_path(),
                     ink=render_ink(strokes(), size=(300, 120), extent=(2600, 1000)),
                     fingerprint=fingerprint())
    picture = compose_picture(spec, (230, 100))
    w = picture.width
    left, right = picture.crop((0, 0, int(w * 0.6), picture.height)), \
        picture.crop((int(w * 0.75), 0, w, picture.height))
    red = [p for p in right.get_flattened_data() if p[3] and p[0] > 150 and p[1] < 80]
    navy = [p for p in left.get_flattened_data() if p[3] and p[2] > p[0]]
    assert red and navy


def test_stamp_text_names_signatory_role_and_time() -> None:
    spec = StampSpec("张三", "犯罪嫌疑人", datetime(2026, 11, 29, 17, 30, tzinfo=UTC), font_path())
    assert stamp_text(spec) == "张三（犯罪嫌疑人）\n2026-11-29 17:30:00 +0000"


def test_font_is_cut_to_the_stamps_characters_at_1000_units() -> None:
    big = font_path()
    cut = subset_font(big, "张三（犯罪嫌疑人）\n2026-11-29 17:30:00 +0000")
    assert big.stat().st_size > 5_000_000 and len(cut) < 60_000
    font = TTFont(io.BytesIO(cut))
    assert font["head"].unitsPerEm == 1000
    cmap = font.getBestCmap()
    assert all(ord(c) in cmap for c in "张三犯罪嫌疑人2026:+")
    assert ord("李") not in cmap and len(font.getGlyphOrder()) < 40


def test_font_with_another_em_size_is_rescaled() -> None:
    if not DEJAVU.exists():
        pytest.skip("DejaVu Sans not installed")
    assert TTFont(str(DEJAVU), lazy=True)["head"].unitsPerEm == 2048
    assert TTFont(io.BytesIO(subset_font(DEJAVU, "Signed")))["head"].unitsPerEm == 1000


def test_characters_the_font_lacks_are_named(tmp_path: Path) -> None:
    if not DEJAVU.exists():
        pytest.skip("DejaVu Sans not installed")
    with pytest.raises(AppearanceError) as err:
        subset_font(DEJAVU, "Zhang 张三")
    assert err.value.reason == "glyphs_missing" and err.value.characters == "三张"
    with pytest.raises(AppearanceError) as err:
        subset_font(tmp_path / "absent.ttf", "x")
    assert err.value.reason == "font_unreadable"


def test_seal_is_a_red_ring_with_a_star() -> None:
    seal = seal_picture("某某市人民检察院", font_path(), 110)
    c = seal.width // 2
    assert seal.getpixel((c, c))[3] == 255 and seal.getpixel((c, c))[0] > 180  # the star
    assert any(seal.getpixel((x, c))[3] for x in range(seal.width // 10))  # the ring
    assert seal.getpixel((0, 0))[3] == 0


@pytest.mark.external
def test_stamp_text_is_real_text_in_an_embedded_subset_font(tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None or shutil.which("pdffonts") is None:
        pytest.skip("poppler-utils not installed")
    path = tmp_path / "sealed.pdf"
    path.write_bytes(sealed_record().sealed)
    text = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(path), "-"],
                          capture_output=True, check=True).stdout.decode()
    for expected in ("张三（犯罪嫌疑人）", "王五（法定代理人）", "李检察官（检察官）",
                     "2026-11-29"):
        assert expected in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True).stdout
    cid_lines = [line for line in fonts.decode().splitlines() if "CID" in line]
    assert cid_lines and all(" yes yes " in line for line in cid_lines)  # embedded, subset
