"""A signatory played by the program, for the demo's autoplay and for tests: it uses the turn
panel's own buttons, in the order a person would, at a person's pace.

Every page is shown for a moment; signing starts; the (simulated) pad plays its recorded
take and the signature is confirmed once the pen has been still for a while; the fingerprint
is pressed again until the reader is satisfied; the photo is taken; the signature is made.
Or, for a role in ``refusals``, the signatory reads and refuses with that reason.  Nothing
here touches the station directly: what the autoplay does is what a person's clicks do.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from PySide6.QtCore import QObject, QTimer

from app.ui.terminal.turn_panel import TurnPanel

__all__ = ["Autoplay"]

TICK_MS = 60


class Autoplay(QObject):
    """Plays every turn that comes to ``panel`` until :meth:`stop`."""

    def __init__(self, panel: TurnPanel, *, page_s: float = 0.4, pen_idle_s: float = 0.6,
                 refusals: Mapping[str, str] | None = None) -> None:
        super().__init__(panel)
        self.panel = panel
        self.page_s, self.pen_idle_s = page_s, pen_idle_s
        self.refusals = dict(refusals or {})
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._since = time.monotonic()
        self._pen = (-1, time.monotonic())
        self._refused = False
        self.actions: list[str] = []  # what it did, for whoever watches

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def _do(self, name: str, button: object) -> None:
        self.actions.append(name)
        self._since = time.monotonic()
        button.click()  # type: ignore[attr-defined]

    def _waited(self, seconds: float) -> bool:
        return time.monotonic() - self._since >= seconds

    def _pen_idle(self) -> bool:
        station = self.panel.station
        count = station.pen_sample_count() if station is not None else 0
        now = time.monotonic()
        if count != self._pen[0]:
            self._pen = (count, now)
            return False
        return count > 0 and now - self._pen[1] >= self.pen_idle_s

    def _tick(self) -> None:
        panel = self.panel
        request = panel.request
        if request is None or panel.desk.busy or panel.fault.showing:
            if panel.fault.showing and panel.fault.retry_button.isVisible() \
                    and self._waited(1.0):
                self._do("retry", panel.fault.retry_button)
            return
        screen = panel.screen
        if screen == "reading":
            self._refused = False
            reading = panel.reading
            if not self._waited(self.page_s):
                return
            if reading.next_button.isEnabled():
                self._do("next page", reading.next_button)
            elif request.role in self.refusals:
                if not self._refused:
                    self._refused = True
                    self.actions.append("refuse")
                    panel.refuse(self.refusals[request.role])
            elif reading.sign_button.isEnabled():
                self._pen = (-1, time.monotonic())
                self._do("sign", reading.sign_button)
        elif screen == "signing":
            if panel.signing.confirm_button.isEnabled() and self._pen_idle():
                self._do("confirm", panel.signing.confirm_button)
        elif screen == "fingerprint":
            fingerprint = panel.fingerprint
            if fingerprint.continue_button.isEnabled() and self._waited(self.page_s):
                self._do("continue", fingerprint.continue_button)
            elif fingerprint.again_button.isEnabled() and not panel.fingerprint_usable \
                    and self._waited(self.page_s):
                self._do("press again", fingerprint.again_button)
        elif screen == "photo":
            photo = panel.photo
            if not panel.photo_taken and photo.photo_button.isEnabled() \
                    and self._waited(self.page_s) and photo.camera.frames > 0:
                self._do("photo", photo.photo_button)
            elif photo.finish_button.isEnabled() and self._waited(self.page_s):
                self._do("finish", photo.finish_button)
