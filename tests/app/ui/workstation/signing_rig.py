"""A workstation with its signing side wired to simulated devices: a working site at the
settings' PKI directory (fast key derivation), a terminal window in this process, the
workstation's own pad, each station replaying recorded STU takes and a simulated R30x reader,
and an autoplayed signatory at each."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from app.settings import Settings
from app.ui.services import WorkstationServices
from app.ui.terminal.autoplay import Autoplay
from app.ui.terminal.window import TerminalWindow
from app.ui.workstation import WorkstationWindow
from app.ui.workstation.signing_session import TerminalContext
from app.ui.workstation.stations import SIMULATED_PAD_LOG, in_process_option
from devices.av import EncoderSettings, RecorderSettings
from devices.pen import PadMode, PadSpec
from records.fonts import cjk_font_path
from records.session_config import StationConfig
from records.session_media import MediaSources
from records.site import WorkingSite
from tests.app.ui.test_workstation_drafting import enrol

PASSPHRASE = "signing rig passphrase"
TEMPLATE = "interrogation_transcript"
_TAKES = {"recorder": 8, "appropriate_adult": 7, "suspect": 9}


def make_site(settings: Settings) -> WorkingSite:
    return WorkingSite.open(settings.pki_path, PASSPHRASE.encode(), create="测试检察院",
                            officer_names=("李明",), kdf_iterations=1000)


def simulated(*, media: bool, speed: float | None) -> Any:
    """Station devices: the simulated STU pad, the simulated reader, synthetic A/V."""
    def make(name: str, context: TerminalContext) -> StationConfig:
        pad = PadSpec(pad="simulated", mode=PadMode.SIMULATED,
                      simulated_log=SIMULATED_PAD_LOG, replay_speed=speed)
        sources = MediaSources("synthetic", "synthetic", RecorderSettings(
            size=(160, 120), fps=10, encoder=EncoderSettings(preset="ultrafast"))) \
            if media else None
        return StationConfig(name, context.media_dir, cjk_font_path(), pad=pad,
                             pad_for=lambda request: replace(pad, variant=_TAKES.get(
                                 request.role, 0)),
                             fingerprint="simulated:r30x", fingerprint_settle_s=0.2,
                             fingerprint_timeout_s=10.0, media=sources)
    return make


@dataclass
class Rig:
    window: WorkstationWindow
    terminal: TerminalWindow
    autoplays: list[Autoplay]
    site: WorkingSite

    def stop(self) -> None:
        for autoplay in self.autoplays:
            autoplay.stop()
        self.window.close()
        self.terminal.close()


def make_rig(qtbot: Any, settings: Settings, services: WorkstationServices, clock: Any, *,
             media: bool = False, speed: float | None = None,
             refusals: dict[str, str] | None = None, autoplay: bool = True) -> Rig:
    site = make_site(settings)
    devices = simulated(media=media, speed=speed)
    terminal = TerminalWindow(settings, name=site.names.terminal, simulated=True,
                              large_type=False)
    qtbot.addWidget(terminal)
    window = WorkstationWindow(settings, services, clock=clock, station_config=devices,
                               terminals=[in_process_option(settings, devices, terminal)])
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.ready, timeout=10_000):
        window.show()
    plays = []
    if autoplay:
        plays = [Autoplay(terminal.panel, page_s=0.05, pen_idle_s=0.3, refusals=refusals),
                 Autoplay(window.signing.pad_dialog.panel, page_s=0.05, pen_idle_s=0.3,
                          refusals=refusals)]
        for play in plays:
            play.start()
    return Rig(window, terminal, plays, site)


def open_drafted_record(rig: Rig, qtbot: Any, services: WorkstationServices,
                        language: str = "zh") -> str:
    template = services.templates[TEMPLATE]
    case_id = enrol(services, template, language)
    record = services.records.draft_record(case_id, TEMPLATE, template.example_values(language),
                                           language=language).result()
    window = rig.window
    window.refresh_cases(select=case_id)
    qtbot.waitUntil(lambda: window.records.table.rowCount() == 1, timeout=10_000)
    window.load_record(record.id)
    qtbot.waitUntil(lambda: window.open_record is not None, timeout=10_000)
    return record.id


def package_dir(settings: Settings) -> Path:
    return settings.data_path / "packages"
