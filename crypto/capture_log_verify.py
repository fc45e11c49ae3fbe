"""Verify a capture log: every line's form, key, signature, sequence number and chain link,
and optionally a signed checkpoint over it.  The report names the first bad line and why.

Why a line is bad is read from its neighbours, not guessed from one line alone:

* the next line continues the chain from the line before  →  ``inserted``
* its signature fails and the next line's ``prev`` vouches for it  →  ``bad_signature``
  (written that way); otherwise  →  ``edited``
* its number jumps ahead and the missing number turns up later  →  ``reordered``; never  →
  ``deleted``; its number repeats an earlier one  →  ``inserted`` (a replayed line)
* it is signed and numbered right but ``prev`` names another line  →  ``broken_chain``

Lines cut from the end leave no trace in the chain: a checkpoint that counts more entries than
the log holds reports ``truncated``.
"""

from __future__ import annotations

import base64
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from crypto.capture_log_entry import GENESIS_KIND, GENESIS_PREV, LogEntry, key_id, parse_entry
from crypto.capture_log_file import LogLines, TornTail, read_log_lines
from crypto.checkpoint import Checkpoint, NoteVerifier, open_checkpoint, peek_checkpoint
from crypto.errors import CaptureLogError, CheckpointError, TornTailError
from crypto.merkle import MerkleTree, leaf_hash

__all__ = ["LogFault", "FAULT_TEXT", "LogIssue", "LogReport", "verify_log", "LogTail",
           "resume_state"]


class LogFault(StrEnum):
    """Machine-readable reasons a log fails verification."""

    EDITED = "edited"
    DELETED = "deleted"
    REORDERED = "reordered"
    INSERTED = "inserted"
    BAD_SIGNATURE = "bad_signature"
    WRONG_KEY = "wrong_key"
    WRONG_SOURCE = "wrong_source"
    TORN_TAIL = "torn_tail"
    MALFORMED = "malformed"
    NOT_CANONICAL = "not_canonical"
    BROKEN_CHAIN = "broken_chain"
    BAD_GENESIS = "bad_genesis"
    EMPTY = "empty"
    UNREADABLE = "unreadable"
    TRUNCATED = "truncated"
    CHECKPOINT_MISMATCH = "checkpoint_mismatch"
    CHECKPOINT_INVALID = "checkpoint_invalid"
    ANCHOR_MISMATCH = "anchor_mismatch"
    MISSING_LOG = "missing_log"


#: What each fault means, for people: English and Simplified Chinese.
FAULT_TEXT: dict[LogFault, dict[str, str]] = {
    LogFault.EDITED: {"en": "the line was changed after it was signed",
                      "zh": "该行在签名后被修改"},
    LogFault.DELETED: {"en": "entries are missing before this line", "zh": "此行之前有记录被删除"},
    LogFault.REORDERED: {"en": "entries are out of order", "zh": "记录顺序被调换"},
    LogFault.INSERTED: {"en": "this line does not belong to the log", "zh": "此行为插入的记录"},
    LogFault.BAD_SIGNATURE: {"en": "the line's signature does not verify",
                             "zh": "该行签名验证失败"},
    LogFault.WRONG_KEY: {"en": "signed by another key than this terminal's",
                         "zh": "签名密钥不属于该终端"},
    LogFault.WRONG_SOURCE: {"en": "the line comes from another machine",
                            "zh": "该行来自其他设备"},
    LogFault.TORN_TAIL: {"en": "the last line is incomplete (the log was not closed cleanly)",
                         "zh": "最后一行不完整（日志未正常关闭）"},
    LogFault.MALFORMED: {"en": "the line is not a log entry", "zh": "该行不是有效的日志记录"},
    LogFault.NOT_CANONICAL: {"en": "the line is not in canonical form (it was rewritten)",
                             "zh": "该行不是规范格式（已被改写）"},
    LogFault.BROKEN_CHAIN: {"en": "the line does not follow the line before it",
                            "zh": "该行与上一行的哈希链断开"},
    LogFault.BAD_GENESIS: {"en": "the log does not start with its key", "zh": "日志首行不是该密钥的创始记录"},
    LogFault.EMPTY: {"en": "the log is empty", "zh": "日志为空"},
    LogFault.UNREADABLE: {"en": "the log cannot be read", "zh": "无法读取日志"},
    LogFault.TRUNCATED: {"en": "entries were cut from the end of the log",
                         "zh": "日志末尾的记录被截除"},
    LogFault.CHECKPOINT_MISMATCH: {"en": "the log does not match its signed checkpoint",
                                   "zh": "日志与已签名的检查点不一致"},
    LogFault.CHECKPOINT_INVALID: {"en": "the checkpoint's signature does not verify",
                                  "zh": "检查点签名验证失败"},
    LogFault.ANCHOR_MISMATCH: {"en": "a cross-anchor names a line the other log does not have",
                               "zh": "交叉锚定指向另一日志中不存在的记录"},
    LogFault.MISSING_LOG: {"en": "a sealed log is missing", "zh": "缺少已封存的日志"},
}


