"""The pen batches the capture logs commit to, opened from the archive-encrypted evidence.

A station logs each pen batch as a commitment (format 2, :mod:`crypto.evidence_pen`); the
samples and the turn's nonce are in the signatory's evidence bundle (item ``pen_batches``) or,
for a turn that ended unsigned, in the log's ``pen.sealed`` entries, both encrypted for the
archive key.  Per station and turn:

* without the archive key: ``pen_commitments`` *skip*, ``archive_key_not_given`` (said, never
  passed in silence);
* with it: every logged entry is recomputed from the opening (commitment *and* the facts the
  entry states) and must match in order, none missing, none extra.  Reasons:
  ``pen_batches_reordered``, ``pen_batch_missing`` (logged, not in the evidence),
  ``pen_batch_not_logged`` (in the evidence, not logged), ``pen_batch_mismatch`` (samples
  differ), ``pen_batch_facts_mismatch``, ``pen_accepted_mismatch`` (the accepted attempt
  holds another number of samples than ``pen.accepted`` says), ``pen_report_mismatch``,
  ``pen_opening_missing``,
  ``pen_opening_malformed``, ``pen_sealed_*``; ``pen_opening_lost`` (warn) for a turn that
  never ended (a station stopped mid-turn) or whose station logged ``pen.seal_failed``;
* format 1 entries (samples in clear, no ``v``): ``pen_samples_in_clear`` (warn).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from crypto.capture_log_entry import LogEntry
from crypto.evidence import EvidenceError, OpenedEvidence
from crypto.evidence_pen import PEN_BATCH_FORMAT, PEN_BATCHES_ITEM, PenOpening, open_sealed
from crypto.pades_report import Check, Verdict

__all__ = ["check_pen_commitments", "compare_openings", "pen_turns", "PenTurn"]

NAME = "pen_commitments"
_ENDS = ("turn.signed", "turn.refused", "turn.cancelled")


@dataclass
class PenTurn:
    """The pen entries of one station's turn for one field, in log order."""

    source: str
    field: str
    batches: list[LogEntry] = field(default_factory=list)
    clear_batches: list[LogEntry] = field(default_factory=list)
    reports: list[LogEntry] = field(default_factory=list)
    sealed: list[LogEntry] = field(default_factory=list)
    accepted: LogEntry | None = None
    seal_failed: str | None = None
    """What the station logged when it could not seal the turn's pen data (``pen.seal_failed``)."""
    end: str | None = None


def _data(entry: LogEntry) -> Mapping[str, Any]:
    return entry.data if isinstance(entry.data, Mapping) else {}


def _report(entry: LogEntry) -> Mapping[str, Any] | None:
    inner = _data(entry).get("data")
    report = inner.get("report") if isinstance(inner, Mapping) else None
    return report if isinstance(report, Mapping) and "commit" in report else None


def pen_turns(entries: Sequence[LogEntry]) -> list[PenTurn]:
    """Every turn of every station that logged pen data, in each station's log order."""
    turns: list[PenTurn] = []
    current: dict[tuple[str, str], PenTurn] = {}
    for entry in sorted(entries, key=lambda e: (e.source, e.seq)):
        data = _data(entry)
        name = str(data.get("field", ""))
        key = (entry.source, name)
        if entry.kind == "turn.begin":
            current[key] = PenTurn(entry.source, name)
            turns.append(current[key])
            continue
        if not entry.kind.startswith(("pen.", "turn.")):
            continue
        turn = current.get(key)
        if turn is None:  # pen data outside any begun turn: still a turn of its own
            turn = current[key] = PenTurn(entry.source, name)
            turns.append(turn)
        if entry.kind == "pen.batch":
            (turn.batches if data.get("v") == PEN_BATCH_FORMAT else turn.clear_batches) \
                .append(entry)
        elif entry.kind == "pen.event" and _report(entry) is not None:
            turn.reports.append(entry)
        elif entry.kind == "pen.sealed":
            turn.sealed.append(entry)
        elif entry.kind == "pen.accepted":
            turn.accepted = entry
        elif entry.kind == "pen.seal_failed":
            turn.seal_failed = str(data.get("message") or data.get("reason") or "failed")
        elif entry.kind in _ENDS:
            turn.end = entry.kind
    return [t for t in turns if t.batches or t.clear_batches or t.reports or t.sealed]


def _fail(turn: PenTurn, reason: str, message: str, **details: Any) -> Check:
    return Check(NAME, turn.field, Verdict.FAIL, reason, f"{turn.field} ({turn.source}): "
                 f"{message}", {"station": turn.source, **details})


