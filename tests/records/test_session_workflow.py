"""The record workflow on the workstation: certification, the signatories' turns at their
stations (the terminal reached through the same serialised request and outcome the link
carries), a refusal recorded and logged, the seal over both machines' logs, the package, and
the verifier's verdict on it."""

from __future__ import annotations

import contextlib
import hashlib
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crypto.capture_log import CaptureLog
from crypto.pades_report import Verdict
from crypto.verify_package import verify_package
from devices.clock import SessionClock
from devices.pen import PadMode, PadSpec
from records.blobstore import BlobStore
from records.evidence_bundle import ink_from_iso
from records.executor import ImmediateExecutor
from records.fonts import cjk_font_path
from records.package import write_package
from records.service import RecordService, ulid_factory
from records.session import SigningStation, StationConfig
from records.session_script import SignatoryScript, scripted_turn
from records.session_signing import TurnSigner
from records.session_stations import LocalStation, StationClosing
from records.session_types import SignatureOutcome, StationError, TurnRequest
from records.session_workflow import RecordWorkflow
from records.signing import RecordState, SignatoryState
from records.storage import open_database, sqlite_url
from records.templates import Role, load_templates
from resources import ROOT as RESOURCES
from tests.records.test_session_world import in_process_timestamps, small_site

STU_LOG = RESOURCES / "devices" / "stu-pen-log.csv"
REFUSAL = "笔录第三页与我说的不一致，拒绝签名"


def now() -> datetime:
    return datetime.now(UTC)


class LinkedTerminal:
    """The terminal as the workstation reaches it over the link: only the request's JSON and
    PDF bytes go there, only the outcome's bytes come back."""

    def __init__(self, inner: LocalStation) -> None:
        self.inner = inner
        self.carried: list[int] = []

    @property
    def name(self) -> str:
        return self.inner.name

    def show_record(self, record_id: str, record_sha256: str, pdf: bytes, pages: int) -> None:
        self.inner.show_record(record_id, record_sha256, pdf, pages)

    def run_turn(self, request: TurnRequest) -> SignatureOutcome:
        wire = json.loads(json.dumps(request.to_json()))
        outcome = self.inner.run_turn(TurnRequest.from_json(wire, bytes(request.pdf)))
        payload = outcome.to_bytes()
        self.carried.append(len(payload))
        return SignatureOutcome.from_bytes(payload)

    def close_record(self, record_id: str) -> StationClosing:
        return self.inner.close_record(record_id)


@dataclass
class Office:
    service: RecordService
    blobs: BlobStore
    workflow: RecordWorkflow
    terminal: LinkedTerminal
    record_id: str
    logs: dict[str, CaptureLog]


