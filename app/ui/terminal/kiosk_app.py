"""The terminal as an application: the kiosk window on the screen, the link to the workstation
under it, and the station the link's terminal side makes for each record.

:func:`run_kiosk` is what ``inkseal terminal`` (without ``--headless``) runs once it has the
site passphrase.  The window is on screen at once; what takes time (unlocking the site's keys,
looking for the pad and the fingerprint reader, the TLS identity) runs behind it as an op,
the link's state line saying so.  Then the link's
:class:`~records.session_remote.StationBrain` shows each offered record on a signing station,
and every turn it is sent runs through the window (:attr:`TerminalWindow.driver`); the
window's ``ready`` fires.  A failure to start is shown in the window's fault band (and
logged) rather than on a console nobody at a kiosk reads.  Closing the window stops the link
(what was not yet sent waits in its journal for the next start).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from app.settings import Settings
from app.ui.application import PROBE_VARIABLE, ensure_application
from app.ui.errors import describe_error
from app.ui.i18n import current_language
from app.ui.ops import Op
from app.ui.terminal.window import TerminalWindow

if TYPE_CHECKING:  # the link and the signing stack load behind the window
    from records.link.status import LinkStatus
    from records.session_config import StationConfig

__all__ = ["KioskParts", "run_kiosk"]

log = logging.getLogger(__name__)


class KioskParts(Protocol):
    """What the kiosk serves turns with, once the site is open (made behind the window;
    ``inkseal terminal`` makes a :class:`~app.commands.terminal.TerminalParts`)."""

    connect: str
    credentials: Any
    config: StationConfig
    signer: Any
    log_key: Any
    clock: Any
    home: Path


# Makes the parts on a worker thread; contexts that must outlive it go on the stack.
KioskPreparation = Callable[[ExitStack], KioskParts]


def run_kiosk(settings: Settings, *, station: str, prepare: KioskPreparation,
              full_screen: bool = True) -> int:
    """Show the kiosk, make its parts behind it, connect and serve turns until it closes."""
    app = ensure_application(language=settings.language)
    window = TerminalWindow(settings, name=station,
                            simulated=settings.devices.mode == "simulated")
    stop = threading.Event()
    stack = ExitStack()
    running: dict[str, Any] = {}

    def started(parts: KioskParts) -> None:  # GUI thread
        from records.link.headless import terminal_endpoint
        from records.link.status import describe_status
        from records.session_remote import StationBrain, TerminalSetup

        brain = StationBrain(TerminalSetup(parts.config, parts.signer, parts.log_key,
                                           parts.clock, parts.home / "capture"),
                             window.driver, stop=stop, on_station=window.attach_station)

        def status(value: LinkStatus) -> None:
            window.set_link_state(describe_status(value, current_language()))

        endpoint = terminal_endpoint(connect=parts.connect, credentials=parts.credentials,
                                     state_dir=parts.home / "link", station=station,
                                     brain=brain,
                                     on_status=window.bridge.latest(status, context=window))
        running.update(brain=brain, endpoint=endpoint)
        endpoint.start()
        window.ready.emit()

    def failed(error: BaseException) -> None:  # GUI thread
        log.error("the terminal could not start: %s", error, exc_info=error)
        window.set_link_state(QCoreApplication.translate("Kiosk", "Not connected"))
        window.panel.show_fault(lambda: QCoreApplication.translate(
            "Kiosk", "The terminal could not start: {0}").format(_explain(error)), None)

    probe = None
    try:
        if os.environ.get(PROBE_VARIABLE) == "1":
            from app.ui.probe import StartupProbe

            probe = StartupProbe(window, app)
        window.set_link_state(QCoreApplication.translate(
            "Kiosk", "Starting: opening the site's keys, finding the devices…"))
        if full_screen:
            window.showFullScreen()
        else:
            window.show()
        # Only once the window is painted: the preparation's imports and key derivation
        # would otherwise hold the interpreter while the first frame waits.
        _AfterFirstPaint(window, lambda: Op(window, lambda _progress: prepare(stack), started)
                         .failure(failed).run())
        return app.exec()
    finally:
        del probe
        stop.set()
        window.close()  # waits for the preparation op, if it still runs
        if "endpoint" in running:
            running["endpoint"].stop()
            running["brain"].detach()
        stack.close()


class _AfterFirstPaint(QObject):
    """Calls ``then`` from the event loop once ``widget`` has been painted."""

    def __init__(self, widget: QWidget, then: Callable[[], Any]) -> None:
        super().__init__(widget)
        self._then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self._then)
        return False


def _explain(error: BaseException) -> str:
    message, reason = describe_error(error, current_language())
    text = message or str(error) or type(error).__name__
    return f"{text} [{reason}]" if reason else text
