"""What a replay of an opened package can show: its stations, the span of each station's
session, and which signature is under way at an instant (no Qt here)."""

from __future__ import annotations

from app.ui.verifier.contents import VerifiedPackage

__all__ = ["signature_at", "station_range", "stations_of"]


def stations_of(package: VerifiedPackage) -> list[str]:
    """Every station with a log, a recording or a signature, logs first."""
    stations = [log.station for log in package.logs]
    for name in [*package.media, *(s.station for s in package.signatures.values())]:
        if name and name not in stations:
            stations.append(name)
    return stations


def station_range(package: VerifiedPackage, station: str) -> tuple[float, float]:
    """(first, last) instant of ``station``'s session clock worth replaying: its log, its
    recording's start and its signatures."""
    starts, ends = [], []
    for log in package.logs:
        if log.station == station and log.entries:
            starts.append(float(log.entries[0].mono_us))
            ends.append(float(log.entries[-1].mono_us))
    media = package.media.get(station)
    if media is not None and media.clock is not None:
        starts.append(media.clock.mono_us(0.0))
    for ink in package.signatures.values():
        if ink.station == station and ink.on_session_clock:
            starts.append(float(ink.start_us))
            ends.append(float(ink.end_us))
    if not starts:
        return 0.0, 0.0
    return min(starts), max([*ends, *starts])


def signature_at(package: VerifiedPackage, station: str, instant_us: float) -> str | None:
    """The field of ``station``'s signature begun last by ``instant_us`` (the first one
    before any has begun); None when the station has none on its session clock."""
    candidates = sorted((ink.start_us, field) for field, ink in package.signatures.items()
                        if ink.station == station and ink.on_session_clock)
    if not candidates:
        return None
    chosen = candidates[0][1]
    for start, field in candidates:
        if start <= instant_us:
            chosen = field
    return chosen
