"""The tablet driver on its reader thread: samples, events, faults, unplug and reconnect."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from devices.clock import SessionClock
from devices.errors import DeviceError
from devices.pen.events import PadEvent, PadEventKind
from devices.pen.sample import PenSample
from devices.pen.tablet import TabletDriver
from devices.transport.hid_recording import RecordedReport, read_recording
from devices.transport.replay import ReplayTransport, replay_file

from .conftest import STREAMS

DECO = ("04-xppen-deco01-28bd-0042", "pen_coords.hid")


class Collector:
    def __init__(self) -> None:
        self.samples: list[PenSample] = []
        self.events: list[PadEvent] = []
        self.threads: set[str] = set()

    def sample(self, sample: PenSample) -> None:
        self.threads.add(threading.current_thread().name)
        self.samples.append(sample)

    def event(self, event: PadEvent) -> None:
        self.events.append(event)

    def kinds(self) -> list[PadEventKind]:
        return [e.kind for e in self.events]


def _run(driver: TabletDriver, timeout: float = 10.0) -> None:
    driver.start()
    assert driver.pump.finished.wait(timeout)
    driver.close()


@pytest.mark.parametrize("directory,name", STREAMS)
def test_replays_every_fixture_through_the_driver(hid_fixtures: Path, clock: SessionClock,
                                                  directory: str, name: str) -> None:
    out = Collector()
    transport = replay_file(hid_fixtures / directory / name, clock=clock, speed=None)
    driver = TabletDriver(transport, clock=clock, on_sample=out.sample, on_event=out.event)
    _run(driver)
    assert out.kinds() == [PadEventKind.STARTED, PadEventKind.END_OF_STREAM,
                           PadEventKind.STOPPED]
    assert len(out.samples) == driver.samples > 100
    assert out.threads == {f"pen-reader {transport.info.name}"}
    assert not driver.pump.running
    assert [s.t_ns for s in out.samples] == sorted(s.t_ns for s in out.samples)
    rate = driver.pump.measured_rate_hz()  # from the recorded spacing of the replay
    assert rate is not None and 100 < rate < 300  # the fixtures run at 125 to 200 Hz


def test_garbage_reports_are_skipped_and_capture_goes_on(hid_fixtures: Path,
                                                         clock: SessionClock) -> None:
    recording = read_recording(hid_fixtures.joinpath(*DECO))
    good = list(recording.reports[:50])
    noise = [RecordedReport(0.5, b"\x42\x00"), RecordedReport(0.5, b"\x07\x01"),
             RecordedReport(0.5, b"")]
    transport = replay_file(hid_fixtures.joinpath(*DECO), clock=clock, speed=None)
    transport._reports = iter(good[:25] + noise + good[25:])  # the same device, a dirty wire
    out = Collector()
    driver = TabletDriver(transport, clock=clock, on_sample=out.sample, on_event=out.event)
    _run(driver)
    skipped = [e for e in out.events if e.kind is PadEventKind.REPORT_SKIPPED]
    assert [e.reason for e in skipped] == ["unknown_report_id", "short_report", "empty_report"]
    assert len(out.samples) == 50 and driver.pump.skipped == 3


def test_a_failing_callback_does_not_stop_the_capture(hid_fixtures: Path,
                                                      clock: SessionClock) -> None:
    seen = []

    def flaky(sample: PenSample) -> None:
        seen.append(sample)
        if len(seen) % 10 == 0:
            raise RuntimeError("listener bug")

    transport = replay_file(hid_fixtures.joinpath(*DECO), clock=clock, speed=None)
    driver = TabletDriver(transport, clock=clock, on_sample=flaky, on_event=lambda e: None)
    _run(driver)
    assert len(seen) == 1327


def _deco(hid_fixtures: Path, clock: SessionClock, **kwargs: object) -> ReplayTransport:
    return replay_file(hid_fixtures.joinpath(*DECO), clock=clock, speed=None, **kwargs)


def test_unplug_is_an_event_and_reconnect_resumes(hid_fixtures: Path,
                                                  clock: SessionClock) -> None:
    attempts = []

    def reopen() -> ReplayTransport:
        attempts.append(time.perf_counter())
        if len(attempts) < 3:
            raise DeviceError("not back yet", reason="open_failed")
        return _deco(hid_fixtures, clock)

    out = Collector()
    driver = TabletDriver(_deco(hid_fixtures, clock, gone_after=100), clock=clock,
                          on_sample=out.sample, on_event=out.event, reopen=reopen)
    driver.pump.reopen_interval_s = 0.01
    _run(driver)
    kinds = out.kinds()
    assert kinds == [PadEventKind.STARTED, PadEventKind.UNPLUGGED, PadEventKind.RECONNECTED,
                     PadEventKind.END_OF_STREAM, PadEventKind.STOPPED]
    assert out.events[1].reason == "unplugged"
    assert out.events[2].data["attempts"] == 3
    assert len(out.samples) == 100 + 1327


def test_unplug_without_reopen_ends_the_thread(hid_fixtures: Path, clock: SessionClock) -> None:
    out = Collector()
    driver = TabletDriver(_deco(hid_fixtures, clock, gone_after=10), clock=clock,
                          on_sample=out.sample, on_event=out.event)
    _run(driver)
    assert PadEventKind.UNPLUGGED in out.kinds() and len(out.samples) == 10


def test_stop_is_prompt_while_waiting_for_a_device(hid_fixtures: Path,
                                                   clock: SessionClock) -> None:
    def never() -> ReplayTransport:
        raise DeviceError("still unplugged", reason="open_failed")

    out = Collector()
    driver = TabletDriver(_deco(hid_fixtures, clock, gone_after=0), clock=clock,
                          on_sample=out.sample, on_event=out.event, reopen=never)
    driver.start()
    time.sleep(0.1)
    started = time.perf_counter()
    driver.close()
    assert time.perf_counter() - started < 1.5
    assert not driver.pump.running


def test_stop_is_prompt_during_a_real_time_replay(hid_fixtures: Path,
                                                  clock: SessionClock) -> None:
    out = Collector()
    transport = replay_file(hid_fixtures.joinpath(*DECO), clock=clock, speed=1.0)
    driver = TabletDriver(transport, clock=clock, on_sample=out.sample, on_event=out.event)
    driver.start()
    time.sleep(0.3)
    started = time.perf_counter()
    driver.close()
    assert time.perf_counter() - started < 1.5
    assert 10 < len(out.samples) < 1327
