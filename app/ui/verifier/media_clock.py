"""Where a moment of a station's session clock falls in its recording, and back (no Qt here).

Media time zero is the session-clock instant the recorder started; the segment list's header
holds that instant as wall time (``created``, milliseconds, covered by the list's hash chain
whose links the capture log carries), and the station's log gives the wall-minus-session
offset of the same clock.  Audio is the recording's master clock, so media time runs at the
microphone's rate: the list's last ``drift`` record (ppm, microphone against session clock)
scales the mapping.  Gaps are filled with silence of their real length, so the mapping stays
linear across them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from devices.av import SegmentList

__all__ = ["MediaClock", "media_clock"]


@dataclass(frozen=True)
class MediaClock:
    """Linear map between a station's session clock (µs) and its recording's time (s)."""

    origin_mono_us: int
    drift_ppm: float = 0.0

    def media_s(self, mono_us: int | float) -> float:
        """Seconds into the recording at session instant ``mono_us``."""
        return (mono_us - self.origin_mono_us) / 1e6 * (1.0 + self.drift_ppm * 1e-6)

    def mono_us(self, media_s: float) -> float:
        """The session instant shown at ``media_s`` seconds into the recording."""
        return self.origin_mono_us + media_s * 1e6 / (1.0 + self.drift_ppm * 1e-6)


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
    drift = 0.0
    for record in listing.records:
        if record and record[0] == "drift" and len(record) > 1:
            try:
                drift = float(record[1])
            except ValueError:
                continue
    return MediaClock(origin, drift)
