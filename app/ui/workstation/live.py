"""The place of the live signing panel (ink as it is written, the camera, whose turn it is).

The panel itself arrives with the workstation-terminal link; until then this page says so and
shows nothing else.  The link's window code puts its panel in with :meth:`LivePlace.attach`
and brings it to the front with :meth:`LivePlace.bring_forward`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from app.ui.i18n import Retranslating
from app.ui.style import set_role

__all__ = ["LivePlace"]


class LivePlace(Retranslating, QWidget):
    """A page (a tab beside the document) reserved for the live signing panel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("live-place")
        self.placeholder = QLabel(self)
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_role(self.placeholder, "placeholder")
        self._column = QVBoxLayout(self)
        self._column.addWidget(self.placeholder)
        self.panel: QWidget | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.placeholder.setText(self.tr(
            "The live view of a signing (ink, camera, signing order) appears here once a "
            "terminal is linked to this workstation."))

    def title(self) -> str:
        return self.tr("Live signing")

    def attach(self, panel: QWidget) -> None:
        """Replace the placeholder with the live panel."""
        self.placeholder.hide()
        self.panel = panel
        panel.setParent(self)
        self._column.addWidget(panel)

    def bring_forward(self) -> None:
        """Show this page in front of the document."""
        tabs = self.parentWidget()
        while tabs is not None and not isinstance(tabs, QTabWidget):
            tabs = tabs.parentWidget()
        if tabs is not None:
            tabs.setCurrentWidget(self)
