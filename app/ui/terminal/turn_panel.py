"""One signatory's turn on screen, start to end: read every page, sign (the ink echoed as it is
written), clear and sign again, confirm, press the fingerprint (live quality), the photo, and
the signature; or refuse, with a reason, at any point.  Device faults show in a red band
with a way to try again.

The same panel serves the detention-room kiosk and the workstation's own pad.  It asks the
station for each step through its :class:`~app.ui.terminal.turn.TurnDesk` (never on the GUI
thread) and follows the station's events through the window's bridge.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from app.ui.bridge import Bridge
from app.ui.errors import describe_error
from app.ui.i18n import Retranslating, current_language
from app.ui.terminal.feed import PadOpened, ScreenChoice, ScreenFeed, pen_points
from app.ui.terminal.refusal import RefusalDialog
from app.ui.terminal.screens import (
    FingerprintScreen,
    MessageScreen,
    PhotoScreen,
    ReadingScreen,
    SigningScreen,
)
from app.ui.terminal.turn import TurnDesk
from app.ui.widgets.fault_band import FaultBand
from app.ui.widgets.ink_canvas import InkArea
from app.ui.widgets.pen_surface import SurfaceInput
from records.session_types import SignatureOutcome, StationEvent, StationEventKind, TurnRequest

if TYPE_CHECKING:  # the signing stack loads with the first station, not with the window
    from devices.fingerprint import FingerprintCapture
    from devices.pen import PenSample
    from records.session import SigningStation

__all__ = ["TurnPanel", "pen_points"]

#: Which input writes the next signature: None for the station's pad.
InputChoice = Callable[[], SurfaceInput | None]


class TurnPanel(Retranslating, QWidget):
    """See the module docstring."""

    screen_changed = Signal(str)  # waiting, reading, signing, fingerprint, photo, done

    def __init__(self, desk: TurnDesk, bridge: Bridge, parent: QWidget | None = None, *,
                 input_choice: InputChoice = lambda: None, mouse_allowed: bool = False) -> None:
        super().__init__(parent)
        self.desk, self.bridge = desk, bridge
        self.station: SigningStation | None = None
        self.screen_capable = False
        self.input_choice, self.mouse_allowed = input_choice, mouse_allowed
        self.fault = FaultBand(self)
        self.waiting, self.done = MessageScreen(self), MessageScreen(self)
        self.reading, self.signing = ReadingScreen(self), SigningScreen(self)
        self.fingerprint, self.photo = FingerprintScreen(self), PhotoScreen(self)
        self.stack = QStackedWidget(self)
        self.screens = {"waiting": self.waiting, "reading": self.reading,
                        "signing": self.signing, "fingerprint": self.fingerprint,
                        "photo": self.photo, "done": self.done}
        for screen in self.screens.values():
            self.stack.addWidget(screen)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.fault)
        column.addWidget(self.stack, 1)
        self.pressure_max = 1023  # of a pad this window was not told about (a plain station)
        self.request: TurnRequest | None = None
        self.outcome: SignatureOutcome | None = None
        self.pad: PadOpened | None = None
        self.capture: FingerprintCapture | None = None
        self.photo_taken = False
        self.record_shown: tuple[str, int] | None = None
        self._press_cancel = threading.Event()
        self._ending = ""
        self._wire()
        self.retranslate()
        self.show_screen("waiting")

    # -- wiring ---------------------------------------------------------------------------
    def attach(self, station: SigningStation | None) -> None:
        """Follow ``station`` (the one this window's turns run on).  A
        :class:`~app.ui.terminal.station.ScreenStation` gives every pen sample and its pad;
        a plain station (a terminal's brain made it) gives its ink in stroke batches.  Safe
        from any thread (whoever makes the station can attach it before showing a record):
        it only subscribes, and everything it hears goes through the bridge."""
        if station is self.station:
            return
        from app.ui.terminal.station import ScreenStation  # loaded with the first station

        self.station = station
        self.screen_capable = isinstance(station, ScreenStation)
        if station is None:
            return
        bridge = self.bridge
        if isinstance(station, ScreenStation):
            station.watch(ScreenFeed(pen=bridge.batched(self._pen, context=self),
                                     pad=bridge.adapt(self._pad_opened, context=self)))
        preview = bridge.latest(self._preview, context=self)
        fingerprint = bridge.latest(self._fingerprint_progress, context=self)
        event = bridge.adapt(self._station_event, context=self)
        ink = bridge.batched(self._ink_rows, context=self)
        tapped = self.screen_capable

        def listener(item: StationEvent) -> None:  # on the producing thread: filter first
            if self.station is not station:
                return  # a station this window has moved on from
            if item.kind is StationEventKind.PREVIEW:
                preview(item)
            elif item.kind is StationEventKind.FINGERPRINT_PROGRESS:
                fingerprint(item)
            elif item.kind is StationEventKind.INK and not tapped:
                for row in item.data.get("rows", ()):
                    ink(row)
            elif item.kind in (StationEventKind.PAD_EVENT, StationEventKind.FAULT,
                               StationEventKind.RECORD_SHOWN, StationEventKind.STATE):
                event(item)

        station.subscribe(listener)

    def _wire(self) -> None:
        self.desk.started.connect(self.begin)
        self.desk.ended.connect(self._ended)
        self.desk.cancelled.connect(self._cancelled)
        self.desk.busy_changed.connect(lambda _busy: self._update_buttons())
        r, s, f, p = self.reading, self.signing, self.fingerprint, self.photo
        r.pages.page_changed.connect(self._page_changed)
        r.previous_button.clicked.connect(lambda: r.pages.show_page(r.pages.page - 1))
        r.next_button.clicked.connect(lambda: r.pages.show_page(r.pages.page + 1))
        r.sign_button.clicked.connect(self.start_signing)
        s.clear_button.clicked.connect(self.clear_signature)
        s.confirm_button.clicked.connect(self.confirm_signature)
        f.again_button.clicked.connect(self.press_fingerprint)
        f.continue_button.clicked.connect(self._after_fingerprint)
        p.photo_button.clicked.connect(self.take_photo)
        p.finish_button.clicked.connect(self.finish)
        for button in (r.refuse_button, s.refuse_button, f.refuse_button, p.refuse_button):
            button.clicked.connect(self.ask_refusal)

    # -- texts ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self._say_waiting()
        request = self.request
        if request is not None:
            who = self._who(request)
            self.reading.heading.setText(self.tr("{0}: please read the record, page by page. "
                                                 "Signing opens once you have seen every "
                                                 "page.").format(who))
            self.signing.prompt.setText(self.tr("{0}: please sign in the box").format(who))
        self.signing.show_input(self.pad)
        if self._ending:
            self._say_done()

    def _who(self, request: TurnRequest) -> str:
        label = request.label_zh if current_language() == "zh" else request.label_en
        return f"{label} {request.signatory_name}"

    def _say_waiting(self) -> None:
        if self.record_shown is None:
            self.waiting.say(self.tr("Please wait"),
                             self.tr("The record appears here when the prosecutor sends it."))
        else:
            self.waiting.say(self.tr("Record received"), self.tr(
                "{0} pages. Waiting for the next signatory's turn.").format(
                self.record_shown[1]))

    # -- faults ---------------------------------------------------------------------------
    def show_fault(self, text: Callable[[], str], retry: Callable[[], Any] | None) -> None:
        """A red band saying what went wrong; ``retry`` offers to try the step again."""
        self.fault.show_fault(text, retry)

    def clear_fault(self) -> None:
        self.fault.clear()

    def _step_failed(self, retry: Callable[[], Any] | None) -> Callable[[BaseException], None]:
        def failed(error: BaseException) -> None:
            self.show_fault(lambda: describe_error(error, current_language())[0] or str(error),
                            retry)
            self._update_buttons()
        return failed

    # -- the flow -------------------------------------------------------------------------
    def show_screen(self, name: str) -> None:
        self.stack.setCurrentWidget(self.screens[name])
        self._update_buttons()
        self.screen_changed.emit(name)

    @property
    def screen(self) -> str:
        current = self.stack.currentWidget()
        return next(name for name, widget in self.screens.items() if widget is current)

    def begin(self, request: TurnRequest) -> None:
        """A turn began at this station: show the record from its first page."""
        self.attach(self.desk.station)
        self.request, self.outcome, self.pad, self.capture = request, None, None, None
        self.photo_taken, self._ending = False, ""
        self.clear_fault()
        self.reading.seen = set()
        self.signing.surface.detach()
        self.signing.surface.clear()
        self.fingerprint.meter.reset()
        self.fingerprint.clear_print()
        self.retranslate()
        self.show_screen("reading")
        if not self.reading.pages.load(request.pdf):
            self.show_fault(lambda: self.tr("This record cannot be shown on this screen."), None)
        self.reading.pages.setFocus()

    def _page_changed(self, index: int) -> None:
        self.reading.seen.add(index)
        self.reading.update_position()
        self.desk.step(lambda s: s.page_shown(index + 1), None, self._step_failed(None))
        self._update_buttons()

    def start_signing(self) -> None:
        """Every page was read: open the pad (or the screen) and capture."""
        source = self.input_choice() if self.screen_capable else None
        if source is SurfaceInput.MOUSE and not self.mouse_allowed:
            source = None
        surface = self.signing.surface
        self.pad = None
        surface.clear()
        self.show_screen("signing")
        choice = None
        if source is not None:
            area = surface.surface_area()
            choice = ScreenChoice(source, area, self._pointer_name(source))

        def work(station: SigningStation) -> None:
            from app.ui.terminal.station import ScreenStation

            if isinstance(station, ScreenStation):
                station.use_screen(choice)
            station.start_signing()

        self.desk.step(work, lambda _r: self._signing(choice),
                       self._step_failed(self.start_signing))

    def _pointer_name(self, source: SurfaceInput) -> str:
        from PySide6.QtGui import QInputDevice

        wanted = (QInputDevice.DeviceType.Stylus if source is SurfaceInput.TABLET
                  else QInputDevice.DeviceType.Mouse)
        names = [d.name() for d in QInputDevice.devices() if d.type() == wanted and d.name()]
        return names[0] if names else ("pen" if source is SurfaceInput.TABLET else "mouse")

    def _signing(self, choice: ScreenChoice | None) -> None:
        surface = self.signing.surface
        if choice is not None:
            station = self.station

            def sink(sample: Any) -> None:
                pad = getattr(station, "screen_pad", None)  # a ScreenStation's, this turn
                if pad is not None:
                    pad.feed(sample)

            surface.attach(sink, mouse=choice.source is SurfaceInput.MOUSE)
        surface.setFocus()
        self._update_buttons()

    def _pad_opened(self, pad: PadOpened) -> None:
        self.pad = pad
        surface = self.signing.surface
        if pad.source == "usb-pad":
            surface.set_area(InkArea(pad.x_range[0], pad.x_range[1], pad.y_range[0],
                                     pad.y_range[1], pad.aspect))
        self.signing.show_input(pad)

    def _pen(self, samples: list[PenSample]) -> None:
        if self.screen == "signing":
            self.signing.surface.add_points(pen_points(samples))
            self._update_buttons()

    def _ink_rows(self, rows: list[Any]) -> None:
        """Ink from a plain station's events: rows ``[t_us, x, y, pressure, touching, ...]``
        in device units; the canvas fits its area to them."""
        if self.screen == "signing":
            self.signing.surface.add_rows(rows, pressure_max=self.pressure_max)
            self._update_buttons()

    def clear_signature(self) -> None:
        """Clear and sign again (the cleared attempt stays in the log)."""
        def cleared(_result: object) -> None:
            self.signing.surface.clear()
            self._update_buttons()

        self.desk.step(lambda s: s.clear(), cleared, self._step_failed(None))

    def confirm_signature(self) -> None:
        def accepted(_result: object) -> None:
            self.signing.surface.detach()
            self.fingerprint.meter.reset()
            self.show_screen("fingerprint")
            self.press_fingerprint()

        self.desk.step(lambda s: s.accept_signature(), accepted, self._step_failed(None))

    def press_fingerprint(self) -> None:
        """One press of the fingerprint reader (again after a poor one)."""
        self._press_cancel = cancel = threading.Event()
        self.capture = None
        self.fingerprint.meter.reset()
        self.fingerprint.clear_print()
        self.desk.step(lambda s: s.capture_fingerprint(cancel), self._pressed,
                       self._step_failed(self.press_fingerprint))
        self._update_buttons()

    def _fingerprint_progress(self, event: StationEvent) -> None:
        data = event.data
        self.fingerprint.meter.show_progress(str(data.get("stage")), str(data.get("text_zh")),
                                             str(data.get("text_en")))

    def _pressed(self, capture: FingerprintCapture) -> None:
        self.capture = capture
        self.fingerprint.show_print(capture.png)
        self.fingerprint.device.setText(capture.device.name)
        self.fingerprint.meter.show_result(capture.verdict.value, capture.quality.score)
        self._update_buttons()

    @property
    def fingerprint_usable(self) -> bool:
        from devices.fingerprint import Verdict

        return self.capture is not None and self.capture.verdict in (Verdict.GOOD,
                                                                     Verdict.ACCEPTABLE)

    def _after_fingerprint(self) -> None:
        if self.station is not None and self.station.config.media is None:
            self.finish()
        else:
            self.photo.status.setText("")
            self.show_screen("photo")

    def take_photo(self) -> None:
        def taken(photo: Any) -> None:
            self.photo_taken = True
            self.photo.status.setText(self.tr("Photo taken ({0}×{1}).").format(
                photo.width, photo.height))
            self._update_buttons()

        self.desk.step(lambda s: s.take_photo(), taken, self._step_failed(self.take_photo))
        self._update_buttons()

    def finish(self) -> None:
        """Make the signature (the station signs on the signatory's behalf)."""
        self.photo.status.setText(self.tr("Signing…"))
        self.desk.step(lambda s: s.finish_turn(), None, self._step_failed(self.finish))
        self._update_buttons()

    def ask_refusal(self) -> RefusalDialog | None:
        request = self.request
        if request is None:
            return None
        dialog = RefusalDialog(self._who(request), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.refuse(dialog.reason))
        dialog.open()
        self.refusal_dialog = dialog
        return dialog

    def refuse(self, reason: str) -> None:
        """Record a refusal with ``reason`` (a press under way is called off first)."""
        self._press_cancel.set()
        self.signing.surface.detach()
        self.desk.step(lambda s: s.refuse(reason), None, self._step_failed(None))

    def _ended(self, outcome: SignatureOutcome) -> None:
        self.outcome, self.request = outcome, None
        self.signing.surface.detach()
        self._ending = "signed" if outcome.signed else "refused"
        self.clear_fault()
        self._say_done()
        self.show_screen("done")

    def _cancelled(self, reason: str) -> None:
        self.request = None
        self.signing.surface.detach()
        self._ending = "cancelled"
        self._say_done()
        self.show_screen("done")

    def _say_done(self) -> None:
        texts = {"signed": (self.tr("Thank you"), self.tr("Your signature was recorded.")),
                 "refused": (self.tr("Refusal recorded"),
                             self.tr("Your refusal and its reason were recorded.")),
                 "cancelled": (self.tr("Stopped"),
                               self.tr("The prosecutor called this turn off; nothing was "
                                       "signed."))}
        self.done.say(*texts[self._ending])

    # -- station events -------------------------------------------------------------------
    def _preview(self, event: StationEvent) -> None:
        self.photo.camera.show_frame(bytes(event.data["jpeg"]), bool(event.data["simulated"]))

    def _station_event(self, event: StationEvent) -> None:
        data = event.data
        if event.kind is StationEventKind.RECORD_SHOWN:
            self.record_shown = (str(data["record_id"]), int(data["pages"]))
            self._say_waiting()
        elif event.kind is StationEventKind.PAD_EVENT:
            kind = str(data.get("kind"))
            if kind in ("unplugged", "error"):
                self.show_fault(lambda: self.tr("The signature pad stopped answering ({0}). "
                                                "Check its cable; capture resumes when it is "
                                                "back.").format(data.get("message")),
                                self.clear_signature if self.screen == "signing" else None)
            elif kind == "reconnected":
                self.clear_fault()
        elif event.kind is StationEventKind.FAULT:
            self.show_fault(lambda: self.tr("The capture log failed: {0}. This turn cannot be "
                                            "signed.").format(data.get("message")), None)
        elif event.kind is StationEventKind.STATE and data.get("state") == "idle":
            self._say_waiting()

    # -- buttons --------------------------------------------------------------------------
    def _update_buttons(self) -> None:
        busy = self.desk.busy
        turn = self.request is not None
        r, s, f, p = self.reading, self.signing, self.fingerprint, self.photo
        r.sign_button.setEnabled(turn and r.all_seen and not busy)
        strokes = s.surface.stroke_count > 0
        s.clear_button.setEnabled(turn and not busy and self.pad is not None)
        s.confirm_button.setEnabled(turn and not busy and strokes)
        f.again_button.setEnabled(turn and not busy and self.capture is not None)
        f.continue_button.setEnabled(turn and not busy and self.fingerprint_usable)
        p.photo_button.setEnabled(turn and not busy)
        p.finish_button.setEnabled(turn and not busy and self.photo_taken)
        for button in (r.refuse_button, s.refuse_button, f.refuse_button, p.refuse_button):
            button.setEnabled(turn)
