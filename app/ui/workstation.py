"""The prosecutor's workstation window."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from app.settings import Settings

__all__ = ["WorkstationWindow"]


class WorkstationWindow(QMainWindow):
    """Cases, records and templates of this workstation."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(self.tr("Inkseal — Workstation"))
        body = QWidget(self)
        layout = QVBoxLayout(body)
        self.station_label = QLabel(self.tr("Station: {0}").format(settings.station_id), body)
        self.database_label = QLabel(self.tr("Database: {0}").format(settings.database_url), body)
        layout.addWidget(self.station_label)
        layout.addWidget(self.database_label)
        layout.addStretch(1)
        self.setCentralWidget(body)
        self.resize(1100, 720)
