"""A capture log carried line for line across the link: the terminal ships, the workstation mirrors.

The terminal's capture log is append-only JSON Lines; ``LogShipper`` sends every line as a
``log.entry`` (its index is the line's number) as soon as it is on the terminal's disk, once
and in order, reading the file for lines written outside the signing station (the log's own
genesis and anchors). ``LogMirror`` writes what arrives into the workstation's copy so that it
is byte for byte the terminal's file: a line is appended only at its own index, a repeat must
be identical (and is dropped), and a line ahead of the copy is held until the gap is filled
(after a workstation crash the copy can lag what the link acknowledged; ``log.request`` asks
the terminal for the lines again). Neither looks inside a line; the workstation checks each
one with the ``check`` it is given (chain and signature).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from records.link.errors import LinkError

if TYPE_CHECKING:
    from records.link.terminal import TerminalEndpoint

__all__ = ["LineCheck", "LogMirror", "LogMirrorError", "LogShipper"]

log = logging.getLogger("inkseal.link")

LineCheck = Callable[[int, bytes, bytes | None], None]
"""Called with (index, line, previous line or None); raises ``LogMirrorError`` to refuse it."""
_HELD_MAX = 4096


class LogMirrorError(LinkError):
    """A line that cannot join the copy: it differs from the line already at its index, or its
    check failed; ``index`` is the line's number."""

    def __init__(self, message: str, *, reason: str, index: int) -> None:
        super().__init__(message, reason=reason)
        self.index = index


class LogMirror:
    """The workstation's copy of one terminal log; not thread-safe (one writer thread owns it)."""

    def __init__(self, path: Path, check: LineCheck | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._check = check
        self._lines: list[bytes] = []
        self._held: dict[int, bytes] = {}
        self.duplicates = 0
        data = self.path.read_bytes() if self.path.exists() else b""
        end = data.rfind(b"\n") + 1
        if end < len(data):  # a torn last line (a crash mid-write): the terminal sends it again
            with open(self.path, "r+b") as f:
                f.truncate(end)
        self._lines = data[:end].split(b"\n")[:-1] if end else []
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self._dirty = False

    @property
    def count(self) -> int:
        """Lines in the copy, all from index 0 on without a gap."""
        return len(self._lines)

    @property
    def waiting(self) -> int:
        """Lines received ahead of a gap, held until it fills."""
        return len(self._held)

    def last_line(self) -> bytes | None:
        """The copy's last line (without its newline), or None when it is empty."""
        return self._lines[-1] if self._lines else None

    def add(self, index: int, line: bytes) -> int:
        """Take line ``index``; returns how many lines joined the copy (held ones included)."""
        if b"\n" in line:
            raise LogMirrorError(f"log line {index} holds a newline", reason="line-break",
                                 index=index)
        if index < len(self._lines):
            if self._lines[index] != line:
                raise LogMirrorError(f"log line {index} arrived again with other bytes",
                                     reason="line-differs", index=index)
            self.duplicates += 1
            return 0
        if index > len(self._lines):
            if len(self._held) < _HELD_MAX:
                self._held[index] = line
            return 0
        added = 0
        while line is not None:
            if self._check is not None:
                self._check(index, line, self.last_line())
            os.write(self._fd, line + b"\n")
            self._lines.append(line)
            self._dirty = True
            added += 1
            index += 1
            line = self._held.pop(index, None)  # type: ignore[assignment]
        return added

    def flush(self) -> None:
        """Make the copy durable."""
        if self._dirty:
            os.fsync(self._fd)
            self._dirty = False

    def head_hash(self) -> bytes:
        """SHA-256 of the last line (what the next line's ``prev`` names); 32 zero bytes if empty."""
        last = self.last_line()
        return hashlib.sha256(last).digest() if last is not None else bytes(32)

    def close(self) -> None:
        """Flush and close the file."""
        if self._fd >= 0:
            self.flush()
            os.close(self._fd)
            self._fd = -1


class LogShipper:
    """Sends the lines of one capture-log file through a terminal endpoint; thread-safe."""

    def __init__(self, terminal: TerminalEndpoint, log_id: str, path: Path) -> None:
        self.terminal = terminal
        self.log_id = log_id
        self.path = Path(path)
        self._lock = threading.Lock()
        self.sent = 0
        self._offset = 0  # byte offset of line ``sent`` in the file

    def line_written(self, index: int, line: bytes) -> None:
        """Line ``index`` is on disk (from the log's writer thread, in order)."""
        with self._lock:
            if index > self.sent:
                self._catch_up(index)
            if index == self.sent:
                self.terminal.send_log_entry(self.log_id, index, line)
                self.sent += 1
                self._offset += len(line) + 1

    def catch_up(self) -> int:
        """Send every complete line of the file not sent yet; returns how many lines it has."""
        with self._lock:
            self._catch_up(None)
            return self.sent

    def _catch_up(self, until: int | None) -> None:
        with open(self.path, "rb") as f:
            f.seek(self._offset)
            data = f.read()
        for line in data.split(b"\n")[:-1]:
            if until is not None and self.sent >= until:
                break
            self.terminal.send_log_entry(self.log_id, self.sent, line)
            self.sent += 1
            self._offset += len(line) + 1

    def resend_from(self, index: int) -> int:
        """Send lines ``index`` .. the last one sent again (the receiver lost them); how many."""
        with self._lock:
            with open(self.path, "rb") as f:
                lines = f.read(self._offset).split(b"\n")[:-1]
            for i in range(index, len(lines)):
                self.terminal.send_log_entry(self.log_id, i, lines[i])
            count = max(0, len(lines) - index)
        log.info("link terminal: log %s: %d lines sent again from %d", self.log_id, count, index)
        return count
