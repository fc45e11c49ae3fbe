"""The recording's output: an append-only file object that hashes segments as they are written.

PyAV writes the container through ``HashingSink.write``. The sink has no ``seek``/``tell``, so
FFmpeg treats the output as a stream and never goes back to rewrite a byte: what was hashed is
what stays on disk. Segments are cut at Matroska cluster boundaries (``MatroskaWalker``) once
they span ``segment_ms`` of media, so each hashed range is whole, playable media with a known
time span. Finished segments wait in ``take_finished()`` for the writer thread, which makes
them durable and publishes them (never from inside FFmpeg's write callback).
"""

from __future__ import annotations

import errno
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from devices.av.mkv_layout import MatroskaWalker

__all__ = ["FileTarget", "FinishedBytes", "HashingSink", "OutputTarget"]


class OutputTarget(Protocol):
    """Where the bytes go; ``written`` counts what really reached it, even when a write fails."""

    written: int

    def write(self, data: memoryview) -> None: ...
    def sync(self) -> None: ...
    def close(self) -> None: ...


class FileTarget:
    """A new file (never an existing one), written with ``os.write`` and no user-space buffer."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                           0o644)
        self.written = 0

    def write(self, data: memoryview) -> None:
        """Write everything or raise; a short write followed by ENOSPC leaves ``written`` exact."""
        while data:
            n = os.write(self._fd, data)
            if n <= 0:
                raise OSError(errno.EIO, "write returned 0")
            self.written += n
            data = data[n:]

    def sync(self) -> None:
        os.fsync(self._fd)

    def close(self) -> None:
        if self._fd >= 0:
            try:
                os.close(self._fd)
            finally:
                self._fd = -1


@dataclass(frozen=True)
class FinishedBytes:
    """A finished segment's byte range and hash, before it is numbered and chained."""

    offset: int
    length: int
    sha256: str
    first_ms: int
    last_ms: int


class HashingSink:
    """File-like object for ``av.open(sink, "w")``: hashes the whole file and each segment."""

    def __init__(self, target: OutputTarget, *, segment_ms: int = 500,
                 fallback_segment_bytes: int = 1 << 20) -> None:
        self._target = target
        self._segment_ms = segment_ms
        self._fallback_bytes = fallback_segment_bytes
        self._walker = MatroskaWalker()
        self._whole = hashlib.sha256()
        self._seg = hashlib.sha256()
        self._seg_offset = 0
        self._seg_first_ms = -1
        self._seg_last_ms = -1
        self._hashed = 0           # bytes hashed so far (== bytes on disk)
        self._finished: list[FinishedBytes] = []
        self.error: OSError | None = None

    # -- the file-object side, called by FFmpeg through PyAV ---------------------------------
    def write(self, data: bytes | memoryview) -> int:
        """Append ``data``; after a failed write every later write fails the same way."""
        if self.error is not None:
            raise self.error
        view = memoryview(data).cast("B")
        before = self._target.written
        try:
            self._target.write(view)
        except OSError as exc:
            self.error = exc
            done = self._target.written - before
            self._consume(view[:done], cut=False)
            raise
        self._consume(view, cut=True)
        return len(view)

    # -- the writer thread's side ---------------------------------------------------------------
    @property
    def size(self) -> int:
        return self._hashed

    @property
    def sha256(self) -> str:
        """Hash of every byte written so far."""
        return self._whole.hexdigest()

    @property
    def segmenting(self) -> str:
        """"clusters", or why segments fall back to write boundaries."""
        return "clusters" if self._walker.broken is None else f"bytes ({self._walker.broken})"

    def take_finished(self) -> list[FinishedBytes]:
        """Segments finished since the last call, oldest first."""
        out, self._finished = self._finished, []
        return out

    def finish(self) -> list[FinishedBytes]:
        """Close the last (partial) segment: every byte on disk ends up in some segment."""
        if self._hashed > self._seg_offset:
            self._close_segment(self._hashed)
        return self.take_finished()

    def sync(self) -> None:
        self._target.sync()

    def close(self) -> None:
        self._target.close()

    # -- internals ----------------------------------------------------------------------------
    def _consume(self, view: memoryview, *, cut: bool) -> None:
        if not view:
            return
        clusters = self._walker.feed(view) if cut else []
        start = self._hashed
        pos = 0
        for span in clusters:
            # Bytes up to the cluster's end belong to the current segment.
            upto = span.end - start
            if upto > pos:
                self._hash(view[pos:upto])
                pos = upto
            if self._seg_first_ms < 0:
                self._seg_first_ms = span.first_ms
            self._seg_last_ms = max(self._seg_last_ms, span.last_ms)
            if self._seg_last_ms - self._seg_first_ms >= self._segment_ms - 100:
                self._close_segment(span.end)
        if pos < len(view):
            self._hash(view[pos:])
        if self._walker.broken and self._hashed - self._seg_offset >= self._fallback_bytes:
            self._close_segment(self._hashed)

    def _hash(self, chunk: memoryview) -> None:
        self._whole.update(chunk)
        self._seg.update(chunk)
        self._hashed += len(chunk)

    def _close_segment(self, end: int) -> None:
        self._finished.append(FinishedBytes(self._seg_offset, end - self._seg_offset,
                                            self._seg.hexdigest(), self._seg_first_ms,
                                            self._seg_last_ms))
        self._seg = hashlib.sha256()
        self._seg_offset = end
        self._seg_first_ms = -1
        self._seg_last_ms = -1
