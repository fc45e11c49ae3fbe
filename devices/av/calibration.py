"""Measuring audio-video sync in a recording of flashes and beeps, and the camera's latency.

Film a white flash and a beep made at the same instant (the synthetic sources do this, or a
screen flash and a speaker click in front of the real camera and microphone), record it with
the recorder, then ``measure_sync(path)``: every flash is paired with the nearest beep and the
offset is video onset minus audio onset (positive: the picture is late). The median offset of a
calibration recording, added to the latency the camera was recorded with, is the camera's
latency to configure.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

__all__ = ["SyncMeasurement", "beep_onsets", "flash_onsets", "measure_sync"]


@dataclass(frozen=True)
class SyncMeasurement:
    """Flash/beep pairs found in one recording."""

    video_onsets_s: tuple[float, ...]
    audio_onsets_s: tuple[float, ...]
    pairs: tuple[tuple[float, float], ...]   # (audio onset s, offset s = video - audio)

    @property
    def offsets_ms(self) -> np.ndarray:
        return np.array([o for _, o in self.pairs]) * 1000.0

    @property
    def max_abs_ms(self) -> float:
        return float(np.abs(self.offsets_ms).max()) if self.pairs else float("nan")

    def latency_correction_ms(self) -> float:
        """What to add to the camera latency the recording was made with."""
        return float(np.median(self.offsets_ms)) if self.pairs else 0.0


def flash_onsets(path: Path, *, luma_threshold: float = 200.0) -> list[float]:
    """Times (s) of the first frame of each run of frames brighter than ``luma_threshold``."""
    onsets: list[float] = []
    bright_before = False
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for frame in container.decode(stream):
            plane = frame.planes[0]
            rows = np.frombuffer(plane, np.uint8).reshape(-1, plane.line_size)[:frame.height]
            bright = float(rows[:, :frame.width].mean()) > luma_threshold
            if bright and not bright_before and frame.time is not None:
                onsets.append(float(frame.time))
            bright_before = bright
    return onsets


def beep_onsets(path: Path, *, threshold: float = 0.2, quiet_s: float = 0.5) -> list[float]:
    """Times (s) of the first sample above ``threshold`` after at least ``quiet_s`` below it."""
    onsets: list[float] = []
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate
        quiet_needed = int(quiet_s * rate)
        quiet_run = quiet_needed  # the recording's start counts as quiet
        position: int | None = None
        for frame in container.decode(stream):
            if frame.pts is not None and position is None:
                position = int(round(float(frame.pts * frame.time_base) * rate))
            data = frame.to_ndarray()
            if data.dtype == np.int16:
                data = data.astype(np.float32) / 32768.0
            channel = data.reshape(-1, frame.layout.nb_channels)[:, 0] if not frame.format.is_planar \
                else data[0]
            loud = np.flatnonzero(np.abs(channel) > threshold)
            start = position or 0
            prev = -1
            for i in loud:
                run = quiet_run + i if prev < 0 else i - prev - 1
                if run >= quiet_needed:
                    onsets.append((start + int(i)) / rate)
                prev = int(i)
            quiet_run = quiet_run + len(channel) if prev < 0 else len(channel) - prev - 1
            position = start + len(channel)
    return onsets


def measure_sync(path: Path, *, max_pair_s: float = 0.5) -> SyncMeasurement:
    """Decode ``path`` and pair every flash with the nearest beep within ``max_pair_s``."""
    video = flash_onsets(path)
    audio = beep_onsets(path)
    pairs = []
    if audio:
        a = np.asarray(audio)
        for v in video:
            i = int(np.argmin(np.abs(a - v)))
            if abs(a[i] - v) <= max_pair_s:
                pairs.append((float(a[i]), float(v - a[i])))
    return SyncMeasurement(tuple(video), tuple(audio), tuple(pairs))
