"""Validate a BagIt bag (directory or zip) and name every problem: each payload file missing,
extra or altered, each tag file missing or altered, a wrong Payload-Oxum, unsafe paths.

Payload files are hashed in chunks (a GB-size recording is never read into memory); in a
directory bag several files are hashed at once, since SHA-256 releases the GIL.
"""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from crypto.bagit import decode_manifest_path, hash_stream, safe_member
from crypto.errors import BagError

__all__ = ["PROBLEM_TEXT", "BagProblem", "BagReport", "open_zipped_bag", "validate_bag",
           "read_bag_info"]


#: What each problem means, for people: English and Simplified Chinese.
PROBLEM_TEXT: dict[str, dict[str, str]] = {
    "missing": {"en": "file listed in the manifest is missing", "zh": "清单中的文件缺失"},
    "extra": {"en": "file is not in the manifest", "zh": "文件不在清单中（多出的文件）"},
    "altered": {"en": "file was changed", "zh": "文件已被修改"},
    "tag_missing": {"en": "tag file is missing", "zh": "标签文件缺失"},
    "tag_altered": {"en": "tag file was changed", "zh": "标签文件已被修改"},
    "bad_tag_file": {"en": "tag file is malformed", "zh": "标签文件格式错误"},
    "oxum_mismatch": {"en": "payload size or file count differs from Payload-Oxum",
                      "zh": "数据总量或文件数与 Payload-Oxum 不符"},
    "unsafe_path": {"en": "path leaves the bag or is a link", "zh": "路径越出包目录或为链接"},
    "unsupported": {"en": "needs a checksum algorithm other than SHA-256",
                    "zh": "需要 SHA-256 以外的校验算法"},
}


@dataclass(frozen=True)
class BagProblem:
    """One finding: ``reason`` is ``missing``, ``extra``, ``altered``, ``tag_missing``,
    ``tag_altered``, ``bad_tag_file``, ``oxum_mismatch``, ``unsafe_path`` or ``unsupported``;
    ``path`` is relative to the bag (``data/...`` for payload); ``line`` is the manifest line."""

    reason: str
    path: str
    detail: str
    line: int | None = None

    def describe(self, language: str = "en") -> str:
        """One sentence for people (``en`` or ``zh``), naming the file."""
        text = PROBLEM_TEXT[self.reason]["zh" if language.startswith("zh") else "en"]
        return f"{self.path}: {text}"


@dataclass(frozen=True)
class BagReport:
    """The outcome of :func:`validate_bag`."""

    path: str
    problems: tuple[BagProblem, ...]
    info: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    manifest: Mapping[str, str] = field(default_factory=dict)
    octets: int = 0

    @property
    def ok(self) -> bool:
        """True when nothing is missing, extra, altered or malformed."""
        return not self.problems


def open_zipped_bag(path: Path, what: str = "bag") -> tuple[zipfile.ZipFile, str]:
    """The zip holding a bag and the bag's top directory in it (``"name/"``); ``BagError``
    (``not_a_bag``) when it is no zip or holds anything but one top directory.  ``what`` names
    the bag in the message (a bag, a package)."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BagError(f"{path} is neither a {what} directory nor a zip: {exc}",
                       reason="not_a_bag", path=str(path)) from exc
    tops = {n.split("/", 1)[0] for n in archive.namelist()}
    if len(tops) != 1:
        archive.close()
        raise BagError(f"{path}: a zipped bag holds exactly one top directory",
                       reason="not_a_bag", path=str(path))
    return archive, tops.pop() + "/"


class _Source:
    """A bag's files, from a directory or from inside a zip."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[BagProblem] = []
        self._zip: zipfile.ZipFile | None = None
        self._prefix = ""
        self.files: dict[str, int] = {}
        if path.is_dir():
            self._scan_directory()
        else:
            self._scan_zip()

    def _scan_directory(self) -> None:
        for root, dirs, names in os.walk(self.path):
            for name in [*names, *dirs]:
                full = Path(root) / name
                rel = full.relative_to(self.path).as_posix()
                mode = full.lstat().st_mode
                if stat.S_ISLNK(mode):
                    self.problems.append(BagProblem("unsafe_path", rel,
                                                    "symbolic link not followed"))
                    dirs[:] = [d for d in dirs if d != name]
                elif stat.S_ISREG(mode):
                    self.files[rel] = full.stat().st_size

    def _scan_zip(self) -> None:
        self._zip, self._prefix = open_zipped_bag(self.path)
        for member in self._zip.infolist():
            rel = member.filename[len(self._prefix):]
            if member.is_dir() or not rel:
                continue
            try:
                safe_member(rel)
            except BagError:
                self.problems.append(BagProblem("unsafe_path", rel, "path escapes the bag"))
                continue
            self.files[rel] = member.file_size

    @property
    def is_zip(self) -> bool:
        return self._zip is not None

    def open(self, rel: str) -> BinaryIO:
        if self._zip is not None:
            return self._zip.open(self._prefix + rel)  # type: ignore[return-value]
        return open(self.path / rel, "rb", buffering=0)

    def text(self, rel: str) -> str:
        with self.open(rel) as handle:
            return handle.read().decode("utf-8")

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def _parse_manifest(source: _Source, name: str,
                    problems: list[BagProblem]) -> dict[str, tuple[str, int]]:
    """``{path: (sha256, line)}`` from a manifest; bad lines become problems."""
    entries: dict[str, tuple[str, int]] = {}
    try:
        text = source.text(name)
    except UnicodeDecodeError:
        problems.append(BagProblem("bad_tag_file", name, "not UTF-8"))
        return entries
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split(maxsplit=1)
        digest = parts[0].lower()
        if len(parts) != 2 or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            problems.append(BagProblem("bad_tag_file", name, "not '<sha256> <path>'", number))
            continue
        rel = decode_manifest_path(parts[1].lstrip(" \t"))
        try:
            rel = str(safe_member(rel))
        except BagError:
            problems.append(BagProblem("unsafe_path", rel, f"listed in {name}", number))
            continue
        entries[rel] = (digest, number)
    return entries


