"""Where a moment of a station's session clock falls in its recording, and back (no Qt here).

Media time zero is the session-clock instant the recorder started; the segment list's header
holds that instant as wall time (``created``, milliseconds, covered by the list's hash chain
whose links the capture log carries), and the station's log gives the wall-minus-session
offset of the same clock.  Audio is the recording's master clock, so media time runs at the
microphone's rate: the list's last ``drift`` record (ppm, microphone against session clock)
scales the mapping.  Gaps are filled with silence of their real length, so the mapping stays
linear across them; where the timeline was re-anchored (audio held up on a starved machine,
appended after the silence that stood in for it) the list's ``clock`` anchors say where it
went on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from devices.av import MediaTimeMap, SegmentList

__all__ = ["MediaClock", "media_clock"]


@dataclass(frozen=True)
class MediaClock:
    """Map between a station's session clock (µs) and its recording's time (s)."""

    origin_mono_us: int
    time_map: MediaTimeMap = MediaTimeMap()
    """Media time against seconds since the start: the list's ``clock`` anchors and drift."""

    def media_s(self, mono_us: int | float) -> float:
        """Seconds into the recording at session instant ``mono_us``."""
        return self.time_map.media_s((mono_us - self.origin_mono_us) / 1e6)

    def mono_us(self, media_s: float) -> float:
        """The session instant shown at ``media_s`` seconds into the recording."""
        return self.origin_mono_us + self.time_map.since_start_s(media_s) * 1e6


def _wall_us(created: str) -> int:
    moment = datetime.fromisoformat(created.replace("Z", "+00:00"))
    return round(moment.timestamp() * 1_000_000)


def media_clock(listing: SegmentList, wall_offset_us: int) -> MediaClock | None:
    """The clock of a recording from its segment list and its station log's ``t_us -
    mono_us``; None when the list does not say when it started."""
    created = listing.header.get("created", "")
    try:
        origin = _wall_us(created) - wall_offset_us
    except ValueError:
        return None
    return MediaClock(origin, listing.time_map())
