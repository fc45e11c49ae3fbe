"""The capture log writer: one append-only, signed, hash-chained JSON Lines file per machine.

Appends are durable by group commit.  Callers (device threads, any number) queue an entry,
which fixes its sequence number and time; one writer thread takes everything queued (up to
``max_batch`` entries, waiting at most ``max_delay_s`` to fill a batch), signs each entry in
order, chaining it to the one before, writes the batch with one ``write`` and makes it durable
with one ``fdatasync``.  Only then does :meth:`CaptureLog.append` return, or a
:class:`PendingEntry` resolve.  A crash loses at most the batch in flight; earlier lines were
on disk before anyone was told they were.

See :mod:`crypto.capture_log_entry` for the line format.
"""

from __future__ import annotations

import atexit
import base64
import errno
import hashlib
import os
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from crypto.capture_log_commit import (
    Batch,
    GroupCommit,
    PendingEntry,
    finish_batch,
    write_all,
)
from crypto.capture_log_entry import (
    ANCHOR_KIND,
    GENESIS_KIND,
    RESUMED_KIND,
    TORN_TAIL_KIND,
    BlobRef,
    LogEntry,
    check_kind,
    check_line_budget,
    check_source,
    key_id,
    payload_json,
    sign_line,
)
from crypto.capture_log_file import (
    TornTail,
    fsync_directory,
    open_for_append,
    quarantine_torn_tail,
)
from crypto.capture_log_verify import LogTail, resume_state
from crypto.checkpoint import Checkpoint, NoteSigner, sign_checkpoint
from crypto.errors import CaptureLogError
from crypto.merkle import MerkleTree

__all__ = ["LogClock", "SystemClock", "GroupCommit", "TornTailPolicy", "LogHead", "CaptureLog",
           "PendingEntry"]

_sha256 = hashlib.sha256


class LogClock(Protocol):
    """Monotonic nanoseconds and their wall-clock time (``devices.SessionClock`` fits)."""

    def now_ns(self) -> int: ...

    def wall_ns(self, mono_ns: int) -> int: ...


class SystemClock:
    """The host's monotonic clock, anchored once to its wall clock."""

    def __init__(self) -> None:
        self._mono0 = time.monotonic_ns()
        self._wall0 = time.time_ns()

    def now_ns(self) -> int:
        """Monotonic nanoseconds."""
        return time.monotonic_ns()

    def wall_ns(self, mono_ns: int) -> int:
        """Wall-clock nanoseconds since the epoch at monotonic time ``mono_ns``."""
        return self._wall0 + (mono_ns - self._mono0)


class TornTailPolicy(Enum):
    """What :meth:`CaptureLog.open` does with an incomplete last line."""

    REFUSE = "refuse"
    """Raise :class:`~crypto.errors.TornTailError`; the file is left untouched."""
    QUARANTINE = "quarantine"
    """Move the torn bytes to ``<log>.torn-<offset>``, cut the log back, log the event."""


@dataclass(frozen=True)
class LogHead:
    """The durable end of one log: its source, entry count and last line's SHA-256."""

    source: str
    size: int
    line_hash: bytes



