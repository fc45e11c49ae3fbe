"""The prosecutor's live view of a signing: who signs now and where, the page they are
reading, their ink appearing stroke by stroke as it is drawn, the camera, the fingerprint,
the devices and the link, and a running list of what happened.

The panel follows stations: :meth:`LivePanel.follow` a station in this process (a
:class:`~app.ui.terminal.station.ScreenStation` gives every pen sample and the page on screen;
a plain one its stroke batches), or feed it :class:`~records.session_types.StationEvent`
values from elsewhere (the link) with :meth:`LivePanel.take_event`.  Everything arrives
through the window's bridge; nothing here blocks.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QListWidget,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.ui.bridge import Bridge
from app.ui.i18n import Retranslating, current_language
from app.ui.style import set_role
from app.ui.terminal.feed import PadOpened, ScreenFeed, pen_points
from app.ui.widgets.camera_view import CameraView
from app.ui.widgets.fingerprint_meter import FingerprintMeter
from app.ui.widgets.ink_canvas import InkArea, InkCanvas
from app.ui.widgets.page_view import PageView
from records.session_types import StationEvent, StationEventKind

if TYPE_CHECKING:  # the signing stack loads with the first station, not with the window
    from devices.pen import PenSample
    from records.session import SigningStation
    from records.views import SignatoryView

__all__ = ["LivePanel"]

MAX_LINES = 400


class LivePanel(Retranslating, QWidget):
    """See the module docstring."""

    def __init__(self, bridge: Bridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("live-panel")
        self.bridge = bridge
        self.who = QLabel(self)
        set_role(self.who, "heading")
        self.who.setWordWrap(True)
        self.devices = QLabel(self)
        self.devices.setWordWrap(True)
        set_role(self.devices, "hint")
        self.link = QLabel(self)
        set_role(self.link, "hint")
        self.page_label = QLabel(self)
        self.page = PageView(self)
        self.page.setMinimumSize(160, 220)
        self.ink = InkCanvas(self)
        self.ink.setMinimumSize(280, 140)
        self.camera = CameraView(self)
        self.fingerprint = FingerprintMeter(self)
        self.events = QListWidget(self)
        self.events.setObjectName("live-events")
        grid = QGridLayout()
        grid.addWidget(self.page_label, 0, 0)
        grid.addWidget(self.page, 1, 0, 2, 1)
        grid.addWidget(self.ink, 1, 1)
        grid.addWidget(self.camera, 1, 2)
        grid.addWidget(self.fingerprint, 2, 1, 1, 2)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(2, 2)
        top = QWidget(self)
        top.setLayout(grid)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(top)
        split.addWidget(self.events)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        column = QVBoxLayout(self)
        column.addWidget(self.who)
        column.addWidget(self.devices)
        column.addWidget(self.link)
        column.addWidget(split, 1)
        self.signatory: SignatoryView | None = None
        self.station_name = ""
        self.pads: dict[str, PadOpened] = {}
        self.link_text: str | None = None
        self.pages = 0
        self.current_page = 0
        self._followed: list[Any] = []
        self._tapped: set[str] = set()  # stations whose pages come from the page tap
        self.remote: Any = None  # the terminal across the link whose state is shown
        self.status_timer: QTimer | None = None  # polls the link's state while it is shown
        self._started = time.monotonic()
        self.retranslate()

    def stop_following(self) -> None:
        """Forget the terminal across the link and stop polling its state (window closing)."""
        self.remote = None
        timer, self.status_timer = self.status_timer, None
        if timer is not None:
            timer.stop()
            timer.deleteLater()

    # -- what it follows ------------------------------------------------------------------
    def follow(self, station: SigningStation) -> None:
        """Show what ``station`` does from now on (safe from any thread)."""
        from app.ui.terminal.station import ScreenStation  # loaded with the first station

        bridge = self.bridge
        self._followed.append(station)
        tapped = isinstance(station, ScreenStation)
        if tapped:
            name = station.config.station
            self._tapped.add(name)
            station.watch(ScreenFeed(
                pen=bridge.batched(self._pen, context=self),
                pad=bridge.adapt(lambda pad: self._pad(name, pad), context=self),
                page=bridge.adapt(self._page, context=self)))
        preview = bridge.latest(self._preview, context=self)
        event = bridge.adapt(self.take_event, context=self)

        def listener(item: StationEvent) -> None:  # on the producing thread: filter first
            if item.kind is StationEventKind.PREVIEW:
                preview(item)
            elif item.kind in (StationEventKind.LOGGED, StationEventKind.LOG_LINE,
                               StationEventKind.SEGMENT):
                return
            elif item.kind is StationEventKind.INK and tapped:
                return  # the tap already drew every sample
            else:
                event(item)

        station.subscribe(listener)

    def show_record(self, pdf: bytes, title: str) -> None:
        """The record as it stands (the page the signatory reads is shown from it)."""
        self.pages = self.page.load(pdf)
        self.record_title = title
        self._line(self.tr("Record pushed: {0} ({1} pages)").format(title, self.pages))
        self.retranslate()

    def turn_started(self, signatory: SignatoryView, station: str) -> None:
        """Whose turn it is and where (the window knows from the workflow)."""
        self.signatory, self.station_name = signatory, station
        self.ink.clear()
        self.fingerprint.reset()
        self.current_page = 0
        self._line(self.tr("Turn of {0} at {1}").format(self._who(signatory), station))
        self.retranslate()

    def turn_ended(self, text: str) -> None:
        self.signatory = None
        self._line(text)
        self.retranslate()

    def set_link_state(self, text: str | None) -> None:
        """What the link says (None: no link, the stations are in this process)."""
        self.link_text = text
        self.retranslate()

    # -- texts ----------------------------------------------------------------------------
    def _who(self, signatory: SignatoryView) -> str:
        label = signatory.label_zh if current_language() == "zh" else signatory.label_en
        return f"{label} {signatory.name}"

    def retranslate(self) -> None:
        signatory = self.signatory
        self.who.setText(self.tr("Now signing: {0} — at {1}").format(
            self._who(signatory), self.station_name) if signatory is not None
            else self.tr("Nobody is signing right now."))
        pads = [self.tr("{0}: {1}{2}").format(
            station, pad.name, self.tr(" (simulated)") if pad.simulated else "")
            for station, pad in sorted(self.pads.items())]
        self.devices.setText(self.tr("Pads: {0}").format("; ".join(pads)) if pads
                             else self.tr("Pads: none opened yet"))
        self.link.setText(self.link_text if self.link_text is not None else self.tr(
            "Link: the stations run in this process (no network link)."))
        self.page_label.setText(self.tr("Page on screen: {0} of {1}").format(
            self.current_page, self.pages) if self.current_page else self.tr(
            "Page on screen: none"))
        self.ink.setAccessibleName(self.tr("Live ink"))
        self.events.setAccessibleName(self.tr("What happened"))

    def _line(self, text: str) -> None:
        elapsed = time.monotonic() - self._started
        stamp = f"{int(elapsed // 60):02d}:{elapsed % 60:04.1f}"
        self.events.addItem(f"{stamp}  {text}")  # untranslated: a time and a translated line
        while self.events.count() > MAX_LINES:
            self.events.takeItem(0)
        self.events.scrollToBottom()

    # -- what arrives ---------------------------------------------------------------------
    def _pen(self, samples: list[PenSample]) -> None:
        self.ink.add_points(pen_points(samples))

    def _pad(self, station: str, pad: PadOpened) -> None:
        self.pads[station] = pad
        self.ink.set_area(InkArea(pad.x_range[0], pad.x_range[1], pad.y_range[0],
                                  pad.y_range[1], pad.aspect))
        self.retranslate()

    def _page(self, page: int) -> None:
        self.current_page = page
        self.page.show_page(page - 1)
        self.retranslate()

    def _preview(self, event: StationEvent) -> None:
        self.camera.show_frame(bytes(event.data["jpeg"]), bool(event.data["simulated"]))

    def take_event(self, event: StationEvent) -> None:
        """One station event (GUI thread): the list, the ink, the fingerprint."""
        data, kind = event.data, event.kind
        if kind is StationEventKind.INK:
            self.ink.add_rows(data.get("rows", ()), pressure_max=1023,
                              t_ns=int(data.get("received_ns", 0)))
        elif kind is StationEventKind.PAGE_VIEWED:
            if event.station not in self._tapped:
                self._page(int(data["page"]))  # no live page tap: show the page just read
            self._line(self.tr("{0}: page {1} was on screen for {2:.1f} s").format(
                event.station, data["page"], int(data["shown_ms"]) / 1000))
        elif kind is StationEventKind.CLEARED:
            self.ink.clear()
            if "attempt" in data:
                self._line(self.tr("{0}: the pad was cleared; attempt {1} begins ({2} samples "
                                   "kept in the log)").format(event.station, data["attempt"],
                                                              data["discarded"]))
            else:  # across the link: the reason says "attempt N" (words of the protocol)
                attempt = re.fullmatch(r"attempt (\d+)", str(data.get("reason", "")))
                self._line(self.tr("{0}: the pad was cleared; attempt {1} begins").format(
                    event.station, attempt[1]) if attempt else self.tr(
                    "{0}: the pad was cleared ({1})").format(event.station,
                                                             data.get("reason", "")))
        elif kind is StationEventKind.PAD_EVENT and data.get("kind") in (
                "unplugged", "reconnected", "error", "samples_lost"):
            self._line(self.tr("{0}: pad: {1}").format(event.station, data.get("message")))
        elif kind is StationEventKind.FINGERPRINT_PROGRESS:
            self.fingerprint.show_progress(str(data["stage"]), str(data["text_zh"]),
                                           str(data["text_en"]))
        elif kind is StationEventKind.FINGERPRINT:
            self.fingerprint.show_result(str(data["verdict"]), int(data["score"]))
            self._line(self.tr("{0}: fingerprint pressed, quality {1} ({2})").format(
                event.station, data["verdict"], data["score"]))
        elif kind is StationEventKind.PHOTO:
            self._line(self.tr("{0}: photo taken ({1}×{2})").format(
                event.station, data["width"], data["height"]))
        elif kind is StationEventKind.FAULT:
            self._line(self.tr("{0}: FAULT: {1}").format(event.station, data.get("message")))
        elif kind is StationEventKind.RECORD_SHOWN:
            self._line(self.tr("{0}: the record is on screen").format(event.station))
        elif kind is StationEventKind.TURN_ENDED:
            outcome = str(data.get("outcome"))
            said = {"signed": self.tr("signed"), "refused": self.tr("refused"),
                    "failed": self.tr("failed"), "cancelled": self.tr("cancelled")}
            self._line(self.tr("{0}: the turn ended ({1})").format(
                event.station, said.get(outcome, outcome)))
