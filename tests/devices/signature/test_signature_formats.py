"""ISO/IEC 19794-7 and JSON round trips, and deterministic pressure-shaded rendering."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from devices.clock import SessionClock
from devices.errors import ProtocolError
from devices.pen.sample import AxisRange, PenButtons, PenCapabilities, PenProtocol, PenSample
from devices.pen.stu_driver import StuDriver
from devices.pen.stu_emulator import StuEmulator
from devices.pen.stu_log import load_stu_pen_log
from devices.pen.tablet import TabletDriver
from devices.signature import (
    IsoError,
    PenTrack,
    RenderOptions,
    parse_iso,
    render_png,
    render_track,
    track_from_iso,
    track_from_json,
    track_to_iso,
    track_to_json,
)
from devices.signature.iso19794_7 import decode_scaling, encode_scaling
from devices.transport.replay import replay_file

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def stu_track() -> PenTrack:
    clock = SessionClock()
    takes = load_stu_pen_log(REPO / "resources" / "devices" / "stu-pen-log.csv")
    samples: list[PenSample] = []
    emulator = StuEmulator(takes[7:8])
    driver = StuDriver(emulator.transport(clock=clock, speed=None, hold_open=False),
                       clock=clock, on_sample=samples.append, on_event=lambda e: None)
    driver.start()
    driver.pump.finished.wait(10)
    driver.close()
    return PenTrack.of(samples, driver.capabilities)


@pytest.fixture(scope="module")
def tilt_track(request: pytest.FixtureRequest) -> PenTrack:
    from tests.conftest import SHARED
    path = SHARED / "fixtures" / "hid" / "07-huion-hs610-256c-006d" / "pen_tilt.hid"
    if not path.exists():
        pytest.skip("shared fixtures not present")
    clock = SessionClock()
    samples: list[PenSample] = []
    driver = TabletDriver(replay_file(path, clock=clock, speed=None), clock=clock,
                          on_sample=samples.append, on_event=lambda e: None)
    driver.start()
    driver.pump.finished.wait(10)
    driver.close()
    return PenTrack.of(samples, driver.capabilities)


def test_iso_header_layout(stu_track: PenTrack) -> None:
    data = track_to_iso(stu_track)
    assert data[:8] == b"SDI\0 10\0"
    inclusion = int.from_bytes(data[8:10], "big")
    # X, Y, T, F, S: bits 15, 14, 8, 6, 5
    assert inclusion == (1 << 15) | (1 << 14) | (1 << 8) | (1 << 6) | (1 << 5)
    record = parse_iso(data)
    assert len(record.points) == len(stu_track) == 1529
    assert record.channels["T"].scaling == 1000.0
    # 100 units/mm is 100000 per metre: too big for the scaling float, so X is halved.
    assert record.channels["X"].scaling == 50000.0 and record.channels["X"].maximum == 5400


def test_iso_round_trip_is_exact_within_the_quantisation(stu_track: PenTrack) -> None:
    data = track_to_iso(stu_track)
    back = track_from_iso(data)
    assert track_to_iso(back) == data  # a fixed point: nothing more is lost on re-export
    assert len(back) == len(stu_track)
    times = stu_track.times_ms()
    for original, copy, t in zip(stu_track.samples, back.samples, times):
        # X and Y were halved: at most one device unit (0.01 mm) off.
        assert abs(copy.x_mm - original.x_mm) <= 0.01 + 1e-9
        assert abs(copy.y_mm - original.y_mm) <= 0.01 + 1e-9
        assert (copy.pressure, copy.touching) == (original.pressure, original.touching)
        assert copy.device_time == t  # device milliseconds, exact
    assert back.capabilities.pressure.maximum == 1023


def test_iso_keeps_tilt_and_raw_coordinates(tilt_track: PenTrack) -> None:
    data = track_to_iso(tilt_track)
    record = parse_iso(data)
    assert {"TX", "TY"} <= set(record.channels)
    back = track_from_iso(data)
    assert [(s.x, s.y, s.tilt_x, s.tilt_y, s.pressure) for s in back.samples] == [
        (s.x, s.y, s.tilt_x, s.tilt_y, s.pressure) for s in tilt_track.samples]
    assert back.samples[0].x_mm is None  # the Huion's units are not trusted: no scaling
    times = [round(t) for t in tilt_track.times_ms()]
    assert [s.device_time for s in back.samples] == times


def test_iso_delta_time_channel(stu_track: PenTrack) -> None:
    data = track_to_iso(stu_track, time_channel="DT")
    assert "DT" in parse_iso(data).channels and "T" not in parse_iso(data).channels
    back = track_from_iso(data)
    assert [s.device_time for s in back.samples] == stu_track.times_ms()


def test_large_coordinates_are_divided_to_fit() -> None:
    caps = PenCapabilities("big", PenProtocol.HID_DIGITIZER, None, None,
                           AxisRange(0, 44800, 200.0), AxisRange(0, 29600, 200.0),
                           AxisRange(0, 8191))
    samples = [PenSample(44800, 29600, 224.0, 148.0, 8191, 1.0, None, None, PenButtons.NONE,
                         True, True, None, None, 0)]
    back = track_from_iso(track_to_iso(PenTrack.of(samples, caps)))
    assert back.samples[0].x_mm == pytest.approx(224.0, abs=0.02)
    assert back.samples[0].pressure == 8191


@pytest.mark.parametrize("value", [1.0, 1000.0, 50000.0, 2.0 ** -16, 65520.0, 3.14159])
def test_scaling_value_encoding(value: float) -> None:
    assert decode_scaling(encode_scaling(value)) == pytest.approx(value, rel=1 / 2048)


@pytest.mark.parametrize("data,offset", [
    (b"XYZ\0 10\0", 0), (b"SDI\0 20\0", 4), (b"SDI\0 10\0\x00", 8),
    (b"SDI\0 10\0\xc0\x00", 10),
])
def test_malformed_iso_records_are_refused(data: bytes, offset: int) -> None:
    with pytest.raises(IsoError) as info:
        parse_iso(data)
    assert info.value.offset == offset and isinstance(info.value, ProtocolError)


def test_truncated_iso_record(stu_track: PenTrack) -> None:
    data = track_to_iso(stu_track)
    with pytest.raises(IsoError):
        parse_iso(data[:-3])


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64))
def test_random_bytes_never_crash_the_iso_reader(data: bytes) -> None:
    try:
        parse_iso(b"SDI\0 10\0" + data)
    except IsoError:
        pass


def test_json_round_trip_is_exact(stu_track: PenTrack, tilt_track: PenTrack) -> None:
    for track in (stu_track, tilt_track):
        text = track_to_json(track, {"signatory": "张三", "role": "suspect"})
        back, metadata = track_from_json(text)
        assert back == track
        assert metadata == {"signatory": "张三", "role": "suspect"}
        assert track_to_json(back, metadata) == text
    lines = track_to_json(stu_track).splitlines()
    assert sum(1 for line in lines if line.lstrip().startswith('{"x":')) == len(stu_track)


@pytest.mark.parametrize("text", ["{}", "not json", '{"format": "inkseal-pen-track", '
                                  '"version": 99}', '{"format": "inkseal-pen-track", '
                                  '"version": 1, "device": {}}'])
def test_bad_json_is_a_typed_error(text: str) -> None:
    with pytest.raises(ProtocolError) as info:
        track_from_json(text)
    assert info.value.reason == "bad_track_json"


def test_rendering_is_deterministic_and_pressure_shaded(stu_track: PenTrack) -> None:
    png = render_png(stu_track)
    assert png == render_png(stu_track)
    image = Image.open(__import__("io").BytesIO(png))
    assert image.mode == "RGB" and image.size[0] > image.size[1] > 50
    light = PenTrack.of([_with_pressure(s, 0.05) for s in stu_track.samples],
                        stu_track.capabilities)
    heavy = PenTrack.of([_with_pressure(s, 1.0) for s in stu_track.samples],
                        stu_track.capabilities)
    assert _ink(render_track(heavy)) > 1.5 * _ink(render_track(light))


def _with_pressure(sample: PenSample, norm: float) -> PenSample:
    from dataclasses import replace
    return replace(sample, pressure_norm=norm)


def _ink(image: Image.Image) -> int:
    import numpy as np
    return int((np.asarray(image.convert("L")) < 128).sum())


def test_render_fits_a_box_and_draws_partially_for_replay(stu_track: PenTrack) -> None:
    boxed = render_track(stu_track, RenderOptions(width_px=300, height_px=120,
                                                  background=None))
    assert boxed.size == (300, 120) and boxed.mode == "RGBA"
    assert boxed.getpixel((0, 0))[3] == 0  # transparent background
    half = render_track(stu_track, upto=len(stu_track) // 2)
    assert 0 < _ink(half) < _ink(render_track(stu_track))


def test_empty_track_renders_blank() -> None:
    caps = PenCapabilities("none", PenProtocol.HID_DIGITIZER, None, None, AxisRange(0, 100),
                           AxisRange(0, 100), AxisRange(0, 1))
    image = render_track(PenTrack((), caps))
    assert _ink(image) == 0
    assert track_from_iso(track_to_iso(PenTrack((), caps))).samples == ()


def test_tilt_scaling_is_per_radian(tilt_track: PenTrack) -> None:
    caps = PenCapabilities("tilt", PenProtocol.HID_DIGITIZER, None, None,
                           AxisRange(0, 100, 10.0), AxisRange(0, 100, 10.0), AxisRange(0, 1),
                           tilt_x=AxisRange(-9000, 9000, 100.0),
                           tilt_y=AxisRange(-9000, 9000, 100.0))
    sample = PenSample(1, 1, 0.1, 0.1, 1, 1.0, -4500, 4500, PenButtons.NONE, True, True,
                       None, None, 0)
    record = parse_iso(track_to_iso(PenTrack.of([sample], caps)))
    assert record.channels["TX"].scaling == pytest.approx(100 * 180 / math.pi, rel=1e-3)
    assert record.points[0]["TX"] == -4500
