"""The place of the live signing panel (ink as it is written, the camera, whose turn it is).

The panel itself arrives with the workstation-terminal link; until then this dock says so
and shows nothing else.  The link's window code puts its panel in with :meth:`LiveDock.attach`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QWidget

from app.ui.i18n import Retranslating
from app.ui.style import set_role

__all__ = ["LiveDock"]


class LiveDock(Retranslating, QDockWidget):
    """A dock reserved for the live signing panel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("live-dock")
        self.setAllowedAreas(Qt.DockWidgetArea.RightDockWidgetArea
                             | Qt.DockWidgetArea.BottomDockWidgetArea)
        self.placeholder = QLabel(self)
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_role(self.placeholder, "placeholder")
        self.setWidget(self.placeholder)
        self.panel: QWidget | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Live signing"))
        self.placeholder.setText(self.tr(
            "The live view of a signing (ink, camera, signing order) appears here once a "
            "terminal is linked to this workstation."))

    def attach(self, panel: QWidget) -> None:
        """Replace the placeholder with the live panel."""
        self.panel = panel
        self.setWidget(panel)
