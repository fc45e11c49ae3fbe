"""Both sides on one machine: the prosecutor's workstation and the detention-room terminal
side by side, on simulated devices (the STU pad replaying real recorded signatures, the
simulated R30x reader on a pseudo-terminal, the synthetic camera and microphone), the
terminal reached over the real TLS link on loopback (or directly, ``over_link=False``).

:func:`prepare_demo` makes the demo's data directory (its own site PKI and passphrase, the
database, the juvenile theft case and its persons); :class:`Demo` opens the two windows.
With ``autoplay`` a :class:`Director` plays the prosecutor (draft the record in the drafting
dialog, push it, certify it, seal and file it, open its report) and an
:class:`~app.ui.terminal.autoplay.Autoplay` each signatory (at the terminal and at the
workstation's pad), through the windows' own controls; ``finished`` carries the outcome.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from app.settings import Settings
from app.ui.services import WorkstationServices
from app.ui.terminal.autoplay import Autoplay
from app.ui.terminal.window import TerminalWindow
from app.ui.workstation import WorkstationWindow
from app.ui.workstation.signing_dialogs import CertifyDialog, PushDialog
from app.ui.workstation.signing_session import TerminalContext
from app.ui.workstation.stations import SIMULATED_PAD_LOG, StationConfigMaker, in_process_option
from devices.av import EncoderSettings, RecorderSettings
from devices.pen import PadMode, PadSpec
from records.fonts import cjk_font_path
from records.session_config import StationConfig
from records.session_media import MediaSources
from records.templates import Role

__all__ = ["DEMO_TEMPLATE", "Demo", "DemoOptions", "DemoOutcome", "Director", "prepare_demo",
           "run_demo"]

DEMO_TEMPLATE = "interrogation_transcript"
_TAKES = {Role.RECORDER.value: 8, Role.APPROPRIATE_ADULT.value: 7, Role.SUSPECT.value: 9}
_DEMO_KDF = 100_000  # the demo's throwaway site: fewer key-derivation rounds than a real one


@dataclass(frozen=True)
class DemoOptions:
    """How the demo runs."""

    out: Path
    language: str = "zh"
    autoplay: bool = False
    over_link: bool = True
    pen_speed: float | None = 1.0
    """How much faster than recorded the pad plays its takes (None: at once)."""
    video_size: tuple[int, int] = (320, 240)
    pace_s: float = 0.6
    """How long the autoplayed people dwell on a page or a screen."""


@dataclass(frozen=True)
class DemoOutcome:
    """How an autoplayed demo ended."""

    ok: bool
    package: Path | None
    report: Any
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class PreparedDemo:
    settings: Settings
    passphrase: bytes
    case_id: str
    services: WorkstationServices


def prepare_demo(settings: Settings, out: Path, language: str) -> PreparedDemo:
    """The demo's data directory under ``out`` (site PKI and passphrase made on the first run,
    the database, the case with its persons in ``language``) and its services open."""
    from records.demo import demo_passphrase
    from records.site import WorkingSite

    data = Path(out).resolve() / "data"
    demo_settings = replace(settings, data_dir=str(data), language=language,
                            pki=replace(settings.pki, dir="", tsa_url=""),
                            database=replace(settings.database, url=""),
                            devices=replace(settings.devices, mode="simulated"))
    passphrase = demo_passphrase(data).read_text(encoding="ascii").strip().encode("ascii")
    services = WorkstationServices.open(demo_settings)
    try:
        template = services.templates[DEMO_TEMPLATE]
        values = template.example_values("en" if language == "en" else "zh")
        institution = str(template.example_values("zh")["procuratorate"])
        WorkingSite.open(demo_settings.pki_path, passphrase, create=institution,
                         officer_names=(str(values["prosecutor_name"]),),
                         kdf_iterations=_DEMO_KDF)
        case_id = _demo_case(services, values)
    except BaseException:
        services.shutdown()
        raise
    return PreparedDemo(demo_settings, passphrase, case_id, services)


def _demo_case(services: WorkstationServices, values: dict[str, Any]) -> str:
    records = services.records
    number = str(values["case_number"])
    case = next((c for c in records.list_cases().result() if c.case_number == number), None)
    if case is None:
        case = records.create_case(number, f"{values['suspect_name']}盗窃案",
                                   str(values["procuratorate"]), "盗窃").result()
    known = {(p.role, p.name): p.id for p in case.persons}

    def person(role: Role, name: str, **extra: Any) -> str:
        if (role.value, name) not in known:
            known[(role.value, name)] = records.add_person(case.id, name, role,
                                                           **extra).result().id
        return known[(role.value, name)]

    person(Role.PROSECUTOR, str(values["prosecutor_name"]))
    person(Role.RECORDER, str(values["recorder_name"]))
    suspect = person(Role.SUSPECT, str(values["suspect_name"]), minor=True)
    person(Role.APPROPRIATE_ADULT, str(values["appropriate_adult_name"]), acts_for=suspect)
    return case.id


def demo_devices(options: DemoOptions) -> StationConfigMaker:
    """Every station's simulated devices: each signatory's own recorded take on the pad."""
    def make(name: str, context: TerminalContext) -> StationConfig:
        pad = PadSpec(pad="simulated", mode=PadMode.SIMULATED, simulated_log=SIMULATED_PAD_LOG,
                      replay_speed=options.pen_speed)
        media = MediaSources("synthetic", "synthetic", RecorderSettings(
            size=options.video_size, fps=15, encoder=EncoderSettings(preset="ultrafast")))
        return StationConfig(name, context.media_dir, cjk_font_path(), pad=pad,
                             pad_for=lambda request: dataclasses.replace(
                                 pad, variant=_TAKES.get(request.role, 0)),
                             fingerprint="simulated:r30x", fingerprint_settle_s=0.5,
                             media=media)
    return make


class Demo(QObject):
    """The two windows of the demo, and (with autoplay) the people who use them."""

    finished = Signal(object)  # DemoOutcome

    def __init__(self, prepared: PreparedDemo, options: DemoOptions) -> None:
        super().__init__()
        self.options = options
        self.settings = prepared.settings
        self.services = prepared.services
        devices = demo_devices(options)
        self.terminal = TerminalWindow(self.settings, name="terminal-1", simulated=True)
        if options.over_link:
            from app.ui.workstation.remote_terminal import loopback_option

            option = loopback_option(self.settings, self.terminal, devices)
        else:
            option = in_process_option(self.settings, devices, self.terminal)
        self.workstation = WorkstationWindow(self.settings, self.services,
                                             terminals=[option], station_config=devices)
        self.workstation.signing.passphrase = prepared.passphrase  # the demo site's, on disk
        self.autoplays: list[Autoplay] = []
        self.director: Director | None = None
        if options.autoplay:
            pace = options.pace_s
            self.autoplays = [Autoplay(self.terminal.panel, page_s=pace),
                              Autoplay(self.workstation.signing.pad_dialog.panel, page_s=pace)]
            self.director = Director(self, prepared.case_id, prepared.passphrase.decode(),
                                     pace_s=pace)
            self.director.finished.connect(self.finished)
        self.workstation.destroyed.connect(self._closed)

    def show(self) -> None:
        """The workstation on the left, the terminal on the right."""
        screen = QApplication.primaryScreen().availableGeometry()
        half = max(640, screen.width() // 2)
        self.workstation.setGeometry(screen.x(), screen.y(), half, screen.height())
        self.terminal.setGeometry(screen.x() + half, screen.y(), max(480, screen.width() - half),
                                  screen.height())
        self.workstation.show()
        self.terminal.show()
        for autoplay in self.autoplays:
            autoplay.start()
        if self.director is not None:
            self.director.start()

    def close(self) -> None:
        """Close both windows and stop the autoplay; the services close with the window."""
        for autoplay in self.autoplays:
            autoplay.stop()
        if self.director is not None:
            self.director.stop()
        self.workstation.close()
        self.terminal.close()
        self.services.shutdown()

    def _closed(self) -> None:
        self.terminal.close()


class Director(QObject):
    """The prosecutor, played: one step whenever the windows are ready for it."""

    finished = Signal(object)  # DemoOutcome
    stepped = Signal(str)      # the step it moved on to (for whoever watches the pace)

    def __init__(self, demo: Demo, case_id: str, passphrase: str, *, pace_s: float) -> None:
        super().__init__(demo)
        self.demo, self.case_id, self.passphrase, self.pace_s = demo, case_id, passphrase, pace_s
        self.step = "case"
        self.steps: list[str] = []
        self._since = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._tick)
        self.viewer: Any = None
        self.outcome: DemoOutcome | None = None
        demo.workstation.signing.step_failed.connect(lambda message: self._end(False,
                                                                               (message,)))

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _next(self, step: str) -> None:
        self.steps.append(self.step)
        self.step, self._since = step, time.monotonic()
        self.stepped.emit(step)

    def _paced(self) -> bool:
        return time.monotonic() - self._since >= self.pace_s

    def _end(self, ok: bool, errors: tuple[str, ...] = ()) -> None:
        if self.outcome is not None:
            return
        self.stop()
        filed = self.demo.workstation.signing.filed_record
        self.outcome = DemoOutcome(ok, filed.package if filed else None,
                                   filed.report if filed else None, errors)
        self.finished.emit(self.outcome)

    def _tick(self) -> None:  # noqa: C901 - one branch per step of the record
        window = self.demo.workstation
        signing = window.signing
        step = self.step
        if not window.isVisible() or not self._paced():
            return
        if step == "case" and window.services is not None and window.cases.list.count():
            window.refresh_cases(select=self.case_id)
            self._next("draft")
        elif step == "draft" and window.cases.current is not None \
                and window.cases.current.id == self.case_id and window.op_runner.idle():
            dialog = window.draft(DEMO_TEMPLATE, self.demo.options.language)
            if dialog is not None:
                dialog.fill(dialog.template.example_values(
                    "en" if self.demo.options.language == "en" else "zh"))
                self._next("save")
        elif step == "save" and window.dialog is not None and hasattr(window.dialog, "save"):
            window.dialog.save()  # type: ignore[union-attr]
            self._next("saved")
        elif step == "saved" and window.open_record is not None and window.op_runner.idle() \
                and window.push_action.isEnabled():
            window.push_action.trigger()
            self._next("push")
        elif step == "push" and isinstance(window.dialog, PushDialog):
            window.dialog.ok_button.click()
            self._next("certify")
        elif step == "certify" and isinstance(window.dialog, CertifyDialog) \
                and window.dialog.isVisible() and not window.dialog.busy:
            window.dialog.secret.setText(self.passphrase)
            window.dialog.ok_button.click()
            self._next("turns")
        elif step == "turns" and signing.seal_action.isEnabled():
            signing.seal_action.trigger()
            self._next("seal")
        elif step == "seal" and signing.filed_record is not None:
            self.viewer = signing.open_report()
            self._next("report")
        elif step == "report" and (self.viewer is None or self.viewer.package is not None):
            report = signing.filed_record.report if signing.filed_record else None
            self._end(bool(report is not None and report.ok and report.trusted))


def run_demo(settings: Settings, options: DemoOptions, *, quit_when_done: bool = False,
             progress: Any = print) -> int:
    """Open the demo's windows and run until they close (or, with ``quit_when_done`` and
    autoplay, until the record is filed); 0 when an autoplayed record verified."""
    from app.ui.application import ensure_application

    app = ensure_application(language="en" if options.language == "en" else "zh")
    progress(f"演示数据 demo data: {Path(options.out).resolve() / 'data'}")
    prepared = prepare_demo(settings, options.out, options.language)
    demo = Demo(prepared, options)
    result: list[DemoOutcome] = []

    def finished(outcome: DemoOutcome) -> None:
        result.append(outcome)
        progress(("演示成功 demo passed" if outcome.ok else "演示失败 demo FAILED")
                 + (f": {outcome.package}" if outcome.package else "")
                 + "".join(f"\n  {error}" for error in outcome.errors))
        if outcome.report is not None:
            progress(outcome.report.summary_line())
        if quit_when_done:
            demo.close()
            app.quit()

    demo.finished.connect(finished)
    demo.show()
    app.exec()
    demo.close()
    if options.autoplay:
        return 0 if result and result[0].ok else 1
    return 0
