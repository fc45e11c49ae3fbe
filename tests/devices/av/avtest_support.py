"""Helpers for the A/V tests: simulated sources on a manual clock, driven without threads.

This directory has no ``__init__.py`` on purpose: as a package it would be called ``av`` and
shadow PyAV.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from devices.av.camera import Camera
from devices.av.clocks import ManualClock
from devices.av.events import RecordingSummary, SourceInfo, SourceRole
from devices.av.microphone import Microphone
from devices.av.muxer import EncoderSettings
from devices.av.recorder import Recorder, RecorderSettings
from devices.av.synthetic_camera import SyntheticCameraSettings, SyntheticCapture
from devices.av.synthetic_microphone import SyntheticInputStream, SyntheticMicrophoneSettings

SMALL = (160, 96)


def simulated_camera(clock: ManualClock, *, start_ns: int, latency_ms: float = 40.0,
                     configured_latency_ms: float | None = None, **kw: object
                     ) -> tuple[Camera, SyntheticCapture]:
    settings = SyntheticCameraSettings(width=SMALL[0], height=SMALL[1], latency_ms=latency_ms,
                                       **kw)  # type: ignore[arg-type]
    capture = SyntheticCapture(clock, settings, paced=False, start_ns=start_ns)
    info = SourceInfo(SourceRole.CAMERA, "synthetic", "test", True)
    lat = latency_ms if configured_latency_ms is None else configured_latency_ms
    camera = Camera(capture.reopen, info, clock, width=SMALL[0], height=SMALL[1],
                    fps=settings.fps, latency_ns=int(lat * 1e6))
    return camera, capture


def simulated_microphone(clock: ManualClock, *, start_ns: int, **kw: object
                         ) -> tuple[Microphone, list[SyntheticInputStream]]:
    settings = SyntheticMicrophoneSettings(**kw)  # type: ignore[arg-type]
    streams: list[SyntheticInputStream] = []

    def factory(cb):  # type: ignore[no-untyped-def]
        streams.append(SyntheticInputStream(cb, clock, settings, paced=False, start_ns=start_ns))
        return streams[-1]

    info = SourceInfo(SourceRole.MICROPHONE, "synthetic", "test", True)
    return Microphone(factory, info, clock, sample_rate=settings.sample_rate,
                      channels=settings.channels), streams


def run_simulation(out: Path, seconds: float, *, camera_kw: dict | None = None,
                   mic_kw: dict | None = None, settings: RecorderSettings | None = None,
                   on_segment=None, on_event=None, configured_latency_ms: float | None = None,
                   stop_mic_after_s: float | None = None, target_factory=None) -> RecordingSummary:
    """Record ``seconds`` of simulated media through the real recorder, faster than real time."""
    clock = ManualClock()
    start = clock.now_ns() + 5_000_000
    camera, capture = simulated_camera(clock, start_ns=start,
                                       configured_latency_ms=configured_latency_ms,
                                       **(camera_kw or {}))
    microphone, streams = simulated_microphone(clock, start_ns=start, **(mic_kw or {}))
    extra = {"target_factory": target_factory} if target_factory else {}
    recorder = Recorder(clock, settings=settings or RecorderSettings(
        encoder=EncoderSettings(preset="ultrafast")), **extra)
    recorder.start(out, camera, microphone, on_segment, on_event, drive_sources=False)
    stream = streams[0]
    end = start + int(seconds * 1e9)
    mic_end = end if stop_mic_after_s is None else start + int(stop_mic_after_s * 1e9)
    while True:
        t_cam = capture.next_ready_ns()
        t_mic = stream.next_due_ns() if stream.next_due_ns() <= mic_end else end + 1
        t = min(t_cam, t_mic)
        if t > end or recorder.wait(0):  # done, or stopped by itself (disk full)
            break
        clock.advance_to(t)
        if t_cam <= t_mic:
            camera.capture_once()
        else:
            stream.deliver_next()
        while recorder.backlog() > 2 and not recorder.wait(0):
            time.sleep(0.0005)
    # Let the writer see the clock where the simulation ended.
    clock.advance_to(end)
    while recorder.backlog() and not recorder.wait(0):
        time.sleep(0.001)
    time.sleep(0.05)
    return recorder.stop()


def flips(data: bytes, positions: Sequence[int]) -> bytes:
    out = bytearray(data)
    for p in positions:
        out[p] ^= 0x01
    return bytes(out)


class LimitedTarget:
    """A file on a 'disk' with ``capacity`` bytes: a short write, then ENOSPC, like a full disk."""

    def __init__(self, path: Path, capacity: int) -> None:
        from devices.av.sink import FileTarget
        self._file = FileTarget(path)
        self.capacity = capacity

    @property
    def written(self) -> int:
        return self._file.written

    def write(self, data: memoryview) -> None:
        import errno
        room = self.capacity - self._file.written
        if room < len(data):
            if room > 0:
                self._file.write(data[:room])
            raise OSError(errno.ENOSPC, "No space left on device")
        self._file.write(data)

    def sync(self) -> None:
        self._file.sync()

    def close(self) -> None:
        self._file.close()


def write_clip(path: Path, seconds: float = 2.0, *, flash_at_s: float = 1.0, fps: int = 30,
               size: tuple[int, int] = SMALL, rate: int = 48_000, video: bool = True,
               audio: bool = True) -> None:
    """A small clip with a white flash and a beep at ``flash_at_s`` (H.264 + FLAC, Matroska)."""
    from fractions import Fraction

    import av
    import numpy as np

    fmt = "matroska" if video else "wav"
    with av.open(str(path), "w", format=fmt) as out:
        vs = as_ = None
        if video:
            vs = out.add_stream("libx264", rate=fps, options={"preset": "ultrafast"})
            vs.width, vs.height, vs.pix_fmt = size[0], size[1], "yuv420p"
        if audio:
            as_ = out.add_stream("flac" if video else "pcm_s16le", rate=rate, layout="mono")
        if vs is not None:
            for k in range(int(seconds * fps)):
                t = k / fps
                level = 255 if flash_at_s <= t < flash_at_s + 0.2 else 40
                img = np.full((size[1], size[0], 3), level, np.uint8)
                frame = av.VideoFrame.from_ndarray(img, format="bgr24")
                frame.pts, frame.time_base = k, Fraction(1, fps)
                for p in vs.encode(frame):
                    out.mux(p)
            for p in vs.encode(None):
                out.mux(p)
        if as_ is not None:
            n = np.arange(int(seconds * rate))
            sig = 0.02 * np.sin(2 * np.pi * 440 * n / rate)
            beep = (n >= flash_at_s * rate) & (n < (flash_at_s + 0.1) * rate)
            sig[beep] = 0.5 * np.sin(2 * np.pi * 1000 * n[beep] / rate)
            pcm = np.round(sig * 32767).astype(np.int16)
            for i in range(0, len(pcm), 1024):
                chunk = pcm[i:i + 1024].reshape(1, -1)
                frame = av.AudioFrame.from_ndarray(chunk, format="s16", layout="mono")
                frame.sample_rate, frame.pts, frame.time_base = rate, i, Fraction(1, rate)
                for p in as_.encode(frame):
                    out.mux(p)
            for p in as_.encode(None):
                out.mux(p)
