"""Where upload bytes come from on the sending side, and the sender's bookkeeping (no network)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from records.link.errors import UploadError
from records.link.messages import UploadBegin

__all__ = ["DEFAULT_CHUNK", "UPLOAD_WINDOW", "FileSource", "OutgoingUpload", "UploadSource",
           "file_sha256"]

# Small enough that one chunk on a 100 Mbit/s link (about 21 ms) cannot hold live ink back for
# long, large enough that per-chunk costs vanish on a LAN or loopback.
DEFAULT_CHUNK = 256 * 1024
# Bytes beyond the receiver's last report that may be on their way; the receiver reports every
# quarter of it. Bounds what can queue ahead of a live ink batch (2 MiB: ~7 ms at 300 MB/s).
UPLOAD_WINDOW = 2 << 20


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


def file_sha256(path: Path, block: int = 1 << 20) -> str:
    """SHA-256 of a file, read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(block):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class OutgoingUpload:
    """The sender's view of one upload: where the next chunk starts, once the receiver said.

    At most ``window`` bytes beyond what the receiver has verified are on their way, so the
    chunks waiting in buffers between the two sides never hold live ink back for long.
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

    def next_chunk(self) -> tuple[int, bytes, str] | None:
        """The next chunk to send with its SHA-256, or None when waiting or all sent."""
        if self.finished or self.offset is None or self.offset >= self.begin.size:
            return None
        if self.offset - self.verified >= self.window:
            return None
        offset = self.offset
        # Read and hashed right here, on the link thread: a hand-off to another thread cost more
        # CPU than the hash itself (measured), and a chunk takes well under a millisecond.
        data = self.source.read(offset, min(self.begin.chunk_size, self.begin.size - offset))
        if not data:
            raise UploadError(f"upload {self.begin.upload_id}: the source ends at byte {offset}, "
                              f"{self.begin.size} were announced", reason="source-shrank",
                              upload_id=self.begin.upload_id)
        self.offset = offset + len(data)
        self.sent_bytes += len(data)
        return offset, data, hashlib.sha256(data).hexdigest()
