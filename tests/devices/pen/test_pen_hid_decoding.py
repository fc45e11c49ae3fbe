"""Decoding every recorded pen stream gives sensible samples; bad reports give typed errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.errors import ProtocolError
from devices.pen.graphire import GraphireDecoder
from devices.pen.hid_descriptor import HidField, parse_report_descriptor
from devices.pen.hid_pen import HidPenDecoder, PenRole
from devices.pen.sample import PenButtons, PenProtocol
from devices.pen.tablet import decoder_for
from devices.transport.hid_recording import read_recording
from devices.transport.replay import replay_file

from .conftest import STREAMS


def _decode_all(hid_fixtures: Path, directory: str, name: str, clock):
    path = hid_fixtures / directory / name
    transport = replay_file(path, clock=clock, speed=None)
    decoder = decoder_for(transport)
    recording = read_recording(path)
    samples = [decoder.decode(r.data, int(r.time_s * 1e9)) for r in recording.reports]
    return decoder, recording, [s for s in samples if s is not None]


@pytest.mark.parametrize("directory,name", STREAMS)
def test_every_recorded_stream_decodes_to_sensible_samples(hid_fixtures: Path, directory: str,
                                                            name: str, clock) -> None:
    decoder, recording, samples = _decode_all(hid_fixtures, directory, name, clock)
    caps = decoder.capabilities
    assert len(samples) >= 0.85 * len(recording.reports)
    assert any(not s.touching for s in samples)
    if name != "pen_buttons.hid":  # the buttons recording hovers the whole time
        assert any(s.touching for s in samples)
        lightest_touch = min(s.pressure for s in samples if s.touching)
        # Not touching means less pressure than any touch: exactly 0 on the HID tablets; the
        # PenStation2 reports rising pressure (up to 50 of 255) before its own tip bit turns
        # on, and that raw value is kept as the device sent it.
        assert all(s.pressure < lightest_touch for s in samples if not s.touching)
    for s in samples:
        assert caps.x.minimum <= s.x <= caps.x.maximum
        assert caps.y.minimum <= s.y <= caps.y.maximum
        assert caps.pressure.minimum <= s.pressure <= caps.pressure.maximum
        assert 0.0 <= s.pressure_norm <= 1.0
        if not s.touching and caps.protocol is PenProtocol.HID_DIGITIZER:
            assert s.pressure == 0
        if s.touching:
            assert s.in_range
        if caps.tilt_x is not None:
            assert caps.tilt_x.minimum <= s.tilt_x <= caps.tilt_x.maximum
            assert caps.tilt_x.minimum < 0  # tilt is signed
        else:
            assert s.tilt_x is None and s.tilt_y is None
        if caps.x.resolution:
            assert s.x_mm == pytest.approx((s.x - caps.x.minimum) / caps.x.resolution)
        else:
            assert s.x_mm is None


def test_penstation2_vendor_reports_decode_per_the_kernel(hid_fixtures: Path, clock) -> None:
    decoder, _, samples = _decode_all(hid_fixtures, "01-wacom-penstation2-056a-0061",
                                      "recording.hid", clock)
    assert isinstance(decoder, GraphireDecoder)
    assert decoder.capabilities.protocol is PenProtocol.WACOM_GRAPHIRE
    assert len(samples) == 757
    assert max(s.x for s in samples) == 1912
    assert max(s.y for s in samples) == 1465
    assert max(s.pressure for s in samples) == 194
    assert decoder.capabilities.x.resolution == 50.0  # kernel WACOM_VOLITO_RES
    assert sum(1 for s in samples if not s.in_range) == 11
    assert any(s.buttons & PenButtons.SECONDARY_BARREL for s in samples)


def test_xppen_deco01_example_report(hid_fixtures: Path, clock) -> None:
    decoder, _, _ = _decode_all(hid_fixtures, "04-xppen-deco01-28bd-0042", "pen_coords.hid",
                                clock)
    s = decoder.decode(bytes.fromhex("07 A0 4F 2A FF 1D 00 00"), 0)
    assert (s.in_range, s.touching, s.x, s.y, s.pressure) == (True, False, 10831, 7679, 0)
    assert s.x_mm == pytest.approx(108.31)


def test_xppen_buttons_stream_has_both_side_buttons(hid_fixtures: Path, clock) -> None:
    decoder, _, samples = _decode_all(hid_fixtures, "04-xppen-deco01-28bd-0042",
                                      "pen_buttons.hid", clock)
    assert any(s.buttons == PenButtons.BARREL for s in samples)
    # XP-Pen sends its upper button as Eraser without Invert: a side button, not touching.
    upper = [s for s in samples if s.buttons & PenButtons.SECONDARY_BARREL]
    assert upper and not any(s.touching for s in upper)
    assert any("Eraser" in note for note in decoder.capabilities.notes)


def test_xppen_g430_pressure_in_a_mouse_collection(hid_fixtures: Path, clock) -> None:
    decoder, _, samples = _decode_all(hid_fixtures, "06-xppen-g430-28bd-0075",
                                      "pen_pressure.hid", clock)
    assert decoder.capabilities.pressure.maximum == 2047
    assert max(s.pressure for s in samples) == 2047
    assert all(s.touching == (s.pressure > 0) for s in samples)


def test_huion_hs610_tilt_is_signed(hid_fixtures: Path, clock) -> None:
    _, _, samples = _decode_all(hid_fixtures, "07-huion-hs610-256c-006d", "pen_tilt.hid", clock)
    assert min(s.tilt_x for s in samples) < 0 < max(s.tilt_x for s in samples)
    assert min(s.tilt_y for s in samples) < 0 < max(s.tilt_y for s in samples)


def _encode(values: dict[HidField, dict[int, int]], size: int, report_id: int) -> bytes:
    """Build a report from field values (the inverse of extraction), for descriptor-only
    fixtures that have no recorded events."""
    bits = 0
    for f, by_index in values.items():
        for index, value in by_index.items():
            value &= (1 << f.bit_size) - 1
            bits |= value << (f.bit_offset + index * f.bit_size)
    return bytes([report_id]) + bits.to_bytes(size, "little")


def _report(decoder: HidPenDecoder, report_id: int, **roles: int) -> bytes:
    layout = decoder.layouts[report_id]
    values: dict[HidField, dict[int, int]] = {}
    for name, value in roles.items():
        ref = layout.roles[PenRole(name)]
        values.setdefault(ref.field, {})[ref.index] = value
    return _encode(values, layout.data_size, report_id)


def _decoder(hid_fixtures: Path, directory: str, vid: int, pid: int) -> HidPenDecoder:
    folder = hid_fixtures / directory
    data = (folder / "rdesc.bin").read_bytes()
    return HidPenDecoder(parse_report_descriptor(data), name=directory, vendor_id=vid,
                         product_id=pid)


def test_wacom_one_pen_reports_with_tilt_and_scan_time(hid_fixtures: Path) -> None:
    decoder = _decoder(hid_fixtures, "03-wacom-one-ctc4110wl-0531-0100", 0x0531, 0x0100)
    assert set(decoder.layouts) == {6, 31}  # standard report and its vendor-page mirror
    caps = decoder.capabilities
    assert caps.size_mm == pytest.approx((152.0, 95.0))
    assert caps.tilt_x.resolution == pytest.approx(100.0)
    report = _report(decoder, 6, x=7600, y=4750, pressure=2048, tip=1, in_range=1,
                     tilt_x=-4500, tilt_y=1000, scan_time=65535)
    s = decoder.decode(report, 0)
    assert (s.x_mm, s.y_mm, s.touching, s.tilt_x, s.tilt_y) == (76.0, 47.5, True, -4500, 1000)
    assert caps.tilt_x.to_degrees(s.tilt_x) == pytest.approx(-45.0)
    wrapped = decoder.decode(_report(decoder, 6, x=1, y=1, in_range=1, scan_time=4), 0)
    assert (s.device_time, wrapped.device_time) == (65535, 65536 + 4)  # unwrapped


def test_intuos_vendor_page_pen(hid_fixtures: Path) -> None:
    decoder = _decoder(hid_fixtures, "08-wacom-intuos-pro-m-pth660-056a-0357", 0x056A, 0x0357)
    assert set(decoder.layouts) == {16}
    caps = decoder.capabilities
    assert caps.x.maximum == 44800 and caps.x.resolution == pytest.approx(200.0)
    s = decoder.decode(_report(decoder, 16, x=44800, y=100, pressure=8191, tip=1, in_range=1,
                               tilt_x=-64, eraser=0, invert=0), 0)
    assert (s.x, s.x_mm, s.pressure_norm, s.tilt_x) == (44800, pytest.approx(224.0), 1.0, -64)
    eraser = decoder.decode(_report(decoder, 16, x=5, y=5, in_range=1, invert=1, eraser=1), 0)
    assert eraser.touching and eraser.buttons & PenButtons.ERASER


def test_kamvas_usage_abuse_maps_to_side_buttons(hid_fixtures: Path) -> None:
    decoder = _decoder(hid_fixtures, "09-huion-kamvas-pro-19-256c-006b", 0x256C, 0x006B)
    assert set(decoder.layouts) == {10}  # the touch report (Finger collections) is left out
    s = decoder.decode(_report(decoder, 10, x=100, y=100, in_range=1, secondary_tip=1,
                               invert=1), 0)
    assert not s.touching
    assert s.buttons == PenButtons.SECONDARY_BARREL | PenButtons.TERTIARY_BARREL


def test_inkling_pressure_without_units(hid_fixtures: Path) -> None:
    decoder = _decoder(hid_fixtures, "02-wacom-inkling-056a-0221", 0x056A, 0x0221)
    assert 2 in decoder.layouts
    caps = decoder.capabilities
    assert caps.pressure.maximum == 1024 and caps.tilt_x.minimum == -127
    # 1920 units over "30720 x 10^-2 cm" would be a 3 m tablet: the resolution is not used.
    assert caps.x.resolution is None and caps.size_mm is None
    assert any("3072 mm" in note for note in caps.notes)
    s = decoder.decode(_report(decoder, 2, x=960, y=540, pressure=512, tip=1, in_range=1,
                               tilt_x=-10, tilt_y=10), 0)
    assert (s.pressure, s.tilt_x, s.tilt_y, s.touching) == (512, -10, 10, True)


def test_vendor_only_descriptor_is_refused_clearly() -> None:
    # PenStation2's descriptor without its USB ID: opaque vendor bytes, no pen usages.
    data = bytes.fromhex("05 0d 09 01 a1 01 85 02 a1 00 06 00 ff 09 01 15 00 26 ff 00 75 08"
                         " 95 07 81 02 c0 c0")
    with pytest.raises(ProtocolError) as info:
        HidPenDecoder(parse_report_descriptor(data), name="vendor tablet")
    assert info.value.reason == "no_pen_report"
    assert "vendor format" in str(info.value)


@pytest.fixture
def deco(hid_fixtures: Path, clock) -> HidPenDecoder:
    decoder, _, _ = _decode_all(hid_fixtures, "04-xppen-deco01-28bd-0042", "pen_coords.hid",
                                clock)
    return decoder


@pytest.mark.parametrize("report,reason", [
    (b"", "empty_report"),
    (bytes.fromhex("42 00 00"), "unknown_report_id"),
    (bytes.fromhex("07 a0 4f"), "short_report"),
])
def test_bad_reports_raise_typed_errors(deco: HidPenDecoder, report: bytes, reason: str) -> None:
    with pytest.raises(ProtocolError) as info:
        deco.decode(report, 0)
    assert info.value.reason == reason


def test_longer_report_is_decoded_and_counted(deco: HidPenDecoder) -> None:
    s = deco.decode(bytes.fromhex("07 A0 4F 2A FF 1D 00 00 99 99"), 0)
    assert s.x == 10831 and deco.oversized == 1


def test_known_non_pen_report_yields_nothing(deco: HidPenDecoder) -> None:
    assert deco.decode(bytes([6, 1, 0, 0, 0]), 0) is None  # frame buttons


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=24))
def test_random_reports_decode_or_raise(hid_fixtures_static: Path, data: bytes) -> None:
    decoder = _decoder_cache(hid_fixtures_static)
    try:
        sample = decoder.decode(data, 0)
    except ProtocolError as exc:
        assert exc.reason in ("empty_report", "unknown_report_id", "short_report")
        return
    if sample is not None:
        assert 0 <= sample.pressure_norm <= 1


_CACHE: dict[Path, HidPenDecoder] = {}


def _decoder_cache(root: Path) -> HidPenDecoder:
    if root not in _CACHE:
        data = read_recording(root / "07-huion-hs610-256c-006d" / "pen_tilt.hid").descriptor
        _CACHE[root] = HidPenDecoder(parse_report_descriptor(data), name="hs610")
    return _CACHE[root]


@pytest.fixture(scope="module")
def hid_fixtures_static() -> Path:
    from tests.conftest import SHARED
    path = SHARED / "fixtures" / "hid"
    if not path.is_dir():
        pytest.skip("shared fixtures not present")
    return path
