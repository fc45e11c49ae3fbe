"""The capture logs of every station as one list of events on one time axis (no Qt here).

Each station's log carries two clocks: ``mono_us`` (its session clock, the one pen samples
and the recording use) and ``t_us`` (wall time).  Their difference is constant within a log
(one :class:`~devices.clock.SessionClock` anchors both), so the wall time puts every station
on a common axis while the session clock keeps the exact timing within a station.  Pen
batches are regrouped into strokes (pen down to pen up); hover samples stay in the signature
replay and the entry details.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.ui.verifier.media_clock import MediaClock
from crypto.capture_log_entry import LogEntry
from crypto.pades_report import Check, Verdict

__all__ = ["EntryStatus", "EventKind", "StationLog", "TimelineEvent", "build_timeline",
           "entry_statuses", "entry_text", "event_kind"]


class EventKind(StrEnum):
    """What the timeline shows an event as (and filters by)."""

    PAGE = "page"
    STROKE = "stroke"
    CLEAR = "clear"
    FINGERPRINT = "fingerprint"
    PHOTO = "photo"
    TURN = "turn"
    """A signatory's turn: requested, begun, signed, refused (the hand-overs)."""
    MEDIA = "media"
    GAP = "gap"
    SEAL = "seal"
    RECORD = "record"
    PEN = "pen"
    """The pad's prompt, its events and the accepted signature."""
    OTHER = "other"


_KINDS = {
    "page.view": EventKind.PAGE, "pen.clear": EventKind.CLEAR,
    "fingerprint.captured": EventKind.FINGERPRINT, "fingerprint.failed": EventKind.FINGERPRINT,
    "photo.taken": EventKind.PHOTO, "photo.failed": EventKind.PHOTO,
    "av.started": EventKind.MEDIA, "av.stopped": EventKind.MEDIA, "av.segment": EventKind.MEDIA,
    "av.failed": EventKind.GAP, "seal.begin": EventKind.SEAL,
}


def event_kind(kind: str, data: Mapping[str, Any] | None = None) -> EventKind:
    """The timeline kind of a log entry kind (``av.event`` depends on its type)."""
    if kind in _KINDS:
        return _KINDS[kind]
    if kind == "av.event":
        return EventKind.GAP
    if kind.startswith("turn."):
        return EventKind.TURN
    if kind.startswith(("record.", "station.")):
        return EventKind.RECORD
    if kind.startswith(("pen.", "device.")):
        return EventKind.PEN
    return EventKind.OTHER


class EntryStatus(StrEnum):
    """What verification established about one log entry."""

    VERIFIED = "verified"
    """Chain link, signature and the checkpoint under the seal all hold."""
    FAULT = "fault"
    """A check names this very line."""
    UNSEALED = "unsealed"
    """After the sealed checkpoint: signed, but not covered by the seal."""
    UNVERIFIED = "unverified"
    """The log did not verify (elsewhere, or its key is not trusted): nothing established."""


@dataclass(frozen=True)
class StationLog:
    """One station's log entries as read from the package (before any judgement)."""

    station: str
    entries: tuple[LogEntry, ...]
    unreadable_lines: tuple[int, ...] = ()

    @property
    def wall_offset_us(self) -> int:
        """``t_us - mono_us`` of this log (constant: one session clock anchors both)."""
        return self.entries[0].t_us - self.entries[0].mono_us if self.entries else 0


@dataclass(frozen=True)
class TimelineEvent:
    """One thing that happened at a station, placed on both clocks."""

    station: str
    kind: EventKind
    log_kind: str
    seq: int
    line: int
    """1-based line of the entry in its log file (where it starts, for a stroke)."""
    mono_us: int
    """Start on the station's session clock (the replay's clock)."""
    wall_us: int
    """Start on the common axis (wall clock)."""
    duration_us: int
    field: str
    status: EntryStatus
    status_text: str
    data: Mapping[str, Any] = field(default_factory=dict)
    samples: int = 0
    """For a stroke: how many pen samples it holds."""

    @property
    def end_wall_us(self) -> int:
        return self.wall_us + self.duration_us