@dataclass(frozen=True)
class LogIssue:
    """One finding: ``line`` is 1-based (None when it concerns the whole log), ``offset`` its
    first byte, ``seq`` the sequence number the line claims if it could be read."""

    reason: LogFault
    line: int | None
    offset: int | None
    detail: str
    seq: int | None = None
    source: str | None = None
    """The log concerned, when several are verified together."""

    def describe(self, language: str = "en") -> str:
        """One sentence for people (``en`` or ``zh``), naming the line."""
        text = FAULT_TEXT[self.reason]["zh" if language.startswith("zh") else "en"]
        if self.line is None:
            return text
        return f"第 {self.line} 行：{text}" if language.startswith("zh") else \
            f"line {self.line}: {text}"


@dataclass(frozen=True, eq=False)
class LogReport:
    """The outcome of :func:`verify_log`; ``entries`` are the lines verified before any issue."""

    path: str
    key_id: str
    entries: tuple[LogEntry, ...]
    tree: MerkleTree
    issues: tuple[LogIssue, ...]
    checkpoint: Checkpoint | None = None
    """The checkpoint given to :func:`verify_log`, if its signature verified."""
    checkpoint_note: str | None = None
    """That checkpoint's signed note text."""
    torn: TornTail | None = field(default=None)

    @property
    def ok(self) -> bool:
        """True when every line and the checkpoint (if one was given) verified."""
        return not self.issues

    @property
    def issue(self) -> LogIssue | None:
        """The first problem, or None."""
        return self.issues[0] if self.issues else None


class _Fail(StrEnum):
    PARSE = "parse"
    SOURCE = "source"
    KEY = "key"
    SIGNATURE = "signature"
    SEQ = "seq"
    LINK = "link"
    GENESIS = "genesis"


_CHUNK = 1024  # lines parsed, then signature-checked in parallel, at a time