def compare_openings(turn: PenTurn, opening: PenOpening) -> list[Check]:
    """Every logged batch (and sealed report) of ``turn`` against ``opening``: failures, or
    one pass."""
    logged = [str(_data(e).get("commit", "")) for e in turn.batches]
    opened = opening.commitments()
    checks: list[Check] = []
    if logged != opened:
        if sorted(logged) == sorted(opened):
            checks.append(_fail(turn, "pen_batches_reordered",
                                "the evidence holds the logged pen batches in another order",
                                seqs=[e.seq for e in turn.batches]))
        else:
            seqs: dict[str, list[int]] = {"replace": [], "delete": [], "insert": []}
            for op, i1, i2, j1, j2 in SequenceMatcher(None, logged, opened,
                                                      autojunk=False).get_opcodes():
                if op in ("replace", "delete"):  # log entries the evidence does not open
                    seqs[op] += [turn.batches[i].seq for i in range(i1, i2)]
                elif op == "insert":             # batches of the evidence never logged
                    seqs[op] += list(range(j1, j2))
            if seqs["replace"]:
                checks.append(_fail(turn, "pen_batch_mismatch",
                                    f"{len(seqs['replace'])} logged pen batch(es) differ from "
                                    f"the evidence (log entries {seqs['replace'][:10]})",
                                    seqs=seqs["replace"]))
            if seqs["delete"]:
                checks.append(_fail(turn, "pen_batch_missing",
                                    f"{len(seqs['delete'])} logged pen batch(es) are not in "
                                    f"the evidence (log entries {seqs['delete'][:10]})",
                                    seqs=seqs["delete"]))
            if seqs["insert"]:
                checks.append(_fail(turn, "pen_batch_not_logged",
                                    f"the evidence holds {len(seqs['insert'])} pen batch(es) "
                                    "the log never committed to", batches=seqs["insert"]))
    else:
        # Same samples; the facts each entry states must be the ones they imply.
        wrong = [e.seq for e, b in zip(turn.batches, opening.batches)
                 if dict(_data(e)) != b.log_data(opening.nonce)]
        if wrong:
            checks.append(_fail(turn, "pen_batch_facts_mismatch",
                                f"log entries {wrong[:10]} state counts, times or strokes "
                                "their samples do not have", seqs=wrong))
    if turn.accepted is not None and not checks:
        said = _data(turn.accepted)
        rows = sum(len(b.rows) for b in opening.batches if b.attempt == said.get("attempt"))
        if rows != said.get("samples"):
            checks.append(_fail(turn, "pen_accepted_mismatch",
                                f"the accepted attempt {said.get('attempt')} has {rows} samples "
                                f"in the evidence, the log says {said.get('samples')}",
                                seq=turn.accepted.seq))
    reports = [str(_report(e)["commit"]) for e in turn.reports]  # type: ignore[index]
    if reports != opening.report_commitments():
        checks.append(_fail(turn, "pen_report_mismatch",
                            "the undecodable pad reports logged are not the ones the evidence "
                            "holds", logged=len(reports), opened=len(opening.reports)))
    if checks:
        return checks
    samples = sum(len(b.rows) for b in opening.batches)
    return [Check(NAME, turn.field, Verdict.PASS, "ok",
                  f"{turn.field} ({turn.source}): all {len(logged)} logged pen batches "
                  f"({samples} samples) open from the archive-encrypted evidence, in order, "
                  "none missing or extra",
                  {"station": turn.source, "batches": len(logged), "samples": samples,
                   "attempts": len({b.attempt for b in opening.batches})})]


def _opening(turn: PenTurn, opened: Mapping[str, OpenedEvidence], signed_last: bool,
             archive_key: rsa.RSAPrivateKey) -> PenOpening | Check:
    try:
        if turn.sealed:
            return open_sealed([_data(e) for e in turn.sealed], archive_key)
        if turn.end == "turn.signed" and signed_last:
            evidence = opened.get(turn.field)
            if evidence is None:
                return Check(NAME, turn.field, Verdict.SKIP, "evidence_not_opened",
                             f"{turn.field} ({turn.source}): pen commitments not checked: the "
                             "evidence did not open (see the evidence check)",
                             {"station": turn.source})
            data = evidence.items.get(PEN_BATCHES_ITEM)
            if data is None:
                return _fail(turn, "pen_opening_missing",
                             "the evidence bundle holds no pen batches to open the log's "
                             "commitments")
            return PenOpening.from_json(data)
    except EvidenceError as exc:
        reason = exc.reason if exc.reason.startswith("pen_") else f"pen_sealed_{exc.reason}"
        return _fail(turn, reason, str(exc))
    if turn.end is None or turn.seal_failed is not None:
        why = (f"the station could not seal them ({turn.seal_failed})" if turn.seal_failed
               is not None else "the turn never ended (the station stopped?)")
        return Check(NAME, turn.field, Verdict.WARN, "pen_opening_lost",
                     f"{turn.field} ({turn.source}): {why}: its pen batches cannot be opened",
                     {"station": turn.source, "batches": len(turn.batches)})
    return _fail(turn, "pen_opening_missing",
                 f"the turn ended ({turn.end}) without its pen batches sealed for the archive")


def check_pen_commitments(entries: Sequence[LogEntry], opened: Mapping[str, OpenedEvidence],
                          archive_key: rsa.RSAPrivateKey | None) -> list[Check]:
    """One or more checks per turn with pen data (see the module docstring)."""
    turns = pen_turns(entries)
    last_signed = {t.field: i for i, t in enumerate(turns) if t.end == "turn.signed"}
    checks: list[Check] = []
    for index, turn in enumerate(turns):
        if turn.clear_batches:
            checks.append(Check(NAME, turn.field, Verdict.WARN, "pen_samples_in_clear",
                                f"{turn.field} ({turn.source}): {len(turn.clear_batches)} pen "
                                "batches logged in format 1 carry the samples in clear (no "
                                "commitment to check)",
                                {"station": turn.source, "batches": len(turn.clear_batches)}))
        if not (turn.batches or turn.reports or turn.sealed):
            continue
        if archive_key is None:
            checks.append(Check(NAME, turn.field, Verdict.SKIP, "archive_key_not_given",
                                f"{turn.field} ({turn.source}): {len(turn.batches)} pen batch "
                                "commitments not checked: needs the archive key",
                                {"station": turn.source, "batches": len(turn.batches)}))
            continue
        found = _opening(turn, opened, last_signed.get(turn.field) == index, archive_key)
        if isinstance(found, Check):
            checks.append(found)
            continue
        if found.field != turn.field:
            checks.append(_fail(turn, "pen_opening_malformed",
                                f"the pen batches opened are for {found.field}"))
            continue
        checks += compare_openings(turn, found)
    return checks
