"""The receiving side's upload storage: partial files that survive cuts and restarts.

Each upload lives as ``<id>.part`` (bytes verified so far, written strictly in order) beside
``<id>.json`` and ``<id>.pieces`` (what was announced, with its piece map). Every piece of a
chunk is written only after its SHA-256 matched the map: one hashing pass. When the last piece
is in, the part file is flushed (once: a cut or a crash costs nothing, since a part file is
checked again when taken up) and renamed to ``<id>.bin``: the file is then exactly the map's
pieces, in order and contiguous, and the map is the one whose SHA-256 the announcement carries.
The whole file's SHA-256 is not recomputed (see ``UploadStored``). After a restart the pieces
already on disk are checked again, once, and a torn last piece is cut off. While chunks come
in, the part file is written back and dropped from the page cache behind the writer
(``records.link.write_behind``): a recording is not read again soon.

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
from records.link.pieces import PieceMap
from records.link.write_behind import WriteBehind

__all__ = ["StoredUpload", "UploadStore", "WriteResult", "check_pieces"]


@dataclass(frozen=True)
class WriteResult:
    """What storage holds after a chunk: ``have`` bytes; a rejection or the final verdict."""

    have: int
    rejected: str = ""
    """Why the chunk was not written ("piece-hash", "piece-boundary"), empty if it was or was
    a stale repeat."""
    complete: bool = False
    """Every byte is there: ``finish`` (on a worker: it flushes) gives the verdict."""
    finished: bool = False
    ok: bool = False
    sha256: str = ""
    pieces_sha256: str = ""
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
    def __init__(self, begin: UploadBegin, fd: int, have: int, piece: int) -> None:
        self.begin, self.fd, self.have, self.piece = begin, fd, have, piece
        self.pieces = begin.piece_map()
        self.behind = WriteBehind(fd, have)


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
        meta.with_suffix(".pieces").write_bytes(begin.pieces)
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
        begin = UploadBegin(**json.loads(meta.read_text(encoding="utf-8")),
                            pieces=meta.with_suffix(".pieces").read_bytes())
        if done.is_file():
            return StoredUpload(begin, begin.size, True, True, done)
        if rejected.is_file():
            return StoredUpload(begin, begin.size, True, False, rejected)
        return self._reopen(begin)

    def _reopen(self, begin: UploadBegin) -> StoredUpload:
        _, part, _, _ = self._paths(begin.upload_id)
        fd = os.open(part, os.O_RDWR | os.O_CREAT, 0o600)
        pieces = begin.piece_map()
        have, piece = 0, 0
        # Check what a crash left on disk: whole pieces that match; cut the rest off.
        while piece < len(pieces.lengths):
            n = pieces.lengths[piece]
            block = os.pread(fd, n, have)
            if len(block) != n or hashlib.sha256(block).digest() != pieces.digests[piece]:
                break
            have += n
            piece += 1
        os.ftruncate(fd, have)
        os.lseek(fd, have, os.SEEK_SET)
        self._open[begin.upload_id] = _Open(begin, fd, have, piece)
        return StoredUpload(begin, have, False, False, None)

    def write(self, upload_id: str, offset: int, data: bytes | memoryview) -> WriteResult:
        """Append the chunk at ``offset`` if its pieces match the map; a chunk not at the end is
        a stale repeat (not even hashed)."""
        o = self._open.get(upload_id)
        if o is None:
            raise UploadError(f"upload {upload_id} is not open", reason="not-open", upload_id=upload_id)
        if offset != o.have:
            return WriteResult(have=o.have)
        rejected, count = check_pieces(o.pieces, offset, data)
        if rejected:
            return WriteResult(have=o.have, rejected=rejected)
        view = memoryview(data)
        while view:
            view = view[os.write(o.fd, view):]
        o.have += len(data)
        o.piece += count
        o.behind.wrote(o.have)
        return WriteResult(have=o.have, complete=o.have == o.begin.size)

    def finish(self, upload_id: str) -> WriteResult | None:
        """Flush a complete upload and put it in place (``.bin``); None while bytes are missing."""
        o = self._open.get(upload_id)
        if o is None or o.have < o.begin.size:
            return None
        return self._finish(o)

    def _finish(self, o: _Open) -> WriteResult:
        _, part, done, _ = self._paths(o.begin.upload_id)
        os.fsync(o.fd)
        os.close(o.fd)
        del self._open[o.begin.upload_id]
        # Every piece matched the map, and the map its announced hash: the file is verified.
        os.replace(part, done)
        return WriteResult(have=o.have, complete=True, finished=True, ok=True,
                           sha256=o.begin.sha256, pieces_sha256=o.begin.pieces_sha256, path=done)

    def close(self) -> None:
        """Close the part files (they stay on disk to be taken up later)."""
        for o in self._open.values():
            os.close(o.fd)
        self._open.clear()


def check_pieces(pieces: PieceMap, offset: int, data: bytes | memoryview) -> tuple[str, int]:
    """("", pieces in the chunk) when ``data`` at ``offset`` is whole pieces that match the
    map; ("piece-boundary" or "piece-hash", 0) otherwise. Pure: safe on any thread."""
    first = pieces.index_at(offset)
    if first is None:
        return "piece-boundary", 0
    view, at, piece = memoryview(data), 0, first
    lengths, digests = pieces.lengths, pieces.digests
    while at < len(view):
        if piece >= len(lengths) or at + lengths[piece] > len(view):
            return "piece-boundary", 0
        n = lengths[piece]
        if hashlib.sha256(view[at:at + n]).digest() != digests[piece]:
            return "piece-hash", 0
        at += n
        piece += 1
    return "", piece - first


def _begin_fields(begin: UploadBegin) -> dict:
    return {name: getattr(begin, name) for name in
            ("upload_id", "name", "media_type", "size", "sha256", "chunk_size", "pieces_sha256")}
