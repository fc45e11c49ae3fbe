"""The verifier opens every pen-batch commitment of the capture logs from the archive-encrypted
evidence: in order, none missing, none extra, the logged facts true; without the archive key
it says it could not check.  The tampered openings here are what a station that logged one
thing and sealed another would have produced."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from crypto.capture_log import CaptureLog
from crypto.capture_log_entry import LogEntry, parse_entry
from crypto.capture_log_file import read_log_lines
from crypto.evidence import OpenedEvidence
from crypto.evidence_pen import PEN_BATCHES_ITEM, PenBatch, PenOpening, sealed_entries
from crypto.pades_report import Check, Verdict
from crypto.verify_package_pen import PenTurn, check_pen_commitments, compare_openings, pen_turns
from devices.pen import PenButtons, PenSample
from records.session_pen import PenCapture
from tests.records.test_package_privacy import bag, evidence
from tests.records.test_session_world import archive_key, demo, small_site

FIELD = "Sig_4_suspect"


@cache
def entries() -> tuple[LogEntry, ...]:
    found = []
    for path in sorted((bag() / "data" / "logs").glob("*.jsonl")):
        lines = read_log_lines(path)
        found += [parse_entry(lines.line(i)) for i in range(len(lines))]
    return tuple(found)


def opening(field: str = FIELD) -> PenOpening:
    return PenOpening.from_json(evidence()[field].items[PEN_BATCHES_ITEM])


def with_opening(changed: PenOpening) -> dict[str, OpenedEvidence]:
    """The demo's opened evidence with ``changed`` as its field's pen batches."""
    opened = dict(evidence())
    before = opened[changed.field]
    opened[changed.field] = dataclasses.replace(
        before, items={**before.items, PEN_BATCHES_ITEM: changed.to_json()})
    return opened


def checks_of(field: str, opened: dict[str, OpenedEvidence] | None = None,
              logged: Sequence[LogEntry] | None = None, *, key: bool = True) -> list[Check]:
    found = check_pen_commitments(logged or entries(), opened or evidence(),
                                  archive_key() if key else None)
    return [c for c in found if c.subject == field]


def test_with_the_archive_key_every_turn_opens_in_order() -> None:
    found = check_pen_commitments(entries(), evidence(), archive_key())
    assert {c.subject for c in found} == set(evidence())
    assert all(c.verdict is Verdict.PASS and c.reason == "ok" for c in found), found
    suspect = next(c for c in found if c.subject == FIELD)
    assert suspect.details["station"] == "terminal-1"
    assert suspect.details["batches"] == len(opening().batches) > 10
    # The whole package verification carries the same checks.
    report = demo().report
    assert [c.verdict for c in report.checks if c.name == "pen_commitments"] == \
        [Verdict.PASS] * 3


def test_without_the_archive_key_the_commitments_are_said_not_checked() -> None:
    found = check_pen_commitments(entries(), {}, None)
    assert len(found) == 3
    assert all(c.verdict is Verdict.SKIP and c.reason == "archive_key_not_given"
               and "needs the archive key" in c.message for c in found)


def test_a_batch_dropped_from_the_evidence_is_caught_with_its_log_entry() -> None:
    real = opening()
    dropped = dataclasses.replace(real, batches=real.batches[:5] + real.batches[6:])
    (check,) = checks_of(FIELD, with_opening(dropped))
    assert check.verdict is Verdict.FAIL and check.reason == "pen_batch_missing"
    sixth = [e for e in pen_turns(entries()) if e.field == FIELD][0].batches[5]
    assert check.details["seqs"] == [sixth.seq]


def test_a_changed_sample_is_caught() -> None:
    real = opening()
    batch = real.batches[7]
    row = list(batch.rows[3])
    row[3] = (row[3] or 0) + 1  # one pressure level more
    changed = dataclasses.replace(batch, rows=(*batch.rows[:3], tuple(row), *batch.rows[4:]))
    tampered = dataclasses.replace(real, batches=(*real.batches[:7], changed,
                                                  *real.batches[8:]))
    (check,) = checks_of(FIELD, with_opening(tampered))
    assert check.verdict is Verdict.FAIL and check.reason == "pen_batch_mismatch"
    assert len(check.details["seqs"]) == 1


def test_reordered_batches_are_caught() -> None:
    real = opening()
    swapped = (*real.batches[:2], real.batches[3], real.batches[2], *real.batches[4:])
    (check,) = checks_of(FIELD, with_opening(dataclasses.replace(real, batches=swapped)))
    assert check.verdict is Verdict.FAIL and check.reason == "pen_batches_reordered"


def test_a_batch_the_log_never_committed_to_is_caught() -> None:
    real = opening()
    extra = dataclasses.replace(real.batches[-1], batch=len(real.batches))
    (check,) = checks_of(FIELD, with_opening(dataclasses.replace(
        real, batches=(*real.batches, extra))))
    assert check.verdict is Verdict.FAIL and check.reason == "pen_batch_not_logged"
    assert check.details["batches"] == [len(real.batches)]


def test_another_turns_nonce_opens_nothing() -> None:
    real = opening()
    found = checks_of(FIELD, with_opening(dataclasses.replace(real, nonce=bytes(32))))
    assert [c.reason for c in found] == ["pen_batch_mismatch"]
    assert len(found[0].details["seqs"]) == len(real.batches)


def test_a_logged_fact_the_samples_do_not_have_is_caught() -> None:
    def lie(entry: LogEntry) -> LogEntry:
        if entry.kind == "pen.batch" and entry.data["field"] == FIELD and \
                entry.data["batch"] == 4:
            return dataclasses.replace(entry, data={**entry.data,
                                                    "count": entry.data["count"] + 1})
        return entry

    (check,) = checks_of(FIELD, logged=[lie(e) for e in entries()])
    assert check.reason == "pen_batch_facts_mismatch" and len(check.details["seqs"]) == 1


def test_an_accepted_attempt_of_another_length_is_caught() -> None:
    def lie(entry: LogEntry) -> LogEntry:
        if entry.kind == "pen.accepted" and entry.data["field"] == FIELD:
            return dataclasses.replace(entry, data={**entry.data,
                                                    "samples": entry.data["samples"] - 1})
        return entry

    (check,) = checks_of(FIELD, logged=[lie(e) for e in entries()])
    assert check.reason == "pen_accepted_mismatch"


def test_evidence_without_pen_batches_cannot_open_the_log() -> None:
    opened = dict(evidence())
    before = opened[FIELD]
    opened[FIELD] = dataclasses.replace(before, items={
        k: v for k, v in before.items.items() if k != PEN_BATCHES_ITEM})
    (check,) = checks_of(FIELD, opened)
    assert check.verdict is Verdict.FAIL and check.reason == "pen_opening_missing"
    # Evidence that did not open at all is the evidence check's finding, not this one's.
    del opened[FIELD]
    (check,) = checks_of(FIELD, opened)
    assert check.verdict is Verdict.SKIP and check.reason == "evidence_not_opened"


def test_format_1_batches_are_reported_as_samples_in_clear() -> None:
    old = dataclasses.replace(
        next(e for e in entries() if e.kind == "pen.batch" and e.data["field"] == FIELD),
        data={"field": FIELD, "attempt": 1, "stroke": 1, "first": 0,
              "rows": [[1, 2, 3, 4, 1, None, None, 5, 6]]})
    found = checks_of(FIELD, logged=[*entries(), old], key=False)
    assert {c.reason for c in found} == {"pen_samples_in_clear", "archive_key_not_given"}


# --------------------------------------------------- a turn that ended without a signature
def sample(i: int) -> PenSample:
    return PenSample(x=1000 + i, y=2000 - i, x_mm=None, y_mm=None, pressure=300 + i % 50,
                     pressure_norm=0.3, tilt_x=None, tilt_y=None, buttons=PenButtons.NONE,
                     in_range=True, touching=i % 40 > 3, device_time=i, sequence=i,
                     t_ns=(5_000_000 + i * 5_000) * 1000)


def refused_turn(tmp_path: Path, samples: int = 900) -> list[LogEntry]:
    """A station log of a turn refused after the signatory wrote: batches, one undecodable
    report, then the sealed opening and the refusal."""
    site = small_site()
    log = CaptureLog.open(tmp_path / "terminal-9.jsonl", site.log_key("terminal-1"),
                          "terminal-9")
    try:
        log.append("turn.begin", {"field": "Sig_3_appropriate_adult"})
        pen = PenCapture("Sig_3_appropriate_adult", log.append, lambda _data: None)
        for i in range(samples):
            pen.add(sample(i))
            if i == samples // 2:
                log.append("pen.event", {"field": pen.field, "kind": "report_skipped",
                                         "data": {"report": pen.seal_report(b"\x10\xff")}})
        pen.flush()
        for data in sealed_entries(pen.opening(), site.archive_certificate()):
            log.append("pen.sealed", data)
        log.append("turn.refused", {"field": pen.field, "reason": "不签"})
    finally:
        log.close()
    lines = read_log_lines(log.path)
    return [parse_entry(lines.line(i)) for i in range(len(lines))]


def test_a_refused_turns_batches_open_from_the_log_itself(tmp_path: Path) -> None:
    logged = refused_turn(tmp_path)
    sealed = [e for e in logged if e.kind == "pen.sealed"]
    assert len(sealed) >= 2 and all(len(e.line) < 16_384 for e in sealed)
    assert all(set(e.data) == {"v", "field", "part", "parts", "batches", "reports", "sha256",
                               "envelope"} for e in sealed)
    (check,) = check_pen_commitments(logged, {}, small_site().archive_key())
    assert check.verdict is Verdict.PASS and check.details["samples"] == 900
    (check,) = check_pen_commitments(logged, {}, None)
    assert check.reason == "archive_key_not_given"
    # A missing part, or the wrong archive key, is said so.
    without_part = [e for e in logged if e is not sealed[1]]
    (check,) = check_pen_commitments(without_part, {}, small_site().archive_key())
    assert check.reason == "pen_sealed_incomplete"
    (check,) = check_pen_commitments(logged, {}, archive_key())
    assert check.reason == "pen_sealed_wrong_archive_key"


def test_a_changed_report_commitment_is_caught(tmp_path: Path) -> None:
    logged = refused_turn(tmp_path, samples=60)
    turn = pen_turns(logged)[0]
    site_opening = PenOpening(turn.field, bytes(32), ())
    assert [c.reason for c in compare_openings(turn, site_opening)] == \
        ["pen_batch_missing", "pen_report_mismatch"]


def test_the_opening_refuses_what_is_not_one() -> None:
    for bad in (b"[]", b"{", json.dumps({"format": "inkseal-pen-batches/2", "field": "x",
                                         "nonce": "00", "batches": []}).encode()):
        try:
            PenOpening.from_json(bad)
        except Exception as exc:  # noqa: BLE001 - the type is what is asserted
            assert getattr(exc, "reason", None) == "pen_opening_malformed"
        else:
            raise AssertionError(f"{bad!r} read as an opening")
    batch = PenBatch("f", 1, 0, None, 0, ((1, 2, 3, 0, 0, None, None, None, None),))
    assert PenOpening.from_json(PenOpening("f", bytes(32), (batch,)).to_json()).batches == \
        (batch,)


def test_a_turn_without_its_sealed_pen_data_is_named(tmp_path: Path) -> None:
    logged = [e for e in refused_turn(tmp_path, samples=60) if e.kind != "pen.sealed"]
    key = small_site().archive_key()
    (check,) = check_pen_commitments(logged, {}, key)
    assert check.verdict is Verdict.FAIL and check.reason == "pen_opening_missing"
    # A station that stopped mid-turn never sealed them: lost, said so, not tampering.
    unfinished = [e for e in logged if e.kind != "turn.refused"]
    (check,) = check_pen_commitments(unfinished, {}, key)
    assert check.verdict is Verdict.WARN and check.reason == "pen_opening_lost"
    failed = dataclasses.replace(logged[-1], kind="pen.seal_failed",
                                 data={"field": "Sig_3_appropriate_adult",
                                       "reason": "not_archive_certificate"})
    (check,) = check_pen_commitments([*logged, failed], {}, key)
    assert check.reason == "pen_opening_lost" and "not_archive_certificate" in check.message


# -------------------------------------------------------------------- any edit is caught
def synthetic_turn(samples: list[tuple[int, bool]]) -> tuple[PenTurn, PenOpening]:
    """A turn's pen.batch entries (as the verifier reads them) and its opening."""
    written: list[dict] = []
    pen = PenCapture("Sig_2_recorder", lambda kind, data: written.append(dict(data)),
                     lambda _data: None, nonce=bytes(range(32)))
    t = 1_000_000
    for i, (gap, touching) in enumerate(samples):
        t += gap
        pen.add(dataclasses.replace(sample(i), touching=touching, t_ns=t * 1000))
    pen.flush()
    template = entries()[0]
    turn = PenTurn("terminal-1", "Sig_2_recorder", batches=[
        dataclasses.replace(template, seq=100 + i, kind="pen.batch", data=data)
        for i, data in enumerate(written)])
    return turn, pen.opening()


