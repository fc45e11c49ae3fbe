"""The HID report-descriptor parser follows the kernel, on real descriptors and on edge cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.errors import ProtocolError
from devices.pen.hid_descriptor import (
    DescriptorError,
    FieldFlags,
    ReportType,
    parse_report_descriptor,
)
from devices.pen.hid_units import AxisKind, kernel_resolution, resolution
from devices.transport.hid_recording import read_recording

from .conftest import DESCRIPTORS, STREAMS

X, Y = 0x00010030, 0x00010031
PRESSURE, TIP, IN_RANGE, TILT_X = 0x000D0030, 0x000D0042, 0x000D0032, 0x000D003D


def _descriptor(hid_fixtures: Path, directory: str) -> bytes:
    folder = hid_fixtures / directory
    if (folder / "rdesc.bin").exists():
        return (folder / "rdesc.bin").read_bytes()
    recording = read_recording(next(folder.glob("*.hid")))
    assert recording.descriptor is not None
    return recording.descriptor


def _field(desc, report_id: int, usage: int):
    report = desc.report(ReportType.INPUT, report_id)
    return next(f for f in report.fields if usage in f.usages)


@pytest.mark.parametrize("directory", sorted({d for d, _ in STREAMS} | set(DESCRIPTORS)))
def test_every_fixture_descriptor_parses(hid_fixtures: Path, directory: str) -> None:
    desc = parse_report_descriptor(_descriptor(hid_fixtures, directory))
    assert desc.input_reports()
    for report in desc.input_reports():
        for f in report.fields:
            assert 0 <= f.bit_offset and f.bit_offset + f.bit_size * f.count <= report.bit_size


def test_xppen_deco01_layout_matches_the_kernel(hid_fixtures: Path) -> None:
    desc = parse_report_descriptor(_descriptor(hid_fixtures, "04-xppen-deco01-28bd-0042"))
    report = desc.report(ReportType.INPUT, 7)
    assert report.wire_size == 8
    x = _field(desc, 7, X)
    # hid-tools shows X at bit 16 counting the ID byte; the kernel counts from the data: 8.
    assert (x.bit_offset, x.bit_size, x.logical_min, x.logical_max) == (8, 16, 0, 25400)
    assert (x.physical_max, x.unit, x.unit_exponent) == (10000, 0x13, -3)
    assert resolution(x, AxisKind.LENGTH) == pytest.approx(100.0)  # 2540 lpi
    assert kernel_resolution(x, AxisKind.LENGTH) == 100
    pressure = _field(desc, 7, PRESSURE)
    # Push/Pop: the X/Y unit set after Push must not leak onto pressure after Pop.
    assert (pressure.bit_offset, pressure.logical_max, pressure.unit) == (40, 8191, 0)


def test_wacom_one_tilt_is_signed_hundredths_of_a_degree(hid_fixtures: Path) -> None:
    desc = parse_report_descriptor(_descriptor(hid_fixtures, "03-wacom-one-ctc4110wl-0531-0100"))
    tilt = _field(desc, 6, TILT_X)
    assert (tilt.logical_min, tilt.logical_max, tilt.is_signed) == (-9000, 9000, True)
    assert resolution(tilt, AxisKind.ANGLE) == pytest.approx(100.0)  # units per degree
    x = _field(desc, 6, X)
    assert resolution(x, AxisKind.LENGTH) == pytest.approx(100.0)  # cm, exponent -3
    assert kernel_resolution(x, AxisKind.LENGTH) == 100


def test_huion_bogus_units_give_no_resolution(hid_fixtures: Path) -> None:
    desc = parse_report_descriptor(_descriptor(hid_fixtures, "07-huion-hs610-256c-006d"))
    x = _field(desc, 10, X)
    assert x.unit == 0x33  # inch cubed: nonsense for a length, the kernel gives up
    assert resolution(x, AxisKind.LENGTH) is None
    assert kernel_resolution(x, AxisKind.LENGTH) == 0
    tilt = _field(desc, 10, TILT_X)
    assert tilt.is_signed and tilt.logical_min == -127


def test_intuos_vendor_page_has_24_bit_coordinates(hid_fixtures: Path) -> None:
    desc = parse_report_descriptor(
        _descriptor(hid_fixtures, "08-wacom-intuos-pro-m-pth660-056a-0357"))
    x = _field(desc, 16, 0xFF0D0130)
    assert (x.bit_size, x.logical_max) == (24, 44800)
    assert kernel_resolution(x, AxisKind.LENGTH) == 200


def test_padding_advances_the_offset_without_a_field() -> None:
    # Usage Page Digitizer, Application, Report ID 1, 3 bits of switches, 5 bits padding,
    # then an 8-bit pressure: the pressure must start at bit 8.
    data = bytes.fromhex("05 0d 09 02 a1 01 85 01 09 42 09 44 09 32 15 00 25 01 75 01 95 03 81 02"
                         " 95 05 81 03 09 30 26 ff 00 75 08 95 01 81 02 c0")
    desc = parse_report_descriptor(data)
    report = desc.report(ReportType.INPUT, 1)
    assert [f.bit_offset for f in report.fields] == [0, 8]
    assert report.wire_size == 3


def test_logical_max_is_unsigned_unless_min_is_negative() -> None:
    # Logical Max 0xFF in one byte: 255 when min is 0, -1 would be wrong.
    data = bytes.fromhex("05 01 09 02 a1 01 09 30 15 00 25 ff 75 08 95 01 81 02"
                         " 09 31 15 81 25 7f 81 02 c0")
    desc = parse_report_descriptor(data)
    x, y = desc.report(ReportType.INPUT, 0).fields
    assert (x.logical_min, x.logical_max) == (0, 255)
    assert (y.logical_min, y.logical_max, y.is_signed) == (-127, 127, True)
    assert y.extract(bytes([0, 0x81])) == -127
    assert x.extract(bytes([0xFF, 0])) == 255


def test_unit_exponent_accepts_both_forms() -> None:
    nibble = parse_report_descriptor(bytes.fromhex(
        "05 01 09 02 a1 01 09 30 55 0e 65 11 35 00 46 e8 03 26 e8 03 75 10 95 01 81 02 c0"))
    full = parse_report_descriptor(bytes.fromhex(
        "05 01 09 02 a1 01 09 30 55 fe 65 11 35 00 46 e8 03 26 e8 03 75 10 95 01 81 02 c0"))
    for desc in (nibble, full):
        (x,) = desc.report(ReportType.INPUT, 0).fields
        assert x.unit_exponent == -2


def test_push_pop_restores_every_global_including_unit() -> None:
    # hid-tools 0.12 swaps unit and exponent after Push; the kernel does not.
    data = bytes.fromhex("05 0d 09 02 a1 01 85 02 65 11 55 0d 75 10 95 01 a4 05 01 09 30 26 ff"
                         " 7f 65 13 55 0e 81 02 b4 09 30 26 ff 03 81 02 c0")
    desc = parse_report_descriptor(data)
    x, pressure = desc.report(ReportType.INPUT, 2).fields
    assert (x.unit, x.unit_exponent, x.usages) == (0x13, -2, (X,))
    # Pop brings back the page (Digitizer), the unit and the exponent from before Push.
    assert (pressure.unit, pressure.unit_exponent, pressure.usages) == (0x11, -3, (PRESSURE,))
    assert pressure.bit_offset == 16


def test_late_usage_page_repages_the_usages_before_the_main_item() -> None:
    # Usage(0x30) given while the page is Generic Desktop, then Usage Page Digitizer before
    # Input: the kernel re-pages it to Tip Pressure.
    data = bytes.fromhex("05 0d 09 02 a1 01 05 01 09 30 05 0d 15 00 26 ff 00 75 08 95 01 81 02"
                         " c0")
    (f,) = parse_report_descriptor(data).report(ReportType.INPUT, 0).fields
    assert f.usages == (PRESSURE,)


def test_four_byte_usage_keeps_its_own_page() -> None:
    data = bytes.fromhex("05 0d 09 02 a1 01 0b 30 00 01 00 15 00 26 ff 00 75 08 95 01 81 02 c0")
    (f,) = parse_report_descriptor(data).report(ReportType.INPUT, 0).fields
    assert f.usages == (X,)


def test_last_usage_repeats_over_extra_values() -> None:
    data = bytes.fromhex("05 0d 09 02 a1 01 09 42 09 3c 15 00 25 01 75 01 95 04 81 02 c0")
    (f,) = parse_report_descriptor(data).report(ReportType.INPUT, 0).fields
    assert f.usages == (TIP, 0xD003C, 0xD003C, 0xD003C)
    assert f.flags & FieldFlags.VARIABLE


def test_array_field_keeps_its_usage_list() -> None:
    data = bytes.fromhex("05 09 09 01 a1 01 19 01 29 05 15 01 25 05 75 08 95 02 81 00 c0")
    (f,) = parse_report_descriptor(data).report(ReportType.INPUT, 0).fields
    assert not f.is_variable
    assert f.usages == tuple(0x90000 + n for n in range(1, 6))
    assert f.count == 2


@pytest.mark.parametrize("hex_data,reason", [
    ("", "empty_descriptor"),
    ("05", "truncated_item"),
    ("05 01 26 ff", "truncated_item"),
    ("fe 02 10 00 00", "long_item"),
    ("b4", "pop_without_push"),
    ("a4 a4 a4 a4 a4", "push_overflow"),
    ("85 00", "invalid_report_id"),
    ("a1 01", "unbalanced_collection"),
    ("c0", "unbalanced_collection"),
    ("76 01 02", "report_size_too_large"),
    ("96 ff ff", "report_count_too_large"),
    ("15 05 25 01 75 08 95 01 09 30 81 02", "invalid_logical_range"),
    ("0c", "reserved_item"),
])
def test_malformed_descriptors_raise_a_typed_error(hex_data: str, reason: str) -> None:
    with pytest.raises(DescriptorError) as info:
        parse_report_descriptor(bytes.fromhex(hex_data))
    assert info.value.reason == reason
    assert isinstance(info.value, ProtocolError)
    assert 0 <= info.value.offset <= len(bytes.fromhex(hex_data))


def test_truncated_real_descriptor_is_refused_with_its_offset(hid_fixtures: Path) -> None:
    data = _descriptor(hid_fixtures, "04-xppen-deco01-28bd-0042")
    with pytest.raises(DescriptorError) as info:
        parse_report_descriptor(data[:60])
    assert info.value.reason in ("truncated_item", "unbalanced_collection")


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_parse_or_raise_a_descriptor_error(data: bytes) -> None:
    try:
        desc = parse_report_descriptor(data)
    except DescriptorError as exc:
        assert exc.reason and 0 <= exc.offset <= len(data)
        return
    for report in desc.reports.values():
        assert report.bit_size >= 0


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 40), st.binary(min_size=1, max_size=8))
def test_mutated_real_descriptor_never_crashes(position: int, noise: bytes) -> None:
    base = bytes.fromhex("05 0d 09 02 a1 01 85 07 09 20 a1 00 09 42 09 44 09 45 15 00 25 01 75 01"
                         " 95 03 81 02 c0 c0")
    data = base[:position] + noise + base[position:]
    try:
        parse_report_descriptor(data)
    except DescriptorError:
        pass
