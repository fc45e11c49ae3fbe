"""The capture-log timeline: every station's events on one time axis (a strip with a lane per
station, and a list), filterable by kind, station and status; selecting an event shows its
log entry and verification status and asks the replay to go there."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.i18n import Retranslating
from app.ui.verifier.contents import VerifiedPackage
from app.ui.verifier.look import Tone, tone_colour, tone_icon
from app.ui.verifier.timeline import EntryStatus, EventKind, TimelineEvent, entry_text

__all__ = ["KIND_COLOURS", "TimelineStrip", "TimelineView"]

KIND_COLOURS = {
    EventKind.PAGE: "#5b6270", EventKind.STROKE: "#00006e", EventKind.CLEAR: "#b3261e",
    EventKind.FINGERPRINT: "#a40f12", EventKind.PHOTO: "#7b3fa0", EventKind.TURN: "#0a6b2a",
    EventKind.MEDIA: "#9aa0a8", EventKind.GAP: "#d9822b", EventKind.SEAL: "#1f5fa8",
    EventKind.RECORD: "#2f7d7d", EventKind.PEN: "#4a6fa5", EventKind.OTHER: "#b0b4ba",
}
_STATUS_TONES = {EntryStatus.VERIFIED: Tone.GOOD, EntryStatus.FAULT: Tone.BAD,
                 EntryStatus.UNSEALED: Tone.CAUTION, EntryStatus.UNVERIFIED: Tone.CAUTION}


class TimelineStrip(QWidget):
    """Lanes of event marks over the common time axis; click a mark to select it."""

    clicked = Signal(int)  # index into ``events``

    LANE = 26
    MARGIN = 8

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verifier-timeline-strip")
        self.setMinimumHeight(60)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.events: list[TimelineEvent] = []
        self.stations: list[str] = []
        self.selected = -1
        self.cursor_wall_us: float | None = None
        self._span = (0.0, 1.0)

    def set_events(self, events: Sequence[TimelineEvent], stations: Sequence[str]) -> None:
        self.events = list(events)
        self.stations = list(stations)
        if self.events:
            start = min(e.wall_us for e in self.events)
            end = max(e.end_wall_us for e in self.events)
            self._span = (float(start), float(max(end, start + 1)))
        self.setMinimumHeight(2 * self.MARGIN + max(1, len(self.stations)) * self.LANE)
        self.update()

    def _x(self, wall_us: float) -> float:
        left, width = 110.0, max(self.width() - 110.0 - self.MARGIN, 1.0)
        start, end = self._span
        return left + (wall_us - start) / (end - start) * width

    def _lane(self, station: str) -> float:
        index = self.stations.index(station) if station in self.stations else 0
        return self.MARGIN + index * self.LANE

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        painter.setPen(QColor("#1b1f24"))
        for station in self.stations:
            y = self._lane(station)
            painter.drawText(QRectF(4, y, 104, self.LANE), Qt.AlignmentFlag.AlignVCenter,
                             station)
            painter.setPen(QColor("#e3e6ea"))
            painter.drawLine(QPointF(110, y + self.LANE / 2),
                             QPointF(self.width() - self.MARGIN, y + self.LANE / 2))
            painter.setPen(QColor("#1b1f24"))
        for index, item in enumerate(self.events):
            y = self._lane(item.station)
            x0, x1 = self._x(item.wall_us), self._x(item.end_wall_us)
            colour = QColor(KIND_COLOURS[item.kind])
            if item.status is EntryStatus.FAULT:
                colour = tone_colour(Tone.BAD)
            rect = QRectF(x0 - 1.5, y + 5, max(3.0, x1 - x0), self.LANE - 10)
            painter.fillRect(rect, colour)
            if index == self.selected:
                painter.setPen(QPen(QColor("#1f5fa8"), 2))
                painter.drawRect(rect.adjusted(-2, -3, 2, 3))
                painter.setPen(QColor("#1b1f24"))
        if self.cursor_wall_us is not None:
            x = self._x(self.cursor_wall_us)
            painter.setPen(QPen(QColor("#b3261e"), 1.5))
            painter.drawLine(QPointF(x, 2), QPointF(x, self.height() - 2))
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        position = event.position()
        lane = int((position.y() - self.MARGIN) // self.LANE)
        if not self.events or not 0 <= lane < len(self.stations):
            return
        station = self.stations[lane]
        best, distance = -1, float("inf")
        for index, item in enumerate(self.events):
            if item.station != station:
                continue
            gap = abs(self._x(item.wall_us) - position.x())
            if gap < distance:
                best, distance = index, gap
        if best >= 0:
            self.clicked.emit(best)


class TimelineView(Retranslating, QWidget):
    """Filters, the strip, the event list and the selected entry's details."""

    event_selected = Signal(object)  # the TimelineEvent

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verifier-timeline")
        self.package: VerifiedPackage | None = None
        self.events: list[TimelineEvent] = []
        self.shown: list[TimelineEvent] = []
        self.kind_boxes: dict[EventKind, QCheckBox] = {}
        filters = QGridLayout()
        for index, kind in enumerate(EventKind):
            box = QCheckBox(self)
            box.setChecked(kind is not EventKind.MEDIA)  # segments crowd the list: opt in
            box.setObjectName(f"timeline-kind-{kind.value}")
            box.toggled.connect(self._refilter)
            self.kind_boxes[kind] = box
            filters.addWidget(box, index // 6, index % 6)
        self.station_label = QLabel(self)
        self.station_filter = QComboBox(self)
        self.station_filter.setObjectName("timeline-station")
        self.station_label.setBuddy(self.station_filter)
        self.station_filter.currentIndexChanged.connect(self._refilter)
        self.problems_only = QCheckBox(self)
        self.problems_only.toggled.connect(self._refilter)
        row = QHBoxLayout()
        row.addWidget(self.station_label)
        row.addWidget(self.station_filter)
        row.addWidget(self.problems_only)
        row.addStretch(1)
        self.strip = TimelineStrip(self)
        self.strip.clicked.connect(lambda index: self.select(self.strip.events[index]))
        self.table = QTableWidget(0, 5, self)
        self.table.setObjectName("timeline-events")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.currentCellChanged.connect(self._row_changed)
        self.details = QPlainTextEdit(self)
        self.details.setObjectName("timeline-details")
        self.details.setReadOnly(True)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        column = QVBoxLayout(self)
        column.addLayout(filters)
        column.addLayout(row)
        column.addWidget(self.strip)
        column.addWidget(split, 1)
        self.retranslate()

    def kind_name(self, kind: EventKind) -> str:
        return {
            EventKind.PAGE: self.tr("Page shown"), EventKind.STROKE: self.tr("Stroke"),
            EventKind.CLEAR: self.tr("Cleared"), EventKind.FINGERPRINT: self.tr("Fingerprint"),
            EventKind.PHOTO: self.tr("Photo"), EventKind.TURN: self.tr("Hand-over"),
            EventKind.MEDIA: self.tr("Recording"), EventKind.GAP: self.tr("Recording gap"),
            EventKind.SEAL: self.tr("Seal"), EventKind.RECORD: self.tr("Record"),
            EventKind.PEN: self.tr("Pad"), EventKind.OTHER: self.tr("Log"),
        }[kind]

    def status_name(self, status: EntryStatus) -> str:
        return {EntryStatus.VERIFIED: self.tr("verified"),
                EntryStatus.FAULT: self.tr("FAULT"),
                EntryStatus.UNSEALED: self.tr("not covered by the seal"),
                EntryStatus.UNVERIFIED: self.tr("not verified")}[status]

    def retranslate(self) -> None:
        for kind, box in self.kind_boxes.items():
            box.setText(self.kind_name(kind))
        self.station_label.setText(self.tr("S&tation:"))
        self.problems_only.setText(self.tr("Only entries that did not verify"))
        current = self.station_filter.currentIndex()
        self.station_filter.blockSignals(True)
        self.station_filter.clear()
        self.station_filter.addItem(self.tr("All stations"), "")
        for station in self._stations():
            self.station_filter.addItem(station, station)  # untranslated: a station's id
        self.station_filter.setCurrentIndex(max(0, current))
        self.station_filter.blockSignals(False)
        self.table.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Station"),
                                              self.tr("Event"), self.tr("Field"),
                                              self.tr("Status")])
        self.table.setAccessibleName(self.tr("Capture-log events"))
        self.details.setAccessibleName(self.tr("Selected log entry"))
        self._refilter()

    def _stations(self) -> list[str]:
        return [log.station for log in self.package.logs] if self.package else []

    def show_package(self, package: VerifiedPackage | None) -> None:
        self.package = package
        self.events = list(package.timeline) if package else []
        self.station_filter.setCurrentIndex(0)
        self.retranslate()

    def _refilter(self) -> None:
        station = self.station_filter.currentData() or ""
        kinds = {k for k, box in self.kind_boxes.items() if box.isChecked()}
        problems = self.problems_only.isChecked()
        self.shown = [e for e in self.events if e.kind in kinds
                      and (not station or e.station == station)
                      and (not problems or e.status is not EntryStatus.VERIFIED)]
        self.strip.set_events(self.shown, self._stations())
        self._fill()

    def _fill(self) -> None:
        origin = min((e.wall_us for e in self.events), default=0)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.shown))
        for row, item in enumerate(self.shown):
            seconds = (item.wall_us - origin) / 1e6
            cells = [f"{seconds:9.3f} s", item.station, self._describe(item), item.field,
                     self.status_name(item.status)]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if column == 4:
                    cell.setIcon(tone_icon(_STATUS_TONES[item.status]))
                self.table.setItem(row, column, cell)
        self.table.blockSignals(False)
        self.details.setPlainText("")

    def _describe(self, item: TimelineEvent) -> str:
        data = item.data
        name = self.kind_name(item.kind)
        if item.kind is EventKind.PAGE:
            return self.tr("{0} {1} ({2} ms)").format(name, data.get("page", "?"),
                                                      data.get("shown_ms", "?"))
        if item.kind is EventKind.STROKE:
            return self.tr("{0}: {1} samples").format(name, item.samples)
        return f"{name} · {item.log_kind}"

    def select(self, item: TimelineEvent) -> None:
        """Select ``item`` (it must be shown) in the list and the strip."""
        if item in self.shown:
            self.table.setCurrentCell(self.shown.index(item), 0)

    def set_cursor(self, station: str, mono_us: float) -> None:
        """Mark the replay's position on the strip."""
        log = next((log for log in self.package.logs if log.station == station), None) \
            if self.package else None
        self.strip.cursor_wall_us = None if log is None else mono_us + log.wall_offset_us
        self.strip.update()

    def _row_changed(self, row: int, _column: int, _previous_row: int,
                     _previous_column: int) -> None:
        if not 0 <= row < len(self.shown):
            return
        item = self.shown[row]
        self.strip.selected = self.strip.events.index(item) if item in self.strip.events else -1
        self.strip.update()
        entry = self.package.entry(item.station, item.line) if self.package else None
        when = datetime.fromtimestamp(item.wall_us / 1e6, UTC).strftime(
            "%Y-%m-%d %H:%M:%S.%f UTC")
        lines = [self.tr("{0} at {1}, line {2} of its log").format(
                     self._describe(item), item.station, item.line),
                 self.tr("Time: {0} (session clock {1} µs)").format(when, item.mono_us),
                 self.tr("Verification: {0}").format(self.status_name(item.status))]
        if item.status_text:
            lines.append(item.status_text)
        if entry is not None:
            lines += ["", entry_text(entry)]
        self.details.setPlainText("\n".join(lines))
        self.event_selected.emit(item)
