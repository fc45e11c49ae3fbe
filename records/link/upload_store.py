"""The receiving side's upload storage: partial files that survive cuts and restarts.

Each upload lives as ``<id>.part`` (bytes verified so far, written strictly in order) beside
``<id>.json`` (what was announced). A chunk is written only after its SHA-256 matched; the
whole file's SHA-256 is computed as the bytes arrive and compared at the end, when the part
file is flushed and renamed to ``<id>.bin`` (or ``<id>.rejected`` when the hash differs).
After a restart the prefix already on disk is hashed again, once, to carry on.

Not thread-safe: the workstation endpoint calls it from one ordered worker thread.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from records.link.errors import UploadError
from records.link.messages import UploadBegin

__all__ = ["StoredUpload", "UploadStore", "WriteResult"]


@dataclass(frozen=True)
class WriteResult:
    """What storage holds after a chunk: ``have`` bytes; a rejection or the final verdict."""

    have: int
    rejected: str = ""
    """Why the chunk was not written ("chunk-hash"), empty if it was or was a stale repeat."""
    complete: bool = False
    """Every byte is there: ``finish`` (on a worker: it flushes) gives the verdict."""
    finished: bool = False
    ok: bool = False
    sha256: str = ""
    path: Path | None = None


@dataclass
class StoredUpload:
    """An upload storage knows: what was announced, how far it is, whether it is finished."""

    begin: UploadBegin
    have: int
    finished: bool
    ok: bool
    path: Path | None


class _Open:
    def __init__(self, begin: UploadBegin, fd: int, have: int, hasher) -> None:
        self.begin, self.fd, self.have, self.hasher = begin, fd, have, hasher


class UploadStore:
    """Partial and finished uploads in one directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._open: dict[str, _Open] = {}

    def _paths(self, upload_id: str) -> tuple[Path, Path, Path, Path]:
        d = self.directory
        return (d / f"{upload_id}.json", d / f"{upload_id}.part", d / f"{upload_id}.bin",
                d / f"{upload_id}.rejected")

    def open(self, begin: UploadBegin) -> StoredUpload:
        """Start or take up an announced upload; ``UploadError`` if the id was used differently."""
        meta, part, done, rejected = self._paths(begin.upload_id)
        known = self.lookup(begin.upload_id)
        if known is not None:
            if known.begin != begin:
                raise UploadError(f"upload {begin.upload_id} was announced before with another "
                                  f"size or hash", reason="conflict", upload_id=begin.upload_id)
            return known
        meta.write_text(json.dumps(_begin_fields(begin), sort_keys=True), encoding="utf-8")
        part.touch()
        return self._reopen(begin)

    def lookup(self, upload_id: str) -> StoredUpload | None:
        """What storage holds of an upload (opening its part file again if needed), or None."""
        meta, part, done, rejected = self._paths(upload_id)
        if upload_id in self._open:
            o = self._open[upload_id]
            return StoredUpload(o.begin, o.have, False, False, None)
        if not meta.is_file():
            return None
        begin = UploadBegin(**json.loads(meta.read_text(encoding="utf-8")))
        if done.is_file():
            return StoredUpload(begin, begin.size, True, True, done)
        if rejected.is_file():
            return StoredUpload(begin, begin.size, True, False, rejected)
        return self._reopen(begin)

    def _reopen(self, begin: UploadBegin) -> StoredUpload:
        _, part, _, _ = self._paths(begin.upload_id)
        fd = os.open(part, os.O_RDWR | os.O_CREAT, 0o600)
        hasher = hashlib.sha256()
        have = 0
        while block := os.pread(fd, 1 << 20, have):
            hasher.update(block)
            have += len(block)
        if have > begin.size:
            os.ftruncate(fd, 0)
            hasher, have = hashlib.sha256(), 0
        os.lseek(fd, have, os.SEEK_SET)
        self._open[begin.upload_id] = _Open(begin, fd, have, hasher)
        return StoredUpload(begin, have, False, False, None)

    def write(self, upload_id: str, offset: int, sha256: str, data: bytes) -> WriteResult:
        """Verify and append a chunk at ``offset``; a chunk not at the end is a stale repeat."""
        o = self._open.get(upload_id)
        if o is None:
            raise UploadError(f"upload {upload_id} is not open", reason="not-open", upload_id=upload_id)
        if offset != o.have:
            return WriteResult(have=o.have)
        if hashlib.sha256(data).hexdigest() != sha256:
            return WriteResult(have=o.have, rejected="chunk-hash")
        view = memoryview(data)
        while view:
            written = os.write(o.fd, view)
            view = view[written:]
        o.hasher.update(data)
        o.have += len(data)
        return WriteResult(have=o.have, complete=o.have == o.begin.size)

    def finish(self, upload_id: str) -> WriteResult | None:
        """Flush a complete upload, compare its SHA-256 and put it in place (``.bin``, or
        ``.rejected`` on a mismatch); None while bytes are still missing."""
        o = self._open.get(upload_id)
        if o is None or o.have < o.begin.size:
            return None
        return self._finish(o)

    def _finish(self, o: _Open) -> WriteResult:
        _, part, done, rejected = self._paths(o.begin.upload_id)
        os.fsync(o.fd)
        os.close(o.fd)
        del self._open[o.begin.upload_id]
        digest = o.hasher.hexdigest()
        ok = digest == o.begin.sha256
        final = done if ok else rejected
        os.replace(part, final)
        return WriteResult(have=o.have, complete=True, finished=True, ok=ok, sha256=digest,
                           path=final)

    def close(self) -> None:
        """Close the part files (they stay on disk to be taken up later)."""
        for o in self._open.values():
            os.close(o.fd)
        self._open.clear()


def _begin_fields(begin: UploadBegin) -> dict:
    return {name: getattr(begin, name) for name in
            ("upload_id", "name", "media_type", "size", "sha256", "chunk_size")}
