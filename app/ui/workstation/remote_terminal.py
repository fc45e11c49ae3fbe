"""A terminal reached over the workstation-terminal link (mutual TLS 1.3): the push target, and
what the live view shows of it.

* :func:`loopback_option` — the terminal in this process behind the real link on loopback
  (the demo, a training bench): its kiosk window drives the terminal's turns, and everything
  the workstation learns of them crosses TLS;
* :func:`listening_option` — a terminal in another process or on another machine
  (``inkseal terminal``) that connects to ``link.listen``.

:func:`follow_remote` turns the link's events (ink batches, clears, page views, previews,
results) into the live panel's station events, and shows the link's state as the link words it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QTimer

from app.settings import Settings
from app.ui.i18n import current_language
from app.ui.terminal.window import TerminalWindow
from app.ui.workstation.live_panel import LivePanel
from app.ui.workstation.stations import StationConfigMaker, settings_config
from records.session_types import StationEvent, StationEventKind

if TYPE_CHECKING:  # the link and the signing stack load with the first push, not the window
    from app.ui.workstation.signing import SigningController, TerminalOption
    from app.ui.workstation.signing_session import StationMaker, TerminalContext
    from records.remote_station import RemoteStation, TerminalLink, TerminalWiring
    from records.session_stations import StationHandle

__all__ = ["follow_remote", "link_event", "listening_option", "loopback_option"]

log = logging.getLogger(__name__)

STATUS_MS = 500


def link_event(station: str, event: Any) -> StationEvent | None:
    """The live panel's view of one link event (None: nothing to show)."""
    from records.link import (
        InkBatch,
        InkClear,
        PageView,
        PreviewFrame,
        Received,
        SignatureResult,
    )

    if not isinstance(event, Received):
        return None
    message = event.message
    if isinstance(message, InkBatch):
        rows = [[s.host_ns // 1000, s.x, s.y, s.pressure, 1, s.tilt_x, s.tilt_y, s.device_time,
                 None] for s in message.samples]
        return StationEvent(StationEventKind.INK, station, {
            "rows": rows, "stroke": message.stroke,
            # This machine's clock: the rows' times are the terminal's (latency figures).
            "received_ns": time.perf_counter_ns()})
    if isinstance(message, InkClear):
        return StationEvent(StationEventKind.CLEARED, station, {"reason": message.reason})
    if isinstance(message, PageView):
        return StationEvent(StationEventKind.PAGE_VIEWED, station,
                            {"page": message.page, "shown_ms": message.shown_ms})
    if isinstance(message, PreviewFrame):
        return StationEvent(StationEventKind.PREVIEW, station,
                            {"jpeg": message.jpeg, "width": message.width,
                             "height": message.height, "simulated": False})
    if isinstance(message, SignatureResult):
        return StationEvent(StationEventKind.TURN_ENDED, station,
                            {"outcome": message.outcome, "simulated": message.simulated})
    return None


def follow_remote(panel: LivePanel, remote: RemoteStation) -> None:
    """Show ``remote``'s link events on ``panel`` (subscribed from any thread) and poll the
    link's state for it."""
    bridge = panel.bridge
    preview = bridge.latest(panel.take_event, context=panel)
    event = bridge.adapt(panel.take_event, context=panel)

    def listener(item: Any) -> None:  # on the link thread: convert, hand over, return
        shown = link_event(remote.name, item)
        if shown is None:
            return
        (preview if shown.kind is StationEventKind.PREVIEW else event)(shown)

    remote.subscribe(listener)
    bridge.post(_poll_status, panel, remote, context=panel)


def _poll_status(panel: LivePanel, remote: RemoteStation) -> None:
    """Show the link's state every half second until the panel follows another terminal or
    the link is down for good."""
    from records.link.status import LinkState, describe_status

    panel.stop_following()  # the terminal followed before, if any
    panel.remote = remote
    timer = QTimer(panel)
    timer.setInterval(STATUS_MS)
    panel.status_timer = timer

    def show() -> None:
        endpoint = remote.endpoint
        status = endpoint.status if endpoint is not None else None
        if status is None or panel.remote is not remote or status.state is LinkState.DOWN:
            timer.stop()
            if panel.status_timer is timer:
                panel.status_timer = None
                timer.deleteLater()
            if panel.remote is remote:
                panel.set_link_state(None if status is None else QCoreApplication.translate(
                    "LivePanel", "Link: {0}").format(describe_status(status,
                                                                      current_language())))
            return
        panel.set_link_state(QCoreApplication.translate("LivePanel", "Link: {0}").format(
            describe_status(status, current_language())))

    timer.timeout.connect(show)
    timer.start()
    show()


def _wiring(controller: SigningController, context: TerminalContext,
            config: StationConfigMaker, driver: Any) -> TerminalWiring:
    from records.remote_station import TerminalWiring

    site = context.site
    services = controller.window.services
    return TerminalWiring(site, context.passphrase, context.clock, context.capture_dir,
                          context.media_dir,
                          controller.settings.data_path / "link" / context.record_id,
                          config(site.names.terminal, context),
                          context.signer(site.names.terminal), driver,
                          services.blobs if services is not None else None, context.stack,
                          lambda text: log.info("%s", text))


def _option(key: str, label: Callable[[], str], link: TerminalLink,
            config: StationConfigMaker, kiosk: TerminalWindow | None) -> TerminalOption:
    from app.ui.workstation.signing import TerminalOption

    def maker(controller: SigningController) -> StationMaker:
        if kiosk is not None:
            kiosk.show()

        def make(context: TerminalContext) -> StationHandle:
            driver = kiosk.driver if kiosk is not None else _nobody
            remote = link(_wiring(controller, context, config, driver))
            follow_remote(controller.live, remote)
            context.cancels.append(lambda _reason: remote.cancel())
            if kiosk is not None:
                context.cancels.append(kiosk.desk.cancel)
            return remote

        return make

    return TerminalOption(key, label, maker)


def _nobody(station: Any, request: Any) -> Any:
    raise RuntimeError("the terminal's turns are driven at the terminal, not here")


def loopback_option(settings: Settings, kiosk: TerminalWindow,
                    config: StationConfigMaker | None = None) -> TerminalOption:
    """The terminal in this process, its kiosk ``kiosk``, behind the real link on loopback."""
    def link(wiring: TerminalWiring) -> RemoteStation:
        from records.remote_station import loopback_terminal

        return loopback_terminal(wiring)

    return _option("loopback", lambda: QCoreApplication.translate(
        "TerminalOption", "Terminal in this process, over the TLS link"), link,
        config or settings_config(settings), kiosk)


def listening_option(settings: Settings) -> TerminalOption:
    """A terminal that connects to this workstation at ``link.listen``."""
    def link(wiring: TerminalWiring) -> RemoteStation:
        from records.remote_station import listening_terminal

        return listening_terminal(settings.link.listen)(wiring)

    return _option("listening", lambda: QCoreApplication.translate(
        "TerminalOption", "Terminal connecting to {0} (TLS link)").format(
        settings.link.listen), link, settings_config(settings), None)
