"""A station's A/V recording, tied to its capture log.

The recorder runs from the moment the record is shown at the station until the station closes
the record (a small camera preview goes to the station's subscribers meanwhile).  Every
finished segment is logged as ``av.segment`` with the segment's bytes as a blob reference
(SHA-256 and length) and its place (index, offset, media milliseconds); gaps, lost and
returning sources and dropped frames as ``av.event``; the end as ``av.stopped`` with the whole
file's size and SHA-256.  Callbacks run on the recorder's writer thread; the log accepts
entries from any thread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crypto.capture_log_entry import BlobRef
from devices.av import (
    FramesDropped,
    GapFilled,
    Photo,
    PreviewFrame,
    Recorder,
    RecorderSettings,
    RecordingSummary,
    Segment,
    SourceEnded,
    SourceLost,
    SourceReturned,
)
from devices.clock import SessionClock

__all__ = ["MediaSources", "StationRecording"]

LogWriter = Callable[[str, Mapping[str, Any], BlobRef | None], None]


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


@dataclass(frozen=True)
class MediaSources:
    """What the station records: camera and microphone (``auto``, ``synthetic``, a device...)
    and how (size, rate, encoder...)."""

    camera: str = "auto"
    microphone: str = "auto"
    settings: RecorderSettings = RecorderSettings()


class StationRecording:
    """One recording of one station for one record."""

    def __init__(self, clock: SessionClock, sources: MediaSources, write: LogWriter,
                 on_segment: Callable[[Segment], None] | None = None,
                 on_preview: Callable[[PreviewFrame], None] | None = None) -> None:
        self._recorder = Recorder(clock, settings=sources.settings, preview=on_preview)
        self._sources = sources
        self._write = write
        self._on_segment = on_segment
        self.path: Path | None = None
        self.summary: RecordingSummary | None = None

    @property
    def simulated(self) -> tuple[str, ...]:
        """``camera`` and/or ``microphone`` when those sources are simulated."""
        out = []
        for role, source in (("camera", self._recorder.camera),
                             ("microphone", self._recorder.microphone)):
            if source is not None and source.info.simulated:
                out.append(role)
        return tuple(out)

    def start(self, path: Path) -> dict[str, Any]:
        """Start recording into ``path`` (its segment list beside it); returns what was
        logged about the sources."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self._recorder.start(path, self._sources.camera, self._sources.microphone,
                             on_segment=self._segment, on_event=self._event)
        self.path = path
        camera, microphone = self._recorder.camera, self._recorder.microphone
        assert camera is not None and microphone is not None
        data = {"file": path.name, "camera": camera.info.describe(),
                "microphone": microphone.info.describe(), "simulated": list(self.simulated)}
        self._write("av.started", data, None)
        return data

    def take_photo(self) -> Photo:
        """A full-resolution still from the running camera."""
        return self._recorder.take_photo()

    def stop(self) -> RecordingSummary:
        """Stop, and log the finished file (idempotent)."""
        if self.summary is not None:
            return self.summary
        summary = self._recorder.stop()
        self.summary = summary
        self._write("av.stopped", {
            "file": summary.path.name, "segments": len(summary.segments),
            "duration_ms": _ms(summary.duration_s), "stop_reason": summary.stop_reason.value,
            "video_frames": summary.video_frames, "audio_samples": summary.audio_samples,
            "list_complete": summary.list_complete, "error": summary.error or "",
            "simulated": list(self.simulated)}, BlobRef(summary.sha256, summary.size))
        return summary

    # -- recorder callbacks (writer thread) ------------------------------------------------
    def _segment(self, segment: Segment) -> None:
        self._write("av.segment", {"file": self.path.name if self.path else "",
                                   "index": segment.index, "offset": segment.offset,
                                   "first_ms": segment.media_start_ms,
                                   "last_ms": segment.media_end_ms, "chain": segment.chain},
                    BlobRef(segment.sha256, segment.length))
        if self._on_segment is not None:
            self._on_segment(segment)

    def _event(self, event: object) -> None:
        data: dict[str, Any]
        if isinstance(event, GapFilled):
            gap = event.gap
            data = {"type": "gap", "stream": gap.stream.value, "reason": gap.reason.value,
                    "start_ms": _ms(gap.media_start_s), "duration_ms": _ms(gap.duration_s)}
        elif isinstance(event, FramesDropped):
            data = {"type": "dropped", "count": event.count, "reason": event.reason.value,
                    "at_ms": _ms(event.media_s)}
        elif isinstance(event, SourceLost):
            data = {"type": "lost", "role": event.role.value, "reason": event.reason,
                    "at_ms": _ms(event.media_s)}
        elif isinstance(event, SourceReturned):
            data = {"type": "returned", "role": event.role.value,
                    "outage_ms": _ms(event.outage_s), "at_ms": _ms(event.media_s)}
        elif isinstance(event, SourceEnded):
            data = {"type": "ended", "role": event.role.value, "at_ms": _ms(event.media_s)}
        else:
            return  # started/stopped: logged by start() and stop() with what matters
        self._write("av.event", data, None)
