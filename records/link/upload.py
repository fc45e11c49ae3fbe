"""Where upload bytes come from on the sending side, and the sender's bookkeeping (no network)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from records.link.errors import UploadError
from records.link.messages import UploadBegin

__all__ = ["DEFAULT_CHUNK", "UPLOAD_WINDOW", "FileSource", "OutgoingUpload", "ReadAhead",
           "UploadSource", "file_sha256", "read_chunk"]

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


def read_chunk(source: UploadSource, offset: int, length: int) -> tuple[bytes, str] | None:
    """Bytes at ``offset`` and their SHA-256; None while a read-ahead is still at work."""
    ahead = getattr(source, "try_read_chunk", None)
    if ahead is not None:
        return ahead(offset, length)
    data = source.read(offset, length)
    return data, hashlib.sha256(data).hexdigest()


class ReadAhead:
    """Reads and hashes the next chunks of a source on a worker thread, ahead of the sender.

    The link thread then only frames and encrypts, and never waits on the disk or the hash:
    when a chunk is not ready yet it sends other things, and ``on_ready`` wakes it when the
    chunk is. A request at an unexpected offset (a rewind) drops what was read ahead.
    """

    def __init__(self, source: UploadSource, pool: Executor, *, depth: int = 4,
                 on_ready: Callable[[], None] = lambda: None) -> None:
        self.source = source
        self.size = source.size
        self._pool = pool
        self._depth = depth
        self._on_ready = on_ready
        self._ahead: dict[int, tuple[int, Future]] = {}

    def read(self, offset: int, length: int) -> bytes:
        """Plain read, straight from the source."""
        return self.source.read(offset, length)

    def try_read_chunk(self, offset: int, length: int) -> tuple[bytes, str] | None:
        """The chunk at ``offset`` with its SHA-256 if it is ready; schedules the following ones."""
        found = self._ahead.get(offset)
        if found is None or found[0] != length:
            self._drop()
            found = self._schedule(offset, length)
        if not found[1].done():
            return None
        del self._ahead[offset]
        data, digest = found[1].result()
        next_offset = offset + len(data)
        for _ in range(self._depth):
            if next_offset >= self.size or not data:
                break
            n = min(length, self.size - next_offset)
            if next_offset not in self._ahead:
                self._schedule(next_offset, n)
            next_offset += n
        return data, digest

    def _schedule(self, offset: int, length: int) -> tuple[int, Future]:
        future = self._pool.submit(_read_and_hash, self.source, offset, length)
        future.add_done_callback(lambda _: self._on_ready())
        self._ahead[offset] = (length, future)
        return self._ahead[offset]

    def _drop(self) -> None:
        for _, future in self._ahead.values():
            future.cancel()
        self._ahead.clear()

    def close(self) -> None:
        """Forget what was read ahead and close the source."""
        self._drop()
        self.source.close()


def _read_and_hash(source: UploadSource, offset: int, length: int) -> tuple[bytes, str]:
    data = source.read(offset, length)
    return data, hashlib.sha256(data).hexdigest()


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
        chunk = read_chunk(self.source, offset, min(self.begin.chunk_size, self.begin.size - offset))
        if chunk is None:
            return None
        data, digest = chunk
        if not data:
            raise UploadError(f"upload {self.begin.upload_id}: the source ends at byte {offset}, "
                              f"{self.begin.size} were announced", reason="source-shrank",
                              upload_id=self.begin.upload_id)
        self.offset = offset + len(data)
        self.sent_bytes += len(data)
        return offset, data, digest
