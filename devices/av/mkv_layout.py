"""Follows the Matroska bytes the muxer writes, to cut segments at cluster boundaries.

The recorder's segments are whole clusters, so each hashed byte range is a self-contained piece
of media whose time span is known exactly (the timestamps of its first and last blocks). This
walker reads the top-level EBML structure as it streams past: the EBML header, the Segment
(of unknown size, since the output is never sought back), then its children; each completed
Cluster is reported with its byte range and block timestamps. It parses only our own muxer's
output; anything it cannot follow turns it off (``broken``) and the sink falls back to
cutting at write boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ClusterSpan", "MatroskaWalker"]

_EBML = 0x1A45DFA3
_SEGMENT = 0x18538067
_CLUSTER = 0x1F43B675
_INFO = 0x1549A966
_TIMESTAMP_SCALE = 0x2AD7B1
_CLUSTER_TIMESTAMP = 0xE7
_SIMPLE_BLOCK = 0xA3
_BLOCK_GROUP = 0xA0
_BLOCK = 0xA1
_UNKNOWN = -1


@dataclass(frozen=True)
class ClusterSpan:
    """One complete cluster: bytes [offset, end) and its first/last block times in ms."""

    offset: int
    end: int
    first_ms: int
    last_ms: int


def _read_id(buf: bytes | memoryview, pos: int) -> tuple[int, int] | None:
    if pos >= len(buf):
        return None
    first = buf[pos]
    length = 1
    mask = 0x80
    while length <= 4 and not first & mask:
        mask >>= 1
        length += 1
    if length > 4:
        raise ValueError(f"bad EBML id byte 0x{first:02x}")
    if pos + length > len(buf):
        return None
    return int.from_bytes(buf[pos:pos + length], "big"), pos + length


def _read_size(buf: bytes | memoryview, pos: int) -> tuple[int, int] | None:
    if pos >= len(buf):
        return None
    first = buf[pos]
    length = 1
    mask = 0x80
    while length <= 8 and not first & mask:
        mask >>= 1
        length += 1
    if length > 8:
        raise ValueError("bad EBML size")
    if pos + length > len(buf):
        return None
    value = int.from_bytes(buf[pos:pos + length], "big") & ((1 << (7 * length)) - 1)
    if value == (1 << (7 * length)) - 1:
        value = _UNKNOWN
    return value, pos + length


def _children(buf: bytes | memoryview) -> list[tuple[int, int, int]]:
    """(id, start, end) of each complete child element in ``buf``."""
    out = []
    pos = 0
    while pos < len(buf):
        head = _read_id(buf, pos)
        if head is None:
            raise ValueError("truncated child id")
        ident, pos = head
        size = _read_size(buf, pos)
        if size is None or size[0] == _UNKNOWN:
            raise ValueError("truncated or unknown-size child")
        length, pos = size
        out.append((ident, pos, pos + length))
        pos += length
    return out


class MatroskaWalker:
    """Feed it the output bytes in order; it returns the clusters that became complete."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._buf_offset = 0        # absolute offset of _buf[0]
        self._in_segment = False
        self._scale_ns = 1_000_000  # TimestampScale; 1 ms unless Info says otherwise
        self.broken: str | None = None

    def feed(self, data: bytes | memoryview) -> list[ClusterSpan]:
        """Consume the next bytes of the file; never raises (sets ``broken`` instead)."""
        if self.broken:
            return []
        self._buf += data
        try:
            return self._drain()
        except ValueError as exc:
            self.broken = str(exc)
            self._buf.clear()
            return []

    def _drain(self) -> list[ClusterSpan]:
        done: list[ClusterSpan] = []
        pos = 0
        view = memoryview(self._buf)
        try:
            while True:
                head = _read_id(view, pos)
                if head is None:
                    break
                ident, after_id = head
                size = _read_size(view, after_id)
                if size is None:
                    break
                length, body = size
                if ident == _SEGMENT and not self._in_segment:
                    self._in_segment = True  # descend: its children are the top level for us
                    pos = body
                    continue
                if length == _UNKNOWN:
                    raise ValueError(f"element 0x{ident:x} of unknown size")
                if body + length > len(view):
                    break
                if ident == _CLUSTER:
                    done.append(self._cluster(view[body:body + length],
                                              self._buf_offset + pos, self._buf_offset + body + length))
                elif ident == _INFO:
                    self._info(view[body:body + length])
                elif ident != _EBML and not self._in_segment:
                    raise ValueError(f"unexpected element 0x{ident:x} before the Segment")
                pos = body + length
        finally:
            view.release()
        del self._buf[:pos]
        self._buf_offset += pos
        return done

    def _info(self, body: memoryview) -> None:
        for ident, start, end in _children(body):
            if ident == _TIMESTAMP_SCALE:
                self._scale_ns = int.from_bytes(body[start:end], "big") or 1_000_000

    def _cluster(self, body: memoryview, offset: int, end: int) -> ClusterSpan:
        base = 0
        times: list[int] = []
        for ident, start, stop in _children(body):
            if ident == _CLUSTER_TIMESTAMP:
                base = int.from_bytes(body[start:stop], "big")
            elif ident == _SIMPLE_BLOCK:
                times.append(self._block_time(body[start:stop]))
            elif ident == _BLOCK_GROUP:
                group = body[start:stop]
                for gid, gstart, gstop in _children(group):
                    if gid == _BLOCK:
                        times.append(self._block_time(group[gstart:gstop]))
        to_ms = self._scale_ns / 1_000_000
        if not times:
            return ClusterSpan(offset, end, int(base * to_ms), int(base * to_ms))
        return ClusterSpan(offset, end, int((base + min(times)) * to_ms),
                           int((base + max(times)) * to_ms))

    @staticmethod
    def _block_time(block: memoryview) -> int:
        track = _read_size(block, 0)  # the track number is coded like a size
        if track is None or track[1] + 2 > len(block):
            raise ValueError("truncated block header")
        return int.from_bytes(block[track[1]:track[1] + 2], "big", signed=True)
