"""A terminal window around a real screen station: a small site (fast key derivation), the
station's capture log, the simulated STU pad replaying recorded takes, the simulated R30x
reader on a pty, optionally the synthetic camera; and a turn run on a worker thread the way
the workflow or the link runs one."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from app.settings import Settings
from app.ui.terminal.station import ScreenStation
from app.ui.terminal.window import TerminalWindow
from crypto.capture_log import CaptureLog
from crypto.capture_log_entry import LogEntry, parse_entry
from crypto.capture_log_file import read_log_lines
from devices.av import EncoderSettings, RecorderSettings
from devices.clock import SessionClock
from devices.pen import PadMode, PadSpec
from records.fonts import cjk_font_path
from records.session import StationConfig
from records.session_media import MediaSources
from records.session_signing import TurnSigner
from records.session_types import SignatureOutcome, TurnRequest
from resources import ROOT as RESOURCES
from tests.records.test_session import draft
from tests.records.test_session_world import in_process_timestamps, small_site

STU_LOG = RESOURCES / "devices" / "stu-pen-log.csv"
FIELD = "Sig_4_suspect"


def turn_request(field_name: str = FIELD) -> TurnRequest:
    pdf, pages = draft()
    return TurnRequest("REC-1", 0, 4, field_name, "person-4", "王某某", "suspect", "被讯问人",
                       "Person interrogated", pages, pdf)


def station_config(tmp_path: Path, *, media: bool = False, pad: PadSpec | None = None,
                   fingerprint: str = "simulated:r30x", speed: float | None = 8.0
                   ) -> StationConfig:
    sources = MediaSources("synthetic", "synthetic", RecorderSettings(
        size=(160, 120), fps=10, encoder=EncoderSettings(preset="ultrafast")))
    return StationConfig("terminal-1", tmp_path / "media", cjk_font_path(),
                         pad=pad or PadSpec(pad="simulated", mode=PadMode.SIMULATED,
                                            simulated_log=STU_LOG, replay_speed=speed,
                                            variant=3),
                         fingerprint=fingerprint, fingerprint_settle_s=0.2,
                         fingerprint_timeout_s=5.0, media=sources if media else None)


@dataclass
class TurnThread:
    """One turn driven by the window on a worker thread (as LocalStation.run_turn does)."""

    thread: threading.Thread
    outcome: list[SignatureOutcome] = field(default_factory=list)
    error: list[BaseException] = field(default_factory=list)

    def join(self, timeout: float = 30.0) -> None:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the turn never ended"


@dataclass
class Kiosk:
    window: TerminalWindow
    station: ScreenStation
    log: CaptureLog
    turns: list[TurnThread] = field(default_factory=list)

    def run_turn(self, request: TurnRequest | None = None) -> TurnThread:
        request = request or turn_request()
        box = TurnThread(threading.Thread(target=lambda: None))

        def work() -> None:
            try:
                box.outcome.append(self.window.driver(self.station, request))
            except BaseException as exc:  # noqa: BLE001 - the test looks at it
                box.error.append(exc)

        box.thread = threading.Thread(target=work, name="test-turn")
        box.thread.start()
        self.turns.append(box)
        return box

    def entries(self) -> list[LogEntry]:
        self.log.flush()
        lines = read_log_lines(self.log.path)
        return [parse_entry(lines.line(i)) for i in range(len(lines))]

    def of(self, kind: str) -> list[LogEntry]:
        return [e for e in self.entries() if e.kind == kind]


def make_station(tmp_path: Path, config: StationConfig) -> tuple[ScreenStation, CaptureLog]:
    site = small_site()
    clock = SessionClock()
    log = CaptureLog.open(tmp_path / "terminal-1.jsonl", site.log_key("terminal-1"),
                          "terminal-1", clock=clock)
    signer = TurnSigner(site.station_signing_key("terminal-1"), site.archive_certificate(),
                        in_process_timestamps(site), cjk_font_path(), clock)
    return ScreenStation(config, log_to=log, signer=signer, clock=clock), log


@pytest.fixture
def make_kiosk(qtbot: Any, settings: Settings, tmp_path: Path
               ) -> Iterator[Callable[..., Kiosk]]:
    made: list[Kiosk] = []

    def make(*, media: bool = False, pad: PadSpec | None = None, simulated: bool = True,
             fingerprint: str = "simulated:r30x", speed: float | None = 8.0) -> Kiosk:
        config = station_config(tmp_path, media=media, pad=pad, fingerprint=fingerprint,
                                speed=speed)
        station, log = make_station(tmp_path, config)
        window = TerminalWindow(settings, station, simulated=simulated)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        kiosk = Kiosk(window, station, log)
        made.append(kiosk)
        station.show_record("REC-1", "ab" * 32, turn_request().pages)
        return kiosk

    yield make
    for kiosk in made:
        kiosk.window.close()
        for turn in kiosk.turns:
            turn.join()
        kiosk.station.close()
        kiosk.log.close()
