"""A content-addressed store of large binaries on disk: PDF revisions, media, evidence bundles.

A blob's name is the SHA-256 of its bytes; it lives at ``ROOT/sha256/ab/abcdef…`` (the first
two hex digits fan the files out).  Writes stream through a hash into a temporary file in the
same directory tree, are fsynced, then renamed into place, so a crash leaves either the whole
blob or nothing; writing the same bytes twice keeps one copy.  Reads stream too and check the
hash as they go: a blob whose bytes were changed on disk raises ``BlobCorrupted`` (with the
expected and the actual hash) instead of returning the changed bytes.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from records.errors import BlobCorrupted, BlobError, BlobNotFound, InvalidBlobId

__all__ = ["BlobInfo", "BlobReader", "BlobStore", "CHUNK_SIZE", "check_sha256"]

CHUNK_SIZE = 1 << 20  # 1 MiB: large enough to stream fast, small enough to never matter
_HEX64 = re.compile(r"[0-9a-f]{64}")


def check_sha256(value: str) -> str:
    """``value`` if it is a lower-case hex SHA-256, else ``InvalidBlobId`` (never a path)."""
    if not isinstance(value, str) or not _HEX64.fullmatch(value):
        raise InvalidBlobId(str(value))
    return value


@dataclass(frozen=True)
class BlobInfo:
    """A stored blob: its hash, its size, and whether this write added it (False: it was
    already there)."""

    sha256: str
    size: int
    added: bool


class BlobReader(io.RawIOBase):
    """A readable stream over one blob that hashes what it hands out and, on reaching the end,
    raises ``BlobCorrupted`` if the bytes were not the blob's.  Read it to the end (or use
    :meth:`BlobStore.read_bytes` / :meth:`BlobStore.copy_to`) to have it checked."""

    def __init__(self, file: io.BufferedReader, path: Path, sha256: str) -> None:
        super().__init__()
        self._file = file
        self._path = path
        self._expected = sha256
        self._hash = hashlib.sha256()
        self._size = 0
        self._checked = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        count = self._file.readinto(buffer)
        if count:
            self._hash.update(memoryview(buffer)[:count])
            self._size += count
        elif not self._checked:
            self._checked = True
            actual = self._hash.hexdigest()
            if actual != self._expected:
                raise BlobCorrupted(expected=self._expected, actual=actual,
                                    path=str(self._path), size=self._size)
        return count or 0

    def close(self) -> None:
        self._file.close()
        super().close()


class BlobStore:
    """Blobs under ``root``; the directory is created on first write."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self._objects = self.root / "sha256"
        self._incoming = self.root / "incoming"

    def path_for(self, sha256: str) -> Path:
        """Where the blob with this hash lives (whether or not it is there)."""
        check_sha256(sha256)
        return self._objects / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def size(self, sha256: str) -> int:
        """The blob's size in bytes; ``BlobNotFound`` if absent."""
        try:
            return self.path_for(sha256).stat().st_size
        except FileNotFoundError:
            raise BlobNotFound(sha256, str(self.path_for(sha256))) from None

    # --- writing -----------------------------------------------------------------------
    def put_bytes(self, data: bytes, *, expected_sha256: str | None = None) -> BlobInfo:
        """Store ``data``; see :meth:`put_stream`."""
        return self.put_chunks([data], expected_sha256=expected_sha256)

    def put_stream(self, stream: BinaryIO, *, expected_sha256: str | None = None) -> BlobInfo:
        """Store what ``stream`` yields up to its end, never holding more than one chunk."""
        return self.put_chunks(iter(lambda: stream.read(CHUNK_SIZE), b""),
                               expected_sha256=expected_sha256)

    def put_file(self, path: Path | str, *, expected_sha256: str | None = None) -> BlobInfo:
        """Store a copy of the file at ``path``."""
        with open(path, "rb") as stream:
            return self.put_stream(stream, expected_sha256=expected_sha256)

    def put_chunks(self, chunks: Iterable[bytes], *,
                   expected_sha256: str | None = None) -> BlobInfo:
        """Store the concatenation of ``chunks``.  With ``expected_sha256`` (bytes received
        from elsewhere), bytes that hash differently raise ``BlobCorrupted`` and are not kept."""
        if expected_sha256 is not None:
            check_sha256(expected_sha256)
        try:
            self._incoming.mkdir(parents=True, exist_ok=True)
            fd, temp_name = tempfile.mkstemp(prefix="blob-", dir=self._incoming)
        except OSError as exc:
            raise self._write_failed(exc) from exc
        temp = Path(temp_name)
        digest = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha256 = digest.hexdigest()
            if expected_sha256 is not None and sha256 != expected_sha256:
                raise BlobCorrupted(expected=expected_sha256, actual=sha256, path=None, size=size)
            target = self.path_for(sha256)
            if target.is_file() and self._intact(target, sha256):
                return BlobInfo(sha256, size, added=False)
            # Absent, or present but damaged: the fresh copy replaces it.
            target.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(temp, 0o444)
            os.replace(temp, target)
            _fsync_directory(target.parent)
            return BlobInfo(sha256, size, added=True)
        except OSError as exc:
            raise self._write_failed(exc) from exc
        finally:
            temp.unlink(missing_ok=True)

    def _write_failed(self, exc: OSError) -> BlobError:
        return BlobError(reason="blob_write_failed", path=str(self.root),
                         zh=f"无法写入文件存储 {self.root}：{exc.strerror or exc}",
                         en=f"cannot write to the blob store {self.root}: {exc.strerror or exc}")

    # --- reading -----------------------------------------------------------------------
    def open(self, sha256: str) -> BlobReader:
        """A stream over the blob that checks its hash when read to the end."""
        path = self.path_for(sha256)
        try:
            file = open(path, "rb")  # noqa: SIM115 - the reader closes it
        except FileNotFoundError:
            raise BlobNotFound(sha256, str(path)) from None
        return BlobReader(file, path, sha256)

    def read_bytes(self, sha256: str) -> bytes:
        """The whole blob, checked (for blobs that fit in memory, such as PDFs)."""
        with self.open(sha256) as reader:
            return reader.read()

    def copy_to(self, sha256: str, destination: BinaryIO) -> int:
        """Stream the blob into ``destination``; returns the byte count.  The last chunk is
        checked before it is written, so a corrupted blob never arrives whole."""
        with self.open(sha256) as reader:
            return _copy(reader, destination)

    def export(self, sha256: str, path: Path | str) -> Path:
        """Write a checked copy of the blob to ``path`` (atomically: temp file, then rename)."""
        path = Path(path)
        fd, temp_name = tempfile.mkstemp(prefix=".export-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                self.copy_to(sha256, out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp_name, path)
        finally:
            Path(temp_name).unlink(missing_ok=True)
        return path

    def verify(self, sha256: str) -> None:
        """Read the blob through and raise ``BlobCorrupted``/``BlobNotFound`` if it is not sound."""
        with self.open(sha256) as reader:
            while reader.read(CHUNK_SIZE):
                pass

    def _intact(self, path: Path, sha256: str) -> bool:
        try:
            with BlobReader(open(path, "rb"), path, sha256) as reader:
                while reader.read(CHUNK_SIZE):
                    pass
            return True
        except BlobCorrupted:
            return False


def _copy(reader: BlobReader, destination: BinaryIO) -> int:
    # Hold one chunk back: the reader checks the hash when it reaches the end, and only then
    # is the last chunk released, so the destination never gets a complete corrupted copy.
    total = 0
    held = reader.read(CHUNK_SIZE)
    while held:
        following = reader.read(CHUNK_SIZE)
        destination.write(held)
        total += len(held)
        held = following
    return total


def _fsync_directory(path: Path) -> None:
    # The rename is durable only once the directory entry is on disk (POSIX).
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return  # platforms without directory handles (Windows)
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

