"""The sender's outbox and the receiver's position, journaled so a cut or a restart loses nothing.

One append-only file per side of a session. Records are ``type:u8 | length:u32 | crc32:u32 |
body``: a STATE record opens the file (session id and counters), then OUT records (a sequenced
message as sent: s, header, payload), ACKED and DELIVERED records move the counters. On open
the file is replayed; a torn or corrupt tail (a crash mid-write) is cut off at the last good
record. When everything sent has been acknowledged the file is rewritten to a single STATE
record, so it stays small. ``path=None`` keeps the same state in memory only.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import struct
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from records.link.errors import LinkConfigError

__all__ = ["Journal", "JournalEntry"]

log = logging.getLogger(__name__)

_RECORD = struct.Struct(">BII")
_U64 = struct.Struct(">Q")
_OUT = struct.Struct(">QI")
T_STATE, T_OUT, T_ACKED, T_DELIVERED = 1, 2, 3, 4
COMPACT_AFTER = 1 << 20


def _lock(path: Path) -> int:
    """Hold ``path`` locked for as long as the journal is open: one endpoint per state directory."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise LinkConfigError(f"{path.parent} is in use by another link endpoint",
                              reason="state-in-use", path=str(path.parent)) from None
    return fd


@dataclass(frozen=True)
class JournalEntry:
    """A sequenced message as it was sent: its number, encoded header and payload."""

    seq: int
    header: bytes
    payload: bytes