@dataclass
class _Walk:
    lines: LogLines
    public_key: Ed25519PublicKey
    kid: str
    source: str | None
    check_signatures: bool
    pool: ThreadPoolExecutor | None = None
    genesis_key: str = ""
    parsed: list[LogEntry | CaptureLogError] = field(default_factory=list)
    signed_ok: list[bool] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.genesis_key = _raw_b64(self.public_key)

    def _ensure(self, index: int) -> None:
        """Parse (and check signatures of) lines up to ``index``, a chunk at a time: Ed25519
        verification releases the GIL, so a pool checks a chunk on every core."""
        while len(self.parsed) <= index:
            start = len(self.parsed)
            chunk: list[LogEntry | CaptureLogError] = []
            for i in range(start, min(start + _CHUNK, len(self.lines))):
                try:
                    chunk.append(parse_entry(self.lines.line(i)))
                except CaptureLogError as exc:
                    chunk.append(exc)
            if self.check_signatures:
                check = self._signature_ok
                results = self.pool.map(check, chunk) if self.pool else map(check, chunk)
                self.signed_ok.extend(results)
            self.parsed.extend(chunk)

    def _signature_ok(self, item: LogEntry | CaptureLogError) -> bool:
        return isinstance(item, LogEntry) and item.signature_valid(self.public_key)

    def entry_at(self, index: int) -> LogEntry | CaptureLogError:
        self._ensure(index)
        return self.parsed[index]

    def inspect(self, index: int, seq: int, prev: str) -> tuple[LogEntry | None, _Fail | None, str]:
        entry = self.entry_at(index)
        if isinstance(entry, CaptureLogError):
            return None, _Fail.PARSE, f"{entry.reason}: {entry}"
        if self.source is not None and entry.source != self.source:
            return entry, _Fail.SOURCE, f"line is from {entry.source!r}, not {self.source!r}"
        if entry.key_id != self.kid:
            return entry, _Fail.KEY, f"signed by key {entry.key_id}, expected {self.kid}"
        if self.check_signatures and not self.signed_ok[index]:
            return entry, _Fail.SIGNATURE, "signature does not match the line"
        if entry.seq != seq:
            return entry, _Fail.SEQ, f"sequence number {entry.seq}, expected {seq}"
        if entry.prev != prev:
            return entry, _Fail.LINK, "prev does not name the line before"
        if seq == 0 and (entry.kind != GENESIS_KIND or not isinstance(entry.data, dict)
                         or entry.data.get("public_key") != self.genesis_key):
            return entry, _Fail.GENESIS, "first line is not a genesis entry for this key"
        return entry, None, ""

    def classify(self, index: int, seq: int, prev: str, entry: LogEntry | None, fail: _Fail,
                 detail: str) -> LogIssue:
        lines = self.lines
        where = (index + 1, lines.starts[index])
        claimed = entry.seq if entry else None
        if index + 1 < len(lines) and self.inspect(index + 1, seq, prev)[1] is None:
            return LogIssue(LogFault.INSERTED, *where, "line does not belong: the next line "
                            f"continues the chain without it ({detail})", claimed)
        if fail is _Fail.PARSE:
            canonical = not detail.startswith("not_canonical")
            reason = LogFault.MALFORMED if canonical else LogFault.NOT_CANONICAL
            return LogIssue(reason, *where, detail, claimed)
        assert entry is not None
        if fail is _Fail.SOURCE:
            return LogIssue(LogFault.WRONG_SOURCE, *where, detail, claimed)
        if fail is _Fail.KEY:
            return LogIssue(LogFault.WRONG_KEY, *where, detail, claimed)
        if fail is _Fail.SIGNATURE:
            following = self.entry_at(index + 1) if index + 1 < len(lines) else None
            vouched = isinstance(following, LogEntry) and following.prev == entry.line_hash.hex()
            if vouched:
                return LogIssue(LogFault.BAD_SIGNATURE, *where, "signature does not verify, yet "
                                "the next line chains to this line as written", claimed)
            return LogIssue(LogFault.EDITED, *where, "line was changed after it was signed",
                            claimed)
        if fail is _Fail.SEQ:
            if entry.seq < seq:
                return LogIssue(LogFault.INSERTED, *where, f"repeats sequence number {entry.seq}",
                                claimed)
            if self._found_later(index + 1, seq):
                return LogIssue(LogFault.REORDERED, *where, f"{detail}; entry {seq} comes later",
                                claimed)
            return LogIssue(LogFault.DELETED, *where, f"entries {seq}..{entry.seq - 1} are missing",
                            claimed)
        if fail is _Fail.GENESIS:
            return LogIssue(LogFault.BAD_GENESIS, *where, detail, claimed)
        before = self.entry_at(index - 1) if index else None
        if not self.check_signatures and isinstance(before, LogEntry) and \
                not before.signature_valid(self.public_key):
            # Checking the chain alone (a reopen), an edit shows one line late: name the line.
            return LogIssue(LogFault.EDITED, index, lines.starts[index - 1],
                            "line was changed after it was signed", before.seq)
        return LogIssue(LogFault.BROKEN_CHAIN, *where, detail, claimed)

    def _found_later(self, start: int, seq: int) -> bool:
        for index in range(start, len(self.lines)):
            entry = self.entry_at(index)
            if isinstance(entry, LogEntry) and entry.seq == seq:
                return True
        return False


