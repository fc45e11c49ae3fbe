"""The hid-recorder text format: both timestamp forms, checked lengths, errors with line numbers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from devices.transport.hid_recording import (
    RecordingError,
    format_event,
    format_header,
    parse_recording,
    read_recording,
    write_feature,
)


def test_reads_a_real_recording(hid_fixtures: Path) -> None:
    rec = read_recording(hid_fixtures / "01-wacom-penstation2-056a-0061" / "recording.hid")
    assert (rec.bus, rec.vendor_id, rec.product_id) == (3, 0x056A, 0x0061)
    assert rec.name == "WACOM FT-0203-UV1.4-2"
    assert len(rec.descriptor) == 110
    assert len(rec.reports) == 874
    assert rec.reports[1].time_s == pytest.approx(0.007978)
    assert rec.reports[1].data == bytes.fromhex("63 00 00 00 00 00 00 00")


def test_accepts_old_and_new_timestamp_forms() -> None:
    rec = parse_recording(["E: 0.007978 2 01 02", "E: 000001.500000 1 ff"])
    assert [r.time_s for r in rec.reports] == [pytest.approx(0.007978), 1.5]
    assert [r.data for r in rec.reports] == [b"\x01\x02", b"\xff"]


@pytest.mark.parametrize("line,reason", [
    ("E: 0.1 3 01 02", "length_mismatch"),
    ("E: 0.1 2 01 zz", "bad_hex"),
    ("E: 0.1 1 100", "bad_hex"),
    ("E: soon 1 01", "bad_timestamp"),
    ("R: two 01 02", "bad_length"),
    ("I: 3 xyz 0001", "bad_line"),
    ("garbage without a tag", "bad_line"),
])
def test_malformed_lines_name_the_file_and_line(line: str, reason: str) -> None:
    with pytest.raises(RecordingError) as info:
        parse_recording(["# ok", "D: 0", line], source="pad.hid")
    assert info.value.reason == reason
    assert (info.value.source, info.value.line) == ("pad.hid", 3)
    assert "pad.hid:3" in str(info.value)


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.hid"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(RecordingError) as info:
        read_recording(path)
    assert info.value.reason == "not_text"


def test_multi_device_recording_keeps_the_chosen_device() -> None:
    lines = ["D: 0", "N: first", "E: 0.0 1 01", "D: 1", "N: second", "E: 0.0 1 02",
             "E: 0.1 1 03"]
    assert parse_recording(lines, device=1).name == "second"
    assert [r.data for r in parse_recording(lines, device=1).reports] == [b"\x02", b"\x03"]
    assert [r.data for r in parse_recording(lines).reports] == [b"\x01"]


def test_written_lines_read_back_identically() -> None:
    out = io.StringIO()
    for line in format_header(descriptor=bytes.fromhex("05 0d 09 02"), name="Pad",
                              phys="usb-1", bus=3, vendor_id=0x56A, product_id=0xA8,
                              comments=("made in a test",)):
        out.write(line + "\n")
    write_feature(out, bytes.fromhex("09 2a 30 19 50"))
    out.write(format_event(0.0, b"\x34\x80") + "\n")
    out.write(format_event(12.3456789, b"\x01") + "\n")
    out.write(format_event(0.9999999, b"\x02") + "\n")
    rec = parse_recording(out.getvalue().splitlines())
    assert rec.descriptor == bytes.fromhex("05 0d 09 02")
    assert (rec.name, rec.phys, rec.vendor_id, rec.product_id) == ("Pad", "usb-1", 0x56A, 0xA8)
    assert rec.features == {9: bytes.fromhex("09 2a 30 19 50")}
    assert [r.time_s for r in rec.reports] == [0.0, pytest.approx(12.345679), 1.0]
    assert rec.comments == ("made in a test",)
    assert "E: 000012.345679 1 01" in out.getvalue()
