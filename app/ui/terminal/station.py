"""The signing station as a window with a screen needs it: every pen sample as it arrives (to
echo the ink under the signatory's eyes), the pad that was opened (to name it and map its
area), and the pen on the screen itself as the turn's pad.

:class:`ScreenStation` is a :class:`~records.session.SigningStation` with two taps and one
more pad source:

* every sample the pad hands to the station's pen capture also goes to
  :attr:`ScreenFeed.pen` (the station's own ``ink`` events come in stroke batches of up to
  100 ms, too late for an echo), every pad the station opens to :attr:`ScreenFeed.pad`, and
  each page put on screen to :attr:`ScreenFeed.page` (the station's ``page_viewed`` comes when
  the page goes).
  Both are taken where the station keeps its pen capture and its pad, so its own steps run
  unchanged, entry for entry;
* when a screen source is chosen (:meth:`use_screen`), ``start_signing`` opens a
  :class:`~app.ui.terminal.os_pen.ScreenPad` fed by the window instead of a USB pad, and logs
  it the way the station logs a pad.  The station has no pad-opening hook yet (the pen layer
  opens only HID pads), so this one step is the station's own with the screen pad in place
  of ``open_turn_pad``; a test holds the two paths' log entries side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.ui.terminal.feed import PadOpened, ScreenChoice, ScreenFeed
from app.ui.terminal.os_pen import ScreenPad
from devices.pen import Pad, PenSample
from records.session import SigningStation
from records.session_pen import PenCapture
from records.session_types import TurnRequest

__all__ = ["PadOpened", "ScreenChoice", "ScreenFeed", "ScreenStation"]


class _TappedPen:
    """The station's pen capture, with every sample also handed to the taps."""

    def __init__(self, capture: PenCapture, tap: Callable[[PenSample], None]) -> None:
        self._capture, self._tap = capture, tap

    def add(self, sample: PenSample) -> None:
        self._capture.add(sample)
        self._tap(sample)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._capture, name)


class ScreenStation(SigningStation):
    """See the module docstring."""

    feeds: list[ScreenFeed]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.feeds = []
        self._screen: ScreenChoice | None = None
        self.screen_pad: ScreenPad | None = None
        super().__init__(*args, **kwargs)

    def watch(self, feed: ScreenFeed) -> None:
        """Add a tap (a window, a live panel)."""
        self.feeds.append(feed)

    def use_screen(self, choice: ScreenChoice | None) -> None:
        """Turns that start signing from now on write on the screen (None: on the pad)."""
        self._screen = choice

    @property
    def screen_choice(self) -> ScreenChoice | None:
        return self._screen

    # --- where the station keeps its capture and its pad: the taps ----------------------
    @property  # type: ignore[override]
    def _pen(self) -> Any:
        return self.__dict__.get("_tapped_pen")

    @_pen.setter
    def _pen(self, capture: PenCapture | None) -> None:
        self.__dict__["_tapped_pen"] = None if capture is None else _TappedPen(
            capture, self._tap_pen)

    @property  # type: ignore[override]
    def _pad(self) -> Any:
        return self.__dict__.get("_opened_pad")

    @_pad.setter
    def _pad(self, pad: Pad | ScreenPad | None) -> None:
        self.__dict__["_opened_pad"] = pad
        if pad is not None:
            opened = PadOpened.of(pad)
            for feed in self.feeds:
                if feed.pad is not None:
                    feed.pad(opened)
        elif self.screen_pad is not None:
            self.screen_pad = None

    def _tap_pen(self, sample: PenSample) -> None:
        for feed in self.feeds:
            if feed.pen is not None:
                feed.pen(sample)

    def page_shown(self, page: int) -> None:
        """The station's step; the taps hear which page is on screen now."""
        super().page_shown(page)
        for feed in self.feeds:
            if feed.page is not None:
                feed.page(page)

    # --- the screen as the turn's pad ----------------------------------------------------
    def _open_pad(self, request: TurnRequest) -> Pad | ScreenPad:
        """The station's step; with a screen source chosen, the screen is the pad."""
        choice = self._screen
        if choice is None:
            return super()._open_pad(request)
        return self._open_screen_pad(choice, request)

    def _open_screen_pad(self, choice: ScreenChoice, request: TurnRequest) -> ScreenPad:
        pad = ScreenPad(choice.source, choice.area, choice.device, clock=self._clock,
                        on_sample=self._pen.add, on_event=self._pad_event)
        caps = pad.capabilities
        # The entry the station writes for a USB pad, with what the source really is.
        self._write("device.pad", {"field": request.field_name, "name": pad.info.name,
                                   "path": pad.info.path, "simulated": pad.info.simulated,
                                   "protocol": caps.protocol.value,
                                   "x": [caps.x.minimum, caps.x.maximum],
                                   "y": [caps.y.minimum, caps.y.maximum],
                                   "pressure": [caps.pressure.minimum, caps.pressure.maximum],
                                   "details": dict(pad.info.details)})
        self._write("pen.prompt", {"field": request.field_name, "shown": False})
        self.screen_pad = pad
        return pad
