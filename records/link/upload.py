"""Where upload bytes come from on the sending side, and the sender's bookkeeping (no network).

The sender hashes nothing on the way: chunks are whole pieces of the declared piece map
(``records.link.pieces``), read and sent as they are. Only after the receiver refused a
piece (a rewind) are the pieces about to go out checked against the map first: a source that
changed since it was mapped ends the upload (``source-changed``) instead of looping.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from records.link.errors import UploadError
from records.link.messages import UploadBegin
from records.link.pieces import PieceMap

__all__ = ["DEFAULT_CHUNK", "LIVE_WINDOW", "UPLOAD_WINDOW", "FileSource", "OutgoingUpload", "UploadSource"]

# Per-frame costs (framing, masking, a loop wake-up, a storage hand-off) vanish at 1 MiB; what
# can sit in front of an ink batch on the wire is bounded by the socket buffer, not the chunk.
# Larger chunks buy nothing (2 MiB: the same CPU per GB) and 4 MiB costs dearly: a frame's
# buffers then reach the allocator's mmap threshold (``records.link.allocator``) and every copy
# of every chunk faults in fresh pages (measured: 0.6 million faults and +1.4 CPU s per GB on
# the sender, live ink p99 68 ms).
DEFAULT_CHUNK = 1 << 20
# Bytes beyond the receiver's last verified report that may be on their way: enough to cover
# the receiver's hashing and writing (and a file-system commit stalling its writes), so the
# pipe never waits on a report.
UPLOAD_WINDOW = 32 << 20
# The window while live ink flows: whatever is on its way sits in socket buffers ahead of the
# next ink frame (autotuned on loopback to megabytes: 30-40 ms behind a full window, measured),
# so the upload yields to ink by keeping about two chunks out.
LIVE_WINDOW = 2 << 20


class UploadSource(Protocol):
    """Random access to the bytes being uploaded."""

    size: int

    def read(self, offset: int, length: int) -> bytes:
        """Up to ``length`` bytes at ``offset``."""
        ...

    def close(self) -> None:
        """Release what the source holds open."""
        ...


class FileSource:
    """A file on disk as an upload source; its size is fixed when the source is made."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self._fd: int | None = os.open(self.path, os.O_RDONLY)
        except OSError as exc:
            raise UploadError(f"cannot open {self.path}: {exc.strerror}", reason="unreadable") from None
        self.size = os.fstat(self._fd).st_size

    def read(self, offset: int, length: int) -> bytes:
        """Up to ``length`` bytes at ``offset`` (pread: no shared file position)."""
        if self._fd is None:
            raise UploadError(f"{self.path} was closed", reason="closed")
        try:
            return os.pread(self._fd, length, offset)
        except OSError as exc:
            raise UploadError(f"cannot read {self.path}: {exc.strerror}", reason="unreadable") from None

    def close(self) -> None:
        """Close the file."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


@dataclass
class OutgoingUpload:
    """The sender's view of one upload: where the next chunk starts, once the receiver said.

    At most ``window`` bytes beyond what the receiver has verified are on their way (the
    caller passes a smaller one to ``next_chunk`` while live ink must not wait behind them).
    """

    begin: UploadBegin
    source: UploadSource = field(repr=False)
    begin_header: bytes = field(repr=False)
    window: int = UPLOAD_WINDOW
    offset: int | None = None
    """Next offset to send; None while waiting for the receiver's status."""
    verified: int = 0
    """What the receiver last said it holds."""
    finished: bool = False
    sent_bytes: int = 0
    """Chunk bytes put on the wire, counting resends (a resume re-sends what was in flight)."""
    check: bool = False
    """Check the next pieces against the map before sending (after a rewind)."""
    pieces: PieceMap = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.pieces = self.begin.piece_map()

    def next_chunk(self, window: int | None = None) -> tuple[int, bytes] | None:
        """The next chunk (offset, whole pieces), or None when waiting or all sent; ``window``
        overrides the upload's own for this call."""
        if self.finished or self.offset is None or self.offset >= self.begin.size:
            return None
        if self.offset - self.verified >= min(self.window, window or self.window):
            return None
        offset = self.offset
        first = self.pieces.index_at(offset)
        if first is None:
            raise UploadError(f"upload {self.begin.upload_id}: the receiver stands at byte "
                              f"{offset}, inside a piece", reason="misaligned",
                              upload_id=self.begin.upload_id)
        count = self.pieces.span(first, self.begin.chunk_size)
        length = sum(self.pieces.lengths[first:first + count])
        data = self.source.read(offset, length)
        if len(data) != length:
            raise UploadError(f"upload {self.begin.upload_id}: the source ends before byte "
                              f"{offset + length}, {self.begin.size} were announced",
                              reason="source-shrank", upload_id=self.begin.upload_id)
        if self.check:
            self._check(first, count, data)
        self.offset = offset + length
        self.sent_bytes += length
        return offset, data

    def _check(self, first: int, count: int, data: bytes) -> None:
        view, at = memoryview(data), 0
        for i in range(first, first + count):
            n = self.pieces.lengths[i]
            if hashlib.sha256(view[at:at + n]).digest() != self.pieces.digests[i]:
                raise UploadError(f"upload {self.begin.upload_id}: the bytes at "
                                  f"{self.pieces.offsets[i]} are not what was mapped",
                                  reason="source-changed", upload_id=self.begin.upload_id)
            at += n
        self.check = False
