"""Placing captured audio and video on the recording's media timeline.

Sample 0 of the audio track is the instant the recording started. Each audio block goes to the
sample index its timestamp says (through ``AudioClock``); when that is later than where the
previous block ended, samples were lost and the hole is filled with silence of exactly that
length, and reported. Video frames get their pts from the same clock, so they stay in sync with
the audio whatever the microphone's drift; a frame that cannot be placed is dropped and counted,
never shifted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from devices.av.audio_clock import AudioClock
from devices.av.events import DropReason, Gap, GapReason, StreamKind
from devices.av.media import AudioBlock, VideoFrame

__all__ = ["AudioPlacement", "AudioTimeline", "VIDEO_TIME_BASE", "VideoTimestamper"]

VIDEO_TIME_BASE = 90_000  # video pts unit: 1/90000 s, fine enough that no frame is snapped


@dataclass(frozen=True, eq=False)
class AudioPlacement:
    """Samples to write at ``start_index``: either ``samples`` or ``silence`` zero samples."""

    start_index: int
    samples: np.ndarray | None
    silence: int = 0
    gap: Gap | None = None

    @property
    def frames(self) -> int:
        return self.silence if self.samples is None else int(self.samples.shape[0])


class AudioTimeline:
    """Turns audio blocks into gapless placements; decides what is a gap and how long.

    A block whose timestamp disagrees with where the audio has got to by more than
    ``gap_threshold_s`` is held back until the next block says whether the jump was real (the
    next block agrees with it: samples were lost, or the clock jumped) or one late timestamp
    (the next block is back on track: nothing is inserted). A block flagged ``overflow`` by the
    device needs no confirmation. This costs one block of latency and keeps jittery timestamps
    from punching silence into the audio.
    """

    def __init__(self, clock: AudioClock, *, gap_threshold_s: float = 0.030,
                 flagged_gap_threshold_s: float = 0.002) -> None:
        self.clock = clock
        self.sample_rate = clock.sample_rate
        self.next_index = 0
        self._gap = int(gap_threshold_s * self.sample_rate)
        self._flagged_gap = int(flagged_gap_threshold_s * self.sample_rate)
        self._held: tuple[AudioBlock, int] | None = None
        self.clock_jumps = 0
        self.unconfirmed = 0

    def place(self, block: AudioBlock) -> list[AudioPlacement]:
        """Where the audio goes: the held block (if any), then this one, with any silence."""
        out: list[AudioPlacement] = []
        expected = int(round(self.clock.host_to_index(block.first_sample_ns)))
        if self._held is not None:
            held, held_missing = self._held
            self._held = None
            with_jump = self.next_index + held_missing + held.frames
            without = self.next_index + held.frames
            confirmed = abs(expected - with_jump) < abs(expected - without)
            if not confirmed:
                self.unconfirmed += 1
            out += self._commit(held, held_missing if confirmed else 0)
        missing = expected - self.next_index
        if not self.clock.has_points:
            out += self._commit(block, missing, first=True)
        elif block.overflow and missing > self._flagged_gap:
            out += self._commit(block, missing)
        elif abs(missing) > self._gap:
            self._held = (block, missing)
        else:
            out += self._commit(block, 0)
        return out

    def flush(self) -> list[AudioPlacement]:
        """Place a block still held for confirmation (as it stands: no gap)."""
        if self._held is None:
            return []
        held, _ = self._held
        self._held = None
        self.unconfirmed += 1
        return self._commit(held, 0)

    def fill_until(self, host_ns: int, reason: GapReason) -> list[AudioPlacement]:
        """Silence up to session instant ``host_ns`` (no audio arrives; the timeline goes on)."""
        out = self.flush()
        missing = int(round(self.clock.host_to_index(host_ns))) - self.next_index
        if missing > 0:
            out.append(self._silence(missing, reason))
            self.clock.new_run()
        return out

    def _commit(self, block: AudioBlock, missing: int, *, first: bool = False) -> list[AudioPlacement]:
        out: list[AudioPlacement] = []
        if missing > 0:
            reason = (GapReason.AUDIO_NOT_STARTED if first else
                      GapReason.INPUT_OVERFLOW if block.overflow else GapReason.AUDIO_LATE)
            out.append(self._silence(missing, reason))
            if not first:
                self.clock.new_run()  # the patch's length is an estimate: do not fit across it
        if missing < 0:
            # The block is older than audio already written (the device's clock jumped, or
            # silence was filled too eagerly): audio is never cut, the timeline is re-anchored.
            if not first:
                self.clock_jumps += 1
            self.clock.reset(self.next_index, block.first_sample_ns)
        else:
            self.clock.observe(self.next_index, block.first_sample_ns)
        out.append(AudioPlacement(self.next_index, block.samples))
        self.next_index += block.frames
        return out

    def _silence(self, frames: int, reason: GapReason) -> AudioPlacement:
        gap = Gap(StreamKind.AUDIO, self.next_index / self.sample_rate,
                  frames / self.sample_rate, reason, samples=frames)
        placement = AudioPlacement(self.next_index, None, silence=frames, gap=gap)
        self.next_index += frames
        return placement

    @property
    def media_s(self) -> float:
        """Media time written so far (the end of the audio track)."""
        return self.next_index / self.sample_rate


class VideoTimestamper:
    """Gives each frame its pts (1/90000 s) on the audio timeline, or the reason it is dropped."""

    def __init__(self, clock: AudioClock) -> None:
        self.clock = clock
        self._scale = VIDEO_TIME_BASE / clock.sample_rate
        self.last_pts: int | None = None

    def pts(self, frame: VideoFrame) -> int | DropReason:
        """The frame's pts, or why it cannot be placed."""
        pts = int(round(self.clock.host_to_index(frame.exposure_ns) * self._scale))
        if pts < 0:
            return DropReason.BEFORE_START
        if self.last_pts is not None and pts <= self.last_pts:
            return DropReason.OUT_OF_ORDER
        self.last_pts = pts
        return pts

    def media_s(self, frame: VideoFrame) -> float:
        """Where the frame falls on the timeline, in seconds (for reports)."""
        return self.clock.host_to_index(frame.exposure_ns) / self.clock.sample_rate
