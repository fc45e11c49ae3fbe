"""The capture log as bytes on disk: split into lines, find a torn tail, set a torn tail aside.

A crash while appending can leave the last line incomplete (no ``\\n``).  That tail is never
dropped silently: it is reported as a :class:`TornTail` naming its line number and byte offset,
and :func:`quarantine_torn_tail` moves its bytes to a side file before the log is cut back to
its last whole line.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from crypto.errors import CaptureLogError

__all__ = ["TornTail", "LogLines", "read_log_lines", "split_log_bytes", "quarantine_torn_tail",
           "fsync_directory", "open_for_append"]


@dataclass(frozen=True)
class TornTail:
    """An incomplete last line: 1-based ``line`` number, byte ``offset``, ``length``, SHA-256."""

    line: int
    offset: int
    length: int
    sha256: str


@dataclass(frozen=True)
class LogLines:
    """A log file's bytes split at newlines; ``starts[i]`` is the offset of line ``i + 1``."""

    path: str
    data: bytes
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    torn: TornTail | None

    def __len__(self) -> int:
        return len(self.starts)

    def line(self, index: int) -> bytes:
        """Line ``index`` (0-based) without its newline."""
        return self.data[self.starts[index]:self.ends[index]]

    @property
    def complete_size(self) -> int:
        """Bytes up to and including the last newline."""
        return self.ends[-1] + 1 if self.ends else 0


def read_log_lines(path: Path | str) -> LogLines:
    """Read a log file; raises :class:`CaptureLogError` (``unreadable``) when it cannot be read."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CaptureLogError(f"cannot read {path}: {exc.strerror}", reason="unreadable",
                              path=str(path)) from exc
    return split_log_bytes(data, str(path))


def split_log_bytes(data: bytes, path: str = "") -> LogLines:
    """Split log bytes already in memory (see :func:`read_log_lines`)."""
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    while (newline := data.find(b"\n", position)) >= 0:
        starts.append(position)
        ends.append(newline)
        position = newline + 1
    torn = None
    if position < len(data):
        rest = data[position:]
        torn = TornTail(len(starts) + 1, position, len(rest), hashlib.sha256(rest).hexdigest())
    return LogLines(path, data, tuple(starts), tuple(ends), torn)


def fsync_directory(directory: Path) -> None:
    """Make a file creation or rename in ``directory`` durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def quarantine_torn_tail(path: Path, torn: TornTail) -> Path:
    """Copy the torn bytes to ``<log>.torn-<offset>``, then cut the log back to its last newline.

    Both steps are fsynced, and the copy is made first, so a crash in between loses nothing.
    """
    side = path.with_name(f"{path.name}.torn-{torn.offset}")
    with open(path, "rb") as handle:
        handle.seek(torn.offset)
        tail = handle.read(torn.length + 1)
    if len(tail) != torn.length or hashlib.sha256(tail).hexdigest() != torn.sha256:
        raise CaptureLogError("the torn tail changed while being set aside", reason="tail_changed",
                              path=str(path), line=torn.line, offset=torn.offset)
    with open(side, "wb") as out:
        out.write(tail)
        out.flush()
        os.fsync(out.fileno())
    fsync_directory(path.parent)
    fd = os.open(path, os.O_WRONLY)
    try:
        os.ftruncate(fd, torn.offset)
        os.fsync(fd)
    finally:
        os.close(fd)
    return side


def open_for_append(path: Path) -> int:
    """Open (or create) the log for appending, locked against a second writer: two writers
    on one file would fork its chain."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError as exc:
        raise CaptureLogError(f"cannot open {path}: {exc.strerror}", reason="unwritable",
                              path=str(path)) from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        raise CaptureLogError(f"{path} is already open for writing elsewhere", reason="in_use",
                              path=str(path)) from exc
    return fd
