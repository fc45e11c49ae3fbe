"""The segment-hash list written beside every recording, and its parser.

Format 1: UTF-8 text, one record per line, fields separated by one TAB; lines starting with
``#`` are comments. A file ``NAME.mkv`` has its list in ``NAME.mkv.segments``.

Header (in this order, before any record)::

    inkseal-segments  1
    file              NAME.mkv                     the recording's file name
    created           2026-11-29T08:55:00.123Z     wall-clock start (UTC)
    simulated         camera,microphone            sources that were simulated, or "none"
    camera            synthetic:test-pattern [SIMULATED] 1280x720 fps=30
    microphone        device:USB Audio 48000Hz 1ch
    container         matroska h264 flac 48000 1

Records, each ending with CHAIN = SHA-256 hex of (previous CHAIN + "\\n" + the line's fields
before CHAIN joined by TAB); the first previous CHAIN is the SHA-256 of the header lines
(each followed by "\\n")::

    segment   INDEX OFFSET LENGTH FIRST_MS LAST_MS SHA256 CHAIN   bytes [OFFSET, OFFSET+LENGTH)
                                                                  hold media blocks FIRST_MS..LAST_MS
    gap       STREAM START_S DURATION_S REASON SAMPLES CHAIN      silence / no video inserted
    dropped   REASON COUNT MEDIA_S CHAIN                          video frames not recorded
    lost      ROLE REASON MEDIA_S CHAIN
    returned  ROLE OUTAGE_S MEDIA_S CHAIN
    ended     ROLE MEDIA_S CHAIN
    drift     PPM CHAIN                                           microphone clock vs session clock
    clock     MEDIA_S SINCE_START_S CHAIN                         media time MEDIA_S is the session
                                                                  instant SINCE_START_S after the
                                                                  start (``created``)
    end       SIZE SEGMENTS SHA256 DURATION_S STOP_REASON CHAIN   the file is complete

A ``clock`` anchor is written at the first audio and whenever the audio timeline moved off
the line the last anchor gives (more than 1 ms): between anchors media time runs at the
measured rate (the last ``drift``; nominal while there is none). ``SegmentList.time_map``
turns them into the mapping.

Segments are contiguous from offset 0. A list with no ``end`` line belongs to a recording that
was interrupted (crash, power loss): its segments still prove the bytes they cover. A partial
last line (no newline) is ignored.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from devices.av.errors import SegmentListError
from devices.av.events import Segment

__all__ = ["EndRecord", "ListHeader", "MediaTimeMap", "SegmentEntry", "SegmentList",
           "SegmentListWriter", "list_path_for", "listing_from_segments", "parse_segment_list"]

MAGIC = "inkseal-segments"
VERSION = "1"
_HEADER_KEYS = ("file", "created", "simulated", "camera", "microphone", "container")


def list_path_for(media_path: Path) -> Path:
    """Where the list of ``media_path`` lives."""
    return media_path.with_name(media_path.name + ".segments")


def _clean(value: object) -> str:
    return str(value).replace("\t", " ").replace("\n", " ").replace("\r", " ")


def _link(previous: str, fields: Sequence[str]) -> str:
    return hashlib.sha256((previous + "\n" + "\t".join(fields)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ListHeader:
    """The header's values, in format order."""

    file: str
    created: str
    simulated: tuple[str, ...]
    camera: str
    microphone: str
    container: str

    def lines(self) -> list[str]:
        sim = ",".join(self.simulated) if self.simulated else "none"
        values = (self.file, self.created, sim, self.camera, self.microphone, self.container)
        return [f"{MAGIC}\t{VERSION}"] + [f"{k}\t{_clean(v)}" for k, v in zip(_HEADER_KEYS, values)]


def _genesis(lines: Sequence[str]) -> str:
    return hashlib.sha256("".join(line + "\n" for line in lines).encode("utf-8")).hexdigest()


class SegmentListWriter:
    """Appends records to a new list file; each line is one ``os.write``, segments are fsynced."""

    def __init__(self, path: Path, header: ListHeader) -> None:
        self.path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        lines = ["# Inkseal segment-hash list; format described in devices/av/segment_list.py"]
        lines += header.lines()
        self._write("".join(line + "\n" for line in lines))
        self.chain = _genesis(header.lines())
        os.fsync(self._fd)

    def record(self, tag: str, *fields: object, sync: bool = False) -> str:
        """Append one record line; returns its chain value."""
        values = [tag, *(_clean(f) for f in fields)]
        self.chain = _link(self.chain, values)
        self._write("\t".join([*values, self.chain]) + "\n")
        if sync:
            os.fsync(self._fd)
        return self.chain

    def close(self) -> None:
        if self._fd >= 0:
            try:
                os.fsync(self._fd)
            finally:
                os.close(self._fd)
                self._fd = -1

    def _write(self, text: str) -> None:
        data = memoryview(text.encode("utf-8"))
        while data:
            data = data[os.write(self._fd, data):]


@dataclass(frozen=True)
class SegmentEntry:
    """One ``segment`` line."""

    index: int
    offset: int
    length: int
    first_ms: int
    last_ms: int
    sha256: str
    chain: str
    line: int


@dataclass(frozen=True)
class EndRecord:
    """The ``end`` line of a completed recording."""

    size: int
    segments: int
    sha256: str
    duration_s: float
    stop_reason: str
    line: int


