"""A full record with the terminal across the real link: mutual TLS on loopback through a TCP
proxy that cuts and stalls; the terminal a real signing station driven by link messages.

The prosecutor certifies at the workstation, the recorder and the appropriate adult sign at
the workstation's pad, the suspect at the terminal; the record is sealed, packaged and
verified, and the terminal's capture log in the package must be byte for byte the file the
terminal wrote (no line lost, none twice), ending at its checkpoint.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crypto.capture_log import CaptureLog
from crypto.capture_log_verify import verify_log
from crypto.verify_package import verify_package
from devices.av import EncoderSettings, RecorderSettings
from devices.clock import SessionClock
from devices.pen import PadMode, PadSpec
from records.blobstore import BlobStore
from records.evidence_bundle import ink_from_iso
from records.executor import ImmediateExecutor
from records.fonts import cjk_font_path
from records.link import (
    InkBatch,
    LinkTimings,
    LogEntry,
    PageView,
    Received,
    Side,
    TerminalEndpoint,
    TransportTimings,
    WorkstationEndpoint,
    site_credentials,
)
from records.link.endpoint import Backoff
from records.package import write_package
from records.remote_station import RemoteStation, RemoteTimeouts
from records.service import RecordService, ulid_factory
from records.session import SigningStation, StationConfig
from records.session_media import MediaSources
from records.session_remote import StationBrain, TerminalSetup
from records.session_script import SignatoryScript, scripted_turn
from records.session_signing import TurnSigner
from records.session_stations import LocalStation
from records.session_types import StationError
from records.session_workflow import RecordWorkflow
from records.signing import RecordState, SignatoryState
from records.storage import open_database, sqlite_url
from records.templates import Role, load_templates
from resources import ROOT as RESOURCES
from tests.records.link.proxy import TcpProxy
from tests.records.test_session_world import PASSPHRASE, in_process_timestamps, small_site

STU_LOG = RESOURCES / "devices" / "stu-pen-log.csv"
FAST = LinkTimings(heartbeat_interval=0.2, stall_timeout=1.5)
REFUSAL = "笔录第三页与我说的不一致，拒绝签名"


def now() -> datetime:
    return datetime.now(UTC)


def config(name: str, media_dir: Path, variant: int, av: bool,
           pen_speed: float | None = None) -> StationConfig:
    media = MediaSources("synthetic", "synthetic", RecorderSettings(
        size=(320, 240), fps=15, encoder=EncoderSettings(preset="ultrafast"))) if av else None
    return StationConfig(name, media_dir, cjk_font_path(),
                         pad=PadSpec(pad="simulated", mode=PadMode.SIMULATED,
                                     simulated_log=STU_LOG, replay_speed=pen_speed,
                                     variant=variant),
                         fingerprint_settle_s=0.2, media=media)


@dataclass
class Office:
    service: RecordService
    blobs: BlobStore
    workflow: RecordWorkflow
    remote: RemoteStation
    workstation: WorkstationEndpoint
    terminal: TerminalEndpoint
    proxy: TcpProxy
    record_id: str
    terminal_capture: Path
    seen: list
    on_link: list[Callable]


def build_office(tmp_path: Path, stack: contextlib.ExitStack, *, av: bool = False,
                 refuse: str | None = None, pen_speed: float | None = None) -> Office:
    site = small_site()
    template = load_templates()["interrogation_transcript"]
    database = open_database(sqlite_url(tmp_path / "office.sqlite3"))
    stack.callback(database.dispose)
    blobs = BlobStore(tmp_path / "blobs")
    service = RecordService(database.sessions, blobs, {template.id: template},
                            executor=ImmediateExecutor(), clock=now, new_id=ulid_factory(now))
    case = service.create_case("渝南检刑捕受〔2020〕12号", "王某某盗窃案", "南岸区检察院",
                               "盗窃").result()
    service.add_person(case.id, "李明", Role.PROSECUTOR).result()
    service.add_person(case.id, "陈静", Role.RECORDER).result()
    suspect = service.add_person(case.id, "王某某", Role.SUSPECT, minor=True).result()
    service.add_person(case.id, "赵红", Role.APPROPRIATE_ADULT, acts_for=suspect.id).result()
    record = service.draft_record(case.id, template.id, template.example_values()).result()
    clock = SessionClock()
    timestamps = in_process_timestamps(site)
    ws_name, term_name = site.names.workstation, site.names.terminal

    def signer(station: str) -> TurnSigner:
        return TurnSigner(site.station_signing_key(station), site.archive_certificate(),
                          timestamps, cjk_font_path(), clock)

    # The workstation: its own log and pad, and the terminal behind the link.
    (tmp_path / "ws").mkdir()
    ws_log = CaptureLog.open(tmp_path / "ws" / f"{ws_name}.jsonl", site.log_key(ws_name),
                             ws_name, clock=clock)
    stack.callback(ws_log.close)
    ws_station = SigningStation(config(ws_name, tmp_path / "ws" / "media", 4, False),
                                log_to=ws_log, signer=signer(ws_name), clock=clock)
    stack.callback(ws_station.close)
    remote = RemoteStation(term_name, log_key=site.log_certificate(term_name).public_key(),
                           capture_dir=tmp_path / "ws" / "capture",
                           media_dir=tmp_path / "ws" / "media", blobs=blobs,
                           timeouts=RemoteTimeouts(confirm=30, turn=90, close=90))
    stack.callback(remote.close)
    seen: list = []
    on_link: list[Callable] = []

    def watch(event) -> None:
        seen.append(event)
        for hook in list(on_link):
            hook(event)
    remote.subscribe(watch)
    identity, policy = site_credentials(site.pki, ws_name, side=Side.WORKSTATION,
                                        passphrase=PASSPHRASE, peer_names=(term_name,))
    endpoint = WorkstationEndpoint(listen=("127.0.0.1", 0), identity=identity, policy=policy,
                                   state_dir=tmp_path / "ws" / "link", station=ws_name,
                                   on_event=remote.on_link_event, timings=FAST, fsync=False)
    remote.attach(endpoint)
    endpoint.start()
    stack.callback(endpoint.stop)
    stack.callback(remote.cancel)
    proxy = TcpProxy(endpoint.address)
    proxy.start()
    stack.callback(proxy.stop)

    # The terminal: a real signing station, driven by the link.
    stop = threading.Event()
    script = SignatoryScript(page_dwell_s=0, pen_idle_s=0.2, refuse=refuse)
    setup = TerminalSetup(config(term_name, tmp_path / "term" / "media", 6, av, pen_speed),
                          signer(term_name), site.log_key(term_name), clock,
                          tmp_path / "term" / "capture")
    identity, policy = site_credentials(site.pki, term_name, side=Side.TERMINAL,
                                        passphrase=PASSPHRASE, peer_names=(ws_name,))
    terminal = TerminalEndpoint(connect=proxy.address, identity=identity, policy=policy,
                                state_dir=tmp_path / "term" / "link", station=term_name,
                                brain=StationBrain(setup, scripted_turn(script, stop), stop=stop),
                                timings=FAST, backoff=Backoff(initial=0.05, maximum=0.3),
                                transport_timings=TransportTimings(open_timeout=2.0,
                                                                   close_timeout=0.5),
                                fsync=False)
    terminal.start()
    stack.callback(terminal.stop)

    local = LocalStation(ws_station, scripted_turn(SignatoryScript(page_dwell_s=0,
                                                                   pen_idle_s=0.2)),
                         log=ws_log, own_log=False)
    workflow = RecordWorkflow(service, blobs, site, timestamps, ws_log,
                              font_path=cjk_font_path(),
                              stations={"workstation": local, "terminal": remote},
                              wall_clock=now)
    return Office(service, blobs, workflow, remote, endpoint, terminal, proxy, record.id,
                  tmp_path / "term" / "capture" / record.id / f"{term_name}.jsonl", seen,
                  on_link)


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Callable[..., Office]]:
    with contextlib.ExitStack() as stack:
        yield lambda **kw: build_office(tmp_path, stack, **kw)


def seal_and_verify(office: Office, tmp_path: Path):
    workflow, record_id = office.workflow, office.record_id
    workflow.open(record_id)
    workflow.certify(record_id)
    view = workflow.run_turns(record_id)
    assert view.state is RecordState.READY
    sealed = workflow.seal(record_id)
    package = write_package(tmp_path / "record.zip", sealed, service=office.service,
                            blobs=office.blobs, site=small_site())
    report = verify_package(package.path, trust=[small_site().root],
                            archive_key=small_site().archive_key(), pen_decoder=ink_from_iso)
    assert report.ok and report.trusted, [c.message for c in report.failures()]
    return sealed, package.path


def packaged(package: Path, name: str) -> bytes:
    with zipfile.ZipFile(package) as zf:
        (member,) = [n for n in zf.namelist() if n.endswith(name)]
        return zf.read(member)


def test_a_record_signed_at_a_terminal_across_the_link_is_sealed_and_verified(office, tmp_path):
    o = office()
    sealed, package = seal_and_verify(o, tmp_path)
    terminal_log = o.terminal_capture.read_bytes()
    assert packaged(package, "logs/terminal-1.jsonl") == terminal_log
    closing = next(c for c in sealed.closings if c.station == "terminal-1")
    report = verify_log(closing.log_path, small_site().log_certificate("terminal-1").public_key(),
                        source="terminal-1", checkpoint=closing.checkpoint)
    assert report.ok and closing.head.size == terminal_log.count(b"\n")
    suspect = next(t for t in o.workflow.turns if t.field_name == "Sig_4_suspect")
    assert suspect.station == "terminal-1" and "pad" in suspect.outcome.simulated
    # What the prosecutor's screen got live: the pages read and the ink, in order.
    views = [e.message for e in o.seen if isinstance(e, Received)
             and isinstance(e.message, PageView)]
    assert [v.page for v in views] == [1, 2, 3] and views[0].field_name == "Sig_4_suspect"
    ink = [e.message for e in o.seen if isinstance(e, Received) and isinstance(e.message, InkBatch)]
    firsts = [b.first for b in ink]
    assert ink and firsts[0] == 0 and firsts == sorted(firsts)
    assert sum(len(b.samples) for b in ink) == firsts[-1] + len(ink[-1].samples)


def test_a_refusal_at_the_terminal_is_recorded_and_sealed(office, tmp_path):
    o = office(refuse=REFUSAL)
    sealed, _package = seal_and_verify(o, tmp_path)
    states = {s.role: (s.state, s.refusal_reason) for s in sealed.view.head.signatories}
    assert states["suspect"] == (SignatoryState.REFUSED, REFUSAL)


def test_a_turn_that_fails_at_the_terminal_fails_at_the_workstation_with_its_reason(office):
    o = office()
    workflow, record_id = o.workflow, o.record_id
    workflow.open(record_id)
    workflow.certify(record_id)
    workflow.run_turn(record_id)
    workflow.run_turn(record_id)
    o.remote.endpoint.close_record(record_id, "withdrawn")  # the terminal puts it away
    with pytest.raises(StationError) as err:
        workflow.run_turn(record_id)
    assert err.value.reason == "record_not_shown" and err.value.field == "Sig_4_suspect"
    assert "not shown" in err.value.en and err.value.zh


@pytest.mark.slow
def test_cuts_during_the_turn_the_log_and_the_upload_lose_and_repeat_nothing(office, tmp_path):
    o = office(av=True, pen_speed=4.0)
    proxy, cuts = o.proxy, []

    def cut_once(name: str, when: Callable[[object], bool]) -> Callable:
        def hook(event) -> None:
            if name not in cuts and when(event):
                cuts.append(name)
                threading.Thread(target=proxy.cut).start()
        return hook

    def received(kind):
        return lambda e: isinstance(e, Received) and isinstance(e.message, kind)

    entries = [0]

    def log_entries(e) -> bool:
        if received(LogEntry)(e):
            entries[0] += 1
        return entries[0] == 12

    o.on_link.append(cut_once("log", log_entries))
    o.on_link.append(cut_once("turn", received(InkBatch)))

    def stall_during_turn(event) -> None:
        # The link is down for a while in the middle of the signature: the terminal goes on.
        if "stall" not in cuts and received(InkBatch)(event) and "turn" in cuts:
            cuts.append("stall")

            def outage() -> None:
                proxy.stall()
                threading.Event().wait(1.0)
                proxy.resume()
                proxy.cut()
            threading.Thread(target=outage).start()
    o.on_link.append(stall_during_turn)

    workflow, record_id = o.workflow, o.record_id
    workflow.open(record_id)
    workflow.certify(record_id)
    workflow.run_turns(record_id)
    proxy.cut_after_upstream(150_000)  # in the middle of the recording's upload
    sealed = workflow.seal(record_id)
    assert {"log", "turn", "stall"} <= set(cuts) and proxy.cuts >= 4
    package = write_package(tmp_path / "record.zip", sealed, service=o.service, blobs=o.blobs,
                            site=small_site())
    report = verify_package(package.path, trust=[small_site().root],
                            archive_key=small_site().archive_key(), pen_decoder=ink_from_iso)
    assert report.ok and report.trusted, [c.message for c in report.failures()]
    assert packaged(package.path, "logs/terminal-1.jsonl") == o.terminal_capture.read_bytes()
    closing = next(c for c in sealed.closings if c.station == "terminal-1")
    recording = closing.recording
    assert recording is not None
    own = tmp_path / "term" / "media" / recording.path.name
    assert hashlib.sha256(own.read_bytes()).hexdigest() == recording.sha256
    assert packaged(package.path, f"media/{recording.path.name}") == own.read_bytes()
    assert o.blobs.exists(recording.sha256)
