"""The microphone driver: PortAudio time info, fallbacks, overflow flags, a dying stream,
the synthetic tone with marks and an audio file standing in for the microphone."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from avtest_support import write_clip

from devices.av.audio_file import FileInputStream
from devices.av.capture_queue import CaptureQueue, SourceStatus, StatusKind
from devices.av.clocks import ManualClock
from devices.av.errors import SourceUnavailable
from devices.av.events import SourceInfo, SourceRole
from devices.av.media import AudioBlock
from devices.av.microphone import Microphone
from devices.av.sources import _portaudio_error, open_microphone
from devices.av.synthetic_microphone import (
    StreamStatus,
    StreamTime,
    SyntheticInputStream,
    SyntheticMicrophoneSettings,
)
from devices.clock import SessionClock

INFO = SourceInfo(SourceRole.MICROPHONE, "device", "fake", False)


@dataclass
class FakeStream:
    """A stream whose callback the test calls; ``active`` goes False when it 'dies'."""

    samplerate: float = 48_000.0
    channels: int = 1
    latency: float = 0.02
    active: bool = False
    started: int = 0

    def start(self) -> None:
        self.active = True
        self.started += 1

    def stop(self) -> None:
        self.active = False

    def close(self) -> None:
        self.active = False


def attached(clock, stream: FakeStream) -> tuple[Microphone, CaptureQueue, list]:  # type: ignore[no-untyped-def]
    callbacks: list = []

    def factory(cb):  # type: ignore[no-untyped-def]
        callbacks.append(cb)
        return stream

    mic = Microphone(factory, INFO, clock, sample_rate=48_000, channels=1)
    queue = CaptureQueue()
    mic.attach(queue)
    return mic, queue, callbacks


def blocks(queue: CaptureQueue) -> list[AudioBlock]:
    out = []
    while (item := queue.get(0)) is not None:
        if isinstance(item, AudioBlock):
            out.append(item)
    return out


def test_the_first_sample_is_dated_by_portaudio_adc_time() -> None:
    clock = ManualClock(7_000_000_000)
    mic, queue, (cb,) = attached(clock, FakeStream())
    data = np.arange(480, dtype=np.int16).reshape(-1, 1)
    # PortAudio's clock has its own origin; only the difference matters: 14 ms old.
    cb(data, 480, StreamTime(inputBufferAdcTime=99.986, currentTime=100.0), StreamStatus())
    (b,) = blocks(queue)
    assert b.first_sample_ns == pytest.approx(7_000_000_000 - 14_000_000, abs=1_000)
    assert b.arrived_ns == 7_000_000_000 and not b.overflow
    data[:] = 0                                   # PortAudio reuses its buffer
    assert b.samples[5, 0] == 5
    assert mic.fallback_timing == 0


@pytest.mark.parametrize("adc,current", [(0.0, 0.0), (100.5, 100.0), (10.0, 100.0)])
def test_unusable_time_info_falls_back_to_block_length_plus_latency(adc: float, current: float) -> None:
    clock = ManualClock(7_000_000_000)
    mic, queue, (cb,) = attached(clock, FakeStream(latency=0.02))
    cb(np.zeros((480, 1), np.int16), 480, StreamTime(adc, current), StreamStatus())
    (b,) = blocks(queue)
    assert b.first_sample_ns == 7_000_000_000 - 10_000_000 - 20_000_000
    assert mic.fallback_timing == 1


def test_an_input_overflow_flag_travels_with_the_block() -> None:
    clock = ManualClock(7_000_000_000)
    _, queue, (cb,) = attached(clock, FakeStream())
    cb(np.zeros((480, 1), np.int16), 480, StreamTime(99.99, 100.0), StreamStatus(input_overflow=True))
    assert blocks(queue)[0].overflow


def test_a_stream_that_dies_is_reported_and_reopened() -> None:
    stream = FakeStream()
    factory_calls = []

    def factory(cb):  # type: ignore[no-untyped-def]
        factory_calls.append(cb)
        return stream

    mic = Microphone(factory, INFO, SessionClock(), sample_rate=48_000, channels=1,
                     reconnect_s=0.05)
    queue = CaptureQueue()
    mic.start(queue, 0)
    try:
        stream.active = False                     # unplugged
        deadline = time.monotonic() + 3
        statuses: list = []
        while time.monotonic() < deadline and len(statuses) < 2:
            item = queue.get(0.05)
            if isinstance(item, SourceStatus):
                statuses.append(item.kind)
    finally:
        mic.stop()
    assert statuses == [StatusKind.LOST, StatusKind.RETURNED]
    assert len(factory_calls) == 2 and stream.started == 2


def test_portaudio_errors_say_busy_or_missing() -> None:
    import sounddevice as sd
    busy = _portaudio_error(sd.PortAudioError("Device unavailable", -9985), "USB Mic")
    missing = _portaudio_error(sd.PortAudioError("Error querying device -1"), "default")
    other = _portaudio_error(sd.PortAudioError("Invalid sample rate", -9997), "USB Mic")
    assert (busy.reason, missing.reason, other.reason) == \
        ("microphone_busy", "microphone_missing", "microphone_unreadable")
    assert "busy" in str(busy) and "麦克风被占用" in str(busy)


def test_a_microphone_that_is_not_there_is_a_clear_error() -> None:
    import sounddevice as sd
    if any(d["max_input_channels"] > 0 for d in sd.query_devices()):
        pytest.skip("this machine has a microphone")
    with pytest.raises(SourceUnavailable) as err:
        open_microphone("0", SessionClock())
    assert err.value.reason == "microphone_missing"


def test_auto_falls_back_to_the_simulated_microphone_when_there_is_none() -> None:
    import sounddevice as sd
    if any(d["max_input_channels"] > 0 for d in sd.query_devices()):
        pytest.skip("this machine has a microphone")
    mic = open_microphone("auto", SessionClock())
    assert mic.info.simulated and mic.info.kind == "synthetic"
    mic.stop()


def test_the_synthetic_tone_marks_the_asked_instants_on_its_own_drifting_clock() -> None:
    clock = ManualClock()
    got: list = []
    settings = SyntheticMicrophoneSettings(drift_ppm=500.0, marks_at_s=[2.0])
    stream = SyntheticInputStream(lambda d, f, t, s: got.append((d, t, s)), clock, settings,
                                  paced=False, start_ns=clock.now_ns())
    end = clock.now_ns() + 3e9
    while stream.next_due_ns() < end:
        clock.advance_to(stream.next_due_ns())
        stream.deliver_next()
    audio = np.concatenate([d for d, _, _ in got])[:, 0].astype(float) / 32767
    onset = int(np.flatnonzero(np.abs(audio) > 0.2)[0])
    # 2 s of a clock 500 ppm fast is 96048 samples, not 96000.
    assert 0 <= onset - 2.0 * 48_000 * (1 + 500e-6) <= 5   # a sine from 0 passes 0.2 in ~4
    assert np.abs(audio[:onset - 50]).max() < 0.05        # quiet carrier before the mark
    _, t, _ = got[10]
    assert 0 <= t.currentTime - t.inputBufferAdcTime < 0.05


def test_an_overrun_loses_blocks_and_flags_the_next() -> None:
    clock = ManualClock()
    got: list = []
    stream = SyntheticInputStream(lambda d, f, t, s: got.append(s), clock,
                                  SyntheticMicrophoneSettings(overruns=[(0.095, 0.05)]),
                                  paced=False, start_ns=clock.now_ns())
    for _ in range(30):
        clock.advance_to(stream.next_due_ns())
        stream.deliver_next()
    assert stream.lost == 5 and len(got) == 25
    assert [s.input_overflow for s in got].index(True) == 10


def test_an_audio_file_is_delivered_at_its_own_pace_sample_for_sample(tmp_path: Path) -> None:
    wav = tmp_path / "voice.wav"
    write_clip(wav, 0.3, video=False, flash_at_s=0.1)
    got: list = []
    clock = SessionClock()
    stream = FileInputStream(lambda d, f, t, s: got.append((d.copy(), t)), clock, str(wav))
    origin = clock.now_ns()
    stream.start_at(origin)
    stream.start()
    deadline = time.monotonic() + 3
    while stream.active and time.monotonic() < deadline:
        time.sleep(0.02)
    stream.close()
    assert stream.ended
    audio = np.concatenate([d for d, _ in got])
    assert audio.shape == (14_400, 1)
    onset = int(np.flatnonzero(np.abs(audio[:, 0]) > 0.2 * 32767)[0])
    assert 4800 <= onset <= 4810                   # the beep starts at 0.1 s (sine from 0)
    first_ns = [int(round(t.inputBufferAdcTime * 1e9)) - origin for _, t in got[:3]]
    assert first_ns == pytest.approx([0, 10_000_000, 20_000_000], abs=1000)


def test_an_unreadable_audio_file_is_a_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"RIFF nonsense")
    with pytest.raises(SourceUnavailable) as err:
        open_microphone(str(junk), SessionClock())
    assert err.value.reason == "microphone_unreadable"