class Journal:
    """Session id, the unacknowledged sequenced messages, and how far each side has delivered."""

    def __init__(self, path: Path | None = None, *, fsync: bool = True) -> None:
        self.path = path
        self._fsync = fsync
        self.session = ""
        self.peer = ""
        self.delivered = 0
        self.acked = 0
        self.next_seq = 1
        self._pending: OrderedDict[int, JournalEntry] = OrderedDict()
        self._fd: int | None = None
        self._lock_fd: int | None = None
        self._size = 0
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._lock_fd = _lock(path.with_suffix(path.suffix + ".lock"))
            self._load(path)
            self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            if self._size == 0:
                self._compact()

    # --- reading ---------------------------------------------------------------------------
    def pending(self) -> list[JournalEntry]:
        """Sequenced messages sent but not yet acknowledged by the peer, in order."""
        return list(self._pending.values())

    @property
    def backlog(self) -> int:
        """How many sequenced messages wait for the peer's acknowledgement."""
        return len(self._pending)

    # --- writing ---------------------------------------------------------------------------
    def append(self, header: bytes, payload: bytes, *, durable: bool) -> JournalEntry:
        """Give the next sequence number to a message and journal it (flushed if ``durable``)."""
        entry = JournalEntry(self.next_seq, header, payload)
        self.next_seq += 1
        self._pending[entry.seq] = entry
        self._write(T_OUT, _OUT.pack(entry.seq, len(header)) + header + payload, sync=durable)
        return entry

    def mark_acked(self, seq: int) -> int:
        """The peer delivered everything up to ``seq``; returns how many entries that released."""
        if seq <= self.acked:
            return 0
        released = 0
        while self._pending and next(iter(self._pending)) <= seq:
            self._pending.popitem(last=False)
            released += 1
        self.acked = seq
        self.next_seq = max(self.next_seq, seq + 1)
        self._write(T_ACKED, _U64.pack(seq), sync=False)
        self._maybe_compact()
        return released

    def mark_delivered(self, seq: int) -> None:
        """This side delivered the peer's message ``seq`` to the application."""
        self.delivered = seq
        self._write(T_DELIVERED, _U64.pack(seq), sync=False)
        self._maybe_compact()

    def _maybe_compact(self) -> None:
        # Only when nothing waits: the rewrite then costs a few bytes, whatever the history.
        if not self._pending and self._size > COMPACT_AFTER:
            self._compact()

    def start_session(self, session: str, peer: str = "", *, keep_pending: bool = True) -> int:
        """Begin a new session with ``peer``: it knows nothing of ours, so pending messages are
        renumbered from 1 and sent again (or dropped, ``keep_pending=False``: they were meant
        for another peer), and nothing of the peer's has been delivered yet. Returns how many
        pending messages were dropped."""
        old = list(self._pending.values()) if keep_pending else []
        dropped = len(self._pending) - len(old)
        self.session, self.peer, self.delivered, self.acked = session, peer, 0, 0
        self._pending = OrderedDict(
            (i, JournalEntry(i, e.header, e.payload)) for i, e in enumerate(old, start=1))
        self.next_seq = len(old) + 1
        self._compact()
        return dropped

    def rebase(self, peer_delivered: int) -> int:
        """The peer lost messages it had acknowledged (a crash of its disk): renumber what is
        pending to follow ``peer_delivered``; returns how many acknowledged messages are gone."""
        lost = self.acked - peer_delivered
        old = list(self._pending.values())
        self._pending = OrderedDict(
            (peer_delivered + i, JournalEntry(peer_delivered + i, e.header, e.payload))
            for i, e in enumerate(old, start=1))
        self.acked = peer_delivered
        self.next_seq = peer_delivered + len(old) + 1
        self._compact()
        return lost

    def flush(self) -> None:
        """Force what was written to disk (before an acknowledgement leaves, say)."""
        if self._fd is not None and self._fsync:
            os.fsync(self._fd)

    def close(self) -> None:
        """Flush and close the file; the journal is unusable afterwards."""
        if self._fd is not None:
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    # --- file format -----------------------------------------------------------------------
    def _write(self, kind: int, body: bytes, *, sync: bool) -> None:
        if self.path is None:
            return
        if self._fd is None:
            raise ValueError("the journal is closed")
        record = _RECORD.pack(kind, len(body), zlib.crc32(body)) + body
        os.write(self._fd, record)
        self._size += len(record)
        if sync and self._fsync:
            os.fsync(self._fd)

    def _state_record(self) -> bytes:
        body = json.dumps({"session": self.session, "peer": self.peer, "delivered": self.delivered,
                           "acked": self.acked, "next": self.next_seq}, sort_keys=True).encode()
        return _RECORD.pack(T_STATE, len(body), zlib.crc32(body)) + body

    def _compact(self) -> None:
        if self.path is None:
            return
        parts = [self._state_record()]
        for e in self._pending.values():
            body = _OUT.pack(e.seq, len(e.header)) + e.header + e.payload
            parts.append(_RECORD.pack(T_OUT, len(body), zlib.crc32(body)) + body)
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        data = b"".join(parts)
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
        dir_fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        if self._fd is not None:
            os.close(self._fd)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        self._size = len(data)

    def _load(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return
        pos = 0
        while pos + _RECORD.size <= len(data):
            kind, length, crc = _RECORD.unpack_from(data, pos)
            body = data[pos + _RECORD.size: pos + _RECORD.size + length]
            if len(body) != length or zlib.crc32(body) != crc or not self._apply(kind, body):
                break
            pos += _RECORD.size + length
        if pos != len(data):
            log.warning("link journal %s: cut %d bytes of torn or corrupt records at byte %d",
                        path, len(data) - pos, pos)
            with open(path, "r+b") as f:
                f.truncate(pos)
        self._size = pos

    def _apply(self, kind: int, body: bytes) -> bool:
        if kind == T_STATE:
            try:
                state = json.loads(body)
                self.session, self.delivered = str(state["session"]), int(state["delivered"])
                self.peer = str(state.get("peer", ""))
                self.acked, self.next_seq = int(state["acked"]), int(state["next"])
            except (ValueError, KeyError, TypeError):
                return False
            self._pending.clear()
        elif kind == T_OUT and len(body) >= _OUT.size:
            seq, hlen = _OUT.unpack_from(body)
            start = _OUT.size
            self._pending[seq] = JournalEntry(seq, body[start:start + hlen], body[start + hlen:])
            self.next_seq = max(self.next_seq, seq + 1)
        elif kind == T_ACKED and len(body) == _U64.size:
            (seq,) = _U64.unpack(body)
            while self._pending and next(iter(self._pending)) <= seq:
                self._pending.popitem(last=False)
            self.acked = max(self.acked, seq)
        elif kind == T_DELIVERED and len(body) == _U64.size:
            (self.delivered,) = _U64.unpack(body)
        else:
            return False
        return True
