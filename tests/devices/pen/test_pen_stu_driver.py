"""The STU driver end to end against the emulated pad and the recorded STU stream."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from devices.clock import SessionClock
from devices.errors import DeviceError, DeviceTimeout
from devices.pen import stu_protocol as stu
from devices.pen.events import PadEvent, PadEventKind
from devices.pen.sample import PenProtocol, PenSample
from devices.pen.stu_driver import StuDriver
from devices.pen.stu_emulator import PenTransform, StuEmulator
from devices.pen.stu_image import encode_image, render_prompt
from devices.pen.stu_log import load_stu_pen_log
from devices.transport.hid_recording import read_recording
from devices.transport.replay import replay_file

from .conftest import STU_DIR, STU_SYNTHETIC

REPO = Path(__file__).resolve().parents[3]
SHIPPED_LOG = REPO / "resources" / "devices" / "stu-pen-log.csv"


class Collector:
    def __init__(self) -> None:
        self.samples: list[PenSample] = []
        self.events: list[PadEvent] = []

    def kinds(self) -> list[PadEventKind]:
        return [e.kind for e in self.events]


@pytest.fixture(scope="module")
def takes():
    return load_stu_pen_log(SHIPPED_LOG)


def _driver(emulator: StuEmulator, clock: SessionClock, out: Collector, **kwargs: object):
    transport = emulator.transport(clock=clock, speed=None, hold_open=False, **kwargs)
    return StuDriver(transport, clock=clock, on_sample=out.samples.append,
                     on_event=out.events.append), transport


def _run(driver: StuDriver) -> None:
    driver.start()
    assert driver.pump.finished.wait(10)
    driver.close()


def test_shipped_log_holds_the_real_takes(takes) -> None:
    assert [len(t.samples) for t in takes] == [1844, 767, 317, 154, 243, 377, 472, 1529, 793]
    assert all(t.samples[0].sequence == 1 for t in takes)


def test_opens_configures_and_says_it_is_simulated(takes, clock: SessionClock) -> None:
    emulator = StuEmulator(takes[:1])
    driver, transport = _driver(emulator, clock, Collector())
    caps = driver.capabilities
    assert caps.protocol is PenProtocol.WACOM_STU and caps.simulated
    assert "simulated" in caps.name
    assert (caps.x.maximum, caps.y.maximum, caps.pressure_levels) == (10800, 6480, 1024)
    assert caps.x.resolution == pytest.approx(100.0)
    assert caps.display_size == (800, 480) and caps.report_rate_hz == 200
    assert caps.has_sequence and caps.device_time_unit_s == 0.001
    assert emulator.option_mode == stu.PenDataOptionMode.TIME_COUNT_SEQUENCE
    assert emulator.inking
    assert (b"\x32\x03") in [data for kind, data in transport.written]
    driver.close()


def test_plays_the_log_as_report_0x34_with_time_and_sequence(takes,
                                                             clock: SessionClock) -> None:
    out = Collector()
    driver, _ = _driver(StuEmulator(takes[7:8]), clock, out)
    _run(driver)
    logged = takes[7].samples
    assert len(out.samples) == len(logged) == 1529
    for sample, row in zip(out.samples, logged):
        assert (sample.x, sample.y, sample.pressure) == (row.x, row.y, row.pressure)
        assert sample.touching == (row.pressure > 0)
    assert [s.sequence for s in out.samples] == list(range(1, 1530))
    device_ms = [s.device_time - out.samples[0].device_time for s in out.samples]
    assert device_ms == [r.time_count_ms - logged[0].time_count_ms for r in logged]
    assert PadEventKind.SAMPLES_LOST not in out.kinds()


def test_gaps_in_the_sequence_are_events(takes, clock: SessionClock) -> None:
    out = Collector()
    emulator = StuEmulator(takes[3:4], drop_sequences=frozenset({10, 11, 12, 100}))
    driver, _ = _driver(emulator, clock, out)
    _run(driver)
    lost = [e for e in out.events if e.kind is PadEventKind.SAMPLES_LOST]
    assert [(e.data["expected"], e.data["got"], e.data["lost"]) for e in lost] == [
        (10, 13, 3), (100, 101, 1)]
    assert driver.lost == 4 and len(out.samples) == 154 - 4
    stopped = out.events[-1]
    assert stopped.kind is PadEventKind.STOPPED and stopped.data["lost"] == 4


def test_sequence_wraps_without_false_alarms(takes, clock: SessionClock) -> None:
    out = Collector()
    emulator = StuEmulator(takes[3:4])
    emulator._sequence = 0xFFF0  # the pad has been on for a long time
    driver, _ = _driver(emulator, clock, out)
    _run(driver)
    assert PadEventKind.SAMPLES_LOST not in out.kinds()
    seqs = [s.sequence for s in out.samples]
    assert seqs == list(range(seqs[0], seqs[0] + 154)) and seqs[-1] > 0xFFFF


def test_prompt_is_uploaded_and_ink_kept_inside_the_box(takes, clock: SessionClock,
                                                        font_path: Path) -> None:
    emulator = StuEmulator(takes[:1])
    out = Collector()
    driver, transport = _driver(emulator, clock, out)
    box = driver.show_prompt("李四 Li Si", font_path)
    assert emulator.images_shown == 1
    expected = render_prompt((800, 480), "李四 Li Si", font_path).image
    shown = emulator.screen
    assert encode_image(shown, stu.EncodingMode.MONO_1BIT) == encode_image(
        expected, stu.EncodingMode.MONO_1BIT)
    assert emulator.writing_area == box
    blocks = [data for kind, data in transport.written if data[0] == stu.ReportId.IMAGE_DATA_BLOCK]
    assert len(blocks) == 190 and all(len(b) == 256 for b in blocks)  # 48000 bytes / 253
    assert out.kinds() == [PadEventKind.PROMPT_SHOWN]
    driver.clear()
    assert emulator.clears == 1 and out.kinds()[-1] is PadEventKind.CLEARED
    driver.set_ink((0, 0, 128), 2)
    assert emulator.ink == ((0, 0, 128), 2)
    driver.close()


def test_colour_upload_in_24_bit(takes, clock: SessionClock, font_path: Path) -> None:
    emulator = StuEmulator(takes[:1])
    driver, _ = _driver(emulator, clock, Collector())
    prompt = render_prompt((800, 480), "王五", font_path).image
    blocks = driver.upload_image(prompt, stu.EncodingMode.BGR24)
    assert blocks == 4554 and emulator.screen.tobytes() == prompt.tobytes()
    driver.close()


def test_mono_pad_gets_a_small_prompt(takes, clock: SessionClock, font_path: Path) -> None:
    emulator = StuEmulator(takes[:1], product_id=0x00A4)  # STU-430, 320 x 200 mono
    driver, _ = _driver(emulator, clock, Collector())
    assert driver.capabilities.display_size == (320, 200)
    driver.show_prompt("赵六", font_path)
    assert emulator.screen.size == (320, 200)
    driver.close()


def test_commands_in_the_wrong_state_are_refused(takes, clock: SessionClock) -> None:
    emulator = StuEmulator(takes[:1])
    driver, transport = _driver(emulator, clock, Collector())
    with pytest.raises(DeviceError) as info:
        transport.send_feature_report(stu.image_data_block(b"\x00" * 10))
    assert info.value.reason == "feature_failed"
    assert driver.status().last_result == stu.ErrorCode.WRONG_STATE
    with pytest.raises(DeviceError):
        transport.send_feature_report(stu.handwriting_display_area(10, 10, 900, 100))
    assert driver.status().last_result == stu.ErrorCode.WRONG_AREA
    driver.close()


def test_a_pad_stuck_busy_times_out(takes, clock: SessionClock) -> None:
    emulator = StuEmulator(takes[:1], busy_polls=10**6)
    driver, _ = _driver(emulator, clock, Collector())
    driver.status_timeout_s = 0.2
    driver.clear()  # makes the emulated pad busy for good
    started = time.perf_counter()
    with pytest.raises(DeviceTimeout) as info:
        driver.clear()
    assert info.value.reason == "status_timeout"
    assert time.perf_counter() - started < 1.5
    driver.close()


def test_replug_reconfigures_the_pad_and_the_stream_goes_on(takes,
                                                            clock: SessionClock) -> None:
    emulator = StuEmulator(takes[3:4])
    out = Collector()

    def reopen():
        emulator.unplugged()  # the pad powers up again with its defaults
        return emulator.transport(clock=clock, speed=None, hold_open=False)

    transport = emulator.transport(clock=clock, speed=None, hold_open=False, gone_after=50)
    driver = StuDriver(transport, clock=clock, on_sample=out.samples.append,
                       on_event=out.events.append, reopen=reopen)
    _run(driver)
    assert out.kinds()[:3] == [PadEventKind.STARTED, PadEventKind.UNPLUGGED,
                               PadEventKind.RECONNECTED]
    assert emulator.option_mode == stu.PenDataOptionMode.TIME_COUNT_SEQUENCE
    assert len(out.samples) == 154
    assert all(s.sequence is not None for s in out.samples)
    assert PadEventKind.SAMPLES_LOST not in out.kinds()


def test_variants_move_the_signature_a_little(takes, clock: SessionClock) -> None:
    results = []
    for variant in (0, 1, 2):
        out = Collector()
        driver, _ = _driver(StuEmulator(takes[1:2], transform=PenTransform.variant(variant)),
                            clock, out)
        _run(driver)
        results.append([(s.x, s.y) for s in out.samples])
    assert results[0] != results[1] != results[2]
    assert len(results[0]) == len(results[1]) == 767


def test_recorded_stu_stream_replays_through_the_driver(hid_fixtures: Path,
                                                        clock: SessionClock) -> None:
    path = hid_fixtures / STU_DIR / STU_SYNTHETIC
    transport = replay_file(path, clock=clock, speed=None)
    out = Collector()
    driver = StuDriver(transport, clock=clock, on_sample=out.samples.append,
                       on_event=out.events.append)
    assert any("assumed" in note for note in driver.capabilities.notes)
    assert driver.capabilities.name.endswith("(replay)") and driver.capabilities.simulated
    _run(driver)
    recording = read_recording(path)
    assert len(out.samples) == len(recording.reports) == 1529
    assert out.samples[0].sequence == 1 and out.samples[-1].sequence == 1529
    assert max(s.x for s in out.samples) <= driver.capabilities.x.maximum


def test_record_and_replay_an_emulated_pad(takes, clock: SessionClock, tmp_path: Path) -> None:
    from devices.transport.recorder import RecordingTransport
    emulator = StuEmulator(takes[4:5])
    live = emulator.transport(clock=clock, speed=None, hold_open=False)
    out_file = tmp_path / "stu.hid"
    first = Collector()
    driver = StuDriver(RecordingTransport(live, out_file, clock=clock), clock=clock,
                       on_sample=first.samples.append, on_event=first.events.append)
    _run(driver)
    second = Collector()
    replayed = StuDriver(replay_file(out_file, clock=clock, speed=None), clock=clock,
                         on_sample=second.samples.append, on_event=second.events.append)
    assert replayed.capability == emulator.capability  # answered from the recorded features
    assert replayed.capabilities.notes == ()
    _run(replayed)
    assert [(s.x, s.y, s.pressure, s.sequence, s.device_time) for s in second.samples] == \
        [(s.x, s.y, s.pressure, s.sequence, s.device_time) for s in first.samples]


def test_a_pad_that_stops_answering_gives_a_typed_error(clock: SessionClock) -> None:
    from devices.transport.base import TransportInfo, TransportKind
    from devices.transport.replay import ReplayTransport

    class Silent:
        def get_feature(self, report_id: int, size: int) -> bytes:
            time.sleep(0.05)  # what hidapi does when the control transfer times out
            raise DeviceTimeout("no answer to GET_REPORT", reason="timeout")

        def set_feature(self, data: bytes) -> None:
            raise DeviceTimeout("no answer to SET_REPORT", reason="timeout")

        def output(self, data: bytes) -> None:
            pass

    info = TransportInfo("emulator:silent", 0x056A, 0x00A8, "silent", TransportKind.EMULATOR)
    transport = ReplayTransport(info, [], clock=clock, features=Silent())
    started = time.perf_counter()
    with pytest.raises(DeviceTimeout):
        StuDriver(transport, clock=clock, on_sample=print, on_event=print)
    assert time.perf_counter() - started < 1.5


def test_read_errors_become_events_and_capture_continues(takes, clock: SessionClock) -> None:
    emulator = StuEmulator(takes[3:4])
    inner = emulator.transport(clock=clock, speed=None, hold_open=False)

    class Hiccup:
        """A transport whose read fails twice with a non-fatal error."""

        info = inner.info
        failures = 2

        def __getattr__(self, name: str):
            return getattr(inner, name)

        def read(self, timeout_ms: int):
            if Hiccup.failures:
                Hiccup.failures -= 1
                raise DeviceError("transient read error", reason="io_error")
            return inner.read(timeout_ms)

    out = Collector()
    driver = StuDriver(Hiccup(), clock=clock, on_sample=out.samples.append,
                       on_event=out.events.append)
    _run(driver)
    errors = [e for e in out.events if e.kind is PadEventKind.ERROR]
    assert [e.reason for e in errors] == ["io_error", "io_error"]
    assert len(out.samples) == 154


def test_models_without_time_and_sequence_use_report_0x01(takes, clock: SessionClock) -> None:
    emulator = StuEmulator(takes[3:4], product_id=0x00A1)  # STU-500: mono 640 x 480
    out = Collector()
    driver, transport = _driver(emulator, clock, out)
    caps = driver.capabilities
    assert not caps.has_sequence and caps.device_time_unit_s is None
    assert caps.display_size == (640, 480)
    assert not any(data[0] == stu.ReportId.PEN_DATA_OPTION_MODE for _, data in transport.written)
    _run(driver)
    assert len(out.samples) == 154
    assert all(s.sequence is None and s.device_time is None for s in out.samples)
    assert [(s.x, s.y, s.pressure) for s in out.samples] == [
        (r.x, r.y, r.pressure) for r in takes[3].samples]


def test_the_pen_leaving_the_pad_is_out_of_range_not_a_hover_at_the_corner(
        takes, clock: SessionClock) -> None:
    # The logged pad reports the pen leaving its range as (0, 0) with no pressure; played
    # back, such a report has no ready bit, so nobody draws the pen hovering at the corner.
    take = takes[0]
    left = [i for i, s in enumerate(take.samples) if (s.x, s.y, s.pressure) == (0, 0, 0)]
    assert left
    out = Collector()
    driver, _ = _driver(StuEmulator([take], transform=PenTransform(dx=40, dy=-30)), clock, out)
    _run(driver)
    assert len(out.samples) == len(take.samples)
    for i, sample in enumerate(out.samples):
        assert sample.in_range == (i not in left), i
        if i in left:
            assert (sample.x, sample.y, sample.touching) == (0, 0, False)