def _raw_b64(public_key: Ed25519PublicKey) -> str:
    return base64.b64encode(public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def verify_log(log: Path | str | LogLines, public_key: Ed25519PublicKey, *,
               source: str | None = None, checkpoint: str | None = None,
               check_signatures: bool = True, workers: int = 2) -> LogReport:
    """Verify a log file (or lines already read) against the terminal's public key.

    ``source``, if given, is the terminal id every line must carry; ``checkpoint`` is a signed
    checkpoint note that must be signed by the same key and match the first entries;
    ``workers`` threads check signatures.  Never raises for a bad log: every finding is in
    the report.
    """
    if workers > 1 and check_signatures:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return _verify(log, public_key, source, checkpoint, check_signatures, pool)
    return _verify(log, public_key, source, checkpoint, check_signatures, None)


def _verify(log: Path | str | LogLines, public_key: Ed25519PublicKey, source: str | None,
            checkpoint: str | None, check_signatures: bool,
            pool: ThreadPoolExecutor | None) -> LogReport:
    kid = key_id(public_key)
    try:
        lines = log if isinstance(log, LogLines) else read_log_lines(log)
    except CaptureLogError as exc:
        issue = LogIssue(LogFault.UNREADABLE, None, None, str(exc))
        return LogReport(str(log), kid, (), MerkleTree(), (issue,))
    walk = _Walk(lines, public_key, kid, source, check_signatures, pool)
    entries: list[LogEntry] = []
    leaves: list[bytes] = []
    issues: list[LogIssue] = []
    prev = GENESIS_PREV
    for index in range(len(lines)):
        entry, fail, detail = walk.inspect(index, len(entries), prev)
        if fail is not None:
            issues.append(walk.classify(index, len(entries), prev, entry, fail, detail))
            break
        assert entry is not None
        entries.append(entry)
        leaves.append(leaf_hash(entry.line))
        prev = entry.line_hash.hex()
    tree = MerkleTree(leaves)
    if not issues and lines.torn is not None:
        torn = lines.torn
        issues.append(LogIssue(LogFault.TORN_TAIL, torn.line, torn.offset,
                               f"last line is incomplete ({torn.length} bytes, no newline)"))
    if not issues and not entries:
        issues.append(LogIssue(LogFault.EMPTY, None, None, "log has no entries"))
    parsed = None
    if checkpoint is not None:
        parsed, problem = _check_checkpoint(checkpoint, public_key, tree, bool(issues), lines)
        if problem is not None:
            issues.append(problem)
    return LogReport(lines.path, kid, tuple(entries), tree, tuple(issues), parsed,
                     checkpoint if parsed is not None else None, lines.torn)


def _check_checkpoint(note: str, public_key: Ed25519PublicKey, tree: MerkleTree,
                      damaged: bool, lines: LogLines) -> tuple[Checkpoint | None, LogIssue | None]:
    try:
        unverified = peek_checkpoint(note)
        verifier = NoteVerifier.for_key(unverified.origin, public_key)
        checkpoint = open_checkpoint(note, [verifier])
    except CheckpointError as exc:
        return None, LogIssue(LogFault.CHECKPOINT_INVALID, None, None,
                              f"checkpoint does not verify with this log's key: {exc.reason}")
    if checkpoint.size > tree.size:
        if damaged:
            return checkpoint, None  # the line-level issue already explains the shortfall
        return checkpoint, LogIssue(LogFault.TRUNCATED, tree.size + 1, lines.complete_size,
                                    f"checkpoint counts {checkpoint.size} entries, the log has "
                                    f"{tree.size}")
    if tree.root(checkpoint.size) != checkpoint.root_hash:
        return checkpoint, LogIssue(LogFault.CHECKPOINT_MISMATCH, None, None,
                                    f"the first {checkpoint.size} entries do not have the "
                                    f"checkpoint's root hash")
    return checkpoint, None


@dataclass(frozen=True, eq=False)
class LogTail:
    """What a writer needs to continue a log: size, last line hash, tree, torn tail if any."""

    size: int
    line_hash: bytes
    tree: MerkleTree
    torn: TornTail | None
    path: str = ""

    @classmethod
    def empty(cls) -> LogTail:
        """The state of a log with no lines yet."""
        return cls(0, bytes.fromhex(GENESIS_PREV), MerkleTree(), None)

    def raise_torn(self) -> None:
        """Raise :class:`~crypto.errors.TornTailError` for the torn tail."""
        assert self.torn is not None
        torn = self.torn
        raise TornTailError(f"{self.path}: line {torn.line} at byte {torn.offset} is incomplete "
                            f"({torn.length} bytes); the log was not closed cleanly",
                            path=self.path, line=torn.line, offset=torn.offset, length=torn.length)


def resume_state(path: Path, public_key: Ed25519PublicKey, source: str) -> LogTail:
    """Check a log before continuing it and return where it ends.

    Checks every line's form and chain link and the last line's signature (the chain binds
    every earlier line to it); raises :class:`~crypto.errors.CaptureLogError` naming the line.
    """
    report = verify_log(path, public_key, source=source, check_signatures=False)
    issue = report.issue
    if issue is not None and issue.reason is not LogFault.TORN_TAIL:
        raise CaptureLogError(f"{path}: line {issue.line}: {issue.reason}: {issue.detail}",
                              reason=str(issue.reason), path=str(path), line=issue.line,
                              offset=issue.offset)
    if not report.entries:
        # Only a torn first line: nothing was ever durable.
        return LogTail(0, bytes.fromhex(GENESIS_PREV), MerkleTree(), report.torn, str(path))
    last = report.entries[-1]
    if not last.signature_valid(public_key):
        line = len(report.entries)
        raise CaptureLogError(f"{path}: line {line}: last line's signature does not verify",
                              reason=str(LogFault.EDITED), path=str(path), line=line)
    return LogTail(len(report.entries), last.line_hash, report.tree, report.torn, str(path))
