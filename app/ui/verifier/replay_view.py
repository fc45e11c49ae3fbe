"""Replay of a station's session: each signature drawn with its timing and pressure beside the
station's recording, on the station's session clock, with play/pause, scrubbing and speed.

The position is a session-clock instant (µs) of one station.  The ink shows the station's
signature under way at that instant (or the last one finished); the video shows the frame the
recording holds at the same instant, through the recording's :class:`MediaClock`.  Audio is
not played back.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.bridge import Bridge
from app.ui.i18n import Retranslating
from app.ui.style import set_role
from app.ui.verifier.contents import StationMedia, VerifiedPackage
from app.ui.verifier.ink_canvas import InkCanvas
from app.ui.verifier.replay_model import signature_at, station_range, stations_of
from app.ui.verifier.signature_ink import ReplayUnavailable, SignatureInk
from app.ui.verifier.video import DecodedFrame, VideoDecoder
from app.ui.verifier.video_pane import VideoPane

__all__ = ["SPEEDS", "ReplayView"]

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)
TICK_MS = 33
LEAD_US = 500_000  # a signature chosen from the list starts playing half a second early


def _clock(us: float) -> str:
    seconds = max(0.0, us / 1e6)
    return f"{int(seconds // 60):02d}:{seconds % 60:06.3f}"


class ReplayView(Retranslating, QWidget):
    """Replays the signatures and recordings of an opened package."""

    position_changed = Signal(float)  # the session-clock instant (µs) now shown

    def __init__(self, bridge: Bridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verifier-replay")
        self.bridge = bridge
        self.package: VerifiedPackage | None = None
        self.station = ""
        self.position_us = 0.0
        self.range_us = (0.0, 0.0)
        self.signature: SignatureInk | None = None
        self.decoder: VideoDecoder | None = None
        self.frame_time_s: float | None = None
        self.frames_shown = 0
        self.speed = 1.0
        self._stations: list[str] = []
        self._fields: list[str] = []

        self.station_label = QLabel(self)
        self.station_combo = QComboBox(self)
        self.station_combo.setObjectName("replay-station")
        self.signature_label = QLabel(self)
        self.signature_combo = QComboBox(self)
        self.signature_combo.setObjectName("replay-signature")
        self.station_label.setBuddy(self.station_combo)
        self.signature_label.setBuddy(self.signature_combo)
        self.canvas = InkCanvas(self)
        self.ink_message = QLabel(self)
        self.ink_message.setWordWrap(True)
        self.ink_message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_role(self.ink_message, "placeholder")
        self.ink_stack = QStackedWidget(self)
        self.ink_stack.addWidget(self.ink_message)
        self.ink_stack.addWidget(self.canvas)
        self.ink_caption = QLabel(self)
        self.ink_caption.setWordWrap(True)
        set_role(self.ink_caption, "hint")
        self.video = VideoPane(self)

        self.play_button = QPushButton(self)
        self.play_button.setObjectName("replay-play")
        self.play_button.setCheckable(True)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setObjectName("replay-position")
        self.slider.setSingleStep(100)
        self.slider.setPageStep(1000)
        self.speed_label = QLabel(self)
        self.speed_combo = QComboBox(self)
        self.speed_combo.setObjectName("replay-speed")
        for speed in SPEEDS:
            self.speed_combo.addItem(f"{speed:g}×", speed)  # untranslated: a number
        self.speed_combo.setCurrentIndex(SPEEDS.index(1.0))
        self.speed_label.setBuddy(self.speed_combo)
        self.time_label = QLabel(self)
        self.time_label.setObjectName("replay-time")
        self.notes = QLabel(self)
        self.notes.setWordWrap(True)
        set_role(self.notes, "hint")

        choose = QHBoxLayout()
        choose.addWidget(self.station_label)
        choose.addWidget(self.station_combo, 1)
        choose.addWidget(self.signature_label)
        choose.addWidget(self.signature_combo, 2)
        panes = QGridLayout()
        panes.addWidget(self.ink_stack, 0, 0)
        panes.addWidget(self.video, 0, 1)
        panes.addWidget(self.ink_caption, 1, 0)
        panes.setColumnStretch(0, 3)
        panes.setColumnStretch(1, 2)
        controls = QHBoxLayout()
        controls.addWidget(self.play_button)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.time_label)
        controls.addWidget(self.speed_label)
        controls.addWidget(self.speed_combo)
        column = QVBoxLayout(self)
        column.addLayout(choose)
        column.addLayout(panes, 1)
        column.addLayout(controls)
        column.addWidget(self.notes)

        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self._elapsed = QElapsedTimer()
        self.play_button.toggled.connect(self._play_toggled)
        self.slider.valueChanged.connect(self._slid)
        self.speed_combo.currentIndexChanged.connect(self._speed_chosen)
        self.station_combo.activated.connect(self._station_chosen)
        self.signature_combo.activated.connect(self._signature_chosen)
        self._show_frame_later = bridge.latest(self._frame_ready, context=self)
        self._decoder_failed = bridge.adapt(self._video_failed, context=self)
        self.retranslate()

    # -- words ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.station_label.setText(self.tr("&Station:"))
        self.signature_label.setText(self.tr("Si&gnature:"))
        self.speed_label.setText(self.tr("Spee&d:"))
        self.play_button.setText(self.tr("Pause") if self.playing else self.tr("Play"))
        self.play_button.setToolTip(self.tr("Play or pause the replay (Space)"))
        self.slider.setAccessibleName(self.tr("Replay position"))
        self.canvas.setAccessibleName(self.tr("Signature replay"))
        self.notes.setText(self.tr(
            "Ink and video are placed on the station's session clock, which its capture log, "
            "pen samples and recording share. Audio is not played back."))
        self._fill_signatures()
        self._show_ink_state()
        self._show_time()
        self._show_video_state()

    def _unavailable_text(self, why: ReplayUnavailable) -> str:
        return {
            ReplayUnavailable.NO_ARCHIVE_KEY: self.tr(
                "Replay unavailable: the pen track is encrypted for the archive key. Give the "
                "archive key under Verification options to replay it."),
            ReplayUnavailable.NOT_SIGNED: self.tr("This field was not signed."),
            ReplayUnavailable.EVIDENCE_MISSING: self.tr(
                "Replay unavailable: the evidence file is missing from the package."),
            ReplayUnavailable.EVIDENCE_REFUSED: self.tr(
                "Replay unavailable: the evidence did not open or does not match its signature "
                "(see the report)."),
            ReplayUnavailable.TRACK_UNREADABLE: self.tr(
                "Replay unavailable: the decrypted pen track cannot be read."),
        }[why]

    # -- content --------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def show_package(self, package: VerifiedPackage | None) -> None:
        """Replay ``package`` (None: nothing)."""
        self.pause()
        self.package = package
        stations = stations_of(package) if package is not None else []
        self._stations = stations
        self.station_combo.clear()
        for name in stations:
            self.station_combo.addItem(name)  # untranslated: a station's id
        fields = []
        if package is not None:
            fields = sorted({*package.signatures, *package.unavailable})
        self._fields = fields
        self._fill_signatures()
        self.station = ""
        if fields:
            self.select_signature(fields[0])
        elif stations:
            self.select_station(stations[0])
        else:
            self._close_decoder()
            self.signature = None
            self.canvas.set_signature(None)
            self._show_ink_state()
            self._show_video_state()
            self._show_time()

    def _fill_signatures(self) -> None:
        package = self.package
        current = self.signature_combo.currentIndex()
        self.signature_combo.clear()
        for field in self._fields:
            ink = package.signatures.get(field) if package else None
            if ink is not None:
                text = self.tr("{0} — {1} at {2}").format(field, ink.signatory,
                                                         ink.station or "?")
            else:
                text = self.tr("{0} — replay unavailable").format(field)
            self.signature_combo.addItem(text, field)
        if 0 <= current < self.signature_combo.count():
            self.signature_combo.setCurrentIndex(current)

    def select_signature(self, field: str) -> None:
        """Show signature ``field`` at its station and go to just before its first sample."""
        if field not in self._fields or self.package is None:
            return
        self.signature_combo.setCurrentIndex(self._fields.index(field))
        ink = self.package.signatures.get(field)
        self.signature = ink
        self.canvas.set_signature(ink)
        if ink is not None and ink.station and ink.on_session_clock:
            self.select_station(ink.station, keep_position=True)
            self.seek(ink.start_us - LEAD_US)
        elif ink is not None:
            self._set_range(float(ink.start_us) - LEAD_US, float(ink.end_us) + LEAD_US)
            self.seek(ink.start_us - LEAD_US)
        else:
            # No pen track to replay: still the station's recording, from the turn's start.
            turn = next((e for e in self.package.timeline if e.field == field), None)
            if turn is not None:
                self.select_station(turn.station, keep_position=True)
                self.seek(turn.mono_us - LEAD_US)
        self._show_ink_state()

    def select_station(self, station: str, *, keep_position: bool = False) -> None:
        """Replay ``station``'s session (its recording, its signatures)."""
        if station not in self._stations or self.package is None:
            return
        self.station_combo.setCurrentIndex(self._stations.index(station))
        if station != self.station:
            self.station = station
            self._open_decoder(self.package.media.get(station))
            self._set_range(*station_range(self.package, station))
            if not keep_position:
                self.seek(self.range_us[0])
        self._show_video_state()

    def _set_range(self, start: float, end: float) -> None:
        self.range_us = (start, max(end, start))
        self.slider.blockSignals(True)
        self.slider.setRange(0, round((self.range_us[1] - start) / 1000))
        self.slider.blockSignals(False)

    # -- playing --------------------------------------------------------------------------
    def seek(self, position_us: float) -> None:
        """Show the instant ``position_us`` of the current station's session clock."""
        start, end = self.range_us
        self.position_us = min(max(position_us, start), end)
        self.slider.blockSignals(True)
        self.slider.setValue(round((self.position_us - start) / 1000))
        self.slider.blockSignals(False)
        self._follow_signature()
        if self.signature is not None:
            self.canvas.set_count(self.signature.count_at(self.position_us))
        self._request_frame()
        self._show_time()
        self.position_changed.emit(self.position_us)

    def play(self) -> None:
        if self.range_us[1] <= self.range_us[0]:
            return
        if self.position_us >= self.range_us[1]:
            self.seek(self.range_us[0])
        self._elapsed.start()
        self.timer.start()
        self._sync_button()

    def pause(self) -> None:
        self.timer.stop()
        self._sync_button()

    def toggle(self) -> None:
        """Play if paused, pause if playing (the Space key)."""
        self.pause() if self.playing else self.play()

    def set_speed(self, speed: float) -> None:
        self.speed_combo.setCurrentIndex(SPEEDS.index(speed))

    def _sync_button(self) -> None:
        self.play_button.blockSignals(True)
        self.play_button.setChecked(self.playing)
        self.play_button.blockSignals(False)
        self.play_button.setText(self.tr("Pause") if self.playing else self.tr("Play"))

    def _play_toggled(self, on: bool) -> None:
        self.play() if on else self.pause()

    def _tick(self) -> None:
        elapsed_ms = self._elapsed.restart()
        target = self.position_us + elapsed_ms * 1000 * self.speed
        if target >= self.range_us[1]:
            self.seek(self.range_us[1])
            self.pause()
        else:
            self.seek(target)

    def _slid(self, value: int) -> None:
        self.seek(self.range_us[0] + value * 1000)

    def _speed_chosen(self, index: int) -> None:
        self.speed = float(self.speed_combo.itemData(index))

    def _station_chosen(self, index: int) -> None:
        if 0 <= index < len(self._stations):
            self.select_station(self._stations[index])

    def _signature_chosen(self, index: int) -> None:
        if 0 <= index < len(self._fields):
            self.select_signature(self._fields[index])

    def _follow_signature(self) -> None:
        """While playing a station, the ink shows its signature under way (or last done)."""
        if self.package is None or not self.station:
            return
        chosen = signature_at(self.package, self.station, self.position_us + LEAD_US)
        if chosen is None:
            return
        ink = self.package.signatures[chosen]
        if ink is not self.signature:
            self.signature = ink
            self.canvas.set_signature(ink)
            self.signature_combo.setCurrentIndex(self._fields.index(chosen))
            self._show_ink_state()

    # -- video ----------------------------------------------------------------------------
    def _open_decoder(self, media: StationMedia | None) -> None:
        self._close_decoder()
        self.frame_time_s = None
        if media is not None:
            self.decoder = VideoDecoder(media.source, self._show_frame_later,
                                        self._decoder_failed)

    def _close_decoder(self) -> None:
        if self.decoder is not None:
            self.decoder.close()
            self.decoder = None

    def media_time_s(self) -> float | None:
        """Where the recording is at the current position (None without one)."""
        media = self.package.media.get(self.station) if self.package else None
        if media is None or media.clock is None:
            return None
        return media.clock.media_s(self.position_us)

    def _request_frame(self) -> None:
        media_s = self.media_time_s()
        if self.decoder is not None and media_s is not None:
            self.decoder.show(media_s)

    def _frame_ready(self, frame: DecodedFrame) -> None:
        if self.decoder is None:
            return
        self.frame_time_s = frame.time_s
        self.frames_shown += 1
        self.video.show_image(frame.image)

    def _video_failed(self, message: str) -> None:
        self.video.show_message(self.tr("The recording cannot be played: {0}").format(message))

    def _show_video_state(self) -> None:
        media = self.package.media.get(self.station) if self.package and self.station else None
        if media is None:
            self.video.show_message("")
            self.video.caption.setText("")
            return
        simulated = self.tr(" · SIMULATED camera") if "camera" in media.simulated else ""
        timing = "" if media.clock is not None else self.tr(
            " · its start time is unknown: not in sync")
        self.video.caption.setText(self.tr("Recording {0}{1}{2}").format(
            media.name.rsplit("/", 1)[-1], simulated, timing))

    # -- texts ----------------------------------------------------------------------------
    def _show_ink_state(self) -> None:
        field = self.signature_combo.currentData()
        why = self.package.unavailable.get(field) if self.package and field else None
        ink = self.package.signatures.get(field) if self.package and field else None
        if ink is not None:
            self.ink_stack.setCurrentWidget(self.canvas)
            span = (ink.end_us - ink.start_us) / 1e6
            text = self.tr("{0} ({1}): {2} samples, {3} strokes, {4:.2f} s on the session "
                           "clock").format(ink.signatory, ink.role, len(ink.points),
                                           ink.strokes(), span)
            if ink.device_span_s is not None and abs(ink.device_span_s - span) > 0.05 * max(
                    span, 0.001):
                text += self.tr("; {0:.2f} s on the pad's own clock (a simulated pad "
                                "replays a recorded signature at its own pace)").format(
                    ink.device_span_s)
            if not ink.on_session_clock:
                text += self.tr("; the pen track inside the signature has no session "
                                "times, so it is not placed on a recording")
            self.ink_caption.setText(text)
        else:
            self.ink_stack.setCurrentWidget(self.ink_message)
            self.ink_message.setText(self._unavailable_text(why) if why is not None else
                                     self.tr("No signature to replay."))
            self.ink_caption.setText("")

    def _show_time(self) -> None:
        start, end = self.range_us
        text = self.tr("{0} of {1}").format(_clock(self.position_us - start), _clock(end - start))
        self.time_label.setText(text)

    def close_player(self) -> None:
        """Stop the timer and the decoder thread (the window calls this on close)."""
        self.pause()
        self._close_decoder()