def station(name: str, log: CaptureLog, clock: SessionClock, tmp: Path,
            variant: int, key_of: str | None = None) -> SigningStation:
    site = small_site()
    config = StationConfig(name, tmp / "media", cjk_font_path(),
                           pad=PadSpec(pad="simulated", mode=PadMode.SIMULATED,
                                       simulated_log=STU_LOG, replay_speed=None,
                                       variant=variant),
                           fingerprint_settle_s=0.2, media=None)
    signer = TurnSigner(site.station_signing_key(key_of or name), site.archive_certificate(),
                        in_process_timestamps(site), cjk_font_path(), clock)
    return SigningStation(config, log_to=log, signer=signer, clock=clock)


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Office]:
    site = small_site()
    template = load_templates()["interrogation_transcript"]
    with contextlib.ExitStack() as stack:
        database = open_database(sqlite_url(tmp_path / "office.sqlite3"))
        stack.callback(database.dispose)
        blobs = BlobStore(tmp_path / "blobs")
        service = RecordService(database.sessions, blobs, {template.id: template},
                                executor=ImmediateExecutor(), clock=now,
                                new_id=ulid_factory(now))
        case = service.create_case("渝南检刑捕受〔2020〕12号", "王某某盗窃案", "南岸区检察院",
                                   "盗窃").result()
        service.add_person(case.id, "李明", Role.PROSECUTOR).result()
        service.add_person(case.id, "陈静", Role.RECORDER).result()
        suspect = service.add_person(case.id, "王某某", Role.SUSPECT, minor=True).result()
        service.add_person(case.id, "赵红", Role.APPROPRIATE_ADULT, acts_for=suspect.id).result()
        record = service.draft_record(case.id, template.id, template.example_values()).result()
        clock = SessionClock()
        logs = {}
        for name in ("workstation-1", "terminal-1"):
            logs[name] = CaptureLog.open(tmp_path / f"{name}.jsonl", site.log_key(name), name,
                                         clock=clock)
            stack.callback(logs[name].close)
        ws = station("workstation-1", logs["workstation-1"], clock, tmp_path, 4)
        term = station("terminal-1", logs["terminal-1"], clock, tmp_path, 6)
        for made in (ws, term):
            stack.callback(made.close)
        terminal = LinkedTerminal(LocalStation(
            term, scripted_turn(SignatoryScript(page_dwell_s=0, pen_idle_s=0.2,
                                                refuse=REFUSAL)),
            log=logs["terminal-1"], own_log=True))
        local = LocalStation(ws, scripted_turn(SignatoryScript(page_dwell_s=0, pen_idle_s=0.2)),
                             log=logs["workstation-1"], own_log=False)
        workflow = RecordWorkflow(service, blobs, site, in_process_timestamps(site),
                                  logs["workstation-1"], font_path=cjk_font_path(),
                                  stations={"workstation": local, "terminal": terminal},
                                  wall_clock=now)
        yield Office(service, blobs, workflow, terminal, record.id, logs)


def test_a_record_with_a_refusal_is_signed_sealed_packaged_and_verified(office: Office,
                                                                       tmp_path: Path) -> None:
    workflow, record_id = office.workflow, office.record_id
    workflow.open(record_id)
    with pytest.raises(StationError) as early:
        workflow.seal(record_id)
    assert early.value.reason == "not_ready"
    certified = workflow.certify(record_id)
    assert certified.head.signatories[0].state is SignatoryState.SIGNED
    view = workflow.run_turns(record_id)
    assert view.state is RecordState.READY
    states = {s.role: (s.state, s.refusal_reason) for s in view.head.signatories}
    assert states["suspect"] == (SignatoryState.REFUSED, REFUSAL)
    assert states["appropriate_adult"][0] is SignatoryState.SIGNED
    assert [t.field_name for t in workflow.turns] == ["Sig_2_recorder",
                                                      "Sig_3_appropriate_adult",
                                                      "Sig_4_suspect"]
    assert office.terminal.carried and all(n > 0 for n in office.terminal.carried)
    # The turns, recorded by the workstation as the stations reported them.
    signed = next(t for t in workflow.turns if t.field_name == "Sig_3_appropriate_adult")
    row = next(s for s in view.head.signatories if s.field_name == "Sig_3_appropriate_adult")
    assert row.evidence_sha256 == signed.outcome.evidence_sha256
    assert office.blobs.read_bytes(row.evidence_sha256) == signed.outcome.evidence_file
    sealed = workflow.seal(record_id)
    assert sealed.view.state is RecordState.SEALED
    assert sealed.view.seal.checkpoint_sha256 == hashlib.sha256(sealed.logs.to_json()).hexdigest()
    assert [c.station for c in sealed.closings] == ["workstation-1", "terminal-1"]
    assert sealed.logs.notes()[0].startswith(f"inkseal/{record_id}/sealed\n")
    package = write_package(tmp_path / "record.zip", sealed, service=office.service,
                            blobs=office.blobs, site=small_site())
    report = verify_package(package.path, trust=[small_site().root],
                            archive_key=small_site().archive_key(), pen_decoder=ink_from_iso)
    assert report.ok and report.trusted, [c.message for c in report.failures()]
    refusal = next(c for c in report.checks if c.name == "log_binding"
                   and c.subject == "Sig_4_suspect")
    assert refusal.verdict is Verdict.PASS and REFUSAL in refusal.message
    with zipfile.ZipFile(package.path) as zf:
        names = {n.split("/", 1)[1] for n in zf.namelist()}
    assert "data/evidence/Sig_4_suspect.p7m" not in names
    assert "data/evidence/Sig_3_appropriate_adult.p7m" in names


