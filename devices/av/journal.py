"""Everything the recorder reports, in one order: the segment list beside the file, the
callbacks, the log, and what the final summary is built from.

The writer thread calls it; it never raises into the writer. A callback that raises is logged
and ignored; a list that can no longer be written (the disk is full) is marked incomplete and
the callbacks carry on, since the capture log they feed is the record that matters.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from devices.av.events import (
    DropReason,
    FramesDropped,
    Gap,
    GapFilled,
    GapReason,
    RecorderEvent,
    RecordingStarted,
    Segment,
    SourceEnded,
    SourceInfo,
    SourceLost,
    SourceReturned,
    SourceRole,
)
from devices.av.segment_list import ListHeader, SegmentListWriter
from devices.av.sink import FinishedBytes

__all__ = ["RecordingJournal"]

log = logging.getLogger(__name__)


class RecordingJournal:
    """Numbers, chains, writes and publishes segments and events."""

    def __init__(self, list_path: Path, header: ListHeader, *, simulated: bool,
                 on_segment: Callable[[Segment], None] | None,
                 on_event: Callable[[RecorderEvent], None] | None) -> None:
        self.list_path = list_path
        self.simulated = simulated
        self._on_segment = on_segment
        self._on_event = on_event
        self._list: SegmentListWriter | None = SegmentListWriter(list_path, header)
        self.list_complete = True
        self.segments: list[Segment] = []
        self.gaps: list[Gap] = []
        self.dropped: Counter[str] = Counter()

    # -- publishing ---------------------------------------------------------------------------
    def started(self, t_ns: int, path: Path, camera: SourceInfo, microphone: SourceInfo) -> None:
        self.event(RecordingStarted(t_ns, path, camera, microphone, self.simulated))

    def segments_finished(self, finished: list[FinishedBytes]) -> None:
        """Record finished segments (their bytes are already durable) and publish them."""
        fresh = []
        for fb in finished:
            index = len(self.segments)
            chain = self._record("segment", index, fb.offset, fb.length, fb.first_ms, fb.last_ms,
                                 fb.sha256, sync=fb is finished[-1])
            seg = Segment(index, fb.offset, fb.length, fb.sha256, chain, fb.first_ms, fb.last_ms,
                          self.simulated)
            self.segments.append(seg)
            fresh.append(seg)
        for seg in fresh:
            log.debug("segment %d: %d bytes at %d, %s", seg.index, seg.length, seg.offset, seg.sha256)
            if self._on_segment is not None:
                self._call(self._on_segment, seg)

    def gap(self, t_ns: int, gap: Gap) -> None:
        self.gaps.append(gap)
        level = logging.DEBUG if gap.reason is GapReason.AUDIO_NOT_STARTED else logging.INFO
        log.log(level, "%s gap of %.3f s at %.3f s (%s)", gap.stream, gap.duration_s, gap.media_start_s,
                 gap.reason)
        self._record("gap", gap.stream, f"{gap.media_start_s:.6f}", f"{gap.duration_s:.6f}",
                     gap.reason, gap.samples)
        self.event(GapFilled(t_ns, gap))

    def frames_dropped(self, t_ns: int, reason: DropReason, count: int, media_s: float) -> None:
        if count <= 0:
            return
        self.dropped[reason.value] += count
        log.info("%d video frames dropped (%s) near %.3f s", count, reason, media_s)
        self._record("dropped", reason, count, f"{media_s:.3f}")
        self.event(FramesDropped(t_ns, count, reason, media_s))

    def clock_anchor(self, media_s: float, since_start_s: float) -> None:
        """Media time ``media_s`` is the session instant ``since_start_s`` after the start."""
        log.debug("clock anchor: media %.6f s at %.6f s", media_s, since_start_s)
        self._record("clock", f"{media_s:.6f}", f"{since_start_s:.6f}")

    def lost(self, t_ns: int, role: SourceRole, reason: str, media_s: float) -> None:
        log.warning("%s lost at %.3f s (%s)", role, media_s, reason)
        self._record("lost", role, reason or "-", f"{media_s:.3f}")
        self.event(SourceLost(t_ns, role, reason, media_s))

    def returned(self, t_ns: int, role: SourceRole, outage_s: float, media_s: float) -> None:
        log.warning("%s back at %.3f s after %.3f s", role, media_s, outage_s)
        self._record("returned", role, f"{outage_s:.3f}", f"{media_s:.3f}")
        self.event(SourceReturned(t_ns, role, outage_s, media_s))

    def ended(self, t_ns: int, role: SourceRole, media_s: float) -> None:
        log.info("%s ended at %.3f s", role, media_s)
        self._record("ended", role, f"{media_s:.3f}")
        self.event(SourceEnded(t_ns, role, media_s))

    def finish(self, size: int, sha256: str, duration_s: float, stop_reason: str,
               drift_ppm: float) -> None:
        """Write the drift and end lines (the recording is complete) and close the list."""
        self._record("drift", f"{drift_ppm:+.3f}")
        self._record("end", size, len(self.segments), sha256, f"{duration_s:.6f}", stop_reason,
                     sync=True)
        if self._list is not None:
            try:
                self._list.close()
            except OSError as exc:
                self._list_failed(exc)
            self._list = None

    def abandon(self) -> None:
        """Close the list without an end line (the recording could not be completed)."""
        if self._list is not None:
            try:
                self._list.close()
            except OSError:
                pass
            self._list = None

    def event(self, event: RecorderEvent) -> None:
        if self._on_event is not None:
            self._call(self._on_event, event)

    # -- internals ----------------------------------------------------------------------------
    def _record(self, tag: str, *fields: object, sync: bool = False) -> str:
        if self._list is None:
            return ""
        try:
            return self._list.record(tag, *fields, sync=sync)
        except OSError as exc:
            self._list_failed(exc)
            return ""

    def _list_failed(self, exc: OSError) -> None:
        log.error("segment list %s cannot be written any more: %s", self.list_path, exc)
        self.list_complete = False
        self.abandon()

    @staticmethod
    def _call(callback: Callable[..., None], value: object) -> None:
        try:
            callback(value)
        except Exception:  # noqa: BLE001 - a subscriber's bug must not stop the recording
            log.exception("recorder callback %r failed", callback)