def entry_statuses(logs: Sequence[StationLog], checks: Iterable[Check]
                   ) -> dict[tuple[str, int], tuple[EntryStatus, str]]:
    """(station, line) -> status and the check's message, from the report's log checks."""
    faults: dict[str, dict[int, str]] = {}
    failed: dict[str, str] = {}
    sealed: dict[str, int] = {}
    passed: set[str] = set()
    for check in checks:
        if check.name not in ("capture_log", "log_key"):
            continue
        if check.verdict is Verdict.FAIL:
            line = check.details.get("line")
            if isinstance(line, int):
                faults.setdefault(check.subject, {})[line] = check.message
            failed.setdefault(check.subject, check.message)
        elif check.verdict is Verdict.PASS and check.name == "capture_log":
            passed.add(check.subject)
            entries = check.details.get("entries")
            if isinstance(entries, int):
                sealed[check.subject] = entries
    combined_failed = failed.get("combined")
    out: dict[tuple[str, int], tuple[EntryStatus, str]] = {}
    for log in logs:
        for line, entry in enumerate(log.entries, start=1):
            key = (log.station, line)
            if line in faults.get(log.station, {}):
                out[key] = (EntryStatus.FAULT, faults[log.station][line])
            elif log.station in failed or combined_failed or log.station not in passed:
                out[key] = (EntryStatus.UNVERIFIED, failed.get(log.station)
                            or combined_failed or "")
            elif entry.seq >= sealed.get(log.station, entry.seq + 1):
                out[key] = (EntryStatus.UNSEALED, "")
            else:
                out[key] = (EntryStatus.VERIFIED, "")
    return out


def _pieces(entry: LogEntry) -> list[tuple[bool, int, int, int, int | None, int | None]]:
    """A pen batch as (touching, first µs, last µs, samples, stroke, pressure) pieces: one per
    row for a format-1 entry (samples in clear), one for the batch's facts in format 2 (the
    samples are in the encrypted evidence; no pressure here)."""
    data = entry.data or {}
    if data.get("v") == 2:
        first, last, count = data.get("first_us"), data.get("last_us"), data.get("count")
        if not (isinstance(first, int) and isinstance(last, int) and isinstance(count, int)):
            return []
        stroke = data.get("stroke")
        return [(bool(data.get("touching")), first, last, count,
                 stroke if isinstance(stroke, int) else None, None)]
    rows = data.get("rows")
    return [(bool(r[4]), r[0], r[0], 1, None, r[3] if isinstance(r[3], int) else None)
            for r in (rows if isinstance(rows, list) else [])
            if isinstance(r, list) and len(r) >= 5 and isinstance(r[0], int)]


def _strokes(log: StationLog, statuses: Mapping[tuple[str, int], tuple[EntryStatus, str]]
             ) -> list[TimelineEvent]:
    """Pen-down runs over the pen batches of each field and attempt."""
    events: list[TimelineEvent] = []
    run: list[tuple[int, int, int, int, int | None]] = []  # (line, first, last, count, pressure)
    key: tuple[str, int] | None = None
    stroke_of_run: int | None = None

    def close() -> None:
        if not run:
            return
        line, start = run[0][0], run[0][1]
        end = run[-1][2]
        status, text = statuses.get((log.station, line), (EntryStatus.UNVERIFIED, ""))
        pressures = [p for *_, p in run if p is not None]
        entry = log.entries[line - 1]
        details: dict[str, Any] = {"attempt": key[1] if key else None, "first_t_us": start,
                                   "last_t_us": end}
        if pressures:
            details["max_pressure"] = max(pressures)
        events.append(TimelineEvent(
            log.station, EventKind.STROKE, "pen.batch", entry.seq, line, start,
            start + log.wall_offset_us, max(0, end - start),
            str(entry.data.get("field", "")) if entry.data else "", status, text,
            details, sum(c for _, _, _, c, _ in run)))
        run.clear()

    for line, entry in enumerate(log.entries, start=1):
        if entry.kind != "pen.batch":
            if entry.kind in ("pen.clear", "pen.accepted", "turn.signed", "turn.refused"):
                close()
            continue
        data = entry.data or {}
        this = (str(data.get("field", "")), int(data.get("attempt", 0) or 0))
        if this != key:
            close()
            key = this
        for touching, first, last, count, stroke, pressure in _pieces(entry):
            if touching and stroke is not None and stroke != stroke_of_run:
                close()
            if touching:
                stroke_of_run = stroke
                run.append((line, first, last, count, pressure))
            else:
                close()
    close()
    return events


