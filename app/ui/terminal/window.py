"""The detention-room terminal: a full-screen kiosk in large type, Chinese first with English
one tap away, where each signatory reads the record, signs, presses a fingerprint and is
photographed.

``TerminalWindow(settings, station)`` follows a signing station (made by whoever owns the
devices and the capture log: the terminal command, the demo, the link's terminal side) and
offers :attr:`TerminalWindow.driver`, the :data:`~records.session_stations.TurnDriver` that
runs each turn through this window.  Hand it to a
:class:`~records.session_stations.LocalStation` (a terminal in this process) or to the
link's terminal side (a remote workstation); the window follows the station each turn is
run on.  A :class:`~app.ui.terminal.station.ScreenStation` gives it every pen sample and lets
a pen on the screen write; a plain station gives its ink in stroke batches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.settings import Settings
from app.ui.bridge import Bridge
from app.ui.errors import ErrorReporter
from app.ui.i18n import Localization, Retranslating, current_language
from app.ui.ops import OpRunner
from app.ui.style import BASE_POINT_SIZE, LARGE_TYPE_FACTOR, set_role
from app.ui.terminal.turn import TurnDesk
from app.ui.terminal.turn_panel import TurnPanel
from app.ui.widgets.pen_surface import SurfaceInput

if TYPE_CHECKING:  # the signing stack loads with the first station, not with the window
    from records.session import SigningStation
    from records.session_stations import TurnDriver

__all__ = ["TerminalWindow"]


class TerminalWindow(Retranslating, QMainWindow):
    """See the module docstring.  ``simulated``: the devices are simulated, so the mouse may
    write (and the window says so); ``large_type``: the kiosk's type size."""

    closed = Signal()
    ready = Signal()  # the terminal's parts are made and its link started (run_kiosk)

    def __init__(self, settings: Settings, station: SigningStation | None = None,
                 parent: QWidget | None = None, *, name: str | None = None,
                 simulated: bool | None = None, large_type: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("terminal-window")
        self.settings = settings
        self.name = name or (station.config.station if station is not None
                             else settings.station_id)
        self.simulated = (settings.devices.mode == "simulated") if simulated is None \
            else simulated
        self.bridge = Bridge(self)
        self.reporter = ErrorReporter(settings.log_path, self)
        self.op_runner = OpRunner(self.bridge, self.reporter, name="inkseal-terminal",
                                  parent=self)
        self.desk = TurnDesk(self.bridge, self)
        self._closed = False

        self.title = QLabel(self)
        set_role(self.title, "heading")
        self.state_label = QLabel(self)
        set_role(self.state_label, "hint")
        self.link_label = QLabel(self)
        self.link_label.setObjectName("link-state")
        set_role(self.link_label, "hint")
        self.link_label.hide()
        self.input_label = QLabel(self)
        self.input_box = QComboBox(self)
        self.input_label.setBuddy(self.input_box)
        for source in (None, SurfaceInput.TABLET, SurfaceInput.MOUSE):
            if source is SurfaceInput.MOUSE and not self.simulated:
                continue
            self.input_box.addItem("", source.value if source else "")
        self.language_button = QPushButton(self)
        self.language_button.setAutoDefault(False)
        self.language_button.clicked.connect(self.toggle_language)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.link_label)
        header.addWidget(self.state_label)
        header.addWidget(self.input_label)
        header.addWidget(self.input_box)
        header.addWidget(self.language_button)
        self.panel = TurnPanel(self.desk, self.bridge, self, input_choice=self.input_source,
                               mouse_allowed=self.simulated)
        self.panel.attach(station)
        self.simulated_band = QLabel(self)
        self.simulated_band.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.simulated_band.setStyleSheet("background: #fff4e5; color: #8a4b00; padding: 4px;")
        body = QWidget(self)
        column = QVBoxLayout(body)
        column.addLayout(header)
        column.addWidget(self.simulated_band)
        column.addWidget(self.panel, 1)
        self.setCentralWidget(body)
        self.toggle_language_action = QAction(self)
        self.toggle_language_action.setShortcut(QKeySequence("Ctrl+L"))
        self.toggle_language_action.triggered.connect(self.toggle_language)
        self.addAction(self.toggle_language_action)
        if large_type:
            # A sheet on the window, not setFont(): the application's style sheet would stop
            # the font from reaching the children; this reaches every one of them.
            self.setStyleSheet(f"QWidget {{ font-size: "
                               f"{BASE_POINT_SIZE * LARGE_TYPE_FACTOR:.1f}pt; }}")
        self.panel.screen_changed.connect(lambda _name: self._show_state())
        self.retranslate()
        self.resize(1024, 768)

    @property
    def station(self) -> SigningStation | None:
        """The station this window follows now."""
        return self.panel.station

    def attach_station(self, station: SigningStation) -> None:
        """Follow ``station`` from now on (a record's station, before it shows the record);
        safe from any thread."""
        self.panel.attach(station)
        self.bridge.post(self._named, station.config.station, context=self)

    def _named(self, name: str) -> None:
        if name != self.name:
            self.name = name
            self.retranslate()

    @property
    def driver(self) -> TurnDriver:
        """The turn driver of this window (call it on a worker thread)."""
        return self.desk.drive

    def input_source(self) -> SurfaceInput | None:
        """What the next signature is written with: None for the USB pad."""
        data = self.input_box.currentData()
        return SurfaceInput(data) if data else None

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Inkseal — Terminal {0}").format(self.name))
        self.title.setText(self.tr("Signing terminal {0}").format(self.name))
        self.input_label.setText(self.tr("&Write with:"))
        names = {"": self.tr("the signature pad"), SurfaceInput.TABLET.value: self.tr(
            "a pen on this screen"), SurfaceInput.MOUSE.value: self.tr("the mouse (simulated)")}
        for index in range(self.input_box.count()):
            self.input_box.setItemText(index, names[self.input_box.itemData(index)])
        self.input_box.setAccessibleName(self.tr("Input for the signature"))
        # Each language names itself: the button offers the other one.
        self.language_button.setText("English" if current_language() == "zh"  # untranslated:
                                     else "中文")  # untranslated: each language in itself
        self.toggle_language_action.setText(self.tr("Switch language"))
        self.simulated_band.setText(self.tr(
            "Simulated devices: nothing captured here is from real hardware, and every record "
            "says so."))
        self.simulated_band.setVisible(self.simulated)
        self._show_state()

    def _show_state(self) -> None:
        texts = {"waiting": self.tr("Waiting"), "reading": self.tr("Reading"),
                 "signing": self.tr("Signing"), "fingerprint": self.tr("Fingerprint"),
                 "photo": self.tr("Photo"), "done": self.tr("Done")}
        self.state_label.setText(texts.get(self.panel.screen, ""))

    def set_link_state(self, text: str | None) -> None:
        """What the link to the workstation says (None: no link, hidden)."""
        self.link_label.setVisible(text is not None)
        self.link_label.setText(text or "")

    def toggle_language(self) -> None:
        """Chinese ↔ English, for every window of this application."""
        Localization.of().set_language("en" if current_language() == "zh" else "zh")

    # -- closing --------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Call off a turn waiting here, stop the ops, close the bridge.  Idempotent; the
        station itself belongs to whoever made it."""
        if self._closed:
            return
        self._closed = True
        self.desk.close()
        self.op_runner.shutdown()
        self.bridge.close()
        self.closed.emit()