def read_bag_info(text: str) -> dict[str, tuple[str, ...]]:
    """bag-info.txt labels and their values (a label may repeat; indented lines continue)."""
    fields: list[tuple[str, str]] = []
    for line in text.splitlines():
        if line[:1] in (" ", "\t") and fields:
            label, value = fields[-1]
            fields[-1] = (label, f"{value} {line.strip()}")
        elif ":" in line:
            label, value = line.split(":", 1)
            fields.append((label.strip(), value.strip()))
    info: dict[str, list[str]] = {}
    for label, value in fields:
        info.setdefault(label, []).append(value)
    return {label: tuple(values) for label, values in info.items()}


def _hash_all(source: _Source, names: list[str], workers: int) -> dict[str, str]:
    def digest(rel: str) -> tuple[str, str]:
        with source.open(rel) as stream:
            return rel, hash_stream(stream)[0]

    if source.is_zip or workers <= 1 or len(names) <= 1:
        return dict(map(digest, names))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(pool.map(digest, names))


def validate_bag(path: Path | str, *, workers: int = 2) -> BagReport:
    """Check a bag against its manifests; never raises for damage, only for a path that is no
    bag at all (:class:`~crypto.errors.BagError` ``not_a_bag``)."""
    path = Path(path)
    if not path.exists():
        raise BagError(f"{path} does not exist", reason="not_a_bag", path=str(path))
    source = _Source(path)
    try:
        return _validate(source, workers)
    finally:
        source.close()


def _validate(source: _Source, workers: int) -> BagReport:
    problems = list(source.problems)
    if "bagit.txt" not in source.files:
        problems.append(BagProblem("tag_missing", "bagit.txt", "required tag file"))
    if "manifest-sha256.txt" not in source.files:
        others = sorted(n for n in source.files if n.startswith("manifest-"))
        problems.append(BagProblem("unsupported", "manifest-sha256.txt",
                                   f"only {', '.join(others)}; SHA-256 is required")
                        if others else BagProblem("tag_missing", "manifest-sha256.txt",
                                                  "required tag file"))
    if "bagit.txt" not in source.files or "manifest-sha256.txt" not in source.files:
        return BagReport(str(source.path), tuple(problems))
    declaration = read_bag_info(source.text("bagit.txt"))
    if declaration.get("BagIt-Version", ("",))[0] not in ("0.97", "1.0") or \
            declaration.get("Tag-File-Character-Encoding", ("",))[0].upper() != "UTF-8":
        problems.append(BagProblem("bad_tag_file", "bagit.txt",
                                   "needs BagIt-Version 0.97 or 1.0 and UTF-8 tag files"))
    manifest = _parse_manifest(source, "manifest-sha256.txt", problems)
    payload_on_disk = sorted(n for n in source.files if n.startswith("data/"))
    present = [n for n in payload_on_disk if n in manifest]
    digests = _hash_all(source, present, workers)
    for rel, (expected, line) in sorted(manifest.items()):
        if not rel.startswith("data/"):
            problems.append(BagProblem("unsafe_path", rel, "payload outside data/", line))
        elif rel not in source.files:
            problems.append(BagProblem("missing", rel, "listed in the manifest, not in the bag",
                                       line))
        elif digests[rel] != expected:
            problems.append(BagProblem("altered", rel, f"SHA-256 is {digests[rel]}, the manifest "
                                       f"says {expected}", line))
    for rel in payload_on_disk:
        if rel not in manifest:
            problems.append(BagProblem("extra", rel, "in the bag, not in the manifest"))
    info: dict[str, tuple[str, ...]] = {}
    if "bag-info.txt" in source.files:
        info = read_bag_info(source.text("bag-info.txt"))
    octets = sum(source.files[n] for n in payload_on_disk)
    oxum = info.get("Payload-Oxum")
    if oxum and oxum[0] != f"{octets}.{len(payload_on_disk)}":
        problems.append(BagProblem("oxum_mismatch", "bag-info.txt", f"Payload-Oxum {oxum[0]}, "
                                   f"the payload is {octets}.{len(payload_on_disk)}"))
    problems.extend(_check_tags(source))
    return BagReport(str(source.path), tuple(problems), info,
                     {rel: digest for rel, (digest, _) in manifest.items()}, octets)


def _check_tags(source: _Source) -> list[BagProblem]:
    problems: list[BagProblem] = []
    if "tagmanifest-sha256.txt" not in source.files:
        return problems
    tags = _parse_manifest(source, "tagmanifest-sha256.txt", problems)
    for rel, (expected, line) in sorted(tags.items()):
        if rel not in source.files:
            problems.append(BagProblem("tag_missing", rel, "listed in the tag manifest", line))
            continue
        with source.open(rel) as stream:
            actual = hash_stream(stream)[0]
        if actual != expected:
            problems.append(BagProblem("tag_altered", rel, f"SHA-256 is {actual}, the tag "
                                       f"manifest says {expected}", line))
    return problems
