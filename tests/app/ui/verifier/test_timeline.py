"""The capture-log timeline: every station on one axis, strokes from the pen batches, each
entry with what verification established about it."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from app.ui.verifier.contents import VerifiedPackage, open_verified
from app.ui.verifier.timeline import (
    EntryStatus,
    EventKind,
    StationLog,
    entry_statuses,
    event_kind,
)
from crypto.pades_report import Check, Verdict
from tests.app.ui.verifier.conftest import Demo


def test_log_kinds_map_to_timeline_kinds() -> None:
    assert event_kind("page.view") is EventKind.PAGE
    assert event_kind("pen.clear") is EventKind.CLEAR
    assert event_kind("turn.refused") is EventKind.TURN
    assert event_kind("turn.begin") is EventKind.TURN
    assert event_kind("av.event", {"type": "gap"}) is EventKind.GAP
    assert event_kind("av.segment") is EventKind.MEDIA
    assert event_kind("seal.begin") is EventKind.SEAL
    assert event_kind("fingerprint.captured") is EventKind.FINGERPRINT
    assert event_kind("photo.taken") is EventKind.PHOTO
    assert event_kind("pen.accepted") is EventKind.PEN
    assert event_kind("log.genesis") is EventKind.OTHER


def test_every_station_on_one_axis_in_order(verified: VerifiedPackage) -> None:
    events = verified.timeline
    assert {e.station for e in events} == {"workstation-1", "terminal-1"}
    assert [e.wall_us for e in events] == sorted(e.wall_us for e in events)
    kinds = {e.kind for e in events}
    assert {EventKind.PAGE, EventKind.STROKE, EventKind.FINGERPRINT, EventKind.PHOTO,
            EventKind.TURN, EventKind.MEDIA, EventKind.GAP, EventKind.SEAL} <= kinds
    # Wall time and session time differ by the station's one offset.
    for log in verified.logs:
        offsets = {e.wall_us - e.mono_us for e in events if e.station == log.station}
        assert offsets == {log.wall_offset_us}
    # The seal comes after the last signature of every station.
    seal = next(e for e in events if e.kind is EventKind.SEAL)
    assert all(e.wall_us < seal.wall_us for e in events
               if e.kind is EventKind.TURN and e.log_kind == "turn.signed")


def test_strokes_are_the_pen_down_runs_the_station_accepted(verified: VerifiedPackage) -> None:
    accepted = {e.field: e.data for e in verified.timeline if e.log_kind == "pen.accepted"}
    assert set(accepted) == {"Sig_2_recorder", "Sig_3_appropriate_adult", "Sig_4_suspect"}
    for field, data in accepted.items():
        strokes = [e for e in verified.timeline if e.kind is EventKind.STROKE
                   and e.field == field]
        assert len(strokes) == data["strokes"]
        assert all(s.samples > 0 and s.duration_us >= 0 for s in strokes)
        # Each stroke ends before the next begins.
        assert all(a.mono_us + a.duration_us <= b.mono_us for a, b in zip(strokes, strokes[1:]))
        ink = verified.signatures[field]
        assert sum(s.samples for s in strokes) == sum(p.touching for p in ink.points)


def test_placed_events_use_their_own_time(verified: VerifiedPackage) -> None:
    page = next(e for e in verified.timeline if e.kind is EventKind.PAGE)
    entry = verified.entry(page.station, page.line)
    assert entry is not None and entry.kind == "page.view"
    assert page.mono_us == entry.data["from_us"]
    assert page.duration_us == entry.data["shown_ms"] * 1000
    segment = next(e for e in verified.timeline if e.log_kind == "av.segment"
                   and e.data["index"] == 1)
    clock = verified.media[segment.station].clock
    assert clock is not None
    logged = verified.entry(segment.station, segment.line)
    assert logged is not None
    # Logged once written, placed at the session instant its first media block was recorded
    # (through the recording's clock and its anchors, not back through media_s: where the
    # timeline jumped, an instant can lie on two pieces of it).
    assert segment.mono_us < logged.mono_us
    assert abs(segment.mono_us - clock.mono_us(segment.data["first_ms"] / 1000)) <= 1


def test_a_verified_package_verifies_every_entry(verified: VerifiedPackage) -> None:
    assert {e.status for e in verified.timeline} == {EntryStatus.VERIFIED}


def test_an_edited_line_is_the_fault_and_the_rest_is_not_established(
        demo: Demo, tmp_path: Path) -> None:
    with zipfile.ZipFile(demo.package) as archive:
        archive.extractall(tmp_path)
    bag = next(p for p in tmp_path.iterdir() if p.is_dir())
    log_path = bag / "data" / "logs" / "terminal-1.jsonl"
    lines = log_path.read_bytes().split(b"\n")
    target = next(i for i, line in enumerate(lines) if b'"kind":"page.view"' in line)
    lines[target] = lines[target].replace(b'"page":1', b'"page":2')
    log_path.write_bytes(b"\n".join(lines))
    package = open_verified(bag)
    try:
        assert package.report.outcome.value == "fail"
        faults = [e for e in package.timeline if e.status is EntryStatus.FAULT]
        edited = [e for e in faults if e.station == "terminal-1"]
        assert [(e.line, e.log_kind) for e in edited] == [(target + 1, "page.view")]
        assert "changed after it was signed" in edited[0].status_text
        # The other station's cross-anchor to the edited log is named too, nothing else.
        assert {e.log_kind for e in faults if e.station != "terminal-1"} <= {"log.anchor"}
        others = {e.status for e in package.timeline if e.station == "terminal-1"
                  and e.status is not EntryStatus.FAULT}
        assert others == {EntryStatus.UNVERIFIED}
    finally:
        package.close()
        shutil.rmtree(bag)


def test_entries_after_the_sealed_checkpoint_are_marked_unsealed(
        verified: VerifiedPackage) -> None:
    log = verified.logs[0]
    checks = [Check("capture_log", log.station, Verdict.PASS, "ok", "", {"entries": 3}),
              Check("capture_log", "combined", Verdict.PASS, "ok", "")]
    statuses = entry_statuses([StationLog(log.station, log.entries[:5])], checks)
    assert [statuses[(log.station, n)][0] for n in range(1, 6)] == [
        EntryStatus.VERIFIED] * 3 + [EntryStatus.UNSEALED] * 2
    untrusted = [Check("log_key", log.station, Verdict.FAIL, "untrusted", "key not trusted")]
    statuses = entry_statuses([StationLog(log.station, log.entries[:2])], untrusted)
    assert statuses[(log.station, 1)] == (EntryStatus.UNVERIFIED, "key not trusted")


def test_strokes_come_alike_from_clear_rows_and_from_committed_batches(
        verified: VerifiedPackage) -> None:
    """An archived package of format 1 (rows in clear) and one of format 2 (commitments with
    counts and times) show the same strokes."""
    import dataclasses

    from app.ui.verifier.timeline import build_timeline

    template = next(e for log in verified.logs for e in log.entries if e.kind == "pen.batch")
    rows = [[1_000 + i * 5_000, 10, 20, 300 if 3 <= i < 9 or i >= 12 else 0,
             int(3 <= i < 9 or i >= 12), None, None, i, i] for i in range(15)]
    old = [dataclasses.replace(template, seq=1, data={"field": "f", "attempt": 1, "stroke": None,
                                                      "first": 0, "rows": rows})]
    runs = [(0, 3, False, None), (3, 9, True, 1), (9, 12, False, None), (12, 15, True, 2)]
    new = [dataclasses.replace(template, seq=1 + i, data={
        "v": 2, "field": "f", "attempt": 1, "batch": i, "stroke": stroke, "first": a,
        "count": b - a, "first_us": rows[a][0], "last_us": rows[b - 1][0], "touching": down,
        "commit": "0" * 64}) for i, (a, b, down, stroke) in enumerate(runs)]
    shapes = []
    for entries in (old, new):
        strokes = [e for e in build_timeline([StationLog("s", tuple(entries))], [])
                   if e.kind is EventKind.STROKE]
        shapes.append([(s.mono_us, s.duration_us, s.samples) for s in strokes])
    assert shapes[0] == shapes[1] == [(16_000, 25_000, 6), (61_000, 10_000, 3)]
