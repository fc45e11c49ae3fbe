"""Sealing several machines' capture logs together, and verifying such a seal.

A record is signed on two machines (workstation and terminal), each with its own log and key.
At seal time each log ends in its own signed checkpoint; the logs' checkpointed entries are
then merged in one deterministic order (:data:`MERGE_RULE`) into one RFC 9162 tree, whose
checkpoint the sealing machine signs.  :class:`SealedLogs` is what the PDF seal carries.
Cross-anchor entries (``log.anchor``: one log naming the other's head) are checked against the
other log when both are present.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from crypto import jcs
from crypto.capture_log_entry import ANCHOR_KIND, LogEntry
from crypto.capture_log_file import LogLines
from crypto.capture_log_verify import LogFault, LogIssue, LogReport, verify_log
from crypto.checkpoint import (
    Checkpoint,
    NoteSigner,
    NoteVerifier,
    open_checkpoint,
    peek_checkpoint,
    sign_checkpoint,
)
from crypto.errors import CanonicalJsonError, CaptureLogError, CheckpointError
from crypto.merkle import MerkleTree

__all__ = ["MERGE_RULE", "SealedLogs", "SealReport", "merge_entries", "seal_logs",
           "verify_sealed_logs"]

#: The merge order, named in every seal: repeatedly take, among the next entries of each log,
#: the one with the smallest (t_us, src, seq).  Each log keeps its own order even if its
#: clock stepped back, and the same logs always give the same sequence.
MERGE_RULE = "inkseal-merge/1 (t_us, src, seq)"


def merge_entries(logs: Iterable[Sequence[LogEntry]]) -> list[LogEntry]:
    """The entries of several logs (one per source) in :data:`MERGE_RULE` order."""
    logs = list(logs)
    sources = [log[0].source for log in logs if log]
    if len(set(sources)) != len(sources):
        raise CaptureLogError("two logs from the same source cannot be merged",
                              reason="duplicate_source")
    return list(heapq.merge(*logs, key=lambda e: (e.t_us, e.source, e.seq)))


def _tree(entries: Iterable[LogEntry]) -> MerkleTree:
    tree = MerkleTree()
    for entry in entries:
        tree.append_entry(entry.line)
    return tree


@dataclass(frozen=True)
class SealedLogs:
    """The combined checkpoint and each log's own checkpoint (signed notes), by source."""

    combined: str
    logs: tuple[tuple[str, str], ...]
    rule: str = MERGE_RULE

    def to_json(self) -> bytes:
        """Canonical JSON: what goes into the seal's signed attribute and the package."""
        return jcs.canonicalize({"combined": self.combined, "logs": dict(self.logs),
                                 "merge": self.rule})

    @classmethod
    def from_json(cls, data: bytes) -> SealedLogs:
        """Read :meth:`to_json` output; raises :class:`~crypto.errors.CaptureLogError`."""
        try:
            obj = jcs.parse_canonical(data)
            logs = tuple(sorted((str(k), str(v)) for k, v in obj["logs"].items()))
            sealed = cls(str(obj["combined"]), logs, str(obj["merge"]))
        except (CanonicalJsonError, KeyError, TypeError, AttributeError) as exc:
            raise CaptureLogError(f"not a capture-log seal: {exc}",
                                  reason="malformed_seal") from exc
        if sealed.rule != MERGE_RULE:
            raise CaptureLogError(f"unknown merge rule {sealed.rule!r}", reason="malformed_seal")
        return sealed

    def checkpoint_of(self, source: str) -> str | None:
        """The signed checkpoint of one log, or None."""
        return dict(self.logs).get(source)

    def notes(self) -> tuple[str, ...]:
        """The checkpoint notes as a PDF seal carries them: the combined one first, then each
        log's in source order."""
        return (self.combined, *(note for _, note in self.logs))

    @classmethod
    def from_notes(cls, notes: Sequence[str]) -> SealedLogs:
        """Rebuild from :meth:`notes`.  Each log's source is read from its checkpoint origin,
        which by convention ends in ``/<source>`` (e.g. ``inkseal.example/terminal-a``)."""
        if not notes:
            raise CaptureLogError("no checkpoint notes", reason="malformed_seal")
        logs = []
        for note in notes[1:]:
            try:
                origin = peek_checkpoint(note).origin
            except CheckpointError as exc:
                raise CaptureLogError(f"not a checkpoint note: {exc}",
                                      reason="malformed_seal") from exc
            logs.append((origin.rsplit("/", 1)[-1], note))
        if len({source for source, _ in logs}) != len(logs):
            raise CaptureLogError("two checkpoints for one source", reason="malformed_seal")
        return cls(notes[0], tuple(sorted(logs)))