def _event_time(entry: LogEntry, clock: MediaClock | None) -> tuple[int, int]:
    """(start on the session clock, duration) of an entry that is not a pen batch."""
    data = entry.data or {}
    if entry.kind == "page.view" and isinstance(data.get("from_us"), int):
        start = int(data["from_us"])
        return start, int(data.get("shown_ms", 0) or 0) * 1000
    if clock is not None:
        if entry.kind == "av.segment" and isinstance(data.get("first_ms"), int):
            first = int(data["first_ms"])
            return (round(clock.mono_us(first / 1000)),
                    (int(data.get("last_ms", first)) - first) * 1000)
        if entry.kind == "av.event":
            at = data.get("start_ms", data.get("at_ms"))
            if isinstance(at, int):
                span = data.get("duration_ms", data.get("outage_ms", 0))
                return round(clock.mono_us(at / 1000)), int(span or 0) * 1000
    if entry.kind == "photo.taken" and isinstance(data.get("captured_us"), int):
        return int(data["captured_us"]), 0
    return entry.mono_us, 0


def build_timeline(logs: Sequence[StationLog], checks: Iterable[Check],
                   media_clocks: Mapping[str, MediaClock] | None = None) -> list[TimelineEvent]:
    """Every station's events, ordered on the common (wall-clock) axis.

    ``media_clocks`` gives, per station, its recording's clock, so that segments and gaps
    (logged in media time) are placed where they were recorded.
    """
    statuses = entry_statuses(logs, checks)
    clocks = media_clocks or {}
    events: list[TimelineEvent] = []
    for log in logs:
        events += _strokes(log, statuses)
        for line, entry in enumerate(log.entries, start=1):
            if entry.kind == "pen.batch":
                continue
            data = dict(entry.data or {})
            status, text = statuses.get((log.station, line), (EntryStatus.UNVERIFIED, ""))
            start, duration = _event_time(entry, clocks.get(log.station))
            events.append(TimelineEvent(
                log.station, event_kind(entry.kind, data), entry.kind, entry.seq, line, start,
                start + log.wall_offset_us, duration, str(data.get("field", "") or ""), status,
                text, data))
    events.sort(key=lambda e: (e.wall_us, e.station, e.seq))
    return events


def entry_text(entry: LogEntry, *, max_rows: int = 6) -> str:
    """An entry as indented JSON, long sample lists shortened (for the details pane)."""
    data = dict(entry.data or {})
    rows = data.get("rows")
    if isinstance(rows, list) and len(rows) > max_rows:
        data["rows"] = [*rows[:max_rows], f"… {len(rows) - max_rows} more rows"]
    body: dict[str, Any] = {"seq": entry.seq, "src": entry.source, "kind": entry.kind,
                            "t_us": entry.t_us, "mono_us": entry.mono_us, "data": data}
    if entry.blob is not None:
        body["blob"] = {"sha256": entry.blob.sha256, "length": entry.blob.length}
    body["line_sha256"] = entry.line_hash.hex()
    return json.dumps(body, ensure_ascii=False, indent=1)
