"""Replay plays recordings in real time or at full speed; the recorder's files replay the same."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from devices.clock import SessionClock
from devices.errors import DeviceGone, ProtocolError
from devices.transport.base import HidTransport, TransportInfo, TransportKind
from devices.transport.hid_recording import RecordedReport, read_recording
from devices.transport.recorder import RecordingTransport
from devices.transport.replay import END_OF_RECORDING, ReplayTransport, replay_file

INFO = TransportInfo("test:pad", 0x056A, 0x00A8, "Test pad", TransportKind.REPLAY)


def _drain(transport: HidTransport) -> list:
    out = []
    while True:
        try:
            report = transport.read(50)
        except DeviceGone as exc:
            assert exc.reason == END_OF_RECORDING
            return out
        if report is not None:
            out.append(report)


def test_full_speed_replay_keeps_the_recorded_timeline(hid_fixtures: Path,
                                                       clock: SessionClock) -> None:
    path = hid_fixtures / "04-xppen-deco01-28bd-0042" / "pen_pressure.hid"
    recording = read_recording(path)
    transport = replay_file(path, clock=clock, speed=None)
    assert isinstance(transport, HidTransport)
    assert transport.info.simulated and transport.info.vendor_id == 0x28BD
    assert transport.report_descriptor() == recording.descriptor
    started = time.perf_counter()
    reports = _drain(transport)
    assert time.perf_counter() - started < 2.0  # 5.8 s of recording, read at full speed
    assert [r.data for r in reports] == [r.data for r in recording.reports]
    first = reports[0].t_ns
    assert [(r.t_ns - first) / 1e9 for r in reports] == pytest.approx(
        [r.time_s for r in recording.reports], abs=1e-6)


def test_real_time_replay_honours_the_spacing(clock: SessionClock) -> None:
    reports = [RecordedReport(0.0, b"\x01"), RecordedReport(0.15, b"\x02"),
               RecordedReport(0.3, b"\x03")]
    transport = ReplayTransport(INFO, reports, clock=clock, speed=1.0)
    got = _drain(transport)
    start = got[0].t_ns
    # Never early; late only by scheduling (generous bound: the test machine is shared).
    offsets = [(r.t_ns - start) / 1e9 for r in got]
    assert all(due - 0.002 <= at < due + 0.25 for at, due in zip(offsets, (0.0, 0.15, 0.3)))
    doubled = ReplayTransport(INFO, reports, clock=clock, speed=2.0)
    got = _drain(doubled)
    assert 0.148 <= (got[-1].t_ns - got[0].t_ns) / 1e9 < 0.4


def test_read_times_out_before_the_next_report_is_due(clock: SessionClock) -> None:
    transport = ReplayTransport(INFO, [RecordedReport(0.0, b"\x01"),
                                       RecordedReport(5.0, b"\x02")], clock=clock)
    assert transport.read(10) is not None
    started = time.perf_counter()
    assert transport.read(30) is None
    assert time.perf_counter() - started < 1.5


def test_close_wakes_a_waiting_reader(clock: SessionClock) -> None:
    transport = ReplayTransport(INFO, [RecordedReport(0.0, b"\x01"),
                                       RecordedReport(5.0, b"\x02")], clock=clock)
    transport.read(10)
    timer = threading.Timer(0.05, transport.close)
    timer.start()
    started = time.perf_counter()
    with pytest.raises(DeviceGone):
        while True:
            transport.read(2000)
    timer.join()
    assert time.perf_counter() - started < 1.5


def test_hold_open_idles_instead_of_ending(clock: SessionClock) -> None:
    transport = ReplayTransport(INFO, [RecordedReport(0.0, b"\x01")], clock=clock, speed=None,
                                hold_open=True)
    assert transport.read(10).data == b"\x01"
    assert transport.read(10) is None


def test_unplug_after_n_reports(clock: SessionClock) -> None:
    reports = [RecordedReport(i * 0.001, bytes([i])) for i in range(10)]
    transport = ReplayTransport(INFO, reports, clock=clock, speed=None, gone_after=3)
    for _ in range(3):
        transport.read(10)
    with pytest.raises(DeviceGone) as info:
        transport.read(10)
    assert info.value.reason == "unplugged"


def test_writes_are_kept_and_unrecorded_features_refused(clock: SessionClock) -> None:
    transport = ReplayTransport(INFO, [], clock=clock)
    transport.send_feature_report(b"\x21\x01")
    transport.write(b"\x05\x00")
    assert transport.written == [("feature", b"\x21\x01"), ("output", b"\x05\x00")]
    with pytest.raises(ProtocolError) as info:
        transport.get_feature_report(0x09, 17)
    assert info.value.reason == "feature_not_recorded"
    transport.close()
    with pytest.raises(DeviceGone):
        transport.send_feature_report(b"\x20\x00")


def test_speed_must_be_positive(clock: SessionClock) -> None:
    with pytest.raises(ValueError):
        ReplayTransport(INFO, [], clock=clock, speed=0)


def test_recorder_output_replays_identically(hid_fixtures: Path, clock: SessionClock,
                                             tmp_path: Path) -> None:
    source = hid_fixtures / "07-huion-hs610-256c-006d" / "pen_pressure.hid"
    original = read_recording(source)
    out = tmp_path / "captured.hid"
    recorder = RecordingTransport(replay_file(source, clock=clock, speed=None), out, clock=clock)
    seen = _drain(recorder)
    recorder.close()
    copy = read_recording(out)
    assert copy.descriptor == original.descriptor
    assert (copy.vendor_id, copy.product_id) == (original.vendor_id, original.product_id)
    assert [r.data for r in copy.reports] == [r.data for r in seen]
    assert [r.time_s for r in copy.reports] == pytest.approx(
        [r.time_s for r in original.reports], abs=2e-6)
    assert any("recorded by inkseal" in c for c in copy.comments)


def test_recorder_keeps_feature_answers_for_the_replay(clock: SessionClock,
                                                       tmp_path: Path) -> None:
    class Answers:
        def get_feature(self, report_id: int, size: int) -> bytes:
            return bytes([report_id]) + bytes(range(1, size))

        def set_feature(self, data: bytes) -> None:
            pass

        def output(self, data: bytes) -> None:
            pass

    live = ReplayTransport(INFO, [RecordedReport(0.0, b"\x34" + bytes(10))], clock=clock,
                           speed=None, features=Answers())
    out = tmp_path / "stu.hid"
    recorder = RecordingTransport(live, out, clock=clock)
    capability = recorder.get_feature_report(0x09, 17)
    _drain(recorder)
    recorder.close()
    replay = replay_file(out, clock=clock, speed=None)
    assert replay.get_feature_report(0x09, 17) == capability
    assert replay.info.product_id == 0x00A8


def test_a_reader_that_falls_behind_loses_reports_like_hidraw(clock: SessionClock) -> None:
    reports = [RecordedReport(i * 0.001, bytes([i % 256])) for i in range(300)]
    transport = ReplayTransport(INFO, reports, clock=clock, speed=1.0, buffer_limit=64)
    assert transport.read(50) is not None
    time.sleep(0.2)  # the reader stalls for ~200 reports: only 64 fit the device buffer
    got = _drain(transport)
    assert transport.dropped > 100
    assert len(got) + 1 + transport.dropped == 300
    assert max(transport.lateness_ns) > 50_000_000


def test_a_prompt_reader_loses_nothing(clock: SessionClock) -> None:
    # 200 reports/s, as an STU pad sends: overflowing 64 would take a 320 ms stall.
    reports = [RecordedReport(i * 0.005, bytes([i % 256])) for i in range(100)]
    transport = ReplayTransport(INFO, reports, clock=clock, speed=1.0, buffer_limit=64)
    got = _drain(transport)
    assert len(got) == 100 and transport.dropped == 0
    assert [r.data for r in got] == [r.data for r in reports]