def _prefix(report: LogReport) -> tuple[LogEntry, ...]:
    assert report.checkpoint is not None
    return report.entries[:report.checkpoint.size]


def seal_logs(reports: Sequence[LogReport],
              signer: NoteSigner) -> tuple[SealedLogs, list[LogEntry]]:
    """Seal logs that verified against their own checkpoints (``verify_log(...,
    checkpoint=...)``); ``signer``'s name is the combined origin.  Returns the seal and the
    merged entries (the combined tree's leaves, for inclusion proofs)."""
    notes: list[tuple[str, str]] = []
    for report in reports:
        if not report.ok or report.checkpoint is None or not report.entries:
            raise CaptureLogError(f"log {report.path} did not verify against a checkpoint",
                                  reason="unverified_log", path=report.path)
        assert report.checkpoint_note is not None
        notes.append((report.entries[0].source, report.checkpoint_note))
    merged = merge_entries(_prefix(r) for r in reports)
    tree = _tree(merged)
    combined = sign_checkpoint(Checkpoint(signer.name, tree.size, tree.root()), signer)
    return SealedLogs(combined, tuple(sorted(notes))), merged


@dataclass(frozen=True, eq=False)
class SealReport:
    """Outcome of :func:`verify_sealed_logs`: each log's report, the combined checkpoint, the
    merged entries, and every issue found (each naming its ``source``)."""

    logs: Mapping[str, LogReport]
    combined: Checkpoint | None
    merged: tuple[LogEntry, ...]
    issues: tuple[LogIssue, ...]

    @property
    def ok(self) -> bool:
        """True when every log, every anchor and the combined checkpoint verified."""
        return not self.issues


def verify_sealed_logs(logs: Mapping[str, Path | str | LogLines],
                       keys: Mapping[str, Ed25519PublicKey], sealed: SealedLogs,
                       seal_key: Ed25519PublicKey) -> SealReport:
    """Verify every sealed log against its key and checkpoint, the cross-anchors between them,
    and the combined checkpoint (signed by ``seal_key``) over their merged entries."""
    issues: list[LogIssue] = []
    reports: dict[str, LogReport] = {}
    for source, note in sealed.logs:
        if source not in logs or source not in keys:
            issues.append(LogIssue(LogFault.MISSING_LOG, None, None,
                                   f"no log or key for {source}", source=source))
            continue
        report = verify_log(logs[source], keys[source], source=source, checkpoint=note)
        reports[source] = report
        issues.extend(_tag(i, source) for i in report.issues)
    prefixes = {s: _prefix(r) for s, r in reports.items() if r.checkpoint is not None}
    issues.extend(_check_anchors(prefixes))
    merged = merge_entries(prefixes.values())
    combined = None
    try:
        origin = peek_checkpoint(sealed.combined).origin
        combined = open_checkpoint(sealed.combined, [NoteVerifier.for_key(origin, seal_key)])
    except CheckpointError as exc:
        issues.append(LogIssue(LogFault.CHECKPOINT_INVALID, None, None,
                               f"combined checkpoint does not verify: {exc.reason}"))
    complete = len(prefixes) == len(sealed.logs)  # the merged tree needs every sealed log
    if combined is not None and complete:
        tree = _tree(merged)
        if combined.size != tree.size or combined.root_hash != tree.root():
            issues.append(LogIssue(LogFault.CHECKPOINT_MISMATCH, None, None,
                                   f"the {tree.size} merged entries do not have the combined "
                                   f"checkpoint's size {combined.size} and root"))
    return SealReport(reports, combined, tuple(merged), tuple(issues))


def _tag(issue: LogIssue, source: str) -> LogIssue:
    return LogIssue(issue.reason, issue.line, issue.offset, issue.detail, issue.seq, source)


def _check_anchors(prefixes: Mapping[str, Sequence[LogEntry]]) -> list[LogIssue]:
    issues = []
    for source, entries in prefixes.items():
        for index, entry in enumerate(entries):
            if entry.kind != ANCHOR_KIND or not isinstance(entry.data, Mapping):
                continue
            other, seq, digest = (entry.data.get("src"), entry.data.get("seq"),
                                  entry.data.get("line_sha256"))
            if other not in prefixes:
                continue  # the other log is not part of this seal
            target = prefixes[other]
            if not (isinstance(seq, int) and 0 <= seq < len(target)
                    and target[seq].line_hash.hex() == digest):
                issues.append(LogIssue(LogFault.ANCHOR_MISMATCH, index + 1, None,
                                       f"anchor names {other} entry {seq}, which is not in that "
                                       f"log as sealed", entry.seq, source))
    return issues
