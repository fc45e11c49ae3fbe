"""The signing station, step by step, through the real device drivers on simulated devices
(STU pad emulator, R30x module on a pty, synthetic camera and microphone): what each step
writes into the capture log, what it publishes, and what it refuses."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from crypto.capture_log import CaptureLog
from crypto.capture_log_entry import LogEntry, parse_entry
from crypto.capture_log_file import read_log_lines
from crypto.evidence import open_package_file
from crypto.evidence_pen import PenOpening, open_sealed
from crypto.pades_document import open_reader
from crypto.pades_verify_evidence import evidence_of
from devices.av import EncoderSettings, RecorderSettings, list_path_for
from devices.clock import SessionClock
from devices.pen import PadMode, PadSpec
from records.fonts import cjk_font_path
from records.render import RenderRequest, render_record, signatory_lines
from records.session import SigningStation, StationConfig
from records.session_media import MediaSources
from records.session_signing import TurnSigner
from records.session_types import (
    OutcomeKind,
    SignatureOutcome,
    StationError,
    StationEventKind,
    TurnRequest,
    TurnState,
)
from records.templates import load_templates
from resources import ROOT as RESOURCES
from tests.records.test_session_world import in_process_timestamps, small_site

STU_LOG = RESOURCES / "devices" / "stu-pen-log.csv"
FIELD = "Sig_4_suspect"


@cache
def draft() -> tuple[bytes, int]:
    template = load_templates()["interrogation_transcript"]
    values = template.example_values()
    rendered = render_record(RenderRequest(template=template, values=values, record_id="REC-1",
                                           revision=0, language="zh",
                                           created=template.example_created,
                                           signatories=signatory_lines(template, values)))
    return rendered.pdf, rendered.pages


def request() -> TurnRequest:
    pdf, pages = draft()
    return TurnRequest("REC-1", 0, 4, FIELD, "person-4", "王某某", "suspect", "被讯问人",
                       "Person interrogated", pages, pdf)


@dataclass
class Rig:
    station: SigningStation
    log: CaptureLog
    events: list

    def entries(self) -> list[LogEntry]:
        self.log.flush()
        lines = read_log_lines(self.log.path)
        return [parse_entry(lines.line(i)) for i in range(len(lines))]

    def kinds(self) -> list[str]:
        return [e.kind for e in self.entries()]

    def of(self, kind: str) -> list[LogEntry]:
        return [e for e in self.entries() if e.kind == kind]


def make_rig(tmp_path: Path, *, media: bool, variant: int = 3) -> Rig:
    site = small_site()
    clock = SessionClock()
    log = CaptureLog.open(tmp_path / "terminal-1.jsonl", site.log_key("terminal-1"),
                          "terminal-1", clock=clock)
    signer = TurnSigner(site.station_signing_key("terminal-1"), site.archive_certificate(),
                        in_process_timestamps(site), cjk_font_path(), clock)
    sources = MediaSources("synthetic", "synthetic", RecorderSettings(
        size=(160, 120), fps=10, encoder=EncoderSettings(preset="ultrafast")))
    config = StationConfig("terminal-1", tmp_path / "media", cjk_font_path(),
                           pad=PadSpec(pad="simulated", mode=PadMode.SIMULATED,
                                       simulated_log=STU_LOG, replay_speed=None,
                                       variant=variant),
                           fingerprint_settle_s=0.2, media=sources if media else None)
    station = SigningStation(config, log_to=log, signer=signer, clock=clock)
    events: list = []
    station.subscribe(events.append)
    return Rig(station, log, events)


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    made = make_rig(tmp_path, media=False)
    yield made
    made.station.close()
    made.log.close()


def read_all_pages(station: SigningStation, pages: int) -> None:
    for page in range(1, pages + 1):
        station.page_shown(page)
        time.sleep(0.01)
    station.page_hidden()


def wait_for_pen(station: SigningStation, idle_s: float = 0.3) -> int:
    last, since = -1, time.monotonic()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        count = station.pen_sample_count()
        if count != last:
            last, since = count, time.monotonic()
        elif count and time.monotonic() - since > idle_s:
            return count
        time.sleep(0.02)
    raise AssertionError("the simulated pad never finished")


# ------------------------------------------------------------------------- a whole turn
def test_a_signed_turn_logs_every_step(tmp_path: Path) -> None:
    rig = make_rig(tmp_path, media=True)
    station = rig.station
    try:
        turn = request()
        station.show_record("REC-1", "ab" * 32, turn.pages)
        station.begin_turn(turn)
        read_all_pages(station, turn.pages)
        station.start_signing()
        samples = wait_for_pen(station)
        station.accept_signature()
        capture = station.capture_fingerprint()
        photo = station.take_photo()
        outcome = station.finish_turn()
        artifacts = station.close_record()
    finally:
        station.close()
        rig.log.close()
    entries = rig.entries()
    kinds = [e.kind for e in entries]
    # The order of the turn, as the log tells it.
    order = ["station.record", "av.started", "turn.begin", "page.view", "device.pad",
             "pen.prompt", "pen.batch", "pen.accepted", "fingerprint.captured", "photo.taken",
             "turn.signed", "av.stopped", "station.closed"]
    firsts = [kinds.index(k) for k in order]
    assert firsts == sorted(firsts), kinds
    views = [e.data for e in entries if e.kind == "page.view"]
    assert [v["page"] for v in views] == list(range(1, turn.pages + 1))
    assert all(v["shown_ms"] >= 10 and v["field"] == FIELD for v in views)
    # Strokes: every sample once, in batches that never mix pen-down and hover; the log
    # has their commitments and counts, never a sample.
    batches = [e.data for e in entries if e.kind == "pen.batch"]
    accepted = next(e for e in entries if e.kind == "pen.accepted")
    assert sum(b["count"] for b in batches) == samples == accepted.data["samples"] == 154
    assert all(b["v"] == 2 and "rows" not in b for b in batches)
    assert all((b["stroke"] is None) == (not b["touching"]) for b in batches)
    assert all(b["last_us"] - b["first_us"] < 100_000 for b in batches)
    # Devices: simulated, and said so where it happened; no file of this machine named.
    pad = next(e for e in entries if e.kind == "device.pad")
    assert pad.data["simulated"] is True and "simulated" in pad.data["name"].lower()
    assert pad.data["details"]["pen_log"] == STU_LOG.name
    assert str(STU_LOG.parent) not in json.dumps([e.data for e in entries], ensure_ascii=False)
    press = next(e for e in entries if e.kind == "fingerprint.captured")
    assert press.data["simulated"] is True and press.data["score"] == capture.quality.score
    assert press.blob.sha256 == capture.sha256 == hashlib.sha256(capture.png).hexdigest()
    shot = next(e for e in entries if e.kind == "photo.taken")
    assert shot.blob.sha256 == photo.sha256 and shot.data["simulated"] is True
    assert next(e for e in entries if e.kind == "av.started").data["simulated"] == \
        ["camera", "microphone"]
    assert station.simulated == ("camera", "fingerprint", "microphone", "pad")
    # Every finished segment logged, matching the recorder's own list and file.
    segments = [e for e in entries if e.kind == "av.segment"]
    recording = artifacts.recording
    assert recording is not None and len(segments) == len(recording.segments) > 0
    media = recording.path.read_bytes()
    for entry in segments:
        start, length = entry.data["offset"], entry.blob.length
        assert hashlib.sha256(media[start:start + length]).hexdigest() == entry.blob.sha256
    stopped = next(e for e in entries if e.kind == "av.stopped")
    assert stopped.blob.sha256 == hashlib.sha256(media).hexdigest()
    assert list_path_for(recording.path).exists()
    # The signature and its evidence, as logged.
    signed = next(e for e in entries if e.kind == "turn.signed")
    assert outcome.kind is OutcomeKind.SIGNED and outcome.signed_pdf.startswith(turn.pdf)
    assert signed.data["evidence_sha256"] == outcome.evidence_sha256 == \
        hashlib.sha256(outcome.evidence_file).hexdigest()
    assert signed.data["signed_pdf_sha256"] == hashlib.sha256(outcome.signed_pdf).hexdigest()
    assert signed.data["items"]["pen_track"] == accepted.blob.sha256
    assert signed.data["items"]["fingerprint"] == capture.sha256
    first, last = outcome.log_seqs
    assert entries[first].kind == "turn.begin" and entries[last].kind == "turn.signed"
    sig = next(s for s in open_reader(outcome.signed_pdf).embedded_signatures)
    attribute = evidence_of(sig)
    opened = open_package_file(outcome.evidence_file, attribute, small_site().archive_key())
    assert set(opened.items) == {"pen_track", "pen_track_readable", "fingerprint", "photo",
                                 "capture", "pen_batches"}
    # The evidence opens every logged commitment, in order, and holds every sample.
    opening = PenOpening.from_json(opened.items["pen_batches"])
    assert opening.commitments() == [b["commit"] for b in batches]
    assert [len(b.rows) for b in opening.batches] == [b["count"] for b in batches]
    assert all(len({r[4] for r in b.rows}) == 1 for b in opening.batches)
    assert signed.data["items"]["pen_batches"] == \
        hashlib.sha256(opened.items["pen_batches"]).hexdigest()
    assert opened.items["photo"] == photo.data and opened.items["fingerprint"] == capture.png
    assert SignatureOutcome.from_bytes(outcome.to_bytes()) == outcome
    published = {e.kind for e in rig.events}
    assert {StationEventKind.PAGE_VIEWED, StationEventKind.INK, StationEventKind.FINGERPRINT,
            StationEventKind.PHOTO, StationEventKind.SEGMENT, StationEventKind.TURN_ENDED,
            StationEventKind.LOGGED, StationEventKind.LOG_LINE,
            StationEventKind.PREVIEW} <= published
    preview = next(e for e in rig.events if e.kind is StationEventKind.PREVIEW)
    assert preview.data["jpeg"].startswith(b"\xff\xd8") and preview.data["simulated"]
    assert station.state is TurnState.IDLE


# ------------------------------------------------------------------------- the rules
def test_signing_waits_until_every_page_was_shown(rig: Rig) -> None:
    station = rig.station
    turn = request()
    station.show_record("REC-1", "ab" * 32, turn.pages)
    station.begin_turn(turn)
    station.page_shown(1)
    with pytest.raises(StationError) as refused:
        station.start_signing()
    assert refused.value.reason == "pages_not_shown" and refused.value.field == FIELD
    assert "[2, 3]" in refused.value.en
    with pytest.raises(StationError) as bad:
        station.page_shown(turn.pages + 1)
    assert bad.value.reason == "bad_page"
    read_all_pages(station, turn.pages)
    station.start_signing()
    assert station.state is TurnState.SIGNING
    assert [e.data["page"] for e in rig.of("page.view")] == [1, 1, 2, 3]


def test_a_clear_is_logged_and_the_discarded_attempt_stays_in_the_log(rig: Rig) -> None:
    station = rig.station
    turn = request()
    station.show_record("REC-1", "ab" * 32, turn.pages)
    station.begin_turn(turn)
    read_all_pages(station, turn.pages)
    station.start_signing()
    discarded = wait_for_pen(station)
    station.clear("signatory asked to start over")
    (cleared,) = rig.of("pen.clear")
    assert cleared.data == {"field": FIELD, "attempt": 1, "discarded_samples": discarded,
                            "discarded_strokes": 2, "reason": "signatory asked to start over"}
    assert sum(b.data["count"] for b in rig.of("pen.batch")
               if b.data["attempt"] == 1) == discarded
    assert station.pen_sample_count() == 0
    # The simulated take is over: nothing was signed on the new attempt.
    with pytest.raises(StationError) as empty:
        station.accept_signature()
    assert empty.value.reason == "no_ink"
    cleared_event = next(e for e in rig.events if e.kind is StationEventKind.CLEARED)
    assert cleared_event.data == {"attempt": 2, "discarded": discarded}
    # Refused after all: the discarded attempt's samples are kept, encrypted for the archive,
    # in the log itself (no evidence bundle is made for a refusal).
    station.refuse("不签了")
    kinds = rig.kinds()
    sealed = rig.of("pen.sealed")
    assert sealed and kinds.index("pen.sealed") < kinds.index("turn.refused")
    opening = open_sealed([e.data for e in sealed], small_site().archive_key())
    assert opening.commitments() == [b.data["commit"] for b in rig.of("pen.batch")]
    assert sum(len(b.rows) for b in opening.batches) == discarded
    assert "envelope" in sealed[0].data and all(len(e.line) < 16_384 for e in sealed)


def test_a_refusal_is_logged_with_its_reason(rig: Rig) -> None:
    station = rig.station
    turn = request()
    station.show_record("REC-1", "ab" * 32, turn.pages)
    station.begin_turn(turn)
    station.page_shown(1)
    with pytest.raises(StationError) as empty:
        station.refuse("  ")
    assert empty.value.reason == "refusal_reason_required"
    outcome = station.refuse("认为笔录第二页记载与本人陈述不符")
    assert outcome.kind is OutcomeKind.REFUSED and not outcome.signed_pdf
    assert outcome.refusal_reason == "认为笔录第二页记载与本人陈述不符"
    (refused,) = rig.of("turn.refused")
    assert refused.data == {"field": FIELD, "reason": "认为笔录第二页记载与本人陈述不符"}
    assert rig.of("page.view")[0].data["page"] == 1  # the page on screen was closed first
    assert station.state is TurnState.IDLE
    assert SignatureOutcome.from_bytes(outcome.to_bytes()) == outcome


def test_steps_out_of_order_are_refused_with_the_step_named(rig: Rig) -> None:
    station = rig.station
    turn = request()
    with pytest.raises(StationError) as unseen:
        station.begin_turn(turn)
    assert unseen.value.reason == "record_not_shown"
    station.show_record("REC-1", "ab" * 32, turn.pages)
    with pytest.raises(StationError) as twice:
        station.show_record("REC-1", "ab" * 32, turn.pages)
    assert twice.value.reason == "record_open"
    station.begin_turn(turn)
    for step in (station.accept_signature, station.take_photo, station.finish_turn,
                 station.capture_fingerprint):
        with pytest.raises(StationError) as wrong:
            step()
        assert wrong.value.reason == "wrong_step" and wrong.value.field == FIELD
    with pytest.raises(StationError) as open_turn:
        station.begin_turn(turn)
    assert open_turn.value.reason == "turn_open"
    station.cancel_turn("the prosecutor called it off")
    assert rig.of("turn.cancelled")[0].data["reason"] == "the prosecutor called it off"


def test_without_a_camera_the_turn_signs_without_a_photo(rig: Rig) -> None:
    station = rig.station
    turn = request()
    station.show_record("REC-1", "ab" * 32, turn.pages)
    station.begin_turn(turn)
    read_all_pages(station, turn.pages)
    station.start_signing()
    wait_for_pen(station)
    station.accept_signature()
    with pytest.raises(StationError) as no_camera:
        station.take_photo()
    assert no_camera.value.reason == "wrong_step"
    station.capture_fingerprint()
    with pytest.raises(StationError) as still_none:
        station.take_photo()
    assert still_none.value.reason == "no_camera"
    outcome = station.finish_turn()
    assert outcome.signed and "photo" not in rig.of("turn.signed")[0].data["items"]


def test_a_failing_capture_log_blocks_the_signature(rig: Rig) -> None:
    station = rig.station
    turn = request()
    station.show_record("REC-1", "ab" * 32, turn.pages)
    station.begin_turn(turn)
    read_all_pages(station, turn.pages)
    station.start_signing()
    wait_for_pen(station)
    station.accept_signature()
    rig.log.close()  # the disk is gone, say
    station.capture_fingerprint()
    with pytest.raises(StationError) as blocked:
        station.finish_turn()
    assert blocked.value.reason == "log_failed"
    faults = [e for e in rig.events if e.kind is StationEventKind.FAULT]
    assert faults and faults[0].data["reason"] == "closed"


def test_a_listener_that_raises_does_not_stop_the_station(rig: Rig) -> None:
    def broken(event: object) -> None:
        raise RuntimeError("a UI bug")

    rig.station.subscribe(broken)
    turn = request()
    rig.station.show_record("REC-1", "ab" * 32, turn.pages)
    rig.station.begin_turn(turn)
    assert rig.station.state is TurnState.READING and rig.of("turn.begin")


# ------------------------------------------------------------------- what crosses the link
def test_turn_requests_travel_as_json_with_the_pdf_beside_them() -> None:
    turn = request()
    again = TurnRequest.from_json(turn.to_json(), turn.pdf)
    assert again == turn and again.prompt[0].startswith("被讯问人 王某某")
    with pytest.raises(StationError) as mismatch:
        TurnRequest.from_json(turn.to_json(), turn.pdf + b"x")
    assert mismatch.value.reason == "pdf_mismatch"
    with pytest.raises(StationError) as bad:
        TurnRequest.from_json({"record_id": "x"}, turn.pdf)
    assert bad.value.reason == "bad_request"


def test_damaged_outcomes_are_refused() -> None:
    outcome = SignatureOutcome(OutcomeKind.SIGNED, "REC-1", 4, FIELD, "terminal-1", ("pad",),
                               (3, 9), b"%PDF-1.7 signed", b"evidence",
                               hashlib.sha256(b"evidence").hexdigest())
    data = outcome.to_bytes()
    assert SignatureOutcome.from_bytes(data) == outcome
    for damaged in (data[:-1], data[:-1] + b"X", b"garbage", data.replace(b"signed", b"sig")):
        with pytest.raises(StationError) as bad:
            SignatureOutcome.from_bytes(damaged)
        assert bad.value.reason == "bad_outcome"


def test_log_lines_are_published_byte_for_byte_in_order_for_the_link(rig: Rig) -> None:
    lines: list[tuple[int, bytes]] = []
    rig.station.subscribe(lambda e: lines.append((e.data["seq"], e.data["line"]))
                          if e.kind is StationEventKind.LOG_LINE else None)
    turn = request()
    rig.station.show_record("REC-1", "ab" * 32, turn.pages)
    rig.station.begin_turn(turn)
    read_all_pages(rig.station, turn.pages)
    rig.log.flush()
    on_disk = rig.log.path.read_bytes().splitlines()
    assert [seq for seq, _ in lines] == list(range(1, len(on_disk)))  # after the genesis line
    assert [line for _, line in lines] == on_disk[1:]


def test_the_terminal_serves_a_turn_from_what_the_link_carries(rig: Rig) -> None:
    from records.session_script import SignatoryScript, scripted_turn
    from records.session_stations import serve_turn

    turn = request()
    rig.station.show_record("REC-1", "ab" * 32, turn.pages)
    payload = serve_turn(rig.station, scripted_turn(SignatoryScript(
        page_dwell_s=0, refuse="不签")), json.loads(json.dumps(turn.to_json())), turn.pdf)
    outcome = SignatureOutcome.from_bytes(payload)
    assert outcome.kind is OutcomeKind.REFUSED and outcome.refusal_reason == "不签"
    with pytest.raises(StationError) as tampered:
        serve_turn(rig.station, scripted_turn(), turn.to_json(), turn.pdf[:-1])
    assert tampered.value.reason == "pdf_mismatch"


def test_station_configuration_follows_the_device_settings(tmp_path: Path) -> None:
    from records.session_config import station_config

    simulated = station_config("terminal-1", media_dir=tmp_path, font_path=cjk_font_path(),
                               mode="simulated", simulated_pad_log=STU_LOG, video_size=(640, 360),
                               video_fps=15)
    assert simulated.pad.pad == "simulated" and simulated.pad.mode is PadMode.SIMULATED
    assert simulated.fingerprint == "simulated:r30x"
    assert simulated.media.camera == simulated.media.microphone == "synthetic"
    assert simulated.media.settings.size == (640, 360) and simulated.media.settings.fps == 15
    real = station_config("terminal-1", media_dir=tmp_path, font_path=cjk_font_path(),
                          mode="hardware", pad="/dev/hidraw3", fingerprint="/dev/ttyUSB0",
                          camera="0", microphone="USB Audio")
    assert real.pad.pad == "/dev/hidraw3" and real.pad.mode is PadMode.HARDWARE
    assert real.fingerprint == "/dev/ttyUSB0" and real.media.camera == "0"
    assert real.media.settings.allow_simulated is False