@dataclass(frozen=True)
class SegmentList:
    """A parsed list: header values, segments, other records, and whether the chain holds."""

    header: Mapping[str, str]
    simulated: tuple[str, ...]
    segments: tuple[SegmentEntry, ...]
    records: tuple[tuple[str, ...], ...]          # every record line's fields (gap, lost, ...)
    end: EndRecord | None
    chain_ok: bool
    chain_break_line: int | None                   # first line whose chain does not follow
    partial_last_line: bool = False
    head: str = field(default="")                  # chain value of the last record

    @property
    def drift_ppm(self) -> float | None:
        """The measured drift (the last ``drift`` record), None when the list has none."""
        for record in reversed(self.records):
            if record[0] == "drift" and len(record) > 1:
                try:
                    return float(record[1])
                except ValueError:
                    return None
        return None

    def time_map(self) -> MediaTimeMap:
        """Media time against time since the start, from the ``clock`` anchors and the drift."""
        anchors = []
        for record in self.records:
            if record[0] == "clock" and len(record) > 2:
                try:
                    anchors.append((float(record[1]), float(record[2])))
                except ValueError:
                    continue
        return MediaTimeMap(tuple(anchors), self.drift_ppm or 0.0)


@dataclass(frozen=True)
class MediaTimeMap:
    """Where an instant (seconds since the recording's start) falls in the media, and back.

    Piecewise: from each anchor on, media time runs at ``1 + drift_ppm`` µs per µs; before
    the first, from (0, 0). Where the timeline jumped ahead (audio appended after silence
    that stood in for it) an instant may lie on two pieces; the later anchor holds, as it
    placed every frame written after the jump.
    """

    anchors: tuple[tuple[float, float], ...] = ()  # (media_s, since_start_s), in list order
    drift_ppm: float = 0.0

    def media_s(self, since_start_s: float) -> float:
        media, since = 0.0, 0.0
        for m, t in self.anchors:
            if t <= since_start_s:
                media, since = m, t
        return media + (since_start_s - since) * (1.0 + self.drift_ppm * 1e-6)

    def since_start_s(self, media_s: float) -> float:
        media, since = 0.0, 0.0
        for m, t in self.anchors:
            if m <= media_s:
                media, since = m, t
        return since + (media_s - media) / (1.0 + self.drift_ppm * 1e-6)


def parse_segment_list(text: str, *, path: Path | None = None) -> SegmentList:
    """Parse a list; raises ``SegmentListError`` (with the line number) for a malformed one."""
    partial = bool(text) and not text.endswith("\n")
    raw_lines = text.split("\n")
    if partial:
        raw_lines = raw_lines[:-1]
    header: dict[str, str] = {}
    header_lines: list[str] = []
    segments: list[SegmentEntry] = []
    records: list[tuple[str, ...]] = []
    end: EndRecord | None = None
    chain = ""
    chain_break: int | None = None
    for number, line in enumerate(raw_lines, start=1):
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        tag = fields[0]
        if not header_lines:
            if fields != [MAGIC, VERSION]:
                raise SegmentListError(f"not an Inkseal segment list (format {VERSION})",
                                       reason="bad_magic", path=path, line=number)
            header_lines.append(line)
            continue
        if not records and not segments and end is None and tag in _HEADER_KEYS:
            header[tag] = fields[1] if len(fields) > 1 else ""
            header_lines.append(line)
            continue
        if not chain:
            chain = _genesis(header_lines)
        if end is not None:
            raise SegmentListError("record after the end line", reason="after_end", path=path,
                                   line=number)
        if len(fields) < 2:
            raise SegmentListError(f"record {tag!r} has no chain", reason="bad_record",
                                   path=path, line=number)
        expected = _link(chain, fields[:-1])
        if expected != fields[-1] and chain_break is None:
            chain_break = number
        chain = fields[-1]
        try:
            if tag == "segment":
                index, offset, length, first, last = (int(v) for v in fields[1:6])
                segments.append(SegmentEntry(index, offset, length, first, last, fields[6],
                                             fields[-1], number))
            elif tag == "end":
                end = EndRecord(int(fields[1]), int(fields[2]), fields[3], float(fields[4]),
                                fields[5], number)
            else:
                records.append(tuple(fields[:-1]))
        except (ValueError, IndexError) as exc:
            raise SegmentListError(f"malformed {tag!r} record: {exc}", reason="bad_record",
                                   path=path, line=number) from exc
    if not header_lines:
        raise SegmentListError("empty segment list", reason="empty", path=path, line=1)
    sim = header.get("simulated", "none")
    return SegmentList(header=header,
                       simulated=() if sim in ("", "none") else tuple(sim.split(",")),
                       segments=tuple(segments), records=tuple(records), end=end,
                       chain_ok=chain_break is None, chain_break_line=chain_break,
                       partial_last_line=partial, head=chain or _genesis(header_lines))


def listing_from_segments(segments: Iterable[Segment], *, size: int | None = None,
                          sha256: str | None = None, simulated: Sequence[str] = ()) -> SegmentList:
    """A list built from ``Segment`` values kept elsewhere (the capture log), to check a file
    against what was logged rather than against the list that travels with it.

    With ``size`` and ``sha256`` (from the recording's summary) the file must also end there.
    """
    entries = tuple(SegmentEntry(s.index, s.offset, s.length, s.media_start_ms, s.media_end_ms,
                                 s.sha256, s.chain, 0) for s in segments)
    end = None
    if size is not None and sha256 is not None:
        end = EndRecord(size, len(entries), sha256, 0.0, "", 0)
    return SegmentList(header={}, simulated=tuple(simulated), segments=entries, records=(),
                       end=end, chain_ok=True, chain_break_line=None)