def test_workstation_log_tells_the_workflow_in_order(office: Office) -> None:
    workflow, record_id = office.workflow, office.record_id
    workflow.open(record_id)
    workflow.certify(record_id)
    workflow.run_turns(record_id)
    workflow.seal(record_id)
    lines = office.logs["workstation-1"].path.read_bytes().splitlines()
    kinds = [json.loads(line)["kind"] for line in lines]
    expected = ["record.opened", "record.pushed", "record.certified", "turn.requested",
                "turn.recorded", "log.anchor", "seal.begin"]
    firsts = [kinds.index(k) for k in expected]
    assert firsts == sorted(firsts)
    assert kinds.count("turn.recorded") == 3 and kinds[-1] == "seal.begin"
    recorded = [json.loads(line)["data"] for line in lines
                if json.loads(line)["kind"] == "turn.recorded"]
    assert [r["outcome"] for r in recorded] == ["signed", "signed", "refused"]
    assert recorded[-1]["station"] == "terminal-1" and recorded[-1]["refusal_reason"] == REFUSAL


def test_a_turn_for_a_station_that_is_not_there_is_refused(office: Office) -> None:
    workflow, record_id = office.workflow, office.record_id
    del workflow.stations["workstation"]
    workflow.certify(record_id)
    with pytest.raises(StationError) as missing:
        workflow.run_turn(record_id)
    assert missing.value.reason == "no_station" and missing.value.field == "Sig_2_recorder"


class ForgingTerminal(LinkedTerminal):
    """A terminal whose answer is not what the workstation may record."""

    def __init__(self, inner: LocalStation, forge: str) -> None:
        super().__init__(inner)
        self.forge = forge

    def run_turn(self, request: TurnRequest) -> SignatureOutcome:
        from dataclasses import replace

        outcome = super().run_turn(request)
        if self.forge == "evidence":
            return replace(outcome, evidence_file=outcome.evidence_file + b"x",
                           evidence_sha256=hashlib.sha256(outcome.evidence_file + b"x")
                           .hexdigest())
        return replace(outcome, signed_pdf=request.pdf + b"\n% nothing signed\n")


@pytest.mark.parametrize("forge,reason", [("evidence", "outcome_evidence_mismatch"),
                                          ("unsigned", "outcome_unsigned")])
def test_a_terminal_answer_that_does_not_hold_is_not_recorded(office: Office, forge: str,
                                                              reason: str) -> None:
    workflow, record_id = office.workflow, office.record_id
    inner = office.terminal.inner
    inner._driver = scripted_turn(SignatoryScript(page_dwell_s=0, pen_idle_s=0.2))  # noqa: SLF001
    workflow.stations["terminal"] = ForgingTerminal(inner, forge)
    workflow.open(record_id)
    workflow.certify(record_id)
    workflow.run_turn(record_id)
    workflow.run_turn(record_id)
    with pytest.raises(StationError) as refused:
        workflow.run_turn(record_id)
    assert refused.value.reason == reason and refused.value.field == "Sig_4_suspect"
    view = office.service.load_record(record_id).result()
    assert view.current_signatory.field_name == "Sig_4_suspect"  # nothing was recorded


def test_a_signature_by_another_stations_key_is_not_recorded(office: Office,
                                                             tmp_path: Path) -> None:
    workflow, record_id = office.workflow, office.record_id
    impostor = station("terminal-1", office.logs["terminal-1"], SessionClock(), tmp_path, 6,
                       key_of="workstation-1")
    try:
        workflow.stations["terminal"] = LocalStation(
            impostor, scripted_turn(SignatoryScript(page_dwell_s=0, pen_idle_s=0.2)),
            log=office.logs["terminal-1"], own_log=True)
        workflow.open(record_id)
        workflow.certify(record_id)
        workflow.run_turn(record_id)
        workflow.run_turn(record_id)
        with pytest.raises(StationError) as refused:
            workflow.run_turn(record_id)
        assert refused.value.reason == "outcome_wrong_role"
    finally:
        impostor.close()
