"""What the recorder tells the outside world, as plain values handed to plain callbacks.

``on_segment(Segment)`` receives every hashed segment; ``on_event(event)`` receives everything
else (the ``RecorderEvent`` union). Both run on the recorder's writer thread, in order, and must
return quickly; an exception raised by a callback is logged and never stops the recording.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

__all__ = [
    "DropReason", "FramesDropped", "Gap", "GapFilled", "GapReason", "RecorderEvent",
    "RecordingStarted", "RecordingStopped", "RecordingSummary", "Segment", "SourceEnded",
    "SourceInfo", "SourceLost", "SourceReturned", "SourceRole", "StopReason", "StreamKind",
]


class SourceRole(StrEnum):
    CAMERA = "camera"
    MICROPHONE = "microphone"


class StreamKind(StrEnum):
    VIDEO = "video"
    AUDIO = "audio"


class GapReason(StrEnum):
    AUDIO_NOT_STARTED = "audio_not_started"  # from the start of the recording to the first block
    INPUT_OVERFLOW = "input_overflow"        # the device reported lost input
    AUDIO_LATE = "audio_late"                # timestamps show samples missing, no flag raised
    STALLED = "stalled"                      # no audio arrived at all: filled up to now
    SOURCE_LOST = "source_lost"              # camera unplugged / stream broke, until it returned
    SOURCE_ENDED = "source_ended"            # a file source reached its end


class DropReason(StrEnum):
    QUEUE_FULL = "queue_full"          # the writer fell behind; the capture side never waits
    CAMERA_SKIPPED = "camera_skipped"  # the camera itself delivered frames too far apart
    BEFORE_START = "before_start"      # exposed before the recording's first instant
    OUT_OF_ORDER = "out_of_order"      # timestamp not after the previous frame's


class StopReason(StrEnum):
    REQUESTED = "requested"
    DISK_FULL = "disk_full"            # the disk refused a write (ENOSPC / EDQUOT)
    DISK_LOW = "disk_low"              # free space fell below the reserve: stopped before it ran out
    WRITE_FAILED = "write_failed"      # any other I/O error on the output
    ENCODER_FAILED = "encoder_failed"
    SOURCES_ENDED = "sources_ended"    # every source was a file and all reached their end


@dataclass(frozen=True)
class SourceInfo:
    """What a source is: shown to users, written into the container, the list and the summary."""

    role: SourceRole
    kind: str                  # "device", "file", "url" or "synthetic"
    name: str
    simulated: bool
    details: Mapping[str, object] = field(default_factory=dict)

    def describe(self) -> str:
        """One line: ``synthetic test pattern [SIMULATED] 1280x720 30fps``."""
        extra = " ".join(f"{k}={v}" for k, v in self.details.items())
        mark = " [SIMULATED]" if self.simulated else ""
        return f"{self.kind}:{self.name}{mark}" + (f" {extra}" if extra else "")


@dataclass(frozen=True)
class Segment:
    """One finished, hashed byte range of the recording (whole Matroska clusters)."""

    index: int
    offset: int
    length: int
    sha256: str
    chain: str               # SHA-256 chain over the list's lines up to this one
    media_start_ms: int      # timestamp of the first block in the range (-1: none)
    media_end_ms: int        # timestamp of the last block in the range (-1: none)
    simulated: bool


@dataclass(frozen=True)
class Gap:
    """Media time with no captured data: audio filled with silence, or video with no frames."""

    stream: StreamKind
    media_start_s: float
    duration_s: float
    reason: GapReason
    samples: int = 0          # audio only: silence samples inserted


@dataclass(frozen=True)
class RecordingStarted:
    t_ns: int
    path: Path
    camera: SourceInfo
    microphone: SourceInfo
    simulated: bool


@dataclass(frozen=True)
class GapFilled:
    t_ns: int
    gap: Gap


@dataclass(frozen=True)
class FramesDropped:
    t_ns: int
    count: int
    reason: DropReason
    media_s: float


@dataclass(frozen=True)
class SourceLost:
    t_ns: int
    role: SourceRole
    reason: str
    media_s: float


@dataclass(frozen=True)
class SourceReturned:
    t_ns: int
    role: SourceRole
    outage_s: float
    media_s: float


@dataclass(frozen=True)
class SourceEnded:
    t_ns: int
    role: SourceRole
    media_s: float


@dataclass(frozen=True)
class RecordingSummary:
    """The finished recording, as the signing session files it."""

    path: Path
    list_path: Path
    sha256: str                 # of the whole file as written
    size: int
    duration_s: float           # media time of audio written (the master timeline)
    segments: tuple[Segment, ...]
    gaps: tuple[Gap, ...]
    dropped: Mapping[str, int]  # DropReason value -> frames
    simulated: bool
    camera: SourceInfo
    microphone: SourceInfo
    stop_reason: StopReason
    error: str | None
    drift_ppm: float            # microphone clock against the session clock
    video_frames: int
    audio_samples: int
    list_complete: bool         # False when the list's last lines could not be written


@dataclass(frozen=True)
class RecordingStopped:
    t_ns: int
    reason: StopReason
    summary: RecordingSummary


RecorderEvent = (RecordingStarted | GapFilled | FramesDropped | SourceLost | SourceReturned
                 | SourceEnded | RecordingStopped)