class CaptureLog:
    """An open capture log; thread-safe.  Use :meth:`open`, and :meth:`close` when done."""

    def __init__(self, path: Path, fd: int, private_key: Ed25519PrivateKey, source: str,
                 clock: LogClock, commit: GroupCommit, tail: LogTail) -> None:
        self.path = path
        self.source = source
        self.recovered_tail: TornTail | None = None
        self._fd = fd
        self._key = private_key
        self._kid = key_id(private_key.public_key())
        self._clock = clock
        self._commit = commit
        self._lock = threading.Lock()
        self._work = threading.Condition(self._lock)
        self._room = threading.Condition(self._lock)
        self._queue: deque[Batch] = deque()
        self._queued = 0
        self._kinds: set[str] = set()
        # The writer collects durable entries' leaf hashes; they are folded into the tree only
        # when a checkpoint or proof asks for it.
        self._tree: MerkleTree = tail.tree
        self._new_leaves: list[bytes] = []
        self._next_seq = tail.size
        self._prev = tail.line_hash.hex()
        self._durable = LogHead(source, tail.size, tail.line_hash)
        self._failure: CaptureLogError | None = None
        self._closing = False
        self._urgent = False
        # A daemon thread, closed from an exit hook: a log the program forgot to close is
        # still flushed at exit, and never keeps the process from ending.
        self._writer = threading.Thread(target=self._write_loop, name=f"capture-log-{source}",
                                        daemon=True)
        self._writer.start()
        atexit.register(self._close_at_exit)

    @classmethod
    def open(cls, path: Path | str, private_key: Ed25519PrivateKey, source: str, *,
             clock: LogClock | None = None, commit: GroupCommit | None = None,
             torn_tail: TornTailPolicy = TornTailPolicy.REFUSE) -> CaptureLog:
        """Create the log at ``path``, or reopen it and continue its chain.

        A new log starts with a ``log.genesis`` entry carrying the public key; a reopened one
        gets a ``log.resumed`` entry (and a ``log.torn_tail`` entry if a torn tail was set
        aside).  Raises :class:`~crypto.errors.TornTailError` for an incomplete last line
        (unless ``torn_tail`` is QUARANTINE) and :class:`~crypto.errors.CaptureLogError` for a
        damaged log, another source or another key: nothing is added to a log that does not
        check out.
        """
        check_source(source)
        path = Path(path)
        public = private_key.public_key()
        fd = open_for_append(path)
        try:
            tail, recovered = LogTail.empty(), None
            fresh = os.fstat(fd).st_size == 0
            if fresh:
                fsync_directory(path.parent)  # the file's name is durable before its lines
            else:
                tail = resume_state(path, public, source)
                if tail.torn is not None:
                    if torn_tail is TornTailPolicy.REFUSE:
                        tail.raise_torn()
                    quarantine_torn_tail(path, tail.torn)
                    recovered, tail = tail.torn, replace(tail, torn=None)
                    fresh = tail.size == 0
        except BaseException:
            os.close(fd)
            raise
        log = cls(path, fd, private_key, source, clock or SystemClock(), commit or GroupCommit(),
                  tail)
        log.recovered_tail = recovered
        try:
            if fresh:
                log.append(GENESIS_KIND, {"alg": "Ed25519", "format": "inkseal-capture-log/1",
                                          "public_key": _b64(public)})
            if recovered is not None:
                log.append(TORN_TAIL_KIND, {"line": recovered.line, "offset": recovered.offset,
                                            "length": recovered.length, "sha256": recovered.sha256})
            if not fresh:
                log.append(RESUMED_KIND, {"after_seq": tail.size - 1})
        except BaseException:
            log.close()
            raise
        return log

    @property
    def key_id(self) -> str:
        """The ``kid`` every line of this log carries."""
        return self._kid

    @property
    def public_key(self) -> Ed25519PublicKey:
        """The key that verifies this log."""
        return self._key.public_key()

    def submit(self, kind: str, data: Mapping[str, Any] | None = None, *,
               blob: BlobRef | None = None) -> PendingEntry:
        """Queue one entry; returns at once with its ``seq`` fixed (see :class:`PendingEntry`).

        Raises :class:`~crypto.errors.CaptureLogError`: ``bad_kind``, ``bad_payload``,
        ``payload_too_large``, ``backlog_full`` (the disk fell behind for ``room_timeout_s``),
        ``closed``, or the reason an earlier write failed.
        """
        if kind not in self._kinds:
            check_kind(kind)
            self._kinds.add(kind)
        data_text = payload_json(data)
        check_line_budget(data_text, kind, self.source)
        with self._lock:
            self._check_open()
            if self._queued >= self._commit.max_pending:
                self._wait_for_room()
            mono_ns = self._clock.now_ns()
            queue = self._queue
            if not queue or len(queue[-1].entries) >= self._commit.max_batch:
                queue.append(Batch())
                self._work.notify()
            batch = queue[-1]
            pending = PendingEntry(batch, self._next_seq, kind, data, data_text, blob,
                                   self._clock.wall_ns(mono_ns) // 1000, mono_ns // 1000,
                                   self.source, self._kid)
            batch.entries.append(pending)
            self._next_seq += 1
            self._queued += 1
            return pending

    def append(self, kind: str, data: Mapping[str, Any] | None = None, *,
               blob: BlobRef | None = None, timeout: float = 30.0) -> LogEntry:
        """Sign one entry and return it once it is on disk (``timeout`` in seconds).

        The writer commits at once instead of waiting ``max_delay_s`` for company."""
        pending = self.submit(kind, data, blob=blob)
        self._expedite()
        return pending.result(timeout)

    def anchor(self, other: LogHead, *, timeout: float = 30.0) -> LogEntry:
        """Cross-anchor: log another machine's latest head so each log vouches for the other."""
        if other.size < 1:
            raise CaptureLogError("cannot anchor an empty log", reason="bad_anchor")
        return self.append(ANCHOR_KIND, {"src": other.source, "seq": other.size - 1,
                                         "line_sha256": other.line_hash.hex()}, timeout=timeout)

    def flush(self, timeout: float = 30.0) -> LogHead:
        """Wait until every entry submitted so far is on disk; returns the durable head."""
        deadline = time.monotonic() + timeout
        self._expedite()
        with self._lock:
            target = self._next_seq
            while self._durable.size < target:
                if self._failure is not None:
                    raise self._failure
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise CaptureLogError(f"log not flushed after {timeout} s", reason="timeout",
                                          path=str(self.path))
                self._room.wait(remaining)
            return self._durable

    @property
    def head(self) -> LogHead:
        """The durable head (what a crash now would leave)."""
        with self._lock:
            return self._durable

    def checkpoint(self, origin: str, *, timeout: float = 30.0) -> str:
        """Flush, then sign a C2SP checkpoint over every durable entry with this log's key
        (key name = ``origin``, e.g. ``inkseal.example/terminal-a``)."""
        head = self.flush(timeout)
        with self._lock:
            root = self._synced_tree().root(head.size)
        return sign_checkpoint(Checkpoint(origin, head.size, root), NoteSigner(origin, self._key))

    def inclusion_proof(self, seq: int, size: int) -> list[bytes]:
        """RFC 9162 inclusion proof of entry ``seq`` in this log's tree of ``size`` entries."""
        with self._lock:
            return self._synced_tree().inclusion_proof(seq, size)

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        """RFC 9162 consistency proof between two sizes of this log's tree."""
        with self._lock:
            return self._synced_tree().consistency_proof(old_size, new_size)

    def close(self, timeout: float = 30.0) -> None:
        """Write what is pending, stop the writer and close the file.  Idempotent."""
        atexit.unregister(self._close_at_exit)
        with self._lock:
            self._closing = True
            self._work.notify_all()
            self._room.notify_all()
        self._writer.join(timeout)
        if self._writer.is_alive():
            raise CaptureLogError(f"writer still busy after {timeout} s", reason="timeout",
                                  path=str(self.path))
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

    def _close_at_exit(self) -> None:
        try:
            self.close()
        except CaptureLogError:
            pass  # nothing more can be done at exit; a reopen reports what reached the disk

    def __enter__(self) -> CaptureLog:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- internals (callers hold self._lock unless said otherwise) ------------------------------

    def _expedite(self) -> None:
        """Someone is waiting: commit what is queued without waiting to fill the batch."""
        with self._lock:
            self._urgent = True
            self._work.notify()

    def _synced_tree(self) -> MerkleTree:
        for leaf in self._new_leaves:
            self._tree.append(leaf)
        self._new_leaves.clear()
        return self._tree

    def _check_open(self) -> None:
        if self._failure is not None:
            raise self._failure
        if self._closing:
            raise CaptureLogError("log is closed", reason="closed", path=str(self.path))

    def _wait_for_room(self) -> None:
        deadline = time.monotonic() + self._commit.room_timeout_s
        while self._queued >= self._commit.max_pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise CaptureLogError("the disk is not keeping up with appends",
                                      reason="backlog_full", path=str(self.path))
            self._room.wait(remaining)
            self._check_open()

    def _take_batch(self) -> Batch | None:
        """Writer thread: the oldest batch, once full, late or closing; None when done."""
        with self._lock:
            while not self._queue and not self._closing:
                self._work.wait()
            if not self._queue:
                return None
            batch = self._queue[0]
            delay, limit = self._commit.max_delay_s, self._commit.max_batch
            while delay and len(batch.entries) < limit and not (self._closing or self._urgent):
                remaining = batch.first_at + delay - time.monotonic()
                if remaining <= 0:
                    break
                self._work.wait(remaining)
            # Off the queue the batch is closed: the next entry starts a new one.
            self._queue.popleft()
            self._urgent = False
            self._queued -= len(batch.entries)
            self._room.notify_all()
            return batch

    def _write_loop(self) -> None:
        """Writer thread: sign, write and fdatasync batch after batch, in ``seq`` order."""
        while (batch := self._take_batch()) is not None:
            try:
                lines, leaves = self._sign_batch(batch)
                write_all(self._fd, b"\n".join(lines) + b"\n")
                os.fdatasync(self._fd)
            except (OSError, CaptureLogError) as exc:
                self._fail(batch, exc)
                return
            last = batch.entries[-1]
            with self._lock:
                self._new_leaves.extend(leaves)
                self._durable = LogHead(self.source, last.seq + 1, last.line_hash)
                self._room.notify_all()
            finish_batch(batch, None)

    def _sign_batch(self, batch: Batch) -> tuple[list[bytes], list[bytes]]:
        """Writer thread: sign each entry, chaining it to the one before (only this thread
        touches ``_prev``).  Ed25519 signing releases the GIL, so appending threads keep
        running meanwhile; everything else is left to them (see ``PendingEntry.entry``)."""
        lines: list[bytes] = []
        leaves: list[bytes] = []
        prev, key, kid, source = self._prev, self._key, self._kid, self.source
        for pending in batch.entries:
            line, sig = sign_line(key, kid=kid, seq=pending.seq, t_us=pending.t_us,
                                  mono_us=pending.mono_us, source=source, kind=pending.kind,
                                  prev=prev, data_text=pending.data_text, blob=pending.blob)
            digest = _sha256(line).digest()
            pending.prev, pending.sig, pending.line_hash, pending.line = prev, sig, digest, line
            lines.append(line)
            leaves.append(_sha256(b"\x00" + line).digest())
            prev = digest.hex()
        self._prev = prev
        return lines, leaves

    def _fail(self, batch: Batch, exc: OSError | CaptureLogError) -> None:
        """Writer thread: refuse every further append and fail everything pending."""
        # After a failed write or fsync the file's state is unknown (a later fsync may report
        # success without the data being there), so the log takes no more appends; a reopen
        # finds and reports whatever reached the disk.
        if isinstance(exc, OSError):
            reason = "disk_full" if exc.errno == errno.ENOSPC else "write_failed"
            message = f"cannot write {self.path}: {exc.strerror}"
        else:
            reason, message = exc.reason, f"cannot sign an entry for {self.path}: {exc}"
        with self._lock:
            failure = CaptureLogError(message, reason=reason, path=str(self.path),
                                      line=self._durable.size + 1)
            self._failure = failure
            lost = [batch, *self._queue]
            self._queue.clear()
            self._queued = 0
            self._room.notify_all()
        for item in lost:
            finish_batch(item, failure)


def _b64(public_key: Ed25519PublicKey) -> str:
    return base64.b64encode(public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