edits = st.sampled_from(["drop", "swap", "change", "extra", "facts"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 40_000), st.booleans()), min_size=30, max_size=300),
       edits, st.randoms(use_true_random=False))
def test_any_single_edit_of_a_turn_is_caught(samples, edit: str, rnd) -> None:
    turn, real = synthetic_turn(samples)
    assert [c.reason for c in compare_openings(turn, real)] == ["ok"]
    batches = list(real.batches)
    i = rnd.randrange(len(batches))
    if edit == "drop":
        del batches[i]
    elif edit == "swap":
        if len(batches) < 2:
            return
        j = (i + 1) % len(batches)
        batches[i], batches[j] = batches[j], batches[i]
    elif edit == "change":
        rows = list(batches[i].rows)
        k = rnd.randrange(len(rows))
        row = list(rows[k])
        row[rnd.choice([0, 1, 2, 3, 7, 8])] += 1
        rows[k] = tuple(row)
        batches[i] = dataclasses.replace(batches[i], rows=tuple(rows))
    elif edit == "extra":
        batches.insert(i, dataclasses.replace(batches[i], first=batches[i].first + 10_000))
    else:
        entry = turn.batches[i]
        turn.batches[i] = dataclasses.replace(entry, data={**entry.data,
                                                           "last_us": entry.data["last_us"] + 1})
    expected = {"drop": "pen_batch_missing", "swap": "pen_batches_reordered",
                "change": "pen_batch_mismatch", "extra": "pen_batch_not_logged",
                "facts": "pen_batch_facts_mismatch"}[edit]
    found = compare_openings(turn, dataclasses.replace(real, batches=tuple(batches)))
    assert [c.reason for c in found] == [expected]
    assert all(c.verdict is Verdict.FAIL for c in found)
