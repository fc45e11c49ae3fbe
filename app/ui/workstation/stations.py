"""The stations a record can be signed at from this workstation, made per record by a
:class:`~app.ui.workstation.signing_session.SigningSession`:

* :func:`own_pad` — the workstation's own pad (signatories who are with the prosecutor),
  writing into the workstation's capture log;
* :func:`in_process_terminal` — a terminal window in this process (the demo, a test bench,
  a kiosk screen wired to this machine), with its own capture log and key, checkpointed on
  close like any terminal's.

Each is a :class:`ScreenStation` whose turns run at a window's
:class:`~app.ui.terminal.turn.TurnDesk`.  A terminal across the link
is the link's :class:`~records.session_stations.StationHandle` and needs nothing from here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from app.settings import Settings
from app.ui.terminal.turn import TurnDesk
from app.ui.terminal.window import TerminalWindow
from resources import ROOT as RESOURCES

if TYPE_CHECKING:  # the signing stack loads when a station is first made, not with the window
    from app.ui.terminal.station import ScreenStation
    from app.ui.workstation.signing import SigningController, TerminalOption
    from app.ui.workstation.signing_session import StationMaker, TerminalContext
    from records.session_config import StationConfig
    from records.session_stations import StationHandle

__all__ = ["SIMULATED_PAD_LOG", "StationConfigMaker", "in_process_option", "in_process_terminal",
           "own_pad", "pad_maker", "settings_config"]

#: The recorded STU pen log the simulated pad replays (shipped with the product).
SIMULATED_PAD_LOG = RESOURCES / "devices" / "stu-pen-log.csv"

StationConfigMaker = Callable[[str, "TerminalContext"], "StationConfig"]
"""The devices of a station (named by the first argument) for a record."""


def own_pad(config: StationConfigMaker, desk: TurnDesk, *,
            on_station: Callable[[ScreenStation], None] | None = None) -> StationMaker:
    """The workstation's pad, its turns run at ``desk``; ``on_station`` (called on the
    session's worker thread) is told of each record's station."""

    def make(context: TerminalContext) -> StationHandle:
        from app.ui.terminal.station import ScreenStation
        from records.session_stations import LocalStation

        name = context.site.names.workstation
        station = ScreenStation(config(name, context), log_to=context.workstation_log,
                                signer=context.signer(name), clock=context.clock)
        context.stack.callback(station.close)
        if on_station is not None:
            on_station(station)
        context.cancels.append(desk.cancel)
        return LocalStation(station, desk.drive, log=context.workstation_log, own_log=False)

    return make


def in_process_terminal(config: StationConfigMaker, desk: TurnDesk,
                        attach: Callable[[ScreenStation], None]) -> StationMaker:
    """A terminal window in this process: ``attach(station)`` (called on the session's
    worker thread, before the record is shown) lets the window follow the record's station."""

    def make(context: TerminalContext) -> StationHandle:
        from app.ui.terminal.station import ScreenStation
        from crypto.capture_log import CaptureLog
        from records.session_stations import LocalStation

        site = context.site
        name = site.names.terminal
        log = CaptureLog.open(context.capture_dir / f"{name}.jsonl", site.log_key(name), name,
                              clock=context.clock)
        context.stack.callback(log.close)
        station = ScreenStation(config(name, context), log_to=log, signer=context.signer(name),
                                clock=context.clock)
        context.stack.callback(station.close)
        attach(station)
        context.cancels.append(desk.cancel)
        return LocalStation(station, desk.drive, log=log, own_log=True)

    return make


def settings_config(settings: Settings) -> StationConfigMaker:
    """Each station's devices from the ``devices.*`` settings (simulated where none is
    attached and the mode allows it)."""

    def make(name: str, context: TerminalContext) -> StationConfig:
        from records.fonts import cjk_font_path
        from records.session_config import station_config

        devices = settings.devices
        width, _, height = devices.video_size.partition("x")
        return station_config(name, media_dir=context.media_dir, font_path=cjk_font_path(),
                              mode=devices.mode, pad=devices.pad,
                              fingerprint=devices.fingerprint,
                              fingerprint_baud=devices.fingerprint_baud, camera=devices.camera,
                              microphone=devices.microphone,
                              video_size=(int(width or 1280), int(height or 720)),
                              video_fps=float(devices.video_fps),
                              simulated_pad_log=SIMULATED_PAD_LOG)

    return make


def pad_maker(config: StationConfigMaker) -> Callable[[SigningController], StationMaker]:
    """The workstation's own pad for a controller: turns in its pad dialog, followed live."""

    def make(controller: SigningController) -> StationMaker:
        dialog, live = controller.pad_dialog, controller.live

        def follow(station: ScreenStation) -> None:
            dialog.panel.attach(station)
            live.follow(station)

        return own_pad(config, dialog.desk, on_station=follow)

    return make


def in_process_option(settings: Settings, config: StationConfigMaker | None = None,
                      window: TerminalWindow | None = None) -> TerminalOption:
    """A terminal window in this process (made when first pushed to, unless ``window`` is
    given): for a kiosk screen wired to this machine, the demo, a test bench."""
    made: list[TerminalWindow] = [window] if window is not None else []
    devices = config or settings_config(settings)

    def maker(controller: SigningController) -> StationMaker:
        if not made:
            made.append(TerminalWindow(settings, name=None, large_type=False))
            controller.destroyed.connect(made[0].close)
        terminal = made[0]
        terminal.show()

        def follow(station: ScreenStation) -> None:
            terminal.attach_station(station)
            controller.live.follow(station)

        return in_process_terminal(devices, terminal.desk, follow)

    from app.ui.workstation.signing import TerminalOption

    return TerminalOption("in-process", lambda: QCoreApplication.translate(
        "TerminalOption", "Terminal in this process (its window opens here)"), maker)
