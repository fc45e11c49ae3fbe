"""The prosecutor's workstation: cases, their persons and records, drafting from templates."""

from app.ui.workstation.window import WorkstationWindow

__all__ = ["WorkstationWindow"]
