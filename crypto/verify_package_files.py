"""The files of an evidence package (a BagIt bag, zipped or a directory), each read once.

Every payload file is hashed while it is read and compared with ``manifest-sha256.txt``; tag
files with ``tagmanifest-sha256.txt``; files missing from the bag or from the manifest are
named.  Large media files are streamed once, in chunks, and the same pass yields the SHA-256
of each logged segment (:meth:`PackageFiles.hash_ranges`), so a GB-size recording is read one
time only.  Problems come back as :class:`~crypto.pades_report.Check` values, never raised.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from crypto.bagit import decode_manifest_path, safe_member
from crypto.bagit_validate import open_zipped_bag, read_bag_info
from crypto.errors import BagError
from crypto.pades_report import Check, Verdict

__all__ = ["CHUNK", "PackageFiles", "RangeDigests"]

CHUNK = 4 << 20


@dataclass(frozen=True)
class RangeDigests:
    """One streamed file: its size, SHA-256, and the SHA-256 of each asked-for byte range
    (``None`` for a range the file does not reach to its end)."""

    size: int
    sha256: str
    ranges: tuple[str | None, ...]


class _Slice(io.RawIOBase):
    """A byte range of a file, read without zipfile's CRC check: the SHA-256 in the manifest
    is the check that matters, and a CRC failure must not hide what changed (zipfile would
    raise at the end of the member and drop its last chunk)."""

    def __init__(self, path: Path, start: int, size: int) -> None:
        super().__init__()
        self._file = open(path, "rb", buffering=0)  # noqa: SIM115 - closed with the slice
        self._file.seek(start)
        self._left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer)[:self._left]
        count = self._file.readinto(view) or 0
        self._left -= count
        return count

    def close(self) -> None:
        self._file.close()
        super().close()


def _member(path: Path, archive: zipfile.ZipFile, name: str) -> BinaryIO:
    """A zip member's bytes: stored ones straight from the file, small deflated ones (tag
    files) inflated, anything else through zipfile.  A missing member is a ``KeyError``."""
    info = archive.getinfo(name)
    with open(path, "rb") as handle:
        handle.seek(info.header_offset)
        header = handle.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise OSError(f"{name}: no local header at {info.header_offset}")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_length + extra_length
    if info.compress_type == zipfile.ZIP_STORED:
        return _Slice(path, start, info.compress_size)  # type: ignore[return-value]
    if info.compress_type == zipfile.ZIP_DEFLATED and info.file_size <= 64 << 20:
        with _Slice(path, start, info.compress_size) as raw:
            return io.BytesIO(zlib.decompressobj(-15).decompress(raw.read()))
    return archive.open(name)  # type: ignore[return-value]


def _read_into(stream: BinaryIO, buffer: bytearray, rel: str) -> int:
    try:
        return stream.readinto(buffer) or 0  # type: ignore[attr-defined]
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise OSError(f"{rel}: cannot be read from the package ({exc})") from exc


def _fail(subject: str, reason: str, message: str, **details: object) -> Check:
    return Check("package", subject, Verdict.FAIL, reason, message, details)


class PackageFiles:
    """A bag's files.  Raises :class:`~crypto.errors.BagError` (``not_a_bag``) only when the
    path is no bag at all; every other problem becomes a check."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.checks: list[Check] = []
        self._zip: zipfile.ZipFile | None = None
        self._prefix = ""
        self.files: dict[str, int] = {}
        if self.path.is_dir():
            for root, _dirs, names in os.walk(self.path):
                for name in names:
                    full = Path(root) / name
                    if full.is_symlink():
                        self.checks.append(_fail(str(full), "unsafe_path", "symbolic link"))
                        continue
                    self.files[full.relative_to(self.path).as_posix()] = full.stat().st_size
        else:
            self._zip, self._prefix = open_zipped_bag(self.path, "package")
            for member in self._zip.infolist():
                rel = member.filename[len(self._prefix):]
                if not member.is_dir() and rel:
                    self.files[rel] = member.file_size
        if "bagit.txt" not in self.files or "manifest-sha256.txt" not in self.files:
            raise BagError(f"{self.path} has no bagit.txt or manifest-sha256.txt",
                           reason="not_a_bag", path=str(self.path))
        try:
            self.manifest = self._manifest("manifest-sha256.txt")
            self.info = read_bag_info(self._read_raw("bag-info.txt").decode("utf-8", "replace")) \
                if "bag-info.txt" in self.files else {}
        except OSError as exc:
            raise BagError(f"{self.path}: the bag's manifest cannot be read: {exc}",
                           reason="not_a_bag", path=str(self.path)) from exc
        self._digests: dict[str, str] = {}

    # --- raw access ----------------------------------------------------------------------
    def open_file(self, rel: str) -> BinaryIO:
        """A file of the bag (``rel`` from the bag's top, e.g. ``data/record.pdf``) for
        reading as it is stored, unverified; ``OSError`` names what cannot be read."""
        return self._open(rel)

    def _open(self, rel: str) -> BinaryIO:
        """A file of the bag; anything wrong with it (missing, damaged zip structure) is an
        ``OSError`` naming it."""
        try:
            if self._zip is not None:
                return _member(self.path, self._zip, self._prefix + rel)
            return open(self.path / rel, "rb", buffering=0)
        except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
            raise OSError(f"{rel}: cannot be read from the package ({exc})") from exc

    def _read_raw(self, rel: str) -> bytes:
        with self._open(rel) as stream:
            try:
                return stream.read()
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise OSError(f"{rel}: cannot be read from the package ({exc})") from exc

    def _manifest(self, name: str) -> dict[str, str]:
        entries: dict[str, str] = {}
        text = self._read_raw(name).decode("utf-8", "replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.split(maxsplit=1)
            digest = parts[0].lower()
            if len(parts) != 2 or len(digest) != 64 or \
                    any(c not in "0123456789abcdef" for c in digest):
                self.checks.append(_fail(name, "manifest_malformed",
                                         f"{name} line {number} is not '<sha256> <path>'",
                                         line=number))
                continue
            rel = decode_manifest_path(parts[1].lstrip(" \t"))
            try:
                entries[str(safe_member(rel))] = digest
            except BagError:
                self.checks.append(_fail(rel, "unsafe_path", f"{name} line {number} names a "
                                         "path outside the bag", line=number))
        return entries

    # --- payload -------------------------------------------------------------------------
    def has(self, name: str) -> bool:
        """``data/<name>`` is in the bag."""
        return f"data/{name}" in self.files

    def read(self, name: str) -> bytes:
        """``data/<name>`` whole (small files); hashed for the manifest check on the way."""
        rel = f"data/{name}"
        data = self._read_raw(rel)
        self._digests[rel] = hashlib.sha256(data).hexdigest()
        return data

    def hash_ranges(self, name: str, ranges: Sequence[tuple[int, int]]) -> RangeDigests:
        """Stream ``data/<name>`` once: its SHA-256 and that of each (offset, length) range.
        Ranges must be ascending and not overlap (a recording's segments are)."""
        rel = f"data/{name}"
        whole, part = hashlib.sha256(), hashlib.sha256()
        results: list[str | None] = [None] * len(ranges)
        index, position = 0, 0
        buffer = bytearray(CHUNK)
        view = memoryview(buffer)
        with self._open(rel) as stream:
            while count := _read_into(stream, buffer, rel):
                chunk, chunk_end = view[:count], position + count
                whole.update(chunk)
                while index < len(ranges):
                    offset, length = ranges[index]
                    end = offset + length
                    if offset >= chunk_end:
                        break  # starts in a later chunk
                    lo, hi = max(offset, position), min(end, chunk_end)
                    if lo < hi:
                        part.update(chunk[lo - position:hi - position])
                    if end > chunk_end:
                        break  # goes on in the next chunk
                    results[index], part = part.hexdigest(), hashlib.sha256()
                    index += 1
                position = chunk_end
        while index < len(ranges) and sum(ranges[index]) <= position:
            results[index], part = part.hexdigest(), hashlib.sha256()  # empty, at the end
            index += 1
        self._digests[rel] = whole.hexdigest()
        return RangeDigests(position, whole.hexdigest(), tuple(results))

    # --- the verdict ---------------------------------------------------------------------
    def _tag_checks(self) -> Iterator[Check]:
        if "tagmanifest-sha256.txt" not in self.files:
            return
        try:
            tags = self._manifest("tagmanifest-sha256.txt")
        except OSError as exc:
            yield _fail("tagmanifest-sha256.txt", "file_unreadable", str(exc))
            return
        for rel, digest in tags.items():
            if rel not in self.files:
                yield _fail(rel, "tag_missing", f"tag file {rel} is missing")
                continue
            try:
                altered = hashlib.sha256(self._read_raw(rel)).hexdigest() != digest
            except OSError as exc:
                yield _fail(rel, "file_unreadable", str(exc))
                continue
            if altered:
                yield _fail(rel, "tag_altered", f"tag file {rel} was changed")

    def finish(self) -> list[Check]:
        """Hash what was not read yet; every manifest, file and tag problem, or one pass."""
        checks = list(self.checks)
        payload = {rel for rel in self.files if rel.startswith("data/")}
        for rel in sorted(payload - set(self.manifest)):
            checks.append(_fail(rel, "file_not_in_manifest",
                                f"{rel} is in the package but not in its manifest"))
        for rel, digest in sorted(self.manifest.items()):
            if rel not in self.files:
                checks.append(_fail(rel, "file_missing", f"{rel} is listed but missing"))
                continue
            if rel not in self._digests:
                try:
                    self.hash_ranges(rel[len("data/"):], ())
                except OSError as exc:
                    checks.append(_fail(rel, "file_unreadable", str(exc)))
                    continue
            if self._digests[rel] != digest:
                checks.append(_fail(rel, "file_altered", f"{rel} does not match its SHA-256 "
                                    "in the manifest", expected=digest,
                                    actual=self._digests[rel]))
        checks.extend(self._tag_checks())
        if not any(c.verdict is Verdict.FAIL for c in checks):
            checks.append(Check("package", str(self.path), Verdict.PASS, "ok",
                                f"all {len(self.manifest)} files match the package manifest",
                                {"files": len(self.manifest)}))
        return checks

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    def __enter__(self) -> PackageFiles:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
