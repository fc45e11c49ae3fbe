"""usbhid-dump streams read as recordings: the same reports as the converted .hid files."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.transport.hid_recording import RecordingError, read_recording
from devices.transport.replay import load_recording
from devices.transport.usbhid_dump import is_usbhid_dump, read_descriptor_file

DUMPS = [
    ("04-xppen-deco01-28bd-0042", "pen_pressure"),
    ("05-xppen-artist16pro-28bd-900a", "pen_pressure"),
    ("06-xppen-g430-28bd-0075", "pen_pressure"),
    ("07-huion-hs610-256c-006d", "pen_tilt"),
]


@pytest.mark.parametrize("directory,stem", DUMPS)
def test_dump_matches_the_converted_recording(hid_fixtures: Path, directory: str,
                                              stem: str) -> None:
    folder = hid_fixtures / directory
    dump = load_recording(folder / f"{stem}.usbhid-dump.txt")
    converted = read_recording(folder / f"{stem}.hid")
    assert dump.descriptor == converted.descriptor  # found in the sibling rd-original file
    assert [r.data for r in dump.reports] == [r.data for r in converted.reports]
    assert [r.time_s for r in dump.reports] == pytest.approx(
        [r.time_s for r in converted.reports], abs=2e-6)


def test_descriptor_files_with_and_without_a_header(hid_fixtures: Path, tmp_path: Path) -> None:
    folder = hid_fixtures / "04-xppen-deco01-28bd-0042"
    descriptor = read_descriptor_file(folder / "rd-original1.usbhid-dump.txt")
    assert descriptor == read_recording(folder / "pen_pressure.hid").descriptor
    bare = tmp_path / "bare.txt"
    bare.write_text(" 05 0D 09 02\n A1 01 C0\n", encoding="ascii")
    assert read_descriptor_file(bare) == bytes.fromhex("05 0d 09 02 a1 01 c0")
    raw = tmp_path / "rdesc.bin"
    raw.write_bytes(bytes.fromhex("05 0d 09 02 a1 01 c0 ff"))
    assert read_descriptor_file(raw) == bytes.fromhex("05 0d 09 02 a1 01 c0 ff")


def test_explicit_descriptor_wins_and_bad_hex_names_the_line(tmp_path: Path) -> None:
    dump = tmp_path / "stream.txt"
    dump.write_text("001:002:000:STREAM             10.5\n 01 02\n\n"
                    "001:002:000:STREAM             10.75\n 01 03\n", encoding="ascii")
    assert is_usbhid_dump(dump.read_text())
    recording = load_recording(dump, descriptor=b"\x05\x01")
    assert recording.descriptor == b"\x05\x01"
    assert [(r.time_s, r.data) for r in recording.reports] == [(0.0, b"\x01\x02"),
                                                               (0.25, b"\x01\x03")]
    dump.write_text("001:002:000:STREAM             10.5\n 01 XY\n", encoding="ascii")
    with pytest.raises(RecordingError) as info:
        load_recording(dump)
    assert info.value.line == 2
