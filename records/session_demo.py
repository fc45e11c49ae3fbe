"""The full headless demo's record: the site, the case, two stations in this process, the
workflow from draft to seal, the package, and the verifier's report on it.

Called by :func:`records.demo.run_headless_demo`; everything a failure leaves behind is named
in the result's errors, and every thread, device, log and server it starts is stopped.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from crypto.capture_log import CaptureLog
from crypto.errors import CryptoError
from crypto.verify_package import verify_package
from devices.av import EncoderSettings, RecorderSettings
from devices.clock import SessionClock
from devices.errors import DeviceError
from devices.pen import PadMode, PadSpec
from records.blobstore import BlobStore
from records.errors import RecordError
from records.evidence_bundle import ink_from_iso
from records.executor import SerialExecutor
from records.fonts import cjk_font_path
from records.package import write_package
from records.remote_station import TerminalLink, TerminalWiring
from records.service import RecordService, ulid_factory
from records.session import SigningStation, StationConfig
from records.session_media import MediaSources
from records.session_script import SignatoryScript, scripted_turn
from records.session_signing import TurnSigner
from records.session_stations import LocalStation, StationHandle
from records.session_workflow import RecordWorkflow, TurnReport
from records.site import WorkingSite
from records.storage import open_database, sqlite_url
from records.templates import Role, Template
from resources import ROOT as RESOURCES

if TYPE_CHECKING:
    from records.demo import DemoResult

__all__ = ["DEMO_TEMPLATE", "run_record_demo"]

DEMO_TEMPLATE = "interrogation_transcript"
STU_LOG = RESOURCES / "devices" / "stu-pen-log.csv"
_DEMO_KDF = 100_000  # the demo's throwaway site: fewer key-derivation rounds than a real one


def _now() -> datetime:
    return datetime.now(UTC)


def _open_case(service: RecordService, values: dict, names: dict) -> str:
    """The demo case (created on the first run); each language's run adds its own spelling
    of the persons, since a record's names must be the case's."""
    number = str(values["case_number"])
    case = next((c for c in service.list_cases().result() if c.case_number == number), None)
    if case is None:
        case = service.create_case(number, f"{values['suspect_name']}盗窃案",
                                   str(values["procuratorate"]), "盗窃").result()
    known = {(p.role, p.name): p.id for p in case.persons}

    def person(role: Role, name: str, **extra: object) -> str:
        if (role.value, name) not in known:
            known[(role.value, name)] = service.add_person(case.id, name, role,
                                                           **extra).result().id  # type: ignore
        return known[(role.value, name)]

    person(Role.PROSECUTOR, names["prosecutor"])
    person(Role.RECORDER, names["recorder"])
    # The suspect was a minor at the time of the interrogation the record is about.
    suspect = person(Role.SUSPECT, names["suspect"], minor=True)
    person(Role.APPROPRIATE_ADULT, names["appropriate_adult"], acts_for=suspect)
    return case.id


# Which recorded take (and variation of it) the simulated pad plays for whom.
_TAKES = {Role.RECORDER.value: 8, Role.APPROPRIATE_ADULT.value: 7, Role.SUSPECT.value: 9}


def _station(name: str, media_dir: Path, pen_speed: float | None, av: bool) -> StationConfig:
    media = MediaSources("synthetic", "synthetic", RecorderSettings(
        size=(320, 240), fps=15, encoder=EncoderSettings(preset="ultrafast"))) if av else None
    pad = PadSpec(pad="simulated", mode=PadMode.SIMULATED, simulated_log=STU_LOG,
                  replay_speed=pen_speed)
    return StationConfig(station=name, media_dir=media_dir, font_path=cjk_font_path(), pad=pad,
                         pad_for=lambda request: replace(pad, variant=_TAKES.get(request.role, 0)),
                         fingerprint="simulated:r30x", fingerprint_settle_s=0.5, media=media)


def run_record_demo(result: DemoResult, templates: dict[str, Template], *,
                    progress: Callable[[str], None], pen_speed: float | None,
                    av: bool, link: TerminalLink | None = None) -> None:
    """Fill ``result`` with the full demo's record, package and verification; with ``link``
    the terminal is reached through the workstation-terminal link (see
    :mod:`records.remote_station`)."""
    try:
        with contextlib.ExitStack() as stack:
            _run(result, templates[DEMO_TEMPLATE], stack, progress, pen_speed, av, link)
    except (RecordError, CryptoError, DeviceError, OSError) as exc:
        reason = getattr(exc, "reason", type(exc).__name__)
        result.errors.append(f"{exc} [{reason}]")


def _run(result: DemoResult, template: Template, stack: contextlib.ExitStack,
         progress: Callable[[str], None], pen_speed: float | None, av: bool,
         link: TerminalLink | None = None) -> None:
    from records.demo import demo_passphrase

    data = result.out_dir / "data"
    passphrase_file = demo_passphrase(data)
    passphrase = passphrase_file.read_text(encoding="ascii").strip().encode("ascii")
    values = template.example_values("en" if result.language == "en" else "zh")
    names = {"prosecutor": values["prosecutor_name"], "recorder": values["recorder_name"],
             "suspect": values["suspect_name"],
             "appropriate_adult": values["appropriate_adult_name"]}
    fresh = not (data / "pki" / "site.json").exists()
    progress("站点证书 site PKI: " + ("创建 creating" if fresh else "打开 opening")
             + f" {data / 'pki'}")
    # The institution's name is its legal (Chinese) name whatever the record's language.
    institution = str(template.example_values("zh")["procuratorate"])
    site = WorkingSite.open(data / "pki", passphrase, create=institution,
                            officer_names=(names["prosecutor"],), kdf_iterations=_DEMO_KDF)
    result.data_dir, result.passphrase_file = data, passphrase_file
    result.trust_root, result.archive_key = site.root_file(), site.archive_key_file()
    timestamps = stack.enter_context(site.timestamps())
    progress("时间戳 timestamps: " + ("本地时间戳服务 local TSA" if timestamps.local
                                      else timestamps.source.description))
    database = open_database(sqlite_url(data / "inkseal.sqlite3"))
    stack.callback(database.dispose)
    executor = stack.enter_context(SerialExecutor("inkseal-demo-writer"))
    blobs = BlobStore(data / "blobs")
    service = RecordService(database.sessions, blobs, {template.id: template},
                            executor=executor, clock=_now, new_id=ulid_factory(_now))
    case_id = _open_case(service, values, names)
    record = service.draft_record(case_id, template.id, values,
                                  language=result.language).result()
    result.record_id = record.id
    progress(f"起草 drafted {record.id}: {record.head.pages} 页 pages, "
             f"{len(record.head.signatories)} 位签名人 signatories")

    clock = SessionClock()
    capture = data / "capture" / record.id
    capture.mkdir(parents=True, exist_ok=True)
    ws_name, term_name = site.names.workstation, site.names.terminal
    ws_log = CaptureLog.open(capture / f"{ws_name}.jsonl", site.log_key(ws_name), ws_name,
                             clock=clock)
    stack.callback(ws_log.close)
    media_dir = data / "media"

    def signer(station: str) -> TurnSigner:
        return TurnSigner(site.station_signing_key(station), site.archive_certificate(),
                          timestamps.source, cjk_font_path(), clock)

    ws_station = SigningStation(_station(ws_name, media_dir, pen_speed, av),
                                log_to=ws_log, signer=signer(ws_name), clock=clock)
    stack.callback(ws_station.close)
    straight = scripted_turn(SignatoryScript())

    def workstation_turn(station: SigningStation, request) -> object:
        progress(f"签名 signing: {request.label_zh} {request.signatory_name} @ {ws_name}")
        return straight(station, request)

    def terminal_turn(station: SigningStation, request) -> object:
        progress(f"签名 signing: {request.label_zh} {request.signatory_name} @ {term_name}")
        return straight(station, request)

    if link is not None:
        terminal: StationHandle = link(TerminalWiring(
            site, passphrase, clock, capture, media_dir, data / "link",
            _station(term_name, media_dir, pen_speed, av), signer(term_name), terminal_turn,
            blobs, stack, progress))
    else:
        term_log = CaptureLog.open(capture / f"{term_name}.jsonl", site.log_key(term_name),
                                   term_name, clock=clock)
        stack.callback(term_log.close)
        term_station = SigningStation(_station(term_name, media_dir, pen_speed, av),
                                      log_to=term_log, signer=signer(term_name), clock=clock)
        stack.callback(term_station.close)
        terminal = LocalStation(term_station, terminal_turn, log=term_log, own_log=True)
    stations = {"workstation": LocalStation(ws_station, workstation_turn, log=ws_log,
                                            own_log=False),
                "terminal": terminal}

    def turn_done(report: TurnReport) -> None:
        progress(f"  {report.field_name}: {report.outcome.kind.value}"
                 + (f" [模拟 SIMULATED: {', '.join(report.outcome.simulated)}]"
                    if report.outcome.simulated else ""))

    workflow = RecordWorkflow(service, blobs, site, timestamps.source, ws_log,
                              font_path=cjk_font_path(), stations=stations, wall_clock=_now,
                              location=str(values["location"])[:60], on_turn=turn_done)
    workflow.open(record.id)
    progress(f"认证 certifying: {names['prosecutor']}")
    workflow.certify(record.id)
    workflow.run_turns(record.id)
    progress("封存 sealing")
    sealed = workflow.seal(record.id)
    package = result.out_dir / f"record-{record.id}.zip"
    written = write_package(package, sealed, service=service, blobs=blobs, site=site)
    result.package = written.path
    progress(f"证据包 package: {written.path}")
    progress("验证 verifying")
    result.report = verify_package(written.path, trust=[site.root],
                                   archive_key=site.archive_key(), pen_decoder=ink_from_iso)
