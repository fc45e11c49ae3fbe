"""A signature's pen track made ready for replay: samples on the station's session clock (no
Qt here).

The readable pen track in the evidence package keeps each sample's host time (``t_ns``, the
session clock the capture log and the recording share), so a replay can be laid over the
video exactly.  The ISO/IEC 19794-7 track inside the signature keeps only the device's time:
it replays with its own timing but cannot be placed on the recording (``on_session_clock`` is
False then).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from enum import StrEnum

from devices.signature import PenTrack

__all__ = ["InkPoint", "ReplayUnavailable", "SignatureInk", "device_span_s", "ink_of_track"]


class ReplayUnavailable(StrEnum):
    """Why a signature cannot be replayed (machine-readable; the window words it)."""

    NO_ARCHIVE_KEY = "archive_key_not_given"
    NOT_SIGNED = "not_signed"
    EVIDENCE_MISSING = "evidence_missing"
    EVIDENCE_REFUSED = "evidence_refused"
    """The evidence did not open or did not match its signature (see the report)."""
    TRACK_UNREADABLE = "track_unreadable"


@dataclass(frozen=True, slots=True)
class InkPoint:
    """One pen sample for drawing: time in µs, device units, pressure 0..1."""

    t_us: int
    x: int
    y: int
    pressure: float
    touching: bool


@dataclass(frozen=True)
class SignatureInk:
    """Every sample of one accepted signature, in order, and what is needed to draw it."""

    field: str
    station: str
    signatory: str
    role: str
    points: tuple[InkPoint, ...]
    bounds: tuple[int, int, int, int]
    """(x0, y0, x1, y1) of the inked samples, device units."""
    aspect: float
    """Device units of y per unit of x in millimetres (1.0 when the resolution is unknown)."""
    on_session_clock: bool
    device_span_s: float | None = None
    """Length on the device's own clock: differs from the session span when a simulated pad
    replayed a recorded signature faster than it was written."""
    photo: bytes = field(default=b"", repr=False)
    fingerprint: bytes = field(default=b"", repr=False)
    _times: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_times", tuple(p.t_us for p in self.points))

    @property
    def start_us(self) -> int:
        return self.points[0].t_us if self.points else 0

    @property
    def end_us(self) -> int:
        return self.points[-1].t_us if self.points else 0

    def count_at(self, t_us: float) -> int:
        """How many samples had been written by instant ``t_us``."""
        return bisect_right(self._times, t_us)

    def strokes(self) -> int:
        down, count = False, 0
        for point in self.points:
            if point.touching and not down:
                count += 1
            down = point.touching
        return count


def _session_times(track: PenTrack) -> list[int]:
    """Each sample's instant on the session clock, µs.

    With the device's own clock the spacing of samples is the device's (USB delivery jitter
    removed): device time is fitted linearly to host time, so the replay keeps the pen's
    rhythm and stays where the host clock, and so the recording, put it.
    """
    samples = track.samples
    host = [s.t_ns / 1000 for s in samples]
    if len(samples) < 3 or not track.uses_device_time:
        return [round(t) for t in host]
    device = [float(s.device_time) for s in samples]  # type: ignore[arg-type]
    n = len(device)
    mean_d, mean_h = sum(device) / n, sum(host) / n
    spread = sum((d - mean_d) ** 2 for d in device)
    if spread <= 0:
        return [round(t) for t in host]
    slope = sum((d - mean_d) * (h - mean_h) for d, h in zip(device, host, strict=True)) / spread
    if slope <= 0:
        return [round(t) for t in host]
    return [round(mean_h + slope * (d - mean_d)) for d in device]


def device_span_s(track: PenTrack) -> float | None:
    """The track's length on the device's own clock (None without one)."""
    times = track.times_ms()
    return (times[-1] - times[0]) / 1000 if track.uses_device_time and times else None


def ink_of_track(track: PenTrack, *, field_name: str, station: str, signatory: str,
                 role: str, on_session_clock: bool, photo: bytes = b"",
                 fingerprint: bytes = b"") -> SignatureInk:
    """The replayable form of ``track``; times from the host clock (session) or the device's."""
    samples = track.samples
    if on_session_clock:
        times = _session_times(track)
    else:
        times = [round(ms * 1000) for ms in track.times_ms()]
    points = tuple(InkPoint(t, s.x, s.y, s.pressure_norm, s.touching)
                   for t, s in zip(times, samples, strict=True))
    caps = track.capabilities
    bounds = track.ink_bounds() or (caps.x.minimum, caps.y.minimum, caps.x.maximum,
                                    caps.y.maximum)
    rx, ry = caps.x.resolution, caps.y.resolution
    aspect = (rx / ry) if rx and ry else 1.0
    return SignatureInk(field_name, station, signatory, role, points, bounds, aspect,
                        on_session_clock, device_span_s(track), photo, fingerprint)
