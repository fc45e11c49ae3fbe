"""The terminal as an application: the kiosk window on the screen, the link to the workstation
under it, and the station the link's terminal side makes for each record.

:func:`run_kiosk` is what ``inkseal terminal`` (without ``--headless``) runs once the command
has resolved the site, the TLS credentials and the devices: the link's
:class:`~records.session_remote.StationBrain` shows each offered record on a signing station,
and every turn it is sent runs through the window (:attr:`TerminalWindow.driver`).  The link's
state is shown in the window; closing the window stops the link (what was not yet sent waits
in its journal for the next start).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from app.settings import Settings
from app.ui.application import ensure_application
from app.ui.i18n import current_language
from app.ui.terminal.window import TerminalWindow
from records.link.headless import terminal_endpoint
from records.link.status import LinkStatus, describe_status
from records.session_config import StationConfig
from records.session_remote import StationBrain, TerminalSetup

__all__ = ["run_kiosk"]

log = logging.getLogger(__name__)


def run_kiosk(settings: Settings, *, station: str, connect: str, credentials: Any,
              config: StationConfig, signer: Any, log_key: Any, clock: Any, home: Path,
              full_screen: bool = True) -> int:
    """Show the kiosk, connect to ``connect`` and serve turns until the window closes."""
    app = ensure_application(language=settings.language)
    window = TerminalWindow(settings, name=station,
                            simulated=settings.devices.mode == "simulated")
    stop = threading.Event()
    brain = StationBrain(TerminalSetup(config, signer, log_key, clock, home / "capture"),
                         window.driver, stop=stop, on_station=window.attach_station)

    def status(value: LinkStatus) -> None:
        window.set_link_state(describe_status(value, current_language()))

    endpoint = terminal_endpoint(connect=connect, credentials=credentials,
                                 state_dir=home / "link", station=station, brain=brain,
                                 on_status=window.bridge.latest(status, context=window))
    endpoint.start()
    try:
        if full_screen:
            window.showFullScreen()
        else:
            window.show()
        return app.exec()
    finally:
        stop.set()
        window.close()
        endpoint.stop()
        brain.detach()
