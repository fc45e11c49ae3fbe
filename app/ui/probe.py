"""Start-up measurement: print when the first window is painted (and ready), then quit.

Enabled by ``INKSEAL_STARTUP_PROBE=1`` (see ``bench/startup.py``).  Times are
``time.monotonic()`` readings, a clock shared by every process on Linux, so the parent that
spawned us subtracts its own reading taken just before the spawn.
"""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

__all__ = ["PROBE_TIMEOUT_MS", "StartupProbe"]

PROBE_TIMEOUT_MS = 120_000


class StartupProbe(QObject):
    """Watches ``window``: prints ``startup-probe painted T`` on its first paint, then
    ``startup-probe ready T`` once its ``ready`` signal fires (if it has one), and quits."""

    def __init__(self, window: QWidget, app: QApplication) -> None:
        super().__init__(window)
        self._window = window
        self._app = app
        self._painted = False
        self._waits_for_ready = hasattr(window, "ready")
        if self._waits_for_ready:
            window.ready.connect(self._on_ready)  # type: ignore[attr-defined]
        self._ready = False
        window.installEventFilter(self)
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.timeout.connect(self._give_up)
        self._timeout.start(PROBE_TIMEOUT_MS)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if not self._painted and event.type() == QEvent.Type.Paint:
            self._painted = True
            self._say("painted")
            # Quit from the event loop, after this paint has finished.
            QTimer.singleShot(0, self, self._maybe_quit)
        return False

    def _on_ready(self) -> None:
        if not self._ready:
            self._ready = True
            self._say("ready")
            self._maybe_quit()

    def _maybe_quit(self) -> None:
        if self._painted and (self._ready or not self._waits_for_ready):
            self._timeout.stop()
            self._window.close()
            self._app.quit()

    def _give_up(self) -> None:
        self._say("timeout")
        self._window.close()
        self._app.exit(1)

    @staticmethod
    def _say(what: str) -> None:
        print(f"startup-probe {what} {time.monotonic():.6f}", flush=True)
        sys.stdout.flush()
