"""A station's recording against what its sealed capture log says about it.

The capture log is the authority: each ``av.segment`` entry holds a segment's place (index,
offset) and its bytes' SHA-256 and length as a blob reference, ``av.stopped`` the whole
file's.  The recording's own segment list (written beside it by the recorder, format 1 of
``devices/av/segment_list.py``, re-read here since this layer imports no device code) must
agree with the log and its hash chain must hold.  Every logged segment is re-hashed from the
file; the file may hold nothing beyond what was logged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from crypto.capture_log_entry import LogEntry
from crypto.pades_report import Check, Verdict
from crypto.verify_package_files import PackageFiles

__all__ = ["ListedSegment", "SegmentListing", "check_recordings", "parse_segment_listing"]

_MAGIC = ("inkseal-segments", "1")
_HEADER_KEYS = ("file", "created", "simulated", "camera", "microphone", "container")


@dataclass(frozen=True)
class ListedSegment:
    """One segment: of a segment list (``line`` its line) or of the log (``line`` the
    entry's sequence number)."""

    index: int
    offset: int
    length: int
    sha256: str
    line: int


@dataclass(frozen=True)
class SegmentListing:
    """What a segment list says, and whether its hash chain holds (first bad line)."""

    header: Mapping[str, str]
    segments: tuple[ListedSegment, ...]
    chain_break: int | None
    error: str | None = None


def _link(previous: str, fields: Sequence[str]) -> str:
    return hashlib.sha256((previous + "\n" + "\t".join(fields)).encode("utf-8")).hexdigest()


def parse_segment_listing(text: str) -> SegmentListing:
    """Read a segment list (format 1); malformed input is reported in ``error``."""
    header: dict[str, str] = {}
    header_lines: list[str] = []
    segments: list[ListedSegment] = []
    chain = ""
    chain_break: int | None = None
    lines = text.split("\n")
    if text and not text.endswith("\n"):
        lines = lines[:-1]  # a partial last line proves nothing
    for number, line in enumerate(lines, start=1):
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if not header_lines:
            if tuple(fields) != _MAGIC:
                return SegmentListing({}, (), None, f"line {number}: not a segment list")
            header_lines.append(line)
            continue
        if not chain and not segments and fields[0] in _HEADER_KEYS and len(fields) == 2:
            header[fields[0]] = fields[1]
            header_lines.append(line)
            continue
        if not chain:
            chain = hashlib.sha256("".join(h + "\n" for h in header_lines).encode()).hexdigest()
        if len(fields) < 2:
            return SegmentListing(header, tuple(segments), chain_break,
                                  f"line {number}: a record without its chain value")
        if _link(chain, fields[:-1]) != fields[-1] and chain_break is None:
            chain_break = number
        chain = fields[-1]
        if fields[0] == "segment":
            try:
                index, offset, length = int(fields[1]), int(fields[2]), int(fields[3])
                segments.append(ListedSegment(index, offset, length, fields[6], number))
            except (ValueError, IndexError):
                return SegmentListing(header, tuple(segments), chain_break,
                                      f"line {number}: malformed segment record")
    return SegmentListing(header, tuple(segments), chain_break)


def _check(subject: str, ok: bool, reason: str, message: str, **details: Any) -> Check:
    return Check("media", subject, Verdict.PASS if ok else Verdict.FAIL,
                 "ok" if ok else reason, message, details)


@dataclass(frozen=True)
class _Logged:
    """What the log says of one recording: its segments and (if it ended) the whole file."""

    segments: tuple[ListedSegment, ...]
    size: int | None
    sha256: str | None
    simulated: tuple[str, ...]


def _logged(entries: Sequence[LogEntry], source: str, file: str) -> _Logged:
    segments, size, sha256, simulated = [], None, None, ()
    for e in entries:
        data = e.data if isinstance(e.data, Mapping) else {}
        if e.source != source or data.get("file") != file or e.blob is None:
            continue
        if e.kind == "av.segment":
            segments.append(ListedSegment(int(data.get("index", -1)),
                                          int(data.get("offset", -1)), e.blob.length,
                                          e.blob.sha256, e.seq))
        elif e.kind == "av.stopped":
            size, sha256 = e.blob.length, e.blob.sha256
            simulated = tuple(str(s) for s in data.get("simulated", []))
    return _Logged(tuple(sorted(segments, key=lambda s: s.index)), size, sha256, simulated)


def check_recordings(files: PackageFiles, entries: Sequence[LogEntry],
                     recordings: Sequence[Mapping[str, Any]]) -> list[Check]:
    """Check every recording the log started against the package's files.

    ``recordings`` are the package manifest's media entries (station, file, segments)."""
    checks: list[Check] = []
    listed = {(r["station"], r["file"].rsplit("/", 1)[-1]): r for r in recordings}
    started = [(e.source, str(e.data.get("file"))) for e in entries
               if e.kind == "av.started" and isinstance(e.data, Mapping)]
    for source, file in started:
        subject = f"{source}/{file}"
        entry = listed.get((source, file))
        if entry is None or not files.has(entry["file"]):
            checks.append(_check(subject, False, "media_missing",
                                 f"{subject}: the log records this recording, the package "
                                 "does not hold it"))
            continue
        logged = _logged(entries, source, file)
        ranges = [(s.offset, s.length) for s in logged.segments]
        try:
            digests = files.hash_ranges(entry["file"], ranges)
        except OSError as exc:
            checks.append(_check(subject, False, "media_unreadable", f"{subject}: {exc}"))
            continue
        found = []
        for segment, digest in zip(logged.segments, digests.ranges, strict=True):
            if digest is None:
                found.append(_check(subject, False, "segment_truncated",
                                    f"{subject}: segment {segment.index} is cut short (the "
                                    f"file ends at {digests.size} bytes)",
                                    segment=segment.index))
            elif digest != segment.sha256:
                found.append(_check(subject, False, "segment_mismatch",
                                    f"{subject}: segment {segment.index} (bytes "
                                    f"{segment.offset}+{segment.length}) differs from its "
                                    "logged hash", segment=segment.index))
        logged_end = max((o + n for o, n in ranges), default=0)
        if logged.size is None:
            found.append(Check("media", subject, Verdict.WARN, "recording_unfinished",
                               f"{subject}: the log has no end of this recording "
                               f"(interrupted); {len(ranges)} logged segments checked"))
            if digests.size > logged_end:
                found.append(_check(subject, False, "media_extra_bytes",
                                    f"{subject}: {digests.size - logged_end} bytes after the "
                                    "last logged segment"))
        elif digests.size != logged.size:
            found.append(_check(subject, False, "media_size_mismatch",
                                f"{subject}: {digests.size} bytes, the log says {logged.size}"))
        elif digests.sha256 != logged.sha256:
            found.append(_check(subject, False, "media_mismatch",
                                f"{subject}: the file differs from the recording the log "
                                "closed"))
        found.extend(_check_listing(files, entry, subject, logged.segments))
        if not any(c.verdict is Verdict.FAIL for c in found):
            found.append(_check(subject, True, "ok",
                                f"{subject}: {len(ranges)} segments, {digests.size} bytes, "
                                "every one as logged", segments=len(ranges),
                                bytes=digests.size, simulated=list(logged.simulated)))
        checks.extend(found)
    return checks


def _check_listing(files: PackageFiles, entry: Mapping[str, Any], subject: str,
                   logged: Sequence[ListedSegment]) -> list[Check]:
    name = entry.get("segments")
    if not name or not files.has(name):
        return [_check(subject, False, "segment_list_missing",
                       f"{subject}: the segment list is not in the package")]
    try:
        listing = parse_segment_listing(files.read(name).decode("utf-8", "replace"))
    except OSError as exc:
        return [_check(subject, False, "segment_list_missing", f"{subject}: {exc}")]
    if listing.error is not None:
        return [_check(subject, False, "segment_list_malformed", f"{subject}: {listing.error}")]
    if listing.chain_break is not None:
        return [_check(subject, False, "segment_list_chain",
                       f"{subject}: the segment list's hash chain breaks at line "
                       f"{listing.chain_break}", line=listing.chain_break)]
    listed = [(s.index, s.offset, s.length, s.sha256) for s in listing.segments]
    wanted = [(s.index, s.offset, s.length, s.sha256) for s in logged]
    if listed != wanted:
        return [_check(subject, False, "segment_list_mismatch",
                       f"{subject}: the segment list ({len(listed)} segments) disagrees with "
                       f"the capture log ({len(wanted)} segments)")]
    return []
