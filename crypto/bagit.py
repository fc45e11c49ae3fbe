"""BagIt (RFC 8493) evidence containers: write and validate a bag as a directory or a zip.

A bag holds ``bagit.txt``, the payload under ``data/``, ``manifest-sha256.txt`` (one
``<sha256>  <path>`` line per payload file, the form ``sha256sum -c`` reads),
``bag-info.txt`` (Bagging-Date, Payload-Oxum, Bag-Software-Agent and the caller's own fields)
and ``tagmanifest-sha256.txt`` over the tag files.  Files are hashed while they are copied,
in chunks: a GB-size recording is never read into memory, and never read twice.  A zip bag
holds one top-level directory named after the bag; payload is stored, not deflated (media is
compressed already).  :mod:`crypto.bagit_validate` checks a bag and names every missing,
extra or altered file.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from crypto.errors import BagError

__all__ = ["BAG_SOFTWARE_AGENT", "BagWriter", "BagSummary", "write_bag", "hash_stream",
           "encode_manifest_path", "decode_manifest_path", "safe_member"]

BAG_SOFTWARE_AGENT = "Inkseal (crypto.bagit)"
_CHUNK = 1 << 20
_TAG_FILES = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt")


def hash_stream(stream: BinaryIO, sink: BinaryIO | None = None,
                chunk_size: int = _CHUNK) -> tuple[str, int]:
    """SHA-256 hex and length of a stream read in chunks, copying each chunk to ``sink``."""
    digest, length = hashlib.sha256(), 0
    buffer = bytearray(chunk_size)
    view = memoryview(buffer)
    while count := stream.readinto(buffer):  # type: ignore[attr-defined]
        chunk = view[:count]
        digest.update(chunk)
        if sink is not None:
            sink.write(chunk)
        length += count
    return digest.hexdigest(), length


def encode_manifest_path(path: str) -> str:
    """A path as a manifest line spells it: only CR, LF and % are percent-encoded (§2.1.3)."""
    return path.replace("%", "%25").replace("\n", "%0A").replace("\r", "%0D")


def decode_manifest_path(text: str) -> str:
    """The inverse of :func:`encode_manifest_path`."""
    out, index = [], 0
    while index < len(text):
        code = text[index + 1:index + 3].upper() if text[index] == "%" else ""
        if code in ("0A", "0D", "25"):
            out.append({"0A": "\n", "0D": "\r", "25": "%"}[code])
            index += 3
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


def safe_member(path: str) -> PurePosixPath:
    """A payload-relative path that stays inside ``data/`` or a BagError (``unsafe_path``)."""
    pure = PurePosixPath(path)
    if not path or pure.is_absolute() or any(p in ("..", ".", "") for p in pure.parts) \
            or "\\" in path or "\x00" in path:
        raise BagError(f"payload path {path!r} is not a plain relative path", reason="unsafe_path",
                       path=path)
    return pure


@dataclass(frozen=True)
class BagSummary:
    """What was written: where, the payload's Payload-Oxum, and each payload file's SHA-256."""

    path: Path
    oxum: str
    manifest: Mapping[str, str]


class BagWriter:
    """Builds a bag file by file, then :meth:`finish` writes the tag files and publishes it.

    The bag appears at ``dest`` only when finished (it is built under a temporary name in the
    same directory); an unfinished writer leaves nothing behind once closed.
    """

    def __init__(self, dest: Path, *, as_zip: bool = False) -> None:
        self.dest = Path(dest)
        if self.dest.exists():
            raise BagError(f"{self.dest} already exists", reason="exists", path=str(self.dest))
        self._zip: zipfile.ZipFile | None = None
        self._manifest: dict[str, str] = {}
        self._octets = 0
        self._name = self.dest.stem if as_zip else self.dest.name
        handle, temporary = tempfile.mkstemp(prefix=f".{self.dest.name}.", dir=self.dest.parent)
        os.close(handle)
        self._temporary = Path(temporary)
        if as_zip:
            self._zip = zipfile.ZipFile(self._temporary, "w", allowZip64=True)
        else:
            self._temporary.unlink()
            (self._temporary / "data").mkdir(parents=True)

    def add_file(self, name: str, source: Path) -> str:
        """Copy ``source`` to ``data/<name>``, hashing it on the way; returns its SHA-256."""
        with open(source, "rb", buffering=0) as stream:
            return self._add(name, stream, os.fstat(stream.fileno()).st_size)

    def add_stream(self, name: str, stream: BinaryIO, size: int) -> str:
        """Copy ``size`` bytes of ``stream`` to ``data/<name>``; returns their SHA-256."""
        return self._add(name, stream, size)

    def add_bytes(self, name: str, data: bytes) -> str:
        """Store ``data`` as ``data/<name>``; returns its SHA-256."""
        return self._add(name, io.BytesIO(data), len(data))

    def _add(self, name: str, stream: BinaryIO, size: int) -> str:
        member = "data/" + str(safe_member(name))
        if member in self._manifest:
            raise BagError(f"{member} is already in the bag", reason="duplicate", path=member)
        with self._open_member(member, size, stored=True) as sink:
            digest, length = hash_stream(stream, sink)
        self._manifest[member] = digest
        self._octets += length
        return digest

    @contextmanager
    def _open_member(self, member: str, size: int, *, stored: bool) -> Iterator[BinaryIO]:
        if self._zip is not None:
            info = zipfile.ZipInfo(f"{self._name}/{member}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.file_size = size
            with self._zip.open(info, "w", force_zip64=size >= 2**31) as sink:
                yield sink  # type: ignore[misc]
        else:
            target = self._temporary / member
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as sink:
                yield sink
                sink.flush()
                os.fsync(sink.fileno())

    def _add_tag(self, name: str, text: str) -> str:
        data = text.encode("utf-8")
        with self._open_member(name, len(data), stored=False) as sink:
            sink.write(data)
        return hashlib.sha256(data).hexdigest()

    def finish(self, info: Mapping[str, str] | None = None, *,
               bagging_date: date | None = None) -> BagSummary:
        """Write the tag files, then move the bag to ``dest``.  ``info`` adds bag-info fields
        (labels without ``:``, one-line values)."""
        fields = [("Bag-Software-Agent", BAG_SOFTWARE_AGENT),
                  ("Bagging-Date", (bagging_date or date.today()).isoformat()),
                  ("Payload-Oxum", f"{self._octets}.{len(self._manifest)}")]
        for label, value in (info or {}).items():
            if not label or ":" in label or label != label.strip() or \
                    any(ord(c) < 0x20 for c in label + value):
                raise BagError(f"bag-info field {label!r} cannot be written", reason="bad_info")
            fields.append((label, value))
        tags = {
            "bagit.txt": "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
            "bag-info.txt": "".join(f"{label}: {value}\n" for label, value in fields),
            "manifest-sha256.txt": "".join(f"{digest}  {encode_manifest_path(member)}\n"
                                           for member, digest in sorted(self._manifest.items())),
        }
        tag_digests = {name: self._add_tag(name, text) for name, text in tags.items()}
        self._add_tag("tagmanifest-sha256.txt", "".join(
            f"{digest}  {name}\n" for name, digest in sorted(tag_digests.items())))
        if self._zip is not None:
            self._zip.close()
            self._zip = None
            with open(self._temporary, "rb") as handle:
                os.fsync(handle.fileno())
        os.replace(self._temporary, self.dest)
        directory = os.open(self.dest.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        return BagSummary(self.dest, fields[2][1], dict(self._manifest))

    def close(self) -> None:
        """Discard an unfinished bag."""
        if self._zip is not None:
            self._zip.close()
            self._zip = None
        if self._temporary.is_dir():
            shutil.rmtree(self._temporary, ignore_errors=True)
        elif self._temporary.exists():
            self._temporary.unlink()

    def __enter__(self) -> BagWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def write_bag(dest: Path, payload: Mapping[str, Path | bytes], *,
              info: Mapping[str, str] | None = None, as_zip: bool = False,
              bagging_date: date | None = None) -> BagSummary:
    """Write a whole bag: ``payload`` maps names under ``data/`` to files or bytes."""
    with BagWriter(dest, as_zip=as_zip) as writer:
        for name, source in payload.items():
            if isinstance(source, (bytes, bytearray)):
                writer.add_bytes(name, bytes(source))
            else:
                writer.add_file(name, Path(source))
        return writer.finish(info, bagging_date=bagging_date)
