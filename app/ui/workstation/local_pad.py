"""The workstation's own pad: signatories who are with the prosecutor (an appropriate adult at
the procuratorate, the recorder) sign here with the same screens as at the terminal.

:class:`LocalPadDialog` holds a :class:`~app.ui.terminal.turn_panel.TurnPanel` and its
:class:`~app.ui.terminal.turn.TurnDesk`; its :attr:`driver` runs the workstation pad's turns.
It opens when a turn begins here and closes when the turn has ended.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from app.ui.bridge import Bridge
from app.ui.i18n import Retranslating
from app.ui.terminal.turn import TurnDesk
from app.ui.terminal.turn_panel import TurnPanel

if TYPE_CHECKING:
    from records.session_stations import TurnDriver

__all__ = ["LocalPadDialog"]


class LocalPadDialog(Retranslating, QDialog):
    """See the module docstring.  Closing it while a turn waits cancels that turn."""

    def __init__(self, bridge: Bridge, parent: QWidget | None = None, *,
                 mouse_allowed: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("local-pad-dialog")
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.desk = TurnDesk(bridge, self)
        self.panel = TurnPanel(self.desk, bridge, self, mouse_allowed=mouse_allowed)
        column = QVBoxLayout(self)
        column.addWidget(self.panel)
        self.desk.started.connect(lambda _request: self._open())
        self.desk.ended.connect(lambda _outcome: self.hide())
        self.desk.cancelled.connect(lambda _reason: self.hide())
        self.retranslate()
        self.resize(900, 680)

    @property
    def driver(self) -> TurnDriver:
        return self.desk.drive

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Signing at this workstation's pad"))

    def _open(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()

    def reject(self) -> None:  # Esc or the close button: the turn is called off, logged
        if self.desk.active:
            self.desk.cancel("closed at the workstation")
        super().reject()

    def shutdown(self) -> None:
        self.desk.close()
