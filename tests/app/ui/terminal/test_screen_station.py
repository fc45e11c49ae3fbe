"""The screen station logs what the signing station logs, entry for entry, and its taps hear
every sample, the pad and the pages; with the screen as the pad it logs the same kinds of
entries with what the source really is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.ui.terminal.station import PadOpened, ScreenChoice, ScreenFeed, ScreenStation
from app.ui.widgets.ink_canvas import InkArea
from app.ui.widgets.pen_surface import SurfaceInput, SurfaceSample
from crypto.capture_log import CaptureLog
from crypto.capture_log_entry import parse_entry
from crypto.capture_log_file import read_log_lines
from devices.clock import SessionClock
from records.fonts import cjk_font_path
from records.session import SigningStation
from records.session_script import SignatoryScript, scripted_turn
from records.session_signing import TurnSigner
from tests.app.ui.terminal.conftest import station_config, turn_request
from tests.records.test_session_world import in_process_timestamps, small_site


def run_scripted(tmp_path: Path, kind: type, name: str,
                 feed: ScreenFeed | None = None) -> list[tuple[str, tuple[str, ...]]]:
    site = small_site()
    clock = SessionClock()
    folder = tmp_path / name
    folder.mkdir()
    log = CaptureLog.open(folder / "terminal-1.jsonl", site.log_key("terminal-1"), "terminal-1",
                          clock=clock)
    signer = TurnSigner(site.station_signing_key("terminal-1"), site.archive_certificate(),
                        in_process_timestamps(site), cjk_font_path(), clock)
    station = kind(station_config(folder, speed=None), log_to=log, signer=signer, clock=clock)
    if feed is not None:
        station.watch(feed)
    try:
        request = turn_request()
        station.show_record("REC-1", "ab" * 32, request.pages)
        outcome = scripted_turn(SignatoryScript(page_dwell_s=0.01, pen_idle_s=0.3))(
            station, request)
        assert outcome.signed
        station.close_record()
    finally:
        station.close()
        log.close()
    lines = read_log_lines(log.path)
    entries = [parse_entry(lines.line(i)) for i in range(len(lines))]
    return [(e.kind, tuple(sorted(e.data))) for e in entries]


def test_the_usb_pad_path_logs_exactly_what_the_station_logs(tmp_path: Path) -> None:
    samples: list[Any] = []
    pads: list[PadOpened] = []
    pages: list[int] = []
    screen = run_scripted(tmp_path, ScreenStation, "screen",
                          ScreenFeed(pen=samples.append, pad=pads.append, page=pages.append))
    plain = run_scripted(tmp_path, SigningStation, "plain")
    assert screen == plain
    assert len(samples) > 50
    (pad,) = pads
    assert pad.source == "usb-pad" and pad.simulated and pad.has_display
    assert pad.x_range[1] > pad.x_range[0] and pad.pressure_max > 0
    assert pages == [1, 2, 3]


def test_the_screen_as_pad_logs_the_same_kinds_of_entries(tmp_path: Path) -> None:
    site = small_site()
    clock = SessionClock()
    log = CaptureLog.open(tmp_path / "terminal-1.jsonl", site.log_key("terminal-1"),
                          "terminal-1", clock=clock)
    signer = TurnSigner(site.station_signing_key("terminal-1"), site.archive_certificate(),
                        in_process_timestamps(site), cjk_font_path(), clock)
    station = ScreenStation(station_config(tmp_path), log_to=log, signer=signer, clock=clock)
    taps: list[Any] = []
    station.watch(ScreenFeed(pen=taps.append))
    try:
        request = turn_request()
        station.show_record("REC-1", "ab" * 32, request.pages)
        station.begin_turn(request)
        for page in range(1, request.pages + 1):
            station.page_shown(page)
        station.use_screen(ScreenChoice(SurfaceInput.TABLET, InkArea(0, 20000, 0, 8000),
                                        "Test Pen Display"))
        station.start_signing()
        pad = station.screen_pad
        assert pad is not None and not pad.info.simulated
        for i, (x, pressure) in enumerate([(100.0, 0.2), (900.4, 0.5), (1900.0, 0.9)]):
            pad.feed(SurfaceSample(SurfaceInput.TABLET, x, 500.0, pressure, 5.0, -3.0, True,
                                   True, False, False, 1000 + i, "Test Pen Display", 7))
        pad.feed(SurfaceSample(SurfaceInput.TABLET, 1900.0, 500.0, 0.0, 5.0, -3.0, False, True,
                               False, False, 1004, "Test Pen Display", 7))
        station.accept_signature()
        assert [s.pressure for s in taps] == [205, 512, 921, 0]
        assert [s.device_time for s in taps] == [1000, 1001, 1002, 1004]
        assert station.refuse("done").refusal_reason == "done"
        assert station.screen_pad is None
    finally:
        station.close()
        log.close()
    lines = read_log_lines(log.path)
    entries = [parse_entry(lines.line(i)) for i in range(len(lines))]
    kinds = [e.kind for e in entries]
    for kind in ("device.pad", "pen.prompt", "pen.batch", "pen.accepted", "turn.refused"):
        assert kind in kinds, kind
    device = next(e for e in entries if e.kind == "device.pad").data
    assert device["details"]["source"] == "os-tablet" and device["simulated"] is False
    assert device["x"] == [0, 20000] and device["pressure"] == [0, 1023]
