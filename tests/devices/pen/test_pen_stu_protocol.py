"""STU reports and LCD image formats, byte for byte."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from devices.errors import ProtocolError
from devices.pen import stu_protocol as stu
from devices.pen.stu_image import (
    choose_encoding,
    decode_image,
    encode_image,
    image_blocks,
    render_prompt,
)
from devices.transport.hid_recording import read_recording

from .conftest import STU_DIR, STU_SYNTHETIC


def test_capability_round_trip_and_byte_order() -> None:
    cap = stu.StuCapability(10800, 6480, 1023, 800, 480, 200, 2540, 0x0E)
    data = cap.encode()
    assert len(data) == 17 and data[:3] == bytes([0x09, 0x2A, 0x30])  # big-endian 10800
    assert stu.StuCapability.decode(data) == cap
    assert cap.units_per_mm == pytest.approx(100.0)


def test_information_and_status_round_trip() -> None:
    info = stu.StuInformation("STU-540", 1, 7, 0, b"\x01\x02\x03\x04")
    assert stu.StuInformation.decode(info.encode()) == info
    status = stu.StuStatus(stu.StatusCode.IMAGE, stu.ErrorCode.WRONG_STATE, 0x1234)
    assert status.encode() == bytes([0x03, 0x01, 0x02, 0x34, 0x12])  # status word little-endian
    assert stu.StuStatus.decode(status.encode()) == status
    with pytest.raises(ProtocolError):
        stu.StuStatus.decode(b"\x09\x00")


def test_pen_data_layouts() -> None:
    pen = stu.StuPenData(True, 1, 0x3FF, 10265, 6383, 0xFFFE, 42)
    short = pen.encode(stu.ReportId.PEN_DATA)
    assert short == bytes([0x01, 0x80 | 0x10 | 0x03, 0xFF, 0x28, 0x19, 0x18, 0xEF])
    assert stu.decode_pen_data(short) == stu.StuPenData(True, 1, 0x3FF, 10265, 6383)
    timed = pen.encode(stu.ReportId.PEN_DATA_TIME_COUNT_SEQUENCE)
    assert len(timed) == 11 and stu.decode_pen_data(timed) == pen
    option = pen.encode(stu.ReportId.PEN_DATA_OPTION)
    assert stu.decode_pen_data(option, stu.PenDataOptionMode.TIME_COUNT).time_count == 0xFFFE
    with pytest.raises(ProtocolError) as info:
        stu.decode_pen_data(timed[:9])
    assert info.value.reason == "short_report"
    with pytest.raises(ProtocolError) as info:
        stu.decode_pen_data(b"\x10" + bytes(16))
    assert info.value.reason == "unknown_report_id"


def test_synthetic_fixture_reports_carry_the_logged_values(hid_fixtures: Path) -> None:
    folder = hid_fixtures / STU_DIR
    recording = read_recording(folder / STU_SYNTHETIC)
    with open(folder / "logfile1.csv", encoding="utf-8") as f:
        logged = [row for row in csv.DictReader(f) if row["session"] == "0"]
    assert len(recording.reports) == len(logged) == 1529
    for report, row in zip(recording.reports, logged):
        pen = stu.decode_pen_data(report.data)
        assert (pen.time_count, pen.sequence, pen.x, pen.y, pen.pressure) == tuple(
            int(row[k]) for k in ("time_count_ms", "sequence", "x", "y", "pressure"))


def test_commands() -> None:
    assert stu.handwriting_thickness_color24((0x11, 0x22, 0x33), 2) == bytes(
        [0x2D, 0x33, 0x22, 0x11, 2])  # blue, green, red
    assert stu.handwriting_display_area(1, 2, 799, 479) == bytes(
        [0x2A, 1, 0, 2, 0, 0x1F, 3, 0xDF, 1])
    block = stu.image_data_block(b"\xAA" * 253)
    assert len(block) == 256 and block[:3] == bytes([0x26, 253, 0])
    with pytest.raises(ValueError):
        stu.image_data_block(bytes(254))
    assert stu.is_stu(0x056A, 0x00A8) and not stu.is_stu(0x056A, 0x0357)


def test_one_bit_encoding_msb_first_white_is_one() -> None:
    image = Image.new("RGB", (10, 2), "white")
    image.putpixel((0, 0), (0, 0, 0))
    image.putpixel((9, 1), (0x80, 0x80, 0x80))  # r|g|b == 0x80: still ink, as the SDK says
    data = encode_image(image, stu.EncodingMode.MONO_1BIT)
    assert data == bytes([0x7F, 0xC0, 0xFF, 0x80])  # rows padded to 2 bytes, bit 1 = paper
    assert decode_image(data, (10, 2), stu.EncodingMode.MONO_1BIT).getpixel((0, 0)) == (0, 0, 0)


def test_colour_encodings() -> None:
    image = Image.new("RGB", (2, 1))
    image.putpixel((0, 0), (255, 0, 0))
    image.putpixel((1, 0), (0, 0, 255))
    assert encode_image(image, stu.EncodingMode.BGR24) == bytes([0, 0, 255, 255, 0, 0])
    assert encode_image(image, stu.EncodingMode.RGB565) == bytes([0xF8, 0x00, 0x00, 0x1F])
    for mode in (stu.EncodingMode.BGR24, stu.EncodingMode.RGB565):
        back = decode_image(encode_image(image, mode), (2, 1), mode)
        assert back.getpixel((0, 0))[0] >= 0xF8 and back.getpixel((1, 0))[2] >= 0xF8


def test_encoding_choice() -> None:
    assert choose_encoding(0x0E, colour_screen=True) is stu.EncodingMode.MONO_1BIT
    assert choose_encoding(0x0E, colour_screen=True, need_colour=True) is stu.EncodingMode.BGR24
    assert choose_encoding(0x04, colour_screen=True) is stu.EncodingMode.RGB565
    assert choose_encoding(0, colour_screen=False) is stu.EncodingMode.MONO_1BIT
    assert [len(b) for b in image_blocks(bytes(600))] == [253, 253, 94]


def test_prompt_shows_text_and_a_box(font_path: Path) -> None:
    prompt = render_prompt((800, 480), "张三 Zhang San", font_path)
    x1, y1, x2, y2 = prompt.box
    assert 0 <= x1 < x2 < 800 and 0 < y1 < y2 < 480 and y2 - y1 > 200
    pixels = prompt.image.convert("L")
    assert pixels.getpixel((x1, (y1 + y2) // 2)) == 0  # the box's left edge is drawn
    heading = pixels.crop((0, 0, 800, y1))
    assert heading.getextrema()[0] < 64  # some ink in the text area
    small = render_prompt((320, 200), "欧阳娜娜 Ouyang Nana", font_path)
    assert small.image.size == (320, 200)
    assert render_prompt((320, 200), "欧阳娜娜 Ouyang Nana", font_path).image.tobytes() == \
        small.image.tobytes()


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=20))
def test_random_bytes_are_pen_data_or_a_protocol_error(data: bytes) -> None:
    try:
        pen = stu.decode_pen_data(data)
    except ProtocolError as exc:
        assert exc.reason in ("empty_report", "unknown_report_id", "short_report")
        return
    assert 0 <= pen.pressure <= 0xFFF and 0 <= pen.x <= 0xFFFF
