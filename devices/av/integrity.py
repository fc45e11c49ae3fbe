"""Checking a recording against its segment-hash list (what the archive verifier calls).

``check_segments`` reads the media bytes once, segment by segment, and reports the first
segment whose bytes differ from the list, with its byte range and media time span. It writes
nothing and depends only on its arguments.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from devices.av.segment_list import SegmentList, list_path_for, parse_segment_list

__all__ = ["Mismatch", "MismatchKind", "RecordingCheck", "check_recording", "check_segments"]

_CHUNK = 1 << 20


class MismatchKind(StrEnum):
    ALTERED = "altered"            # bytes present but their hash differs
    TRUNCATED = "truncated"        # the file ends inside or before the segment
    NOT_CONTIGUOUS = "not_contiguous"  # the list itself skips or overlaps bytes
    EXTRA_BYTES = "extra_bytes"    # a completed recording has bytes after its declared end
    WHOLE_FILE = "whole_file"      # segments match but the whole-file hash does not


@dataclass(frozen=True)
class Mismatch:
    """Where the file stops being what was recorded."""

    kind: MismatchKind
    segment: int | None            # segment index (None for bytes after the end)
    offset: int                    # first byte of the range that does not verify
    length: int
    first_ms: int
    last_ms: int
    line: int | None               # line of the list that names the range


@dataclass(frozen=True)
class RecordingCheck:
    """The verdict on one recording."""

    ok: bool
    segments_total: int
    segments_verified: int          # leading segments that match
    bytes_verified: int
    file_size: int
    first_mismatch: Mismatch | None
    mismatches: int
    unlisted_tail: int              # bytes after the last segment of an interrupted recording
    complete: bool                  # the list has its end line
    chain_ok: bool
    chain_break_line: int | None
    simulated: tuple[str, ...]

    def describe(self) -> str:
        """One English line for logs and the command line."""
        if self.first_mismatch is None and self.ok:
            tail = f", {self.unlisted_tail} unlisted bytes at the end" if self.unlisted_tail else ""
            state = "complete" if self.complete else "interrupted"
            return (f"ok: {self.segments_verified}/{self.segments_total} segments, "
                    f"{self.bytes_verified} bytes verified ({state}{tail})")
        m = self.first_mismatch
        if m is None:
            return f"list chain broken at line {self.chain_break_line}"
        seg = f"segment {m.segment}" if m.segment is not None else "after the end"
        return (f"MISMATCH ({m.kind}) at {seg}: bytes {m.offset}-{m.offset + m.length - 1}, "
                f"media {m.first_ms / 1000:.3f}-{m.last_ms / 1000:.3f} s")


def check_segments(media: BinaryIO, listing: SegmentList) -> RecordingCheck:
    """Re-hash ``media`` (positioned at its start) against ``listing``."""
    first: Mismatch | None = None
    mismatches = 0
    verified = 0
    verified_bytes = 0
    expected_offset = 0
    position = 0
    whole = hashlib.sha256()
    leading = True
    for seg in listing.segments:
        kind: MismatchKind | None = None
        if seg.offset != expected_offset:
            kind = MismatchKind.NOT_CONTIGUOUS
        else:
            digest, got = _hash_range(media, seg.length, whole)
            position += got
            if got < seg.length:
                kind = MismatchKind.TRUNCATED
            elif digest != seg.sha256:
                kind = MismatchKind.ALTERED
        expected_offset = seg.offset + seg.length
        if kind is None:
            if leading:
                verified += 1
                verified_bytes += seg.length
            continue
        leading = False
        mismatches += 1
        if first is None:
            first = Mismatch(kind, seg.index, seg.offset, seg.length, seg.first_ms, seg.last_ms,
                             seg.line)
        if kind is not MismatchKind.ALTERED:
            break  # the remaining offsets are meaningless once the bytes are out of step
    tail = 0
    if first is None or first.kind is MismatchKind.ALTERED:
        while chunk := media.read(_CHUNK):
            whole.update(chunk)
            tail += len(chunk)
            position += len(chunk)
    end = listing.end
    if end is not None and first is None:
        if tail:
            first = Mismatch(MismatchKind.EXTRA_BYTES, None, expected_offset, tail, -1, -1, end.line)
            mismatches += 1
        elif whole.hexdigest() != end.sha256 or position != end.size:
            first = Mismatch(MismatchKind.WHOLE_FILE, None, 0, position, -1, -1, end.line)
            mismatches += 1
    ok = first is None and listing.chain_ok
    return RecordingCheck(ok=ok, segments_total=len(listing.segments), segments_verified=verified,
                          bytes_verified=verified_bytes, file_size=position, first_mismatch=first,
                          mismatches=mismatches, unlisted_tail=tail if end is None else 0,
                          complete=end is not None, chain_ok=listing.chain_ok,
                          chain_break_line=listing.chain_break_line, simulated=listing.simulated)


def check_recording(media_path: Path, list_path: Path | None = None) -> RecordingCheck:
    """Open a recording and its list (``NAME.segments`` beside it by default) and check them."""
    list_path = list_path or list_path_for(media_path)
    listing = parse_segment_list(list_path.read_text(encoding="utf-8"), path=list_path)
    with media_path.open("rb") as media:
        return check_segments(media, listing)


def _hash_range(media: BinaryIO, length: int, whole: hashlib._Hash) -> tuple[str, int]:
    h = hashlib.sha256()
    got = 0
    while got < length:
        chunk = media.read(min(_CHUNK, length - got))
        if not chunk:
            break
        h.update(chunk)
        whole.update(chunk)
        got += len(chunk)
    return h.hexdigest(), got
